#include "util/json_string.h"

#include "util/utf8.h"

namespace util {
namespace {

// Printable ASCII other than the two characters JSON escapes: the bytes copied as they are.
bool IsPlainAscii(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

void AppendHexEscape(std::string* out, uint32_t code_point) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(code_point >> shift) & 0xf]);
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    // Most text is plain ASCII: copy each run in one append.
    size_t run = i;
    while (run < text.size() && IsPlainAscii(static_cast<unsigned char>(text[run]))) ++run;
    out->append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    const Utf8Char c = DecodeUtf8(text, i);
    if (!c.valid) {
      out->append("\\ufffd");
    } else if (c.code_point == '"') {
      out->append("\\\"");
    } else if (c.code_point == '\\') {
      out->append("\\\\");
    } else if (c.code_point == '\n') {
      out->append("\\n");
    } else if (c.code_point == '\r') {
      out->append("\\r");
    } else if (c.code_point == '\t') {
      out->append("\\t");
    } else if (IsControl(c.code_point)) {
      AppendHexEscape(out, c.code_point);
    } else {
      out->append(text.data() + i, c.size);
    }
    i += c.size;
  }
  out->push_back('"');
}

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendJsonString(&out, text);
  return out;
}

}  // namespace util
