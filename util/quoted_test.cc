#include "util/quoted.h"

#include "gtest/gtest.h"

namespace util {
namespace {

TEST(QuotedTest, ControlCharactersAreEscapedAndTheResultIsOneLine) {
  EXPECT_EQ(Quoted("1.5\ns"), "\"1.5\\ns\"");
  EXPECT_EQ(Quoted("a\tb\x1b[2J"), "\"a\\tb\\x1b[2J\"");
  EXPECT_EQ(Quoted("say \"hi\" \\ 7f:\x7f"), "\"say \\\"hi\\\" \\\\ 7f:\\x7f\"");
}

TEST(QuotedTest, Utf8PassesThrough) { EXPECT_EQ(Quoted("\xc2\xb5s"), "\"\xc2\xb5s\""); }

}  // namespace
}  // namespace util
