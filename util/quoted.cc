#include "util/quoted.h"

#include "absl/strings/str_format.h"
#include "util/utf8.h"

namespace util {

std::string Quoted(absl::string_view absl_text) {
  const std::string_view text(absl_text.data(), absl_text.size());
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const Utf8Char c = DecodeUtf8(text, i);
    if (c.code_point == '"' || c.code_point == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c.code_point));
    } else if (c.code_point == '\n') {
      out += "\\n";
    } else if (c.code_point == '\t') {
      out += "\\t";
    } else if (!c.valid || c.code_point < 0x20 || c.code_point == 0x7f) {
      out += absl::StrFormat("\\x%02x", c.code_point);
    } else {
      out.append(text.data() + i, c.size);
    }
    i += c.size;
  }
  out.push_back('"');
  return out;
}

}  // namespace util
