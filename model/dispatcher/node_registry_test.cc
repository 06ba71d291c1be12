#include "model/dispatcher/node_registry.h"

#include "gtest/gtest.h"
#include "sim/prng.h"

namespace swarmsim {
namespace dispatcher {
namespace {

sim::Time At(absl::Duration d) { return sim::Time::Zero() + d; }

// Entries are hashed; the one walk answers by node ID whatever the insertion order, and entries
// stay where they are while others come and go (Get's pointers are what the dispatcher keeps).
TEST(NodeRegistryTest, FirstInIdOrderIsTheSmallestMatchingIdAndEntriesDoNotMove) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(1);
  uint64_t generation = 0;
  for (int i = 999; i >= 0; --i) {
    registry.AddUnknown(sim::Time::Zero(), "n" + std::to_string(i), ++generation, prng);
  }
  const RegisteredNode* n500 = registry.Get("n500");
  for (int i = 0; i < 400; ++i) registry.Delete("n" + std::to_string(i));
  for (int i = 1000; i < 3000; ++i) {
    registry.Add(sim::Time::Zero(), "n" + std::to_string(i), "s", ++generation, prng);
  }
  EXPECT_EQ(registry.Get("n500"), n500);
  EXPECT_EQ(registry.size(), 2600u);
  // "n1000" < "n400" as strings: the order is the node ID's, as SwarmKit's would be sorted.
  EXPECT_EQ(registry.FirstInIdOrder([](const RegisteredNode&) { return true; })->node_id, "n1000");
  EXPECT_EQ(registry.FirstInIdOrder([](const RegisteredNode& e) { return e.unknown; })->node_id,
            "n400");
  EXPECT_EQ(registry.FirstInIdOrder([](const RegisteredNode& e) { return e.generation == 0; }),
            nullptr);
}

TEST(NodeRegistryTest, UnknownEntryAllowsThreeRegistrationsThenUnavailable) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(1);
  registry.AddUnknown(At(absl::ZeroDuration()), "n1", 1, prng);
  EXPECT_TRUE(registry.CheckRateLimit(At(absl::Seconds(1)), "n1").ok());
  EXPECT_TRUE(registry.CheckRateLimit(At(absl::Seconds(2)), "n1").ok());
  EXPECT_TRUE(registry.CheckRateLimit(At(absl::Seconds(3)), "n1").ok());
  absl::Status fourth = registry.CheckRateLimit(At(absl::Seconds(4)), "n1");
  EXPECT_EQ(fourth.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fourth.message(), "node n1 exceeded rate limit count of registrations");
  // Refused attempts do not refresh `registered` (still 3 s): at 10.9 s the gap is 7.9 s, still
  // limited; at 11.1 s it is 8.1 s > 8 s, so the count resets.
  EXPECT_EQ(registry.CheckRateLimit(At(absl::Milliseconds(10900)), "n1").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(registry.CheckRateLimit(At(absl::Milliseconds(11100)), "n1").ok());
  EXPECT_EQ(registry.Get("n1")->attempts, 1);
}

TEST(NodeRegistryTest, AcceptedAttemptsSpacedUnderThePeriodStayLimited) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(1);
  registry.AddUnknown(sim::Time::Zero(), "n1", 1, prng);
  // Every accepted check refreshes `registered`, so 7 s spacing never resets the count.
  EXPECT_TRUE(registry.CheckRateLimit(At(absl::Seconds(7)), "n1").ok());
  EXPECT_TRUE(registry.CheckRateLimit(At(absl::Seconds(14)), "n1").ok());
  EXPECT_TRUE(registry.CheckRateLimit(At(absl::Seconds(21)), "n1").ok());
  EXPECT_FALSE(registry.CheckRateLimit(At(absl::Seconds(28)), "n1").ok());
}

TEST(NodeRegistryTest, AbsentNodeGetsOneExtraRegistration) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(1);
  // Not in the registry: unchecked, and nothing is recorded.
  EXPECT_TRUE(registry.CheckRateLimit(sim::Time::Zero(), "n1").ok());
  EXPECT_EQ(registry.Get("n1"), nullptr);
  registry.Add(sim::Time::Zero(), "n1", "s1", 1, prng);
  EXPECT_EQ(registry.Get("n1")->attempts, 0);
  EXPECT_FALSE(registry.Get("n1")->registered.has_value());
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(registry.CheckRateLimit(At(absl::Milliseconds(i)), "n1").ok()) << i;
    registry.Add(At(absl::Milliseconds(i)), "n1", "s" + std::to_string(i + 1), 1 + i, prng);
  }
  EXPECT_FALSE(registry.CheckRateLimit(At(absl::Milliseconds(4)), "n1").ok());
}

