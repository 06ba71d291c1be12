// `swarmsim explore`: a sweep of random fault plans over a base scenario (docs/explore.md).
//
// Run i of an explore with seed S (i = 0, 1, ...) generates its plan from (S, i) alone
// (plan.h), runs it in a forked worker (worker_pool.h) and is judged (verdict.h). A sweep does
// runs i < runs with i % shard_total == shard_index, or as many as a wall-time budget allows.
// Failures whose signature is known are counted and the sweep goes on; the first unknown failure
// stops it: no run with a higher index is started, every lower one still running is waited for,
// and the lowest failing index wins, so `--jobs=1` and `--jobs=N` report the same run. That run
// is shrunk (shrink.h) and written as a scenario file that `swarmsim run` replays exactly.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_EXPLORE_H_
#define SWARMSIM_SCENARIOS_EXPLORE_EXPLORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/explore/run_job.h"
#include "scenarios/explore/shrink.h"

namespace scenarios {
namespace explore {

struct ExploreOptions {
  uint64_t runs = 100;                        // over all shards; ignored with a time budget
  std::optional<int64_t> time_budget_ns;      // wall time for starting runs
  int jobs = 1;                               // worker processes
  std::vector<std::string> known;             // --known, plus the base's known_failure
  int shard_index = 0;
  int shard_total = 1;
  std::string out_dir;                        // where the counterexample goes
  std::string base_path;                      // as given, for messages and the header
  std::string command;                        // the command line, for the header
  int shrink_candidates = 2000;
  int64_t shrink_ns = int64_t{60} * 1000000000;
  // Called with a progress line (no newline) every second or so; empty: no progress.
  std::function<void(const std::string&)> progress;
};

// What a sweep found, for the closing summary and the JSON.
struct ExploreReport {
  uint64_t runs = 0;        // runs counted (up to the first unknown failure)
  uint64_t passed = 0;
  uint64_t discarded = 0;
  uint64_t failures = 0;    // known and unknown
  std::map<std::string, uint64_t> known_failures;  // signature -> runs
  std::map<std::string, uint64_t> discarded_by;    // why ("a step could not run") -> runs
  std::map<std::string, uint64_t> fault_kinds;     // kind -> fault steps generated
  std::map<std::string, uint64_t> coverage;        // item -> runs that saw it
  int64_t wall_ns = 0;       // the whole explore, shrinking included
  int64_t sweep_ns = 0;      // the sweep alone: what runs/s is measured over
  // Where the time went: summed over counted runs (worker side), and forks made.
  int64_t generate_ns = 0;
  int64_t run_ns = 0;
  uint64_t events = 0;
  int forks = 0;

  bool found = false;       // an unknown failure
  uint64_t run = 0;         // its run index
  std::string signature;
  std::string detail;       // of the shrunk run
  int64_t found_after_ns = 0;
  int fault_steps_before = 0;
  ShrinkOutcome shrink;
  std::string counterexample;  // the file written ("" when it could not be)
  std::string write_error;
};

// Runs the sweep. `wall_now` is a monotonic clock in nanoseconds (only for budgets, rates and
// reports: nothing measured reaches a run).
ExploreReport Explore(const ExploreSpec& spec, const ExploreOptions& options,
                      const std::function<int64_t()>& wall_now);

// The scenario file of a job: the run's scenario as ScenarioText writes it, with `header` as its
// leading comment.
std::string CounterexampleText(const ExploreSpec& spec, const Job& job, const std::string& header);

// "explore: 1,234 runs (45.6/s), 1 failure (1 known), 27s elapsed, about 1m3s left".
std::string ProgressLine(uint64_t runs, uint64_t failures, uint64_t known, int64_t elapsed_ns,
                         std::optional<int64_t> left_ns);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_EXPLORE_H_
