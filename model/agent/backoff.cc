#include "model/agent/backoff.h"

#include <cstdint>

#include "sim/check.h"

namespace swarmsim {
namespace agent {

Backoff::Backoff(BackoffConfig config) : config_(config) {
  SIM_CHECK(config_.initial > absl::ZeroDuration());
  SIM_CHECK(config_.max >= config_.initial);
}

void Backoff::Grow() {
  const absl::Duration next = config_.initial + 2 * current_;
  current_ = next > config_.max ? config_.max : next;
  SIM_CHECK(current_ > absl::ZeroDuration() && current_ <= config_.max);
}

absl::Duration Backoff::DrawDelay(sim::Prng& prng) const {
  const int64_t backoff_ns = absl::ToInt64Nanoseconds(current_);
  if (backoff_ns == 0) return absl::ZeroDuration();
  const uint64_t delay_ns = prng.UniformU64(static_cast<uint64_t>(backoff_ns));
  SIM_CHECK_LT(delay_ns, static_cast<uint64_t>(backoff_ns));
  return absl::Nanoseconds(static_cast<int64_t>(delay_ns));
}

}  // namespace agent
}  // namespace swarmsim
