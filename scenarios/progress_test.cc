#include "scenarios/progress.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace scenarios {
namespace {

constexpr int64_t kSecond = 1000000000;

// A big cluster advances simulated time slowly: progress is paced by wall time, not by
// simulated time, so a line comes within seconds even when the run has simulated almost
// nothing yet (10,000 workers used to print nothing for 8 minutes).
TEST(ProgressMeter, PrintsByWallTimeEvenWhenSimulatedTimeCrawls) {
  int64_t wall = 0;
  ProgressMeter meter("big", 300 * kSecond, [&wall] { return wall; });
  wall = 1 * kSecond;
  EXPECT_EQ(meter.Update(kSecond / 10, 5000), "");  // not due yet
  wall = 3 * kSecond;
  EXPECT_EQ(meter.Update(2 * kSecond, 60000),
            "  ... big: simulated 2s of 5m00s (0%), 20000 events/s, about 7m27s left");
  wall = 4 * kSecond;
  EXPECT_EQ(meter.Update(3 * kSecond, 80000), "");  // one line per interval
  wall = 6 * kSecond;
  EXPECT_NE(meter.Update(4 * kSecond, 120000), "");
}

TEST(ProgressLine, NamesSimulatedTimeRateAndTimeLeft) {
  EXPECT_EQ(ProgressLine("x", 150 * kSecond, 300 * kSecond, 1000000, 10 * kSecond),
            "  ... x: simulated 2m30s of 5m00s (50%), 100000 events/s, about 10s left");
  // Nothing simulated yet: no estimate rather than a division by zero.
  EXPECT_EQ(ProgressLine("x", 0, 300 * kSecond, 0, 0), "  ... x: simulated 0s of 5m00s (0%)");
}

}  // namespace
}  // namespace scenarios
