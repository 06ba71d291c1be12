#include "model/dispatcher/period_chooser.h"

#include "gtest/gtest.h"
#include "sim/prng.h"

namespace swarmsim {
namespace dispatcher {
namespace {

TEST(PeriodChooserTest, PeriodChooserStaysWithinBounds) {
  // SwarmKit's TestPeriodChooser: 1024 draws of (100 ms, 50 ms) all in [50 ms, 150 ms).
  PeriodChooser chooser(absl::Milliseconds(100), absl::Milliseconds(50));
  sim::Prng prng(7);
  absl::Duration lowest = absl::InfiniteDuration();
  absl::Duration highest = -absl::InfiniteDuration();
  for (int i = 0; i < 1024; ++i) {
    const absl::Duration period = chooser.Choose(prng);
    ASSERT_GE(period, absl::Milliseconds(50));
    ASSERT_LT(period, absl::Milliseconds(150));
    lowest = std::min(lowest, period);
    highest = std::max(highest, period);
  }
  // The draws spread over the interval rather than sitting on the period.
  EXPECT_LT(lowest, absl::Milliseconds(60));
  EXPECT_GT(highest, absl::Milliseconds(140));
}

TEST(PeriodChooserTest, DefaultsDrawInFourAndAHalfToFiveAndAHalfSeconds) {
  PeriodChooser chooser(absl::Seconds(5), absl::Milliseconds(500));
  sim::Prng prng(1);
  for (int i = 0; i < 1024; ++i) {
    const absl::Duration period = chooser.Choose(prng);
    ASSERT_GE(period, absl::Milliseconds(4500));
    ASSERT_LT(period, absl::Milliseconds(5500));
  }
}

TEST(PeriodChooserTest, ZeroEpsilonIsExactAndDrawsNothing) {
  PeriodChooser chooser(absl::Milliseconds(100), absl::ZeroDuration());
  sim::Prng used(3);
  sim::Prng untouched(3);
  EXPECT_EQ(chooser.Choose(used), absl::Milliseconds(100));
  EXPECT_EQ(used.Next(), untouched.Next());
}

TEST(PeriodChooserTest, PeriodBelowEpsilonIsClampedAtZero) {
  PeriodChooser chooser(absl::Milliseconds(100), absl::Milliseconds(500));
  sim::Prng prng(3);
  for (int i = 0; i < 256; ++i) {
    const absl::Duration period = chooser.Choose(prng);
    ASSERT_GE(period, absl::ZeroDuration());
    ASSERT_LT(period, absl::Milliseconds(600));
  }
}

TEST(PeriodChooserTest, SameSeedSameDraws) {
  PeriodChooser chooser(absl::Seconds(5), absl::Milliseconds(500));
  sim::Prng a(42);
  sim::Prng b(42);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(chooser.Choose(a), chooser.Choose(b));
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
