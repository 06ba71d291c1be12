#include "sim/clock.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace sim {
namespace {

Time Ns(int64_t ns) { return Time::FromNanos(ns); }

TEST(HostClockTest, IdentityClockReadsWorldTime) {
  HostClock clock;
  EXPECT_EQ(clock.ToLocal(Ns(12345)), Ns(12345));
  EXPECT_EQ(clock.ToWorld(Ns(12345)), Ns(12345));
}

TEST(HostClockTest, OffsetShiftsLocalTime) {
  HostClock clock(absl::Seconds(5), 0);
  EXPECT_EQ(clock.ToLocal(Ns(0)), Ns(5000000000));
  EXPECT_EQ(clock.ToWorld(Ns(5000000001)), Ns(1));
}

TEST(HostClockTest, FastClockGainsDriftPpm) {
  // +100 ppm: after 10 s of world time the local clock has gained 1 ms.
  HostClock clock(absl::ZeroDuration(), 100);
  EXPECT_EQ(clock.ToLocal(Ns(10000000000)), Ns(10001000000));
}

TEST(HostClockTest, SlowClockLosesDriftPpm) {
  HostClock clock(absl::ZeroDuration(), -100);
  EXPECT_EQ(clock.ToLocal(Ns(10000000000)), Ns(9999000000));
}

TEST(HostClockTest, LocalDelayOnFastClockIsShorterInWorldTime) {
  // A 10 s timer on a clock running 1000 ppm fast fires after ~9.99 s of world time.
  HostClock clock(absl::ZeroDuration(), 1000);
  const absl::Duration d = clock.WorldDelay(Ns(0), absl::Seconds(10));
  EXPECT_LT(d, absl::Seconds(10));
  EXPECT_GT(d, absl::Milliseconds(9989));
}

TEST(HostClockTest, NegativeWorldTimeRoundsDown) {
  HostClock clock(absl::ZeroDuration(), 1);
  // floor(-1 * 1 / 1e6) = -1: monotonic across zero.
  EXPECT_EQ(clock.ToLocal(Ns(-1)), Ns(-2));
  EXPECT_EQ(clock.ToLocal(Ns(0)), Ns(0));
}

RC_GTEST_PROP(HostClockProperty, ToWorldIsTheEarliestInstantReachingLocal,
              (int32_t offset_ms, int32_t drift, int64_t local_raw)) {
  const int64_t drift_ppm = drift % 999999;
  const int64_t local_ns = local_raw % (int64_t{1} << 50);
  HostClock clock(absl::Milliseconds(offset_ms), drift_ppm);
  const Time world = clock.ToWorld(Ns(local_ns));
  RC_ASSERT(clock.ToLocal(world).nanos() >= local_ns);
  RC_ASSERT(clock.ToLocal(Ns(world.nanos() - 1)).nanos() < local_ns);
}

RC_GTEST_PROP(HostClockProperty, LocalTimeIsMonotonic, (int32_t drift, int64_t a, int64_t b)) {
  const int64_t drift_ppm = drift % 999999;
  HostClock clock(absl::ZeroDuration(), drift_ppm);
  const int64_t x = a % (int64_t{1} << 50);
  const int64_t y = b % (int64_t{1} << 50);
  if (x <= y) {
    RC_ASSERT(clock.ToLocal(Ns(x)) <= clock.ToLocal(Ns(y)));
  } else {
    RC_ASSERT(clock.ToLocal(Ns(y)) <= clock.ToLocal(Ns(x)));
  }
}

}  // namespace
}  // namespace sim
