#include "scenarios/scenario_text.h"

#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "scenarios/loader.h"
#include "scenarios/scenario.h"

namespace scenarios {
namespace {

namespace sc = ::scenarios;

// Every action, predicate, window and cluster override the format has, with labels, lists,
// negative and fractional durations and fractional ratios.
constexpr char kEverything[] = R"pb(
name: "every \"field\""
description: "line one\nline two"
seed: 18446744073709551615
duration: "1h2m3.5s"
golden_digest: "0123456789abcdef"
cluster {
  managers: 5
  workers: 12
  raft { tick_interval: "500ms" election_tick: 20 heartbeat_tick: 2 snapshot_interval: 77
         log_entries_for_slow_followers: 0 check_quorum: false pre_vote: true }
  dispatcher { heartbeat_period: "2s" heartbeat_epsilon: "0s" grace_period_multiplier: 4
               rate_limit_period: "0s" }
  agent { initial_backoff: "50ms" max_backoff: "30s" rpc_timeout: "1.5s" }
  network { latency: "250us" jitter: "3ms" drop: "0.5%" duplicate: "0.0001%" }
  group { name: "rack" nodes: ["w1", "w2"] }
}
service { name: "web" replicas: 10 }
service { name: "db.1" replicas: 0 }
buggify { all: true enable: ["dispatcher.slow_register", "raft.drop_append"] allow: "worker.task_start_fails" fire: "2%" }
step { at: "0s" crash { node: "leader" label: "old_leader" } }
step { at: "1s" stop { node: "follower" label: "f" } }
step { at: "2s" restart { node: "old_leader" } }
step { at: "3s" pause { node: "w3" duration: "1m0.000000001s" label: "p" } }
step { at: "4s" isolate { node: "m2" } }
step { at: "4s" isolate { node: "m3" duration: "10s" label: "iso" } }
step { at: "5s" partition { side { nodes: ["m1", "w1"] } side { nodes: ["m4"] } side { nodes: ["f"] } } }
step { at: "6s" cut { from: "m1" to: "iso" } }
step { at: "7s" heal {} }
step { at: "8s" set_network { drop: "100%" } }
step { at: "8s" set_network { from: "w2" to: "m1" latency: "0s" jitter: "1ns" duplicate: "12.3456%" } }
step { at: "9s" clock { node: "w4" offset: "-2.5s" drift_ppm: -500000 } }
step { at: "9s" clock { node: "w5" drift_ppm: 100 label: "skewed" } }
step { at: "10s" scale_service { name: "web" replicas: 3 } }
step { at: "11s" remove_service { name: "db.1" } }
step { at: "12s" promote { node: "w6" label: "promoted" } }
step { at: "13s" demote { node: "m5" } }
step { at: "14s" transfer_leadership { to: "w6" label: "new_leader" } }
step { at: "15s" transfer_leadership { to: "follower" } }
step { at: "16s" set_availability { node: "w7" availability: DRAIN } }
step { at: "16s" set_availability { node: "w8" label: "paused_node" availability: PAUSE } }
step { at: "17s" set_availability { node: "paused_node" availability: ACTIVE } }
step { at: "18s" set_disk { node: "m2" sync_latency: "50ms" } }
step { at: "18s" skip_if_unresolved: true set_disk { node: "m3" label: "slow_disk" sync_latency: "0s" } }
step { at: "19s" trigger { event: "raft.vote" node: "m2" where: "granted=1" where: "pre_vote=0" delay: "1ms" } crash { node: "m2" label: "voter" } }
step { at: "19s" trigger { event: "dispatcher.status_batch.started" node: "leader" until: "50s" } isolate { node: "leader" duration: "5s" } }
step { at: "20s" trigger { event: "task.state" node: "rack" where: "state=TASK_STARTING" } pause { node: "w1" duration: "2s" } }
expect { name: "a" eventually { within: "0s" } leader {} }
expect { name: "b" eventually { after: "1m" within: "30s" } leader { not: "old_leader" } }
expect { name: "c" eventually { after: "2m" within: "1h" } leader { is: "new_leader" } }
expect { name: "d" always {} no_leader {} }
expect { name: "e" always { from: "3s" until: "4s" } all_nodes_ready { except: ["old_leader", "w1"] } }
expect { name: "f" always { until: "2h" } all_nodes_ready {} }
expect { name: "g" always { from: "1s" } node_status { node: "w1" state: DOWN } }
expect { name: "h" eventually { within: "1s" } node_status { node: "skewed" state: UNKNOWN } }
expect { name: "i" eventually { within: "1s" } node_status { node: "m1" state: READY } }
expect { name: "j" always {} no_node_down { except: ["p"] } }
expect { name: "k" always {} no_node_down {} }
expect { name: "l" eventually { within: "2s" } agents_connected { except: ["w2"] } }
expect { name: "m" eventually { within: "2s" } service_converged { name: "web" } }
expect { name: "n" eventually { within: "2s" } committed { min_index: 12345 } }
expect { name: "o" eventually { within: "2s" } raft_members { nodes: ["m1", "m2", "promoted"] } }
expect { name: "q" always { from: "1s" } session_unchanged { node: "promoted" } }
)pb";

absl::StatusOr<sc::Scenario> Parse(const std::string& text) {
  return sc::ParseScenario(text, "scenario_text_test.textproto");
}

TEST(ScenarioTextTest, EveryFieldRoundTrips) {
  const absl::StatusOr<sc::Scenario> original = Parse(kEverything);
  ASSERT_TRUE(original.ok()) << original.status();
  const std::string text = ScenarioText(*original);
  const absl::StatusOr<sc::Scenario> again = Parse(text);
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << text;
  EXPECT_EQ(DescribeDifference(*original, *again), "") << text;
  EXPECT_EQ(ScenarioText(*again), text);
}

TEST(ScenarioTextTest, DefaultsAreLeftOut) {
  const absl::StatusOr<sc::Scenario> s =
      Parse("name: \"x\" duration: \"4m\" cluster { managers: 3 }");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(ScenarioText(*s),
            "name: \"x\"\n"
            "seed: 1\n"
            "duration: \"4m\"\n"
            "\n"
            "cluster {\n"
            "  managers: 3\n"
            "  workers: 0\n"
            "}\n");
}

TEST(ScenarioTextTest, HeaderBecomesComments) {
  sc::Scenario s;
  s.name = "h";
  s.duration = absl::Seconds(1);
  s.cluster.managers = 1;
  const std::string text = ScenarioText(s, "first\n\nthird");
  EXPECT_EQ(text.substr(0, 18), "# first\n#\n# third\n");
  const absl::StatusOr<sc::Scenario> parsed = Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(DescribeDifference(s, *parsed), "");
}

TEST(ScenarioTextTest, DifferencesAreNamed) {
  const absl::StatusOr<sc::Scenario> a = Parse(kEverything);
  ASSERT_TRUE(a.ok()) << a.status();
  sc::Scenario b = *a;
  std::get<sc::Crash>(b.steps[0].action).label = "other";
  EXPECT_NE(DescribeDifference(*a, b).find("steps[0]"), std::string::npos);
  b = *a;
  std::get<sc::Isolate>(b.steps[5].action).duration.reset();
  EXPECT_NE(DescribeDifference(*a, b).find("steps[5]"), std::string::npos);
  b = *a;
  b.cluster.network.duplicate_ppm = 2;
  EXPECT_NE(DescribeDifference(*a, b).find("cluster.network"), std::string::npos);
}

}  // namespace
}  // namespace scenarios
