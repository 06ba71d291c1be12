// Simulated time.
//
// sim::Time is an instant of simulated time: integer nanoseconds since the start of the run.
// Durations are absl::Duration (integer-backed; never build one from a double). Nothing in sim/
// or model/ reads a wall clock: the world's clock is the only clock, and model code receives the
// current time (as its host's clock reads it) as an argument.
#ifndef SWARMSIM_SIM_TIME_H_
#define SWARMSIM_SIM_TIME_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace sim {

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time FromNanos(int64_t ns) { return Time(ns); }
  static constexpr Time Zero() { return Time(0); }
  static constexpr Time Max() { return Time(INT64_MAX); }

  constexpr int64_t nanos() const { return ns_; }
  absl::Duration SinceStart() const { return absl::Nanoseconds(ns_); }

  // Duration arithmetic truncates to whole nanoseconds (absl keeps quarter-nanoseconds).
  Time operator+(absl::Duration d) const { return Time(ns_ + absl::ToInt64Nanoseconds(d)); }
  Time operator-(absl::Duration d) const { return Time(ns_ - absl::ToInt64Nanoseconds(d)); }
  Time& operator+=(absl::Duration d) { return *this = *this + d; }
  absl::Duration operator-(Time other) const { return absl::Nanoseconds(ns_ - other.ns_); }

  constexpr bool operator==(Time o) const { return ns_ == o.ns_; }
  constexpr bool operator!=(Time o) const { return ns_ != o.ns_; }
  constexpr bool operator<(Time o) const { return ns_ < o.ns_; }
  constexpr bool operator<=(Time o) const { return ns_ <= o.ns_; }
  constexpr bool operator>(Time o) const { return ns_ > o.ns_; }
  constexpr bool operator>=(Time o) const { return ns_ >= o.ns_; }

  // "12.345678901s" style, exact; for reports and traces.
  std::string ToString() const;

 private:
  constexpr explicit Time(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_TIME_H_
