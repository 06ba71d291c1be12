// CommitDebouncer: when to run a scheduling pass, as SwarmKit's scheduler decides it
// (manager/scheduler/scheduler.go Run: commitDebounceGap = 50 ms, maxLatency = 1 s).
//
// SwarmKit runs a pass 50 ms after the last store commit of a burst (each commit pushes the timer
// back by 50 ms), except that a commit arriving more than 1 s after the burst began runs the pass
// at once. It also runs one pass when the scheduler starts. This class is that rule with time as
// an argument: it never reads a clock and never sets a timer itself; it returns timer requests
// with generations, and a superseded timer that fires is ignored.
#ifndef SWARMSIM_MODEL_SCHEDULER_COMMIT_DEBOUNCER_H_
#define SWARMSIM_MODEL_SCHEDULER_COMMIT_DEBOUNCER_H_

#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "sim/time.h"

namespace swarmsim {
namespace scheduler {

inline constexpr absl::Duration kCommitDebounceGap = absl::Milliseconds(50);
inline constexpr absl::Duration kMaxSchedulingLatency = absl::Seconds(1);

struct DebounceTimer {
  sim::Time at;
  uint64_t generation = 0;
};

struct DebounceDecision {
  bool run_now = false;                // run a scheduling pass now
  std::optional<DebounceTimer> timer;  // call OnTimer(generation) at `at`
};

class CommitDebouncer {
 public:
  CommitDebouncer(absl::Duration gap = kCommitDebounceGap,
                  absl::Duration max_latency = kMaxSchedulingLatency);

  // A store commit was observed (the host may filter to commits that touch tasks or nodes).
  DebounceDecision OnCommit(sim::Time now);
  // A timer from an earlier decision fired. True: run a scheduling pass now.
  bool OnTimer(uint64_t generation);

  bool armed() const { return armed_; }

 private:
  absl::Duration gap_;
  absl::Duration max_latency_;
  bool armed_ = false;
  sim::Time burst_started_at_;
  uint64_t generation_ = 0;
};

}  // namespace scheduler
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_SCHEDULER_COMMIT_DEBOUNCER_H_
