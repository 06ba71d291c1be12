// Quoted: a piece of a user's file inside a message, safe for a terminal, a log and one line.
#ifndef SWARMSIM_UTIL_QUOTED_H_
#define SWARMSIM_UTIL_QUOTED_H_

#include <string>

#include "absl/strings/string_view.h"

namespace util {

// "\"text\"" with quotes and backslashes escaped, and control characters as \n, \t or \xHH,
// as a textproto file could write them: a message quoting a file's text stays one line and
// sends nothing raw to a terminal (an "\x1b[2J" would clear it). Bytes >= 0x80 pass through:
// names are UTF-8.
std::string Quoted(absl::string_view text);

}  // namespace util

#endif  // SWARMSIM_UTIL_QUOTED_H_
