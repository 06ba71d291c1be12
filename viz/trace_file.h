// Reading a trace for the viz tools: the file (only a regular file of bounded size, through
// util/regular_file.h), its JSON Lines, and the Timeline built from them. One reader for every
// output (the HTML page, Perfetto JSON) and for `swarmsim run --perfetto`, which hands over the
// trace's text without a file.
#ifndef SWARMSIM_VIZ_TRACE_FILE_H_
#define SWARMSIM_VIZ_TRACE_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {

// The largest trace file read unless the caller says otherwise (--max-bytes): the reader holds
// about ten times the file in memory, and a mistaken path (/dev/zero, a FIFO, a huge log) must be
// refused, not read until memory runs out.
inline constexpr size_t kTraceFileMaxBytes = size_t{1024} * 1024 * 1024;  // 1 GiB

struct LoadedTrace {
  Timeline timeline;
  // Set when the trace's last record was cut (a killed run): one line saying so, naming the
  // trace, the cut line and the last record drawn. The timeline holds every record before it.
  std::string warning;
};

// Builds the timeline of the JSON Lines `text`, read from `display` (the name messages give).
// On bad input returns false with `DISPLAY:LINE: message` (or `DISPLAY: message`) in `error`.
bool LoadTraceText(std::string_view text, const std::string& display, LoadedTrace* out,
                   std::string* error);

// Reads the file at `path` (a regular file of at most `max_bytes`) and builds its timeline. On
// failure returns false with the message in `error`: what is wrong with the path (`PATH: no
// such file`, `PATH: is not a regular file ...`) or with its contents (as LoadTraceText).
bool LoadTraceFile(const std::string& path, size_t max_bytes, LoadedTrace* out,
                   std::string* error);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_TRACE_FILE_H_
