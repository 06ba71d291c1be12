#include "util/utf8.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace util {
namespace {

TEST(Utf8Test, DecodesEveryWellFormedLength) {
  const std::string text = "a\xc2\xb5\xe2\x82\xac\xf0\x9f\x90\xb3";  // a, µ, €, 🐳
  // Each: where a character starts, its size, its code point.
  const struct {
    size_t at;
    size_t size;
    uint32_t code_point;
  } chars[] = {{0, 1, 0x61}, {1, 2, 0xb5}, {3, 3, 0x20ac}, {6, 4, 0x1f433}};
  for (const auto& want : chars) {
    const Utf8Char c = DecodeUtf8(text, want.at);
    EXPECT_TRUE(c.valid) << want.at;
    EXPECT_EQ(c.size, want.size) << want.at;
    EXPECT_EQ(c.code_point, want.code_point) << want.at;
  }
  EXPECT_TRUE(IsValidUtf8(text));
  // The edges of the ranges RFC 3629 allows.
  EXPECT_TRUE(IsValidUtf8("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"));
  EXPECT_TRUE(IsValidUtf8("\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul \0 is a character", 21)));
}

TEST(Utf8Test, EveryKindOfMalformedByteIsInvalidOnItsOwn) {
  // Each: the text, the offset of its first invalid byte.
  const std::pair<std::string, size_t> cases[] = {
      {"bad\xd5", 3},               // a lead byte at the end (the fuzzer's find)
      {"x\x80y", 1},                // a stray continuation byte
      {"\xc0\xaf", 0},              // overlong '/'
      {"\xc1\xbf", 0},              // overlong
      {"\xe0\x80\xaf", 0},          // overlong, 3 bytes
      {"\xf0\x80\x80\xaf", 0},      // overlong, 4 bytes
      {"ok\xed\xa0\x80", 2},        // a surrogate (U+D800)
      {"\xf4\x90\x80\x80", 0},      // above U+10FFFF
      {"\xf5\x80\x80\x80", 0},      // no such lead byte
      {"\xff", 0},                  // nor this
      {"\xe2\x82", 0},              // cut short
      {"\xe2\x82z", 0},             // cut short before ASCII
      {"\xc2\xb5\xf0\x9f\x90", 2},  // a good character, then a cut one
  };
  for (const auto& [text, offset] : cases) {
    EXPECT_FALSE(IsValidUtf8(text)) << text;
    EXPECT_EQ(FirstInvalidUtf8(text), offset) << text;
    const Utf8Char c = DecodeUtf8(text, offset);
    EXPECT_FALSE(c.valid) << text;
    EXPECT_EQ(c.size, 1u) << text;
    EXPECT_EQ(c.code_point, static_cast<unsigned char>(text[offset])) << text;
  }
}

TEST(Utf8Test, ControlsAreC0DelAndC1) {
  EXPECT_TRUE(IsControl(0x00));
  EXPECT_TRUE(IsControl(0x1b));
  EXPECT_TRUE(IsControl(0x7f));
  EXPECT_TRUE(IsControl(0x9b));
  EXPECT_FALSE(IsControl(' '));
  EXPECT_FALSE(IsControl('~'));
  EXPECT_FALSE(IsControl(0xa0));
  EXPECT_FALSE(IsControl(0x20ac));
}

}  // namespace
}  // namespace util
