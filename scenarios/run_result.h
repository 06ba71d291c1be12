// What one scenario run produced: the verdicts, the leaders, the figures. Filled by the runner,
// read by the report printer, the summary JSON writer, `check` and JUnit output. Plain data.
#ifndef SWARMSIM_SCENARIOS_RUN_RESULT_H_
#define SWARMSIM_SCENARIOS_RUN_RESULT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace scenarios {

struct ExpectationResult {
  std::string name;
  bool passed = false;
  // For `eventually`: the simulated time it first held; for `always`: the time it first failed
  // (or -1 when it never did). -1 when not applicable.
  int64_t at_ns = -1;
  std::string detail;
};

struct InvariantResult {
  std::string name;
  bool passed = true;
  std::string detail;
};

struct LeaderChange {
  uint64_t term = 0;
  std::string node;  // host name, e.g. "m2"
  int64_t at_ns = 0;
};

// One line of the human-readable timeline (faults, leader changes, node status changes, steps).
struct TimelineEntry {
  int64_t at_ns = 0;
  std::string what;
};

struct RunResult {
  std::string scenario;  // the scenario's `name`
  std::string file;      // the path it was loaded from
  uint64_t seed = 0;
  bool passed = false;
  int64_t sim_time_ns = 0;
  uint64_t events = 0;
  int64_t wall_ns = 0;  // measured by the CLI, outside the simulation
  uint64_t digest = 0;
  std::string golden_digest;  // as pinned in the file; empty when none
  // The seed the pinned digest belongs to (the file's own `seed`). A run with another seed
  // (the CLI's --seed) is not compared with it: see CompareGolden.
  uint64_t golden_seed = 0;
  std::vector<ExpectationResult> expectations;
  std::vector<InvariantResult> invariants;
  std::vector<LeaderChange> leaders;
  std::vector<TimelineEntry> timeline;
  uint64_t trace_records = 0;
  // Set when the run could not be completed (a step failed, e.g. `leader` with no leader).
  std::string error;
};

// The pinned golden digest against this run. A digest is a fingerprint of one seed's trace:
// with any other seed it says nothing, so it is not compared (kOtherSeed) rather than failed.
enum class GoldenVerdict { kNone, kMatches, kDiffers, kOtherSeed };
GoldenVerdict CompareGolden(const RunResult& result);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_RUN_RESULT_H_
