// One explore job, as a worker process does it: regenerate the plan of run `run` (and walk
// `path` down its shrink tree when shrinking), build the run's scenario, run it, judge it.
// Depends only on the spec and the job: any process can do any job.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_RUN_JOB_H_
#define SWARMSIM_SCENARIOS_EXPLORE_RUN_JOB_H_

#include <cstdint>
#include <string>
#include <vector>

#include "rapidcheck.h"
#include "scenarios/explore/plan.h"
#include "scenarios/explore/plan_scenario.h"
#include "scenarios/explore/verdict.h"
#include "scenarios/scenario.h"

namespace scenarios {
namespace explore {

// Everything a run's plan and verdict depend on (besides the binary).
struct ExploreSpec {
  Scenario base;
  Timing timing;
  PlanSpace space;
  uint64_t seed = 1;
};

// A run of the sweep (empty path) or a shrink candidate: path[k] is the index, among the
// shrinks of the value reached after k steps, of the next one.
struct Job {
  uint64_t run = 0;
  std::vector<uint32_t> path;
};

std::string EncodeJob(const Job& job);  // one line, no newline: "RUN P0 P1 ..."
bool DecodeJob(const std::string& line, Job& job);

// The plan of the job: nullopt when the path leads nowhere (it never does for paths the
// shrinker built, which come from the same tree).
std::optional<Plan> PlanOf(const ExploreSpec& spec, const Job& job);

// The histogram entries of a plan: each step's kind, "trigger:EVENT" for each step that fires
// on a protocol event, "fault_points" when the plan enables some.
std::vector<std::string> FaultKindNames(const Plan& plan);

// Generates, builds, runs and judges the job (coverage and fault kinds filled in).
//
// Test hook: when the environment variable SWARMSIM_EXPLORE_TEST_ABORT_ON names a fault kind
// ("crash"), a plan with a step of that kind aborts through SIM_CHECK's failure path before it
// runs, as a swarmsim bug would: the tests use it to show that an internal abort is caught,
// shrunk and written like any failure. Unset in normal use.
Verdict RunJob(const ExploreSpec& spec, const Job& job);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_RUN_JOB_H_
