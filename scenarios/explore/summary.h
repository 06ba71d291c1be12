// The closing summary of `swarmsim explore` (text) and its `--summary` JSON (docs/explore.md).
#ifndef SWARMSIM_SCENARIOS_EXPLORE_SUMMARY_H_
#define SWARMSIM_SCENARIOS_EXPLORE_SUMMARY_H_

#include <string>

#include "scenarios/explore/explore.h"

namespace scenarios {
namespace explore {

// Lines for people: runs, rate, failures by signature, the counterexample, where time went.
std::string ClosingSummary(const ExploreSpec& spec, const ExploreOptions& options,
                           const ExploreReport& report);

// {"base", "seed", "jobs", "shard": {"index", "total"}, "runs", "passed", "discarded",
//  "discarded_by": {WHY: runs},
//  "failures", "known_failures": {SIG: runs}, "wall_s", "runs_per_s", "runs_per_hour",
//  "time_per_run_ms": {"generate", "run", "other"}, "fault_kinds": {KIND: steps},
//  "coverage": {"fault_points": {..}, "node_status": {..}, "errors": {..}},
//  "counterexample": null | {"run", "signature", "detail", "path", "digest", "found_after_s",
//  "fault_steps_before", "fault_steps", "shrink_steps", "shrink_candidates", "shrink_s",
//  "shrink_bounded"}}
std::string SummaryJson(const ExploreSpec& spec, const ExploreOptions& options,
                        const ExploreReport& report);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_SUMMARY_H_
