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
// semantic problems are all reported (at most 20 lines, then "FILE: N more errors"). Text is
// UTF-8: a file that is not is refused at its first bad byte, before parsing (`byte 0xe9 is not
// UTF-8: ...`); a string field that is not (an escape such as "\xd5" writes one byte) is refused
// at that field, every such field and nothing else, since other messages would quote it. So the
// text a Scenario takes from the file is UTF-8 (a default name, taken from the path, need not
// be), and a message is UTF-8 but for FILE, the path as given (text quoted from the file is
// escaped, util/quoted.h). A path that cannot be read as a scenario gives
// one `FILE: what is wrong` line (see ReadScenarioFile). The CLI turns any error into exit
// status 2.
#ifndef SWARMSIM_SCENARIOS_LOADER_H_
#define SWARMSIM_SCENARIOS_LOADER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scenarios/scenario.h"

namespace scenarios {

// The largest scenario file read. A library scenario is a few KB; the limit keeps a mistaken
// path (a log, an image) from costing seconds and gigabytes before it is refused.
inline constexpr size_t kScenarioFileMaxBytes = size_t{4} * 1024 * 1024;  // 4 MiB

// The bytes of the scenario file at `path`, through util/regular_file.h (shared with viz's trace
// reader). Only a regular file of at most kScenarioFileMaxBytes is read; a FIFO, device or socket
// is refused without being opened (a FIFO would block, /dev/zero never ends). Each error is one
// line saying what is wrong:
// `FILE: no such file` (NotFound), `FILE: permission denied` (PermissionDenied),
// `FILE: is a directory, ...`, `FILE: is not a regular file (...)`, `FILE: is larger than
// the 4 MiB ...` (InvalidArgument), or `FILE: cannot read file (REASON)`.
absl::StatusOr<std::string> ReadScenarioFile(const std::string& path);

// Reads and validates the file at `path`; `path` is also the FILE of every message and
// Scenario::file.
absl::StatusOr<Scenario> LoadScenario(const std::string& path);

// Validates `text` as if it had been read from `display_path` (tests, stdin, generated text).
absl::StatusOr<Scenario> ParseScenario(absl::string_view text, absl::string_view display_path);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_LOADER_H_
