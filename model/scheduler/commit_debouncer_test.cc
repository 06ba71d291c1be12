#include "model/scheduler/commit_debouncer.h"

#include "gtest/gtest.h"

namespace swarmsim {
namespace scheduler {
namespace {

sim::Time Ms(int64_t ms) { return sim::Time::FromNanos(ms * 1000000); }

TEST(CommitDebouncerTest, RunsFiftyMillisecondsAfterTheLastCommit) {
  CommitDebouncer d;
  DebounceDecision first = d.OnCommit(Ms(0));
  EXPECT_FALSE(first.run_now);
  ASSERT_TRUE(first.timer.has_value());
  EXPECT_EQ(first.timer->at, Ms(50));
  DebounceDecision second = d.OnCommit(Ms(30));
  ASSERT_TRUE(second.timer.has_value());
  EXPECT_EQ(second.timer->at, Ms(80));
  EXPECT_FALSE(d.OnTimer(first.timer->generation));  // Superseded.
  EXPECT_TRUE(d.OnTimer(second.timer->generation));
  EXPECT_FALSE(d.armed());
}

TEST(CommitDebouncerTest, LongBurstRunsAfterOneSecond) {
  CommitDebouncer d;
  int64_t t = 0;
  DebounceDecision last = d.OnCommit(Ms(t));
  while (!last.run_now) {
    t += 40;  // Commits every 40 ms keep pushing the timer back...
    last = d.OnCommit(Ms(t));
    ASSERT_LE(t, 2000);
  }
  // ...until one arrives more than 1 s after the burst began.
  EXPECT_EQ(t, 1040);
  EXPECT_FALSE(last.timer.has_value());
  EXPECT_FALSE(d.armed());
  // The next commit starts a new burst.
  DebounceDecision next = d.OnCommit(Ms(t + 10));
  EXPECT_FALSE(next.run_now);
  ASSERT_TRUE(next.timer.has_value());
  EXPECT_EQ(next.timer->at, Ms(t + 60));
}

}  // namespace
}  // namespace scheduler
}  // namespace swarmsim