TEST(NodeRegistryTest, AddSupersedesTheOldTimerAndCarriesCounters) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(1);
  registry.AddUnknown(sim::Time::Zero(), "n1", 1, prng);
  ASSERT_TRUE(registry.CheckRateLimit(At(absl::Seconds(1)), "n1").ok());
  registry.Add(At(absl::Seconds(1)), "n1", "s1", 2, prng);
  EXPECT_FALSE(registry.IsLiveTimer("n1", 1));
  EXPECT_TRUE(registry.IsLiveTimer("n1", 2));
  EXPECT_EQ(registry.Get("n1")->attempts, 1);
  EXPECT_EQ(*registry.Get("n1")->registered, At(absl::Seconds(1)));
  EXPECT_FALSE(registry.Get("n1")->unknown);
}

TEST(NodeRegistryTest, GetWithSessionErrors) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(1);
  auto absent = registry.GetWithSession("n1", "s1");
  EXPECT_EQ(absent.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(absent.status().message(), "node not registered");
  registry.Add(sim::Time::Zero(), "n1", "s1", 1, prng);
  EXPECT_TRUE(registry.GetWithSession("n1", "s1").ok());
  EXPECT_EQ(registry.GetWithSession("n1", "s2").status().message(), "session invalid");
  EXPECT_EQ(registry.GetWithSession("n1", "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(NodeRegistryTest, HeartbeatExpiryIsThreeReturnedPeriods) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(5);
  registry.Add(sim::Time::Zero(), "n1", "s1", 1, prng);
  // Registration: Choose() × 3 in [13.5 s, 16.5 s).
  EXPECT_GE(registry.Get("n1")->deadline, At(absl::Milliseconds(13500)));
  EXPECT_LT(registry.Get("n1")->deadline, At(absl::Milliseconds(16500)));
  for (int i = 1; i <= 100; ++i) {
    const sim::Time now = At(absl::Seconds(4 * i));
    auto period = registry.Heartbeat(now, "n1", "s1", 1 + i, prng);
    ASSERT_TRUE(period.ok());
    EXPECT_GE(*period, absl::Milliseconds(4500));
    EXPECT_LT(*period, absl::Milliseconds(5500));
    EXPECT_EQ(registry.Get("n1")->deadline, now + *period * 3);
  }
}

TEST(NodeRegistryTest, HeartbeatReportsTheDeadlineItStored) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(7);
  registry.Add(sim::Time::Zero(), "n1", "s1", 1, prng);
  sim::Time deadline;
  auto period = registry.Heartbeat(At(absl::Seconds(4)), "n1", "s1", 2, prng, &deadline);
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(deadline, registry.Get("n1")->deadline);
  EXPECT_EQ(deadline, At(absl::Seconds(4)) + *period * 3);
}

TEST(NodeRegistryTest, UnknownNodesGetSixfoldGrace) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(9);
  for (int i = 0; i < 256; ++i) {
    const std::string id = "n" + std::to_string(i);
    const RegisteredNode& entry = registry.AddUnknown(sim::Time::Zero(), id, 1 + i, prng);
    EXPECT_GE(entry.deadline, At(absl::Seconds(27)));
    EXPECT_LT(entry.deadline, At(absl::Seconds(33)));
    EXPECT_TRUE(entry.unknown);
    // Without a session it cannot heartbeat: it has to register.
    EXPECT_EQ(registry.Heartbeat(sim::Time::Zero(), id, "", 1000 + i, prng).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(NodeRegistryTest, DeleteAndCleanForgetEntries) {
  NodeRegistry registry{NodeRegistry::Options()};
  sim::Prng prng(1);
  registry.Add(sim::Time::Zero(), "n1", "s1", 1, prng);
  registry.Add(sim::Time::Zero(), "n2", "s2", 2, prng);
  EXPECT_TRUE(registry.Delete("n1"));
  EXPECT_FALSE(registry.Delete("n1"));
  EXPECT_FALSE(registry.IsLiveTimer("n1", 1));
  registry.Clean();
  EXPECT_EQ(registry.size(), 0u);
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
