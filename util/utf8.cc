#include "util/utf8.h"

namespace util {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

}  // namespace

Utf8Char DecodeUtf8(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  Utf8Char invalid;
  invalid.code_point = lead;
  if (lead < 0x80) return Utf8Char{1, lead, true};
  // The sequence length, the lead byte's payload, and the range of the second byte: narrower
  // than 0x80-0xBF after E0 (overlong), ED (surrogates), F0 (overlong) and F4 (> U+10FFFF).
  size_t size = 0;
  uint32_t code_point = 0;
  unsigned char second_lo = 0x80;
  unsigned char second_hi = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    size = 2;
    code_point = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    size = 3;
    code_point = lead & 0x0f;
    if (lead == 0xe0) second_lo = 0xa0;
    if (lead == 0xed) second_hi = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    size = 4;
    code_point = lead & 0x07;
    if (lead == 0xf0) second_lo = 0x90;
    if (lead == 0xf4) second_hi = 0x8f;
  } else {
    return invalid;
  }
  if (text.size() - i < size) return invalid;
  if (byte(1) < second_lo || byte(1) > second_hi) return invalid;
  for (size_t k = 1; k < size; ++k) {
    if (!IsContinuation(byte(k))) return invalid;
    code_point = (code_point << 6) | (byte(k) & 0x3f);
  }
  return Utf8Char{size, code_point, true};
}

size_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII runs are most text: skip them without decoding.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Char c = DecodeUtf8(text, i);
    if (!c.valid) return i;
    i += c.size;
  }
  return text.size();
}

}  // namespace util
