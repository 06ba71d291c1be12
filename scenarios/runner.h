// Runs one validated scenario: builds the simulated world from the cluster, installs a manager
// process on m1..mN and a worker process on w1..wN, creates the services once the first leader
// is ready, applies the steps at their times, evaluates every expectation online, and runs the
// invariant checkers over the trace as it is written.
//
// Deterministic: the same binary, scenario and seed give the same RunResult (but wall_ns, which
// the runner leaves 0 for the CLI to fill) and the same trace, record for record.
#ifndef SWARMSIM_SCENARIOS_RUNNER_H_
#define SWARMSIM_SCENARIOS_RUNNER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "scenarios/run_result.h"
#include "scenarios/scenario.h"
#include "sim/trace.h"

namespace scenarios {

struct RunOptions {
  // Keep every trace record (needed for --trace and the determinism check); otherwise only the
  // digest and the count are kept, which is what long runs want.
  bool keep_trace_records = false;
  // Called after every `progress_every_events` events with the current simulated time and the
  // event count, so that a caller can report progress by wall time (the CLI does, on a
  // terminal): counting events keeps the runner free of clocks, and a big cluster that takes
  // minutes per simulated minute still calls it often. Empty: no calls. It must not touch the
  // run.
  std::function<void(int64_t sim_ns, uint64_t events)> progress;
  uint64_t progress_every_events = 4096;
  // Sees every trace record of the kinds `observe_kinds` wants (all when it is empty) as it is
  // written (after the invariant checkers), e.g. to measure what a run covered
  // (scenarios/explore/coverage.h). Empty: none. It must not touch the run.
  std::function<void(const sim::TraceRecord&)> observe;
  sim::Trace::KindFilter observe_kinds;
};

struct RunOutput {
  RunResult result;
  // Every trace record; only when RunOptions::keep_trace_records was set (nullptr otherwise).
  std::unique_ptr<sim::Trace> trace;
};

RunOutput RunScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_RUNNER_H_
