// Datagram delivery under each network fault, driven through the world.
#include "sim/network.h"

#include <vector>

#include <gtest/gtest.h>

#include "sim/lambda_process.h"
#include "sim/world.h"

namespace sim {
namespace {

Time Ms(int64_t ms) { return Time::FromNanos(ms * 1000000); }

// Hosts 0..n-1; each records (from, arrival time ns) of every datagram it receives.
class NetFixture {
 public:
  explicit NetFixture(int hosts, uint64_t seed = 1) : world_(Options(seed)), received_(hosts) {
    for (int i = 0; i < hosts; ++i) {
      LambdaProcessSpec spec;
      spec.on_message = [this, i](Context&, const Message& m) {
        received_[i].push_back({m.from, world_.now().nanos()});
      };
      world_.AddHost("h" + std::to_string(i), LambdaFactory(spec));
    }
    for (int i = 0; i < hosts; ++i) world_.StartHost(static_cast<HostId>(i));
  }
  static WorldOptions Options(uint64_t seed) {
    WorldOptions o;
    o.seed = seed;
    return o;
  }
  void SendAt(Time at, HostId from, HostId to, int64_t size = 100) {
    world_.At(at, [this, from, to, size] {
      world_.host(from).context().Send(to, "m", Payload::Bytes(std::string(size, 'x')));
    });
  }
  World& world() { return world_; }
  const std::vector<std::pair<HostId, int64_t>>& received(HostId h) { return received_[h]; }

