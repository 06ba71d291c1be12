#include "viz/trace_file.h"

#include <utility>

#include "util/regular_file.h"
#include "viz/json_lines.h"

namespace swarmsim {
namespace viz {

bool LoadTraceText(std::string_view text, const std::string& display, LoadedTrace* out,
                   std::string* error) {
  *out = LoadedTrace();
  JsonLines read = ReadJsonLines(text);
  if (!read.ok()) {
    *error = display + ":" + std::to_string(read.error_line) + ": " + read.error;
    return false;
  }
  TraceError trace_error;
  if (!BuildTimeline(read.lines, &out->timeline, &trace_error)) {
    *error = trace_error.line > 0
                 ? display + ":" + std::to_string(trace_error.line) + ": " + trace_error.message
                 : display + ": " + trace_error.message;
    return false;
  }
  if (read.cut_line > 0) {
    out->warning = display + ":" + std::to_string(read.cut_line) +
                   ": the last record is cut short (" + read.cut_error +
                   "; was the run killed?): shown up to line " +
                   std::to_string(read.lines.back().line) + ", the last complete record";
  }
  return true;
}

bool LoadTraceFile(const std::string& path, size_t max_bytes, LoadedTrace* out,
                   std::string* error) {
  const absl::StatusOr<std::string> text =
      ReadRegularFile(path, FileKind{"a trace file", "traces", max_bytes});
  if (!text.ok()) {
    *error = std::string(text.status().message());
    return false;
  }
  return LoadTraceText(*text, path, out, error);
}

}  // namespace viz
}  // namespace swarmsim
