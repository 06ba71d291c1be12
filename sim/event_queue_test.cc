#include "sim/event_queue.h"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace sim {
namespace {

TEST(EventQueueTest, EqualTimeEventsRunInSchedulingOrder) {
  EventQueue q;
  for (uint64_t i = 0; i < 100; ++i) q.Push(Time::FromNanos(7), 1, 0, i, 0);
  for (uint64_t i = 0; i < 100; ++i) EXPECT_EQ(q.Pop().a, i);
}

TEST(EventQueueTest, EarlierTimeRunsFirstRegardlessOfSchedulingOrder) {
  EventQueue q;
  q.Push(Time::FromNanos(30), 1, 0, 3, 0);
  q.Push(Time::FromNanos(10), 1, 0, 1, 0);
  q.Push(Time::FromNanos(20), 1, 0, 2, 0);
  EXPECT_EQ(q.Pop().a, 1u);
  EXPECT_EQ(q.Pop().a, 2u);
  EXPECT_EQ(q.Pop().a, 3u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueueTest, SeqCountsEveryPush) {
  EventQueue q;
  EXPECT_EQ(q.Push(Time::FromNanos(1), 1, 0, 0, 0), 0u);
  EXPECT_EQ(q.Push(Time::FromNanos(0), 1, 0, 0, 0), 1u);
  EXPECT_EQ(q.next_seq(), 2u);
  EXPECT_EQ(q.Pop().seq, 1u);
}

TEST(EventQueueDeathTest, PopOnEmptyQueueFails) {
  EventQueue q;
  EXPECT_DEATH(q.Pop(), "empty");
}

// Against a stable sort by time: the heap's pop order is exactly (time, scheduling order).
RC_GTEST_PROP(EventQueueProperty, PopOrderIsStableSortByTime,
              (std::vector<uint8_t> times, std::vector<uint8_t> pops_between)) {
  EventQueue q;
  std::vector<Event> pending;
  std::vector<uint64_t> popped, expected;
  std::size_t k = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const uint64_t seq = q.Push(Time::FromNanos(times[i]), 1, 0, i, 0);
    pending.push_back(Event{Time::FromNanos(times[i]), seq, i, 0, 0, 1});
    // Interleave pops with pushes (pushes may only go later than popped times in a world, but
    // the heap must be right either way).
    const int pops = k < pops_between.size() ? pops_between[k++] % 3 : 0;
    for (int j = 0; j < pops && !q.empty(); ++j) {
      auto best = std::min_element(pending.begin(), pending.end(), EventBefore);
      expected.push_back(best->a);
      pending.erase(best);
      popped.push_back(q.Pop().a);
    }
  }
  while (!q.empty()) {
    auto best = std::min_element(pending.begin(), pending.end(), EventBefore);
    expected.push_back(best->a);
    pending.erase(best);
    popped.push_back(q.Pop().a);
  }
  RC_ASSERT(popped == expected);
}

}  // namespace
}  // namespace sim
