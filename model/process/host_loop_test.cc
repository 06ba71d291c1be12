// HostLoop's deadline slots: re-armed in place on the host's keyed timers.
#include "model/process/host_loop.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sim/lambda_process.h"
#include "sim/world.h"

namespace swarmsim {
namespace process {
namespace {

sim::Time Ms(int64_t ms) { return sim::Time::FromNanos(ms * 1000000); }

// A host whose timers go to one HostLoop; tests arm slots through world actions.
struct LoopHost {
  LoopHost() {
    sim::LambdaProcessSpec spec;
    spec.on_timer = [this](sim::Context& ctx, sim::TimerKey key) { loop.HandleTimer(ctx, key); };
    host = world.AddHost("h", sim::LambdaFactory(spec));
    world.StartHost(host);
  }
  void ArmAt(sim::Time when, const std::string& slot, sim::Time at, const std::string& label) {
    world.At(when, [this, slot, at, label] {
      loop.ArmSlot(world.host(host).context(), slot, at,
                   [this, label](sim::Context&) { ran.push_back({label, world.now().nanos()}); });
    });
  }
  sim::World world;
  sim::HostId host = 0;
  HostLoop loop;
  std::vector<std::pair<std::string, int64_t>> ran;
};

TEST(HostLoopTest, SlotArmedLaterRunsOnceWithTheLatestClosureAtTheLatestInstant) {
  LoopHost h;
  h.ArmAt(Ms(0), "expiry/w1", Ms(1000), "first");
  h.ArmAt(Ms(500), "expiry/w1", Ms(1500), "second");
  h.ArmAt(Ms(900), "expiry/w1", Ms(1900), "third");
  h.world.RunUntil(Ms(5000));
  EXPECT_EQ(h.ran, (std::vector<std::pair<std::string, int64_t>>{{"third", Ms(1900).nanos()}}));
  EXPECT_EQ(h.world.event_stats().moved_timers, 1u);  // Not one event per arming.
}

TEST(HostLoopTest, SlotArmedEarlierRunsAtTheEarlierInstant) {
  LoopHost h;
  h.ArmAt(Ms(0), "expiry/w1", Ms(3000), "late");
  h.ArmAt(Ms(100), "expiry/w1", Ms(1000), "early");
  h.world.RunUntil(Ms(5000));
  EXPECT_EQ(h.ran, (std::vector<std::pair<std::string, int64_t>>{{"early", Ms(1000).nanos()}}));
}

TEST(HostLoopTest, SlotsAreIndependentAndReusableAfterTheyFire) {
  LoopHost h;
  h.ArmAt(Ms(0), "expiry/w1", Ms(1000), "w1");
  h.ArmAt(Ms(0), "expiry/w2", Ms(800), "w2");
  h.ArmAt(Ms(2000), "expiry/w1", Ms(2500), "w1 again");
  h.world.RunUntil(Ms(5000));
  EXPECT_EQ(h.ran, (std::vector<std::pair<std::string, int64_t>>{{"w2", Ms(800).nanos()},
                                                                  {"w1", Ms(1000).nanos()},
                                                                  {"w1 again", Ms(2500).nanos()}}));
}

// An armed slot is one pending closure however often it is re-armed, and none once it fired.
TEST(HostLoopTest, PendingCountsAnArmedSlotOnce) {
  LoopHost h;
  h.ArmAt(Ms(0), "expiry/w1", Ms(1000), "first");
  h.ArmAt(Ms(100), "expiry/w1", Ms(1500), "second");
  h.ArmAt(Ms(100), "expiry/w2", Ms(1200), "w2");
  h.world.RunUntil(Ms(200));
  EXPECT_EQ(h.loop.pending(), 2u);
  h.world.RunUntil(Ms(1300));
  EXPECT_EQ(h.loop.pending(), 1u);
  h.world.RunUntil(Ms(2000));
  EXPECT_EQ(h.loop.pending(), 0u);
}

// Timers are kept in a hash map, slots by index: the order in which they run must still be the
// world's (deadline, then arming order), never the hash or index order, across many keys.
TEST(HostLoopTest, ManySlotsAndTimersRunInDeadlineOrderNotKeyOrder) {
  LoopHost h;
  std::vector<std::pair<std::string, int64_t>> want;
  for (int i = 0; i < 200; ++i) {
    // Deadlines descend as names ascend, and repeat every 50: ties keep their arming order.
    const sim::Time at = Ms(1000 + 10 * ((199 - i) % 50));
    h.ArmAt(Ms(0), "expiry/w" + std::to_string(i), at, "w" + std::to_string(i));
  }
  h.world.At(Ms(0), [&h] {
    h.loop.After(h.world.host(h.host).context(), absl::Milliseconds(1005),
                 [&h](sim::Context&) { h.ran.push_back({"after", h.world.now().nanos()}); });
  });
  h.world.RunUntil(Ms(5000));
  ASSERT_EQ(h.ran.size(), 201u);
  for (size_t k = 1; k < h.ran.size(); ++k) {
    EXPECT_LE(h.ran[k - 1].second, h.ran[k].second) << k;
  }
  // The first deadline (1,000 ms) belongs to w49, w99, w149 and w199, in arming order.
  EXPECT_EQ(h.ran[0].first, "w49");
  EXPECT_EQ(h.ran[1].first, "w99");
  EXPECT_EQ(h.ran[2].first, "w149");
  EXPECT_EQ(h.ran[3].first, "w199");
  EXPECT_EQ(h.ran[4].first, "after");
  EXPECT_EQ(h.loop.pending(), 0u);
}

}  // namespace
}  // namespace process
}  // namespace swarmsim
