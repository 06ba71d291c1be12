#include "model/agent/backoff.h"

#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"

namespace swarmsim {
namespace agent {
namespace {

TEST(BackoffTest, BackoffSequenceIsHundredThreeHundredSevenHundredMs) {
  Backoff backoff;
  EXPECT_EQ(backoff.current(), absl::ZeroDuration());
  const std::vector<absl::Duration> expected = {
      absl::Milliseconds(100), absl::Milliseconds(300),  absl::Milliseconds(700),
      absl::Milliseconds(1500), absl::Milliseconds(3100), absl::Milliseconds(6300),
      absl::Seconds(8),         absl::Seconds(8),         absl::Seconds(8)};
  for (absl::Duration want : expected) {
    backoff.Grow();
    EXPECT_EQ(backoff.current(), want);
  }
}

TEST(BackoffTest, ZeroBackoffMeansNoDelayAndNoDraw) {
  Backoff backoff;
  sim::Prng prng(1);
  sim::Prng untouched(1);
  EXPECT_EQ(backoff.DrawDelay(prng), absl::ZeroDuration());
  EXPECT_EQ(prng.Next(), untouched.Next());  // No number was drawn.
}

TEST(BackoffTest, ResetGoesBackToZeroAndRestartsTheSequence) {
  Backoff backoff;
  backoff.Grow();
  backoff.Grow();
  backoff.Reset();
  EXPECT_EQ(backoff.current(), absl::ZeroDuration());
  backoff.Grow();
  EXPECT_EQ(backoff.current(), absl::Milliseconds(100));
}

TEST(BackoffTest, OverriddenConstantsAreUsed) {
  BackoffConfig config;
  config.initial = absl::Milliseconds(10);
  config.max = absl::Milliseconds(50);
  Backoff backoff(config);
  backoff.Grow();
  EXPECT_EQ(backoff.current(), absl::Milliseconds(10));
  backoff.Grow();
  EXPECT_EQ(backoff.current(), absl::Milliseconds(30));
  backoff.Grow();
  EXPECT_EQ(backoff.current(), absl::Milliseconds(50));
}

RC_GTEST_PROP(BackoffTest, BackoffDelayIsWithinBounds, (uint64_t seed, uint8_t failures)) {
  Backoff backoff;
  sim::Prng prng(seed);
  const int n = 1 + failures % 12;
  for (int i = 0; i < n; ++i) backoff.Grow();
  for (int i = 0; i < 20; ++i) {
    const absl::Duration delay = backoff.DrawDelay(prng);
    RC_ASSERT(delay >= absl::ZeroDuration());
    RC_ASSERT(delay < backoff.current());
    // Whole nanoseconds: the delay is an integer draw.
    RC_ASSERT(absl::Nanoseconds(absl::ToInt64Nanoseconds(delay)) == delay);
  }
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
