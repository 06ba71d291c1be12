#include "model/scheduler/commit_debouncer.h"

#include "sim/check.h"

namespace swarmsim {
namespace scheduler {

CommitDebouncer::CommitDebouncer(absl::Duration gap, absl::Duration max_latency)
    : gap_(gap), max_latency_(max_latency) {
  SIM_CHECK(gap_ > absl::ZeroDuration());
  SIM_CHECK(max_latency_ >= gap_);
}

DebounceDecision CommitDebouncer::OnCommit(sim::Time now) {
  DebounceDecision d;
  ++generation_;  // Any earlier timer is superseded.
  if (armed_ && now - burst_started_at_ > max_latency_) {
    // A long burst: do not let it starve placement any longer.
    armed_ = false;
    d.run_now = true;
    return d;
  }
  if (!armed_) {
    armed_ = true;
    burst_started_at_ = now;
  }
  d.timer = DebounceTimer{now + gap_, generation_};
  return d;
}

bool CommitDebouncer::OnTimer(uint64_t generation) {
  if (!armed_ || generation != generation_) return false;  // Superseded.
  armed_ = false;
  return true;
}

}  // namespace scheduler
}  // namespace swarmsim
