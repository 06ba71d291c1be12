#include "util/json_string.h"

#include <string>

#include "gtest/gtest.h"
#include "util/utf8.h"

namespace util {
namespace {

TEST(JsonStringTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonString("plain text"), "\"plain text\"");
  EXPECT_EQ(JsonString("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  EXPECT_EQ(JsonString(std::string("\0\x07\x1b[2J\x7f", 7)),
            "\"\\u0000\\u0007\\u001b[2J\\u007f\"");
  EXPECT_EQ(JsonString("csi \xc2\x9b end"), "\"csi \\u009b end\"");  // C1, UTF-8 encoded
  EXPECT_EQ(JsonString(""), "\"\"");
}

TEST(JsonStringTest, WellFormedUtf8PassesThrough) {
  EXPECT_EQ(JsonString("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \xc2\xa0"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \xc2\xa0\"");
}

// `run --json` wrote a name holding the byte 0xd5 raw: the summary was not UTF-8, so not JSON.
TEST(JsonStringTest, EveryByteThatIsNotUtf8BecomesTheReplacementCharacter) {
  EXPECT_EQ(JsonString("bad\xd5"), "\"bad\\ufffd\"");
  EXPECT_EQ(JsonString("\xe2\x82 cut, \xc0\xaf overlong, \xed\xa0\x80 surrogate, \xff"),
            "\"\\ufffd\\ufffd cut, \\ufffd\\ufffd overlong, \\ufffd\\ufffd\\ufffd surrogate, "
            "\\ufffd\"");
  // Whatever the bytes, the result is valid UTF-8.
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  EXPECT_TRUE(IsValidUtf8(JsonString(every_byte)));
  EXPECT_TRUE(IsValidUtf8(JsonString(every_byte + every_byte.substr(0xc0))));
}

TEST(JsonStringTest, AppendsToWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonString(&out, "v\xd5");
  out += "}";
  EXPECT_EQ(out, "{\"k\":\"v\\ufffd\"}");
}

}  // namespace
}  // namespace util
