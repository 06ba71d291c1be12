#include "viz/json_lines.h"


#include "gtest/gtest.h"

namespace swarmsim {
namespace viz {
namespace {

TEST(JsonLinesTest, ParsesATraceRecord) {
  JsonObject o;
  ASSERT_EQ(ParseJsonObject(R"({"t_ns":17012011412,"seq":450,"host":-1,"kind":"raft.state",)"
                            R"("role":"leader","digest":-9223372036854775808})",
                            &o),
            "");
  ASSERT_EQ(o.fields().size(), 6u);
  EXPECT_EQ(o.fields()[0].first, "t_ns");
  EXPECT_EQ(o.GetInt("t_ns"), 17012011412);
  EXPECT_EQ(o.GetInt("host"), -1);
  EXPECT_EQ(o.GetString("kind"), "raft.state");
  EXPECT_EQ(o.GetInt("digest"), INT64_MIN);
  EXPECT_TRUE(o.HasString("role"));
  EXPECT_FALSE(o.HasInt("role"));
  EXPECT_EQ(o.GetInt("role", 7), 7);
  EXPECT_EQ(o.GetString("missing", "dflt"), "dflt");
  EXPECT_EQ(o.Find("missing"), nullptr);
}

TEST(JsonLinesTest, AcceptsWhitespaceAndEmptyObject) {
  JsonObject o;
  EXPECT_EQ(ParseJsonObject("  { \"a\" : 1 ,\t\"b\":\"x\" }  ", &o), "");
  EXPECT_EQ(o.GetInt("a"), 1);
  JsonObject empty;
  EXPECT_EQ(ParseJsonObject("{}", &empty), "");
  EXPECT_TRUE(empty.fields().empty());
}

TEST(JsonLinesTest, DecodesEscapes) {
  JsonObject o;
  ASSERT_EQ(ParseJsonObject(R"({"s":"a\"b\\c\/d\n\t\u0041\u00e9\u20ac\ud83d\ude00"})", &o), "");
  EXPECT_EQ(o.GetString("s"), "a\"b\\c/d\n\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  JsonObject raw;
  ASSERT_EQ(ParseJsonObject("{\"s\":\"It's \xc3\xa9\"}", &raw), "");
  EXPECT_EQ(raw.GetString("s"), "It's \xc3\xa9");
}

TEST(JsonLinesTest, IntegerLimits) {
  JsonObject o;
  EXPECT_EQ(ParseJsonObject(R"({"a":9223372036854775807,"b":0,"c":-0})", &o), "");
  EXPECT_EQ(o.GetInt("a"), INT64_MAX);
  JsonObject big;
  EXPECT_EQ(ParseJsonObject(R"({"a":9223372036854775808})", &big), "column 6: integer out of range");
  JsonObject small;
  EXPECT_EQ(ParseJsonObject(R"({"a":-9223372036854775809})", &small),
            "column 6: integer out of range");
}

std::string Error(const std::string& text) {
  JsonObject o;
  return ParseJsonObject(text, &o);
}

TEST(JsonLinesTest, RejectsMalformedLines) {
  EXPECT_EQ(Error(""), "column 1: expected '{' (each line must be one JSON object)");
  EXPECT_EQ(Error("[1]"), "column 1: expected '{' (each line must be one JSON object)");
  EXPECT_EQ(Error("{\"a\":1"), "column 7: expected ',' or '}'");
  EXPECT_EQ(Error("{\"a\" 1}"), "column 6: expected ':' after key \"a\"");
  EXPECT_EQ(Error("{a:1}"), "column 2: expected a quoted key");
  EXPECT_EQ(Error("{\"a\":1,}"), "column 8: expected a quoted key");
  EXPECT_EQ(Error("{\"a\":}"), "column 6: expected a string or an integer value");
  EXPECT_EQ(Error("{\"a\":"), "column 6: expected a value, found end of line");
  EXPECT_EQ(Error("{\"a\":\"x}"), "column 9: unterminated string");
  EXPECT_EQ(Error("{\"a\":{\"b\":1}}"), "column 6: nested objects and arrays are not supported");
  EXPECT_EQ(Error("{\"a\":[1]}"), "column 6: nested objects and arrays are not supported");
  EXPECT_EQ(Error("{\"a\":1.5}"), "column 7: only integers are supported");
  EXPECT_EQ(Error("{\"a\":1e3}"), "column 7: only integers are supported");
  EXPECT_EQ(Error("{\"a\":true}"), "column 6: expected a string or an integer value");
  EXPECT_EQ(Error("{\"a\":null}"), "column 6: expected a string or an integer value");
  EXPECT_EQ(Error("{\"a\":01}"), "column 6: leading zeros are not allowed");
  EXPECT_EQ(Error("{\"a\":-}"), "column 7: expected a digit");
  EXPECT_EQ(Error("{\"a\":1,\"a\":2}"), "column 8: duplicate key \"a\"");
  EXPECT_EQ(Error("{\"a\":\"\\x\"}"), "column 8: invalid escape '\\x'");
  EXPECT_EQ(Error("{\"a\":\"\\u12g4\"}"), "column 11: expected 4 hex digits after \\u");
  EXPECT_EQ(Error("{\"a\":\"\\udc00\"}"), "column 13: unpaired surrogate");
  EXPECT_EQ(Error("{\"a\":\"x\ty\"}"), "column 8: control character in string");
  EXPECT_EQ(Error("{\"a\":1} x"), "column 9: unexpected text after the object");
  EXPECT_EQ(Error("{\"a\":1}{\"b\":2}"), "column 8: unexpected text after the object");
}

TEST(JsonLinesTest, ReadsLinesSkippingBlankOnes) {
  const JsonLines read = ReadJsonLines("{\"a\":1}\n\n  \r\n{\"a\":2}\r\n{\"a\":3}");
  ASSERT_TRUE(read.ok()) << read.error;
  const std::vector<JsonLine>& lines = read.lines;
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].line, 1);
  EXPECT_EQ(lines[1].line, 4);
  EXPECT_EQ(lines[1].object.GetInt("a"), 2);
  EXPECT_EQ(lines[2].line, 5);
  EXPECT_EQ(read.cut_line, 0);  // a complete last record without a newline is not cut
}

TEST(JsonLinesTest, ReportsTheFirstMalformedLine) {
  const JsonLines read = ReadJsonLines("{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":x}\n");
  EXPECT_FALSE(read.ok());
  EXPECT_EQ(read.error_line, 3);
  EXPECT_EQ(read.error, "column 6: expected a value, found end of line");
  EXPECT_EQ(read.lines.size(), 2u);
}

// A killed run leaves its last record half written, with no newline after it: the records before
// it are read and the cut one is set aside, not reported as malformed.
TEST(JsonLinesTest, UnterminatedBadLastLineIsACutRecordNotAnError) {
  const JsonLines read = ReadJsonLines("{\"a\":1}\n{\"a\":2}\n{\"a\":3,\"kin");
  EXPECT_TRUE(read.ok()) << read.error;
  ASSERT_EQ(read.lines.size(), 2u);
  EXPECT_EQ(read.lines[1].object.GetInt("a"), 2);
  EXPECT_EQ(read.cut_line, 3);
  EXPECT_EQ(read.cut_error, "column 12: unterminated string");
}

// The same bad line followed by a newline was written whole: it is malformed, not cut.
TEST(JsonLinesTest, TerminatedBadLastLineIsAnError) {
  const JsonLines read = ReadJsonLines("{\"a\":1}\n{\"a\":3,\"kin\n");
  EXPECT_FALSE(read.ok());
  EXPECT_EQ(read.error_line, 2);
  EXPECT_EQ(read.cut_line, 0);
}

}  // namespace
}  // namespace viz
}  // namespace swarmsim
