// Loads a scenario file (protobuf text format, schema scenarios/scenario.proto, spec
// SCENARIO_FORMAT.md) and validates all of it before anything runs.
//
// The result is a scenarios::Scenario with every default filled in and every guarantee of
// scenario.h established. Nothing is simulated here and nothing depends on the clock or the
// environment: the same text always gives the same result.
//
// Errors are one absl::InvalidArgumentError whose message holds one line per problem, sorted by
// position, each `FILE:LINE:COL: what is wrong` (1-based; the line and column of the offending
// field as protobuf's parser records them, or of the enclosing message when a field is missing,
// or 1:1 for a missing top-level field). A syntax error stops the parse, so it is reported alone;
// semantic problems are all reported (at most 20 lines, then "FILE: N more errors"). A file that
// cannot be read gives NotFoundError `FILE: cannot read file`. The CLI turns any error into
// exit status 2.
#ifndef SWARMSIM_SCENARIOS_LOADER_H_
#define SWARMSIM_SCENARIOS_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scenarios/scenario.h"

namespace scenarios {

// Reads and validates the file at `path`; `path` is also the FILE of every message and
// Scenario::file.
absl::StatusOr<Scenario> LoadScenario(const std::string& path);

// Validates `text` as if it had been read from `display_path` (tests, stdin, generated text).
absl::StatusOr<Scenario> ParseScenario(absl::string_view text, absl::string_view display_path);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_LOADER_H_
