// HostClock is one host's view of time: the world's time shifted by an offset and scaled by a
// drift in parts per million. It is a pure value: it never reads the world, never draws random
// numbers, and uses integer arithmetic only (no floating point may reach simulated time).
//
//   local(world) = world + offset + floor(world * drift_ppm / 1'000'000)
//
// Model code reads only its host's local time; timers it sets in local time are converted back
// to the world instant at which the local clock first reaches the deadline (ToWorld).
#ifndef SWARMSIM_SIM_CLOCK_H_
#define SWARMSIM_SIM_CLOCK_H_

#include <cstdint>

#include "absl/time/time.h"
#include "sim/time.h"

namespace sim {

class HostClock {
 public:
  // The identity clock: no offset, no drift.
  HostClock() = default;
  // REQUIRES: -1'000'000 < drift_ppm <= 1'000'000 (the local clock must advance).
  HostClock(absl::Duration offset, int64_t drift_ppm);

  absl::Duration offset() const { return absl::Nanoseconds(offset_ns_); }
  int64_t drift_ppm() const { return drift_ppm_; }

  // The local reading at world instant `world`. Monotonic non-decreasing in `world`.
  Time ToLocal(Time world) const;
  // The earliest world instant at which the local clock reads at least `local`.
  Time ToWorld(Time local) const;
  // How long, in world time, until the local clock has advanced by `local_delay` from the
  // reading at `world_now`. Never negative.
  absl::Duration WorldDelay(Time world_now, absl::Duration local_delay) const;

 private:
  int64_t offset_ns_ = 0;
  int64_t drift_ppm_ = 0;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_CLOCK_H_
