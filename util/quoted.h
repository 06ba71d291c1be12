// Quoted: a piece of a user's file inside a message, safe for a terminal, a log and one line.
#ifndef SWARMSIM_UTIL_QUOTED_H_
#define SWARMSIM_UTIL_QUOTED_H_

#include <string>

#include "absl/strings/string_view.h"

namespace util {

// "\"text\"" with quotes and backslashes escaped, and control characters as \n, \t or \xHH,
// as a textproto file could write them: a message quoting a file's text stays one line and
// sends nothing raw to a terminal (an "\x1b[2J" would clear it). Well-formed UTF-8 passes
// through; a byte that is not part of it (util/utf8.h) is written \xHH too, so the message is
// valid UTF-8 and shows the byte the file holds.
std::string Quoted(absl::string_view text);

}  // namespace util

#endif  // SWARMSIM_UTIL_QUOTED_H_
