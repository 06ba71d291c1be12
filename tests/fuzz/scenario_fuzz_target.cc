// libFuzzer target: scenario file text -> validated Scenario, the path every CLI command takes
// (scenarios/limits.h LoadScenarioWithinLimits, minus the file read: ParseScenario, then
// CheckResourceLimits). Beyond "never crashes" it checks the loader's contracts, so that a
// wrong answer is a finding too:
//   - an error is InvalidArgument, and every line of it starts with the file name and says
//     something (`FILE:LINE:COL: message`, `FILE: N more errors`), at most 21 lines, all of it
//     valid UTF-8 (it is printed, and written into JUnit XML);
//   - a scenario that validates holds UTF-8 text only: its name, description, expectation names
//     and known failures, which reach the JSON, XML and terminal output as they are;
//   - a scenario that validates round-trips: ParseScenario(ScenarioText(s)) gives back `s`
//     (scenarios/scenario_text.h) and is within the same limits.
// Any violation aborts, which libFuzzer reports as a crash with the input saved.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "scenarios/limits.h"
#include "scenarios/loader.h"
#include "scenarios/scenario_text.h"
#include "util/utf8.h"

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
  if (!util::IsValidUtf8(std::string_view(status.message().data(), status.message().size()))) {
    Fail("error is not UTF-8", status.message());
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

// The loader refuses a file whose strings are not UTF-8 (an escape such as "\xd5" writes a lone
// byte): the text a validated scenario passes on is UTF-8.
void CheckTextIsUtf8(const scenarios::Scenario& s) {
  std::vector<const std::string*> text = {&s.name, &s.description};
  for (const scenarios::Expectation& e : s.expectations) text.push_back(&e.name);
  for (const std::string& f : s.explore.known_failures) text.push_back(&f);
  for (const std::string* t : text) {
    if (!util::IsValidUtf8(*t)) Fail("a validated scenario holds text that is not UTF-8", *t);
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
  CheckTextIsUtf8(*loaded);
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
