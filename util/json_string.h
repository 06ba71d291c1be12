// JSON string literals: the one quoting function of every JSON the program writes (the trace's
// JSON Lines, `run --json`'s summary, explore's summary, viz's Perfetto and ShiViz exports).
#ifndef SWARMSIM_UTIL_JSON_STRING_H_
#define SWARMSIM_UTIL_JSON_STRING_H_

#include <string>
#include <string_view>

namespace util {

// Appends `text` as a JSON string literal, quotes included. The output is always valid JSON
// and valid UTF-8, whatever `text` holds:
//   - `"` and `\` are escaped; newline, carriage return and tab are written \n, \r, \t;
//   - every other control character (C0, DEL and the UTF-8 encoded C1 controls
//     U+0080-U+009F, util::IsControl) is written \u00XX, so printing the JSON cannot drive a
//     terminal;
//   - each byte that is not part of well-formed UTF-8 (util/utf8.h) is written \ufffd (U+FFFD,
//     the replacement character): JSON has no way to write a byte, and an invalid sequence
//     would make the whole document invalid;
//   - everything else (ASCII, well-formed UTF-8) passes through unchanged.
// Names are UTF-8 (the loader refuses anything else); paths and trace files read back need not be.
void AppendJsonString(std::string* out, std::string_view text);

// The same, as a new string.
std::string JsonString(std::string_view text);

}  // namespace util

#endif  // SWARMSIM_UTIL_JSON_STRING_H_
