// libFuzzer target: trace file text -> JSON Lines -> Timeline, viz's one reader
// (viz/trace_file.h LoadTraceText, minus the file read), as the viz tool and
// `swarmsim run --perfetto` use it. Beyond "never crashes" it checks the reader's contract:
// an error names the trace (`DISPLAY:LINE: message` or `DISPLAY: message`), and a cut last
// record is a warning naming the trace, not an error. Violations abort (a libFuzzer crash).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "viz/trace_file.h"

namespace {

const std::string kDisplay = "fuzz.jsonl";

bool NamesTheTrace(const std::string& message) {
  return message.size() > kDisplay.size() + 2 && message.compare(0, kDisplay.size(), kDisplay) == 0 &&
         message[kDisplay.size()] == ':';
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "trace_fuzz_target: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  swarmsim::viz::LoadedTrace loaded;
  std::string error;
  if (!swarmsim::viz::LoadTraceText(text, kDisplay, &loaded, &error)) {
    if (!NamesTheTrace(error)) Fail("error does not start with DISPLAY:", error);
    return 0;
  }
  if (!error.empty()) Fail("error set on success", error);
  if (!loaded.warning.empty() && !NamesTheTrace(loaded.warning)) {
    Fail("warning does not start with DISPLAY:", loaded.warning);
  }
  return 0;
}
