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

// A name with a byte that is not UTF-8 gave a message that was not UTF-8 either.
TEST(QuotedTest, BytesThatAreNotUtf8AreEscaped) {
  EXPECT_EQ(Quoted("bad\xd5"), "\"bad\\xd5\"");
  EXPECT_EQ(Quoted("\xe2\x82 \xc0\xaf \xed\xa0\x80"),
            "\"\\xe2\\x82 \\xc0\\xaf \\xed\\xa0\\x80\"");
  EXPECT_EQ(Quoted("\xe2\x82\xac"), "\"\xe2\x82\xac\"");  // the euro sign stays
}

}  // namespace
}  // namespace util