 private:
  World world_;
  std::vector<std::vector<std::pair<HostId, int64_t>>> received_;
};

LinkConfig Fixed(absl::Duration latency) {
  LinkConfig c;
  c.latency = latency;
  c.jitter = absl::ZeroDuration();
  return c;
}

TEST(NetworkTest, DeliveryTakesLatencyPlusJitter) {
  NetFixture f(2);
  LinkConfig c;
  c.latency = absl::Milliseconds(10);
  c.jitter = absl::Milliseconds(5);
  f.world().network().set_default_link(c);
  for (int i = 0; i < 100; ++i) f.SendAt(Ms(i * 100), 0, 1);
  f.world().RunUntil(Ms(20000));
  ASSERT_EQ(f.received(1).size(), 100u);
  for (int i = 0; i < 100; ++i) {
    const int64_t delay = f.received(1)[i].second - Ms(i * 100).nanos();
    EXPECT_GE(delay, Ms(10).nanos());
    EXPECT_LE(delay, Ms(15).nanos());
  }
}

TEST(NetworkTest, TotalLossDropsEverything) {
  NetFixture f(2);
  LinkConfig c = Fixed(absl::Milliseconds(1));
  c.loss = Ratio::Always();
  f.world().network().set_default_link(c);
  for (int i = 0; i < 50; ++i) f.SendAt(Ms(i), 0, 1);
  f.world().RunUntil(Ms(1000));
  EXPECT_TRUE(f.received(1).empty());
  EXPECT_EQ(f.world().network().stats().dropped_loss, 50u);
}

TEST(NetworkTest, PartialLossDropsAboutItsRatio) {
  NetFixture f(2);
  LinkConfig c = Fixed(absl::Milliseconds(1));
  c.loss = Ratio{1, 10};
  f.world().network().set_default_link(c);
  for (int i = 0; i < 2000; ++i) f.SendAt(Ms(i), 0, 1);
  f.world().RunUntil(Ms(5000));
  EXPECT_GT(f.received(1).size(), 1700u);
  EXPECT_LT(f.received(1).size(), 1900u);
}

TEST(NetworkTest, DuplicationDeliversTwice) {
  NetFixture f(2);
  LinkConfig c = Fixed(absl::Milliseconds(1));
  c.duplicate = Ratio::Always();
  f.world().network().set_default_link(c);
  f.SendAt(Ms(0), 0, 1);
  f.world().RunUntil(Ms(100));
  EXPECT_EQ(f.received(1).size(), 2u);
  EXPECT_EQ(f.world().network().stats().duplicated, 1u);
}

TEST(NetworkTest, ReorderingLetsLaterMessagesOvertake) {
  Network net(Prng(5));
  LinkConfig c = Fixed(absl::Milliseconds(1));
  c.reorder = Ratio{1, 2};
  c.reorder_delay_max = absl::Milliseconds(50);
  net.set_default_link(c);
  int overtaken = 0;
  Time previous_arrival;
  for (int i = 0; i < 100; ++i) {
    const Routing r = net.RouteDatagram(0, 1, Ms(i), 10);
    ASSERT_EQ(r.fate, Routing::Fate::kDelivered);
    EXPECT_GE(r.arrival, Ms(i + 1));
    EXPECT_LE(r.arrival, Ms(i + 51));
    if (i > 0 && r.arrival < previous_arrival) ++overtaken;
    previous_arrival = r.arrival;
  }
  EXPECT_GT(overtaken, 10);
}

TEST(NetworkTest, WithoutReorderingFixedLatencyKeepsOrder) {
  Network net(Prng(5));
  net.set_default_link(Fixed(absl::Milliseconds(1)));
  Time previous_arrival;
  for (int i = 0; i < 100; ++i) {
    const Routing r = net.RouteDatagram(0, 1, Ms(i), 10);
    EXPECT_GT(r.arrival, previous_arrival);
    previous_arrival = r.arrival;
  }
}

TEST(NetworkTest, PartitionDropsBetweenNamedSidesOnly) {
  NetFixture f(4);
  f.world().network().Partition({{0, 1}, {2}});  // Host 3 is in no side.
  f.SendAt(Ms(0), 0, 1);
  f.SendAt(Ms(0), 0, 2);
  f.SendAt(Ms(0), 2, 0);
  f.world().RunUntil(Ms(100));
  EXPECT_EQ(f.received(1).size(), 1u);
  EXPECT_TRUE(f.received(2).empty());
  EXPECT_TRUE(f.received(0).empty());
  f.world().network().HealPartition();
  f.SendAt(Ms(200), 0, 2);
  f.world().RunUntil(Ms(300));
  EXPECT_EQ(f.received(2).size(), 1u);
}

// SCENARIO_FORMAT.md: "links between sides are cut; unnamed hosts stay with everyone". Cutting
// follower 1 from follower 2 must leave the leader (0) and a worker (3) talking to both.
TEST(NetworkTest, HostInNoSideStaysConnectedToEverySide) {
  NetFixture f(4);
  f.world().network().Partition({{1}, {2}});
  for (HostId unnamed : {HostId{0}, HostId{3}}) {
    for (HostId named : {HostId{1}, HostId{2}}) {
      f.SendAt(Ms(0), unnamed, named);
      f.SendAt(Ms(0), named, unnamed);
    }
  }
  f.SendAt(Ms(0), 0, 3);
  f.SendAt(Ms(0), 1, 2);
  f.SendAt(Ms(0), 2, 1);
  f.world().RunUntil(Ms(100));
  EXPECT_EQ(f.received(0).size(), 2u);  // From 1 and 2.
  EXPECT_EQ(f.received(3).size(), 3u);  // From 0, 1 and 2.
  EXPECT_EQ(f.received(1).size(), 2u);  // From 0 and 3, not from 2.
  EXPECT_EQ(f.received(2).size(), 2u);  // From 0 and 3, not from 1.
  for (HostId h : {HostId{1}, HostId{2}}) {
    for (const auto& [from, at] : f.received(h)) EXPECT_NE(from, 3u - h);
  }
  EXPECT_TRUE(f.world().network().Reachable(0, 1));
  EXPECT_FALSE(f.world().network().Reachable(1, 2));
}

TEST(NetworkTest, OneWayCutBlocksOneDirection) {
  NetFixture f(2);
  f.world().network().Cut(0, 1);
  f.SendAt(Ms(0), 0, 1);
  f.SendAt(Ms(0), 1, 0);
  f.world().RunUntil(Ms(100));
  EXPECT_TRUE(f.received(1).empty());
  EXPECT_EQ(f.received(0).size(), 1u);
}

TEST(NetworkTest, IsolatedHostReachesNoOne) {
  NetFixture f(3);
  f.world().network().Isolate(1);
  f.SendAt(Ms(0), 0, 1);
  f.SendAt(Ms(0), 1, 2);
  f.SendAt(Ms(0), 0, 2);
  f.world().RunUntil(Ms(100));
  EXPECT_TRUE(f.received(1).empty());
  EXPECT_EQ(f.received(2).size(), 1u);
  EXPECT_EQ(f.received(2)[0].first, 0u);
}

TEST(NetworkTest, ClogHoldsPacketsUntilItEnds) {
  NetFixture f(2);
  f.world().network().set_default_link(Fixed(absl::Milliseconds(1)));
  f.world().network().Clog(0, 1, Ms(500));
  f.SendAt(Ms(10), 0, 1);
  f.SendAt(Ms(600), 0, 1);
  f.world().RunUntil(Ms(1000));
  ASSERT_EQ(f.received(1).size(), 2u);
  EXPECT_EQ(f.received(1)[0].second, Ms(501).nanos());
  EXPECT_EQ(f.received(1)[1].second, Ms(601).nanos());
}

TEST(NetworkTest, PerLinkOverrideReplacesDefault) {
  NetFixture f(3);
  f.world().network().set_default_link(Fixed(absl::Milliseconds(1)));
  f.world().network().SetLink(0, 2, Fixed(absl::Milliseconds(40)));
  f.SendAt(Ms(0), 0, 1);
  f.SendAt(Ms(0), 0, 2);
  f.world().RunUntil(Ms(100));
  EXPECT_EQ(f.received(1)[0].second, Ms(1).nanos());
  EXPECT_EQ(f.received(2)[0].second, Ms(40).nanos());
}

TEST(NetworkTest, MessageBytesAreCounted) {
  NetFixture f(2);
  f.SendAt(Ms(0), 0, 1, 1000);
  f.SendAt(Ms(0), 0, 1, 24);
  f.world().RunUntil(Ms(100));
  const NetworkStats& stats = f.world().network().stats();
  EXPECT_EQ(stats.packets_sent, 2u);
  // Payload + name ("m") + fixed header per packet.
  EXPECT_EQ(stats.bytes_sent, 1000u + 24u + 2 * (1 + Packet::kHeaderBytes));
  EXPECT_EQ(stats.bytes_delivered, stats.bytes_sent);
}

TEST(NetworkTest, MessagesToADownHostAreDropped) {
  NetFixture f(2);
  f.world().CrashHost(1);
  f.SendAt(Ms(0), 0, 1);
  f.world().RunUntil(Ms(100));
  EXPECT_EQ(f.world().network().stats().dropped_host_down, 1u);
}

TEST(NetworkTest, HealAllRemovesEveryFault) {
  NetFixture f(3);
  f.world().network().Partition({{0}, {1, 2}});
  f.world().network().Cut(1, 2);
  f.world().network().Isolate(2);
  f.world().network().HealAll();
  f.SendAt(Ms(0), 0, 1);
  f.SendAt(Ms(0), 1, 2);
  f.world().RunUntil(Ms(100));
  EXPECT_EQ(f.received(1).size(), 1u);
  EXPECT_EQ(f.received(2).size(), 1u);
}

}  // namespace
}  // namespace sim
