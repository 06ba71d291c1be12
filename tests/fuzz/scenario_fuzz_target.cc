// libFuzzer target: scenario file text -> validated Scenario, the path every CLI command takes
// (scenarios/limits.h LoadScenarioWithinLimits, minus the file read: ParseScenario, then
// CheckResourceLimits). Beyond "never crashes" it checks the loader's contracts, so that a
// wrong answer is a finding too:
//   - an error is InvalidArgument, and every line of it starts with the file name and says
//     something (`FILE:LINE:COL: message`, `FILE: N more errors`), at most 21 lines;
//   - a scenario that validates round-trips: ParseScenario(ScenarioText(s)) gives back `s`
//     (scenarios/scenario_text.h) and is within the same limits.
// Any violation aborts, which libFuzzer reports as a crash with the input saved.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "scenarios/limits.h"
#include "scenarios/loader.h"
#include "scenarios/scenario_text.h"

namespace {

constexpr absl::string_view kFile = "fuzz.textproto";

[[noreturn]] void Fail(absl::string_view what, absl::string_view detail) {
  std::fprintf(stderr, "scenario_fuzz_target: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// An error the CLI prints and exits 2 with: one non-empty line per problem, each naming the file.
void CheckErrorShape(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    Fail("error is not InvalidArgument", status.ToString());
  }
  const std::vector<absl::string_view> lines = absl::StrSplit(status.message(), '\n');
  if (lines.size() > 21) Fail("more than 20 error lines plus the count", status.message());
  for (absl::string_view line : lines) {
    if (!absl::StartsWith(line, kFile) || line.size() <= kFile.size() + 2 ||
        line[kFile.size()] != ':') {
      Fail("error line does not start with FILE:", status.message());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<scenarios::Scenario> loaded = scenarios::ParseScenario(text, kFile);
  if (!loaded.ok()) {
    CheckErrorShape(loaded.status());
    return 0;
  }
  const absl::Status limits = scenarios::CheckResourceLimits(*loaded);
  if (!limits.ok()) CheckErrorShape(limits);

  const std::string written = scenarios::ScenarioText(*loaded);
  const absl::StatusOr<scenarios::Scenario> again = scenarios::ParseScenario(written, kFile);
  if (!again.ok()) Fail("ScenarioText of a valid scenario does not load", again.status().ToString());
  const std::string difference = scenarios::DescribeDifference(*loaded, *again);
  if (!difference.empty()) Fail("ScenarioText does not round-trip", difference);
  if (scenarios::CheckResourceLimits(*again).ok() != limits.ok()) {
    Fail("ScenarioText changes the resource limits' verdict", written);
  }
  return 0;
}
