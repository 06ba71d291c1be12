#include "sim/clock.h"

#include "sim/check.h"

namespace sim {
namespace {
constexpr int64_t kPpm = 1000000;

// Floor division for a signed 128-bit numerator and a positive denominator: C++ truncates
// toward zero, which would make the clock run backwards across world time 0.
__int128 FloorDiv(__int128 num, __int128 den) {
  __int128 q = num / den;
  if ((num % den != 0) && (num < 0)) --q;
  return q;
}
}  // namespace

HostClock::HostClock(absl::Duration offset, int64_t drift_ppm)
    : offset_ns_(absl::ToInt64Nanoseconds(offset)), drift_ppm_(drift_ppm) {
  SIM_CHECK_GT(drift_ppm, -kPpm);
  SIM_CHECK_LE(drift_ppm, kPpm);
}

Time HostClock::ToLocal(Time world) const {
  // Without drift no 128-bit division: the hot path of every host on a plain clock.
  if (drift_ppm_ == 0) return Time::FromNanos(world.nanos() + offset_ns_);
  const __int128 w = world.nanos();
  const __int128 skew = FloorDiv(w * drift_ppm_, kPpm);
  return Time::FromNanos(static_cast<int64_t>(w + offset_ns_ + skew));
}

Time HostClock::ToWorld(Time local) const {
  if (drift_ppm_ == 0) return Time::FromNanos(local.nanos() - offset_ns_);
  // Invert local = w + floor(w * d / M) + off. With rate (M + d) / M, a first guess is
  // ceil((local - off) * M / (M + d)); the floor makes it off by at most one either way, so
  // step to the smallest w whose reading is >= local.
  const __int128 target = static_cast<__int128>(local.nanos()) - offset_ns_;
  const __int128 rate = kPpm + drift_ppm_;
  __int128 w = -FloorDiv(-target * kPpm, rate);
  auto reading = [this](__int128 x) { return x + FloorDiv(x * drift_ppm_, kPpm) + offset_ns_; };
  while (reading(w) < local.nanos()) ++w;
  while (reading(w - 1) >= local.nanos()) --w;
  return Time::FromNanos(static_cast<int64_t>(w));
}

absl::Duration HostClock::WorldDelay(Time world_now, absl::Duration local_delay) const {
  // Without drift the offset cancels out: the hot path of every timer on an undrifted host.
  if (drift_ppm_ == 0) {
    const int64_t ns = absl::ToInt64Nanoseconds(local_delay);
    return absl::Nanoseconds(ns < 0 ? 0 : ns);
  }
  const Time local_deadline = ToLocal(world_now) + local_delay;
  const Time world_deadline = ToWorld(local_deadline);
  if (world_deadline <= world_now) return absl::ZeroDuration();
  return world_deadline - world_now;
}

}  // namespace sim
