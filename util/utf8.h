// UTF-8, byte by byte: what the writers of text that leaves the program (JSON, XML, terminal,
// messages) need to decide, per character, whether to pass it through, escape it or replace it,
// and what the scenario loader needs to refuse text that is not UTF-8.
#ifndef SWARMSIM_UTIL_UTF8_H_
#define SWARMSIM_UTIL_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace util {

// One step of a walk over text: the character starting at text[i].
struct Utf8Char {
  // Bytes taken, 1 to 4; 1 for a byte that is not UTF-8.
  size_t size = 1;
  // The code point, or the byte itself when !valid.
  uint32_t code_point = 0;
  // False for a byte that does not start a well-formed sequence (RFC 3629): a stray
  // continuation byte, 0xC0, 0xC1 or 0xF5-0xFF, an overlong form, a surrogate (U+D800-U+DFFF),
  // a code point above U+10FFFF, or a sequence cut short. Such a byte is one invalid character
  // on its own: a writer replaces or escapes each one (a cut sequence "\xe2\x82" is two).
  bool valid = false;
};

// The character starting at text[i]. REQUIRES: i < text.size().
Utf8Char DecodeUtf8(std::string_view text, size_t i);

// The offset of the first byte that is not part of well-formed UTF-8, or text.size() when
// there is none.
size_t FirstInvalidUtf8(std::string_view text);

inline bool IsValidUtf8(std::string_view text) { return FirstInvalidUtf8(text) == text.size(); }

// C0 controls, DEL and the C1 controls (U+0080-U+009F; a terminal may take U+009B as "CSI"):
// what a writer for people or for a terminal must not send raw.
inline bool IsControl(uint32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f);
}

}  // namespace util

#endif  // SWARMSIM_UTIL_UTF8_H_
