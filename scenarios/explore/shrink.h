// Shrinking a failing run: walk down the plan's rapidcheck shrink tree (plan.h says what gets
// simpler), keeping a candidate when it fails with the same signature, until no candidate of the
// current plan does (a local minimum) or a bound is reached.
//
// Candidates are evaluated in batches (one per worker) but accepted in tree order: the first
// failing candidate of a batch wins, so the result is the one a one-at-a-time search finds,
// whatever the batch size. The candidate bound counts candidates as that search would (up to
// the accepted one in each batch), so it does not depend on the batch size either; the wall
// time bound does (a slower machine may stop earlier).
#ifndef SWARMSIM_SCENARIOS_EXPLORE_SHRINK_H_
#define SWARMSIM_SCENARIOS_EXPLORE_SHRINK_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "scenarios/explore/run_job.h"
#include "scenarios/explore/verdict.h"

namespace scenarios {
namespace explore {

struct ShrinkLimits {
  int max_candidates = 2000;
  int64_t max_wall_ns = int64_t{60} * 1000000000;
  int batch = 1;                        // candidates evaluated together (the workers)
  std::function<int64_t()> wall_now;    // monotonic nanoseconds
};

struct ShrinkOutcome {
  Job job;             // the smallest failing job found (the run's own when nothing shrank)
  Verdict verdict;     // its verdict
  int steps = 0;       // candidates accepted
  int candidates = 0;  // candidates tried (one-at-a-time count)
  int64_t wall_ns = 0;
  bool bounded = false;  // stopped by a bound rather than at a local minimum
};

// Runs a batch of jobs; the verdicts in the same order.
using Evaluate = std::function<std::vector<Verdict>(const std::vector<Job>&)>;

ShrinkOutcome Shrink(const ExploreSpec& spec, uint64_t run, const Verdict& failed,
                     const Evaluate& evaluate, const ShrinkLimits& limits);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_SHRINK_H_
