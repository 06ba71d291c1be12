#include "scenarios/loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace scenarios {
namespace {

constexpr int64_t kSecond = 1000000000;
constexpr char kTestdata[] = "scenarios/testdata";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

NodeSelector Label(const std::string& label) {
  NodeSelector s;
  s.kind = NodeSelector::Kind::kLabel;
  s.label = label;
  s.text = label;
  return s;
}

void ExpectSelector(const NodeSelector& actual, const NodeSelector& expected) {
  EXPECT_EQ(actual.kind, expected.kind);
  EXPECT_EQ(actual.label, expected.label);
  EXPECT_EQ(actual.text, expected.text);
  if (expected.kind == NodeSelector::Kind::kHost) {
    EXPECT_EQ(actual.host, expected.host);
  }
}

// The example in SCENARIO_FORMAT.md, copied verbatim, loads with exactly these values.
TEST(LoaderTest, FormatExampleLoadsAsWritten) {
  const std::string path = absl::StrCat(kTestdata, "/format_example.textproto");
  const absl::StatusOr<Scenario> loaded = LoadScenario(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Scenario& s = *loaded;
  EXPECT_EQ(s.file, path);
  EXPECT_EQ(s.name, "leader_power_off");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_FALSE(s.seed_overridden);
  EXPECT_EQ(s.duration, absl::Minutes(4));
  EXPECT_EQ(s.end(), sim::Time::FromNanos(240 * kSecond));
  EXPECT_EQ(s.cluster.managers, 3);
  EXPECT_EQ(s.cluster.workers, 5);
  EXPECT_EQ(s.cluster.network.latency, absl::Milliseconds(1));
  EXPECT_EQ(s.cluster.network.jitter, absl::Milliseconds(2));
  EXPECT_EQ(s.cluster.network.drop_ppm, 0u);
  EXPECT_EQ(s.cluster.raft.election_tick, 10);  // SwarmKit's defaults where not overridden
  EXPECT_EQ(s.cluster.dispatcher.heartbeat_period, absl::Seconds(5));
  EXPECT_EQ(s.cluster.agent.max_backoff, absl::Seconds(8));
  EXPECT_TRUE(s.golden_digest.empty());

  ASSERT_EQ(s.services.size(), 1u);
  EXPECT_EQ(s.services[0].name, "web");
  EXPECT_EQ(s.services[0].replicas, 10);

  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0].at, sim::Time::FromNanos(60 * kSecond));
  EXPECT_EQ(s.steps[0].location.line, 15);
  EXPECT_EQ(s.steps[0].location.column, 1);
  ASSERT_TRUE(std::holds_alternative<Crash>(s.steps[0].action));
  const Crash& crash = std::get<Crash>(s.steps[0].action);
  EXPECT_EQ(crash.node.kind, NodeSelector::Kind::kLeader);
  EXPECT_EQ(crash.label, "old_leader");
  EXPECT_EQ(s.steps[1].at, sim::Time::FromNanos(150 * kSecond));
  ASSERT_TRUE(std::holds_alternative<Restart>(s.steps[1].action));
  ExpectSelector(std::get<Restart>(s.steps[1].action).node, Label("old_leader"));
  EXPECT_STREQ(ActionName(s.steps[1].action), "restart");

  ASSERT_EQ(s.expectations.size(), 4u);
  const Expectation& elected = s.expectations[0];
  EXPECT_EQ(elected.name, "a new leader is elected");
  const auto& e0 = std::get<Eventually>(elected.window);
  EXPECT_EQ(e0.after, sim::Time::FromNanos(60 * kSecond));
  EXPECT_EQ(e0.within, absl::Seconds(30));
  EXPECT_EQ(e0.deadline(), sim::Time::FromNanos(90 * kSecond));
  const auto& leader = std::get<LeaderElected>(elected.predicate);
  ASSERT_TRUE(leader.not_node.has_value());
  ExpectSelector(*leader.not_node, Label("old_leader"));

  const Expectation& no_down = s.expectations[1];
  EXPECT_EQ(no_down.name, "no survivor is ever marked down");
  const auto& a1 = std::get<Always>(no_down.window);
  EXPECT_EQ(a1.from, sim::Time::FromNanos(60 * kSecond));
  EXPECT_EQ(a1.until, s.end());
  const auto& except = std::get<NoNodeDown>(no_down.predicate).except;
  ASSERT_EQ(except.size(), 1u);
  ExpectSelector(except[0], Label("old_leader"));

  const Expectation& ready = s.expectations[2];
  EXPECT_EQ(std::get<Eventually>(ready.window).after, sim::Time::FromNanos(150 * kSecond));
  EXPECT_EQ(std::get<Eventually>(ready.window).within, absl::Seconds(64));
  EXPECT_TRUE(std::get<AllNodesReady>(ready.predicate).except.empty());

  const Expectation& converged = s.expectations[3];
  EXPECT_EQ(std::get<Eventually>(converged.window).within, absl::Seconds(90));
  EXPECT_EQ(std::get<ServiceConverged>(converged.predicate).name, "web");
  EXPECT_STREQ(PredicateName(converged.predicate), "service_converged");
}

// Every file in testdata/bad is rejected with exactly the message in its .expected sidecar.
TEST(LoaderTest, EveryBadFileGetsItsExactError) {
  const std::string dir = absl::StrCat(kTestdata, "/bad");
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (absl::EndsWith(path, ".textproto")) files.push_back(path);
  }
  std::sort(files.begin(), files.end());  // directory order is the file system's
  EXPECT_GE(files.size(), 20u);
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    const std::string expected_path =
        absl::StrCat(absl::StripSuffix(path, ".textproto"), ".expected");
    ASSERT_TRUE(std::filesystem::exists(expected_path)) << "missing sidecar " << expected_path;
    const std::string expected(absl::StripSuffix(ReadFile(expected_path), "\n"));
    const absl::StatusOr<Scenario> loaded = LoadScenario(path);
    ASSERT_FALSE(loaded.ok()) << path << " loaded without error";
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(loaded.status().message()), expected);
  }
}

// The fuzzer's find: a name holding a byte that is not UTF-8 ("bad\xd5": an escape writes one
// byte) validated, and `run --json` then wrote it into JSON that was not UTF-8. String fields
// hold UTF-8 text; a file that is not UTF-8 at all is refused at its first bad byte.
TEST(LoaderTest, TextThatIsNotUtf8IsRefusedWhereItIs) {
  const std::string rest = "duration: \"4m\"\ncluster { managers: 3 }\n";
  absl::StatusOr<Scenario> loaded = ParseScenario("name: \"bad\\xd5\"\n" + rest, "f.textproto");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loaded.status().message(),
            "f.textproto:1:1: name: \"bad\\xd5\" is not UTF-8 text (an escape such as \\xd5 or "
            "\\325 writes one byte; write the character itself, or \\u00d5)");

  loaded = ParseScenario(rest + "description: \"caf\xe9\"\n", "f.textproto");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(),
            "f.textproto:3:18: byte 0xe9 is not UTF-8: a scenario file is UTF-8 text");

  // What the message suggests loads, and so does UTF-8 written as it is.
  loaded = ParseScenario("name: \"bad\\u00d5 \xc3\xa9\"\n" + rest, "f.textproto");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->name, "bad\xc3\x95 \xc3\xa9");
}

TEST(LoaderTest, MissingFileIsNotFound) {
  const absl::StatusOr<Scenario> loaded = LoadScenario("scenarios/testdata/no_such_file");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loaded.status().message(), "scenarios/testdata/no_such_file: no such file");
}

// A directory used to be read as empty text and reported as "the scenario needs duration".
TEST(LoaderTest, DirectoryIsSaidToBeADirectory) {
  const absl::StatusOr<Scenario> loaded = LoadScenario(kTestdata);
  EXPECT_EQ(loaded.status().message(),
            "scenarios/testdata: is a directory, not a scenario file");
}

// /dev/zero used to be read forever, memory growing without bound.
TEST(LoaderTest, DeviceIsRefusedWithoutReading) {
  const absl::StatusOr<Scenario> loaded = LoadScenario("/dev/zero");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(loaded.status().message(), "/dev/zero: is not a regular file"))
      << loaded.status().message();
}

TEST(LoaderTest, FileOverTheLimitIsRefusedNamingTheLimit) {
  const std::string path = absl::StrCat(std::getenv("TEST_TMPDIR"), "/big.textproto");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(kScenarioFileMaxBytes + 1, '#');
  }
  const absl::StatusOr<Scenario> loaded = LoadScenario(path);
  EXPECT_EQ(loaded.status().message(),
            absl::StrCat(path,
                         ": is larger than the 4 MiB (4194304 bytes) a scenario file may be"));
  // Exactly at the limit is read (and then judged on its contents: comments only).
  std::filesystem::resize_file(path, kScenarioFileMaxBytes);
  const absl::StatusOr<std::string> text = ReadScenarioFile(path);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->size(), kScenarioFileMaxBytes);
}

TEST(LoaderTest, DefaultsWhenAbsent) {
  const absl::StatusOr<Scenario> s =
      ParseScenario("duration: \"10s\" cluster { managers: 1 }", "dir/minimal.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "minimal");  // the file name without extension
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->cluster.workers, 0);
  EXPECT_EQ(s->cluster.raft.tick_interval, absl::Seconds(1));
  EXPECT_EQ(s->cluster.raft.heartbeat_tick, 1);
  EXPECT_TRUE(s->cluster.raft.check_quorum);
  EXPECT_FALSE(s->cluster.raft.pre_vote);
  EXPECT_EQ(s->cluster.dispatcher.heartbeat_epsilon, absl::Milliseconds(500));
  EXPECT_EQ(s->cluster.dispatcher.grace_period_multiplier, 3);
  EXPECT_EQ(s->cluster.dispatcher.rate_limit_period, absl::Seconds(8));
  EXPECT_EQ(s->cluster.agent.initial_backoff, absl::Milliseconds(100));
  EXPECT_EQ(s->cluster.agent.rpc_timeout, absl::Seconds(5));
  EXPECT_TRUE(s->services.empty());
  EXPECT_TRUE(s->steps.empty());
  EXPECT_TRUE(s->expectations.empty());
  EXPECT_FALSE(s->buggify.all);
  EXPECT_TRUE(s->buggify.enable.empty());
  EXPECT_EQ(s->buggify.fire_ppm, 250000u);  // "25%"
  EXPECT_EQ(s->cluster.disk.sync_latency, absl::Milliseconds(1));  // a datacenter SSD
  EXPECT_TRUE(s->cluster.host_disk.empty());
}

// `disk` sets every host's disk; `host_disk` overrides it for the hosts it names, inheriting
// what it does not set; zero is allowed (persisting takes no simulated time).
TEST(LoaderTest, DiskAndHostDiskSetEachHostsSyncLatency) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"(
    duration: "10s"
    cluster {
      managers: 3
      workers: 2
      disk { sync_latency: "2ms" }
      host_disk { hosts: ["m1", "w2"] sync_latency: "50ms" }
      host_disk { hosts: "m3" sync_latency: "0s" }
      host_disk { hosts: "w1" }
    })",
                                                   "disk.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  const Cluster& c = s->cluster;
  EXPECT_EQ(c.disk.sync_latency, absl::Milliseconds(2));
  EXPECT_EQ(c.DiskOf("m1").sync_latency, absl::Milliseconds(50));
  EXPECT_EQ(c.DiskOf("m2").sync_latency, absl::Milliseconds(2));
  EXPECT_EQ(c.DiskOf("m3").sync_latency, absl::ZeroDuration());
  EXPECT_EQ(c.DiskOf("w1").sync_latency, absl::Milliseconds(2));
  EXPECT_EQ(c.DiskOf("w2").sync_latency, absl::Milliseconds(50));
  EXPECT_EQ(c.host_disk.size(), 4u);
}

TEST(LoaderTest, SeedOverride) {
  absl::StatusOr<Scenario> s =
      ParseScenario("seed: 7 duration: \"10s\" cluster { managers: 1 }", "x.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  ApplySeedOverride(std::nullopt, *s);
  EXPECT_EQ(s->seed, 7u);
  EXPECT_FALSE(s->seed_overridden);
  ApplySeedOverride(42, *s);
  EXPECT_EQ(s->seed, 42u);
  EXPECT_TRUE(s->seed_overridden);
}

// Every action, predicate and override of the schema, with their typed values.
TEST(LoaderTest, AllFieldsLoad) {
  const absl::StatusOr<Scenario> loaded =
      LoadScenario(absl::StrCat(kTestdata, "/all_fields.textproto"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Scenario& s = *loaded;
  EXPECT_EQ(s.description, "Every field of the schema.");
  EXPECT_EQ(s.golden_digest, "0123456789abcdef");
  EXPECT_EQ(s.golden_digest_location.line, 6);
  EXPECT_EQ(s.golden_digest_location.column, 1);
  EXPECT_TRUE(s.buggify.all);
  // `allow` is the old spelling of `enable`: both lists land in `enable`.
  EXPECT_EQ(s.buggify.enable,
            (std::vector<std::string>{"dispatcher.slow_register", "raft.drop_append"}));
  EXPECT_EQ(s.buggify.fire_ppm, 20000u);
  EXPECT_EQ(s.cluster.raft.tick_interval, absl::Milliseconds(100));
  EXPECT_EQ(s.cluster.raft.election_tick, 20);
  EXPECT_EQ(s.cluster.raft.heartbeat_tick, 2);
  EXPECT_EQ(s.cluster.raft.snapshot_interval, 100);
  EXPECT_EQ(s.cluster.raft.log_entries_for_slow_followers, 10);
  EXPECT_EQ(s.cluster.raft.max_size_per_msg, 4096);
  EXPECT_FALSE(s.cluster.raft.check_quorum);
  EXPECT_TRUE(s.cluster.raft.pre_vote);
  EXPECT_EQ(s.cluster.dispatcher.heartbeat_period, absl::Seconds(2));
  EXPECT_EQ(s.cluster.dispatcher.heartbeat_epsilon, absl::Milliseconds(100));
  EXPECT_EQ(s.cluster.dispatcher.grace_period_multiplier, 2);
  EXPECT_EQ(s.cluster.dispatcher.rate_limit_period, absl::Seconds(4));
  EXPECT_EQ(s.cluster.agent.initial_backoff, absl::Milliseconds(50));
  EXPECT_EQ(s.cluster.agent.max_backoff, absl::Seconds(4));
  EXPECT_EQ(s.cluster.agent.rpc_timeout, absl::Milliseconds(500));
  EXPECT_EQ(s.cluster.network.latency, absl::Microseconds(500));
  EXPECT_EQ(s.cluster.network.drop_ppm, 1u);
  EXPECT_EQ(s.cluster.network.duplicate_ppm, 20000u);
  ASSERT_EQ(s.services.size(), 2u);
  EXPECT_EQ(s.services[1].replicas, 1);  // default

  std::vector<std::string> actions;
  for (const Step& step : s.steps) actions.push_back(ActionName(step.action));
  EXPECT_EQ(actions,
            (std::vector<std::string>{"crash", "stop", "restart", "pause", "isolate", "isolate",
                                      "partition", "cut", "heal", "set_network", "set_network",
                                      "clock", "scale_service", "promote", "transfer_leadership",
                                      "demote", "set_availability", "remove_service"}));
  const Pause& pause = std::get<Pause>(s.steps[3].action);
  EXPECT_EQ(pause.node.kind, NodeSelector::Kind::kFollower);
  EXPECT_EQ(pause.duration, absl::Milliseconds(1500));
  EXPECT_EQ(std::get<Isolate>(s.steps[4].action).duration, absl::Seconds(10));
  EXPECT_FALSE(std::get<Isolate>(s.steps[5].action).duration.has_value());
  const Partition& partition = std::get<Partition>(s.steps[6].action);
  ASSERT_EQ(partition.sides.size(), 2u);
  EXPECT_EQ(partition.sides[0].size(), 2u);
  EXPECT_EQ(partition.sides[1][2].host, (Host{HostRole::kWorker, 2}));
  const Cut& cut = std::get<Cut>(s.steps[7].action);
  EXPECT_EQ(cut.from->host, (Host{HostRole::kManager, 1}));
  EXPECT_EQ(cut.to.host.Name(), "m2");
  const SetNetwork& all_links = std::get<SetNetwork>(s.steps[9].action);
  EXPECT_FALSE(all_links.from.has_value());
  EXPECT_FALSE(all_links.to.has_value());
  EXPECT_EQ(all_links.latency, absl::Milliseconds(20));
  EXPECT_EQ(all_links.jitter, absl::Milliseconds(5));
  EXPECT_EQ(all_links.drop_ppm, 10000u);
  EXPECT_EQ(all_links.duplicate_ppm, 0u);
  const SetNetwork& one_way = std::get<SetNetwork>(s.steps[10].action);
  EXPECT_EQ(one_way.from->host.Name(), "w1");
  EXPECT_FALSE(one_way.to.has_value());
  EXPECT_FALSE(one_way.latency.has_value());
  const Clock& clock = std::get<Clock>(s.steps[11].action);
  EXPECT_EQ(clock.offset, -absl::Seconds(3));
  EXPECT_EQ(clock.drift_ppm, -200);
  EXPECT_EQ(std::get<ScaleService>(s.steps[12].action).replicas, 0);
  EXPECT_EQ(std::get<TransferLeadership>(s.steps[14].action).to.host.Name(), "w2");
  EXPECT_EQ(std::get<SetAvailability>(s.steps[16].action).availability, Availability::kDrain);

  std::vector<std::string> predicates;
  for (const Expectation& e : s.expectations) predicates.push_back(PredicateName(e.predicate));
  EXPECT_EQ(predicates, (std::vector<std::string>{"leader", "no_leader", "all_nodes_ready",
                                                  "node_status", "no_node_down", "agents_connected",
                                                  "service_converged", "committed"}));
  EXPECT_FALSE(std::get<LeaderElected>(s.expectations[0].predicate).not_node.has_value());
  const Always& whole = std::get<Always>(s.expectations[1].window);
  EXPECT_EQ(whole.from, sim::Time::Zero());
  EXPECT_EQ(whole.until, s.end());
  EXPECT_EQ(std::get<AllNodesReady>(s.expectations[2].predicate).except.size(), 2u);
  const NodeStatusIs& status = std::get<NodeStatusIs>(s.expectations[3].predicate);
  EXPECT_EQ(status.state, NodeState::kDown);
  EXPECT_EQ(status.node.label, "victim");
  // `until` past the end means the end.
  EXPECT_EQ(std::get<Always>(s.expectations[4].window).until, s.end());
  EXPECT_EQ(std::get<Committed>(s.expectations[7].predicate).min_index, 5);
}

TEST(LoaderTest, ExpectationsMayUseLabelsBoundLater) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"pb(
                                                     duration: "2m"
                                                     cluster { managers: 3 }
                                                     step {
                                                       at: "1m"
                                                       crash { node: "leader" label: "gone" }
                                                     }
                                                     expect {
                                                       name: "the rest stay up"
                                                       always {}
                                                       no_node_down { except: "gone" }
                                                     }
                                                   )pb",
                                                   "later.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
}

// A rack power loss is one step: the group name stands for its hosts, in natural order.
TEST(LoaderTest, GroupStandsForItsHostsInStepsSidesAndExceptLists) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"pb(
    duration: "2m"
    cluster {
      managers: 3
      workers: 12
      group { name: "rackA" nodes: [ "w10", "w2", "m1" ] }
      group { name: "rackB" nodes: [ "w3" ] }
    }
    step { at: "10s" crash { node: "rackA" } }
    step { at: "20s" partition { side { nodes: [ "rackA" ] } side { nodes: [ "rackB", "m2" ] } } }
    step { at: "30s" set_network { from: "rackA" to: "rackB" latency: "5ms" } }
    expect { name: "rest up" always {} no_node_down { except: [ "rackA" ] } }
  )pb",
                                                   "groups.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->cluster.groups.size(), 2u);
  const std::vector<Host> rack_a = {{HostRole::kManager, 1}, {HostRole::kWorker, 2},
                                    {HostRole::kWorker, 10}};
  EXPECT_EQ(s->cluster.groups[0].hosts, rack_a);
  const Crash& crash = std::get<Crash>(s->steps[0].action);
  EXPECT_EQ(crash.node.kind, NodeSelector::Kind::kGroup);
  EXPECT_EQ(crash.node.members, rack_a);
  const Partition& partition = std::get<Partition>(s->steps[1].action);
  EXPECT_EQ(partition.sides[1][0].kind, NodeSelector::Kind::kGroup);
  const SetNetwork& change = std::get<SetNetwork>(s->steps[2].action);
  EXPECT_EQ(change.to->members, (std::vector<Host>{{HostRole::kWorker, 3}}));
  const NoNodeDown& down = std::get<NoNodeDown>(s->expectations[0].predicate);
  EXPECT_EQ(down.except[0].members, rack_a);
}

// `cut { to }` without `from`: every host's messages to it are lost; `label` binds `to`.
TEST(LoaderTest, CutWithoutFromMeansFromEveryHost) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"pb(
    duration: "2m"
    cluster { managers: 3 }
    step { at: "10s" cut { to: "follower" label: "deaf" } }
    expect { name: "deaf is not leader" always {} leader { not: "deaf" } }
  )pb",
                                                   "cut.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  const Cut& cut = std::get<Cut>(s->steps[0].action);
  EXPECT_FALSE(cut.from.has_value());
  EXPECT_EQ(cut.to.kind, NodeSelector::Kind::kFollower);
  EXPECT_EQ(cut.label, "deaf");
}

TEST(LoaderTest, GoldenDigestBelongsToTheFileSeed) {
  absl::StatusOr<Scenario> s = ParseScenario(R"pb(
    seed: 7 duration: "1m" cluster { managers: 1 } golden_digest: "0123456789abcdef"
  )pb",
                                             "pinned.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  ApplySeedOverride(9, *s);
  EXPECT_EQ(s->file_seed, 7u);
  EXPECT_EQ(s->seed, 9u);
}

TEST(LoaderTest, WindowsMayCountFromANewLeader) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"pb(
    duration: "2m"
    cluster { managers: 3 }
    expect {
      name: "a"
      always { new_leader_after: "1m" until: "26s" }
      no_node_down {}
    }
    expect {
      name: "b"
      eventually { new_leader_after: "1m" after: "26s" within: "8s" }
      no_node_down {}
    }
    expect {
      name: "c"
      eventually { within: "8s" }
      no_node_down {}
    }
  )pb",
                                                   "new_leader.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  const Always& a = std::get<Always>(s->expectations[0].window);
  EXPECT_EQ(a.new_leader_after, sim::Time::FromNanos(60 * kSecond));
  EXPECT_EQ(a.until, sim::Time::FromNanos(26 * kSecond));  // An offset from that leader.
  const Eventually& b = std::get<Eventually>(s->expectations[1].window);
  EXPECT_EQ(b.new_leader_after, sim::Time::FromNanos(60 * kSecond));
  EXPECT_EQ(b.after, sim::Time::FromNanos(26 * kSecond));
  EXPECT_FALSE(std::get<Eventually>(s->expectations[2].window).new_leader_after.has_value());
}

TEST(LoaderTest, PromotedWorkerMayReceiveLeadership) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"pb(
                                                     duration: "2m"
                                                     cluster { managers: 1 workers: 1 }
                                                     step {
                                                       at: "10s"
                                                       promote { node: "w1" }
                                                     }
                                                     step {
                                                       at: "1m"
                                                       transfer_leadership { to: "w1" }
                                                     }
                                                   )pb",
                                                   "promote.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
}

// Control steps take `via` (where the call enters) and `may_be_lost`; expectations take
// replicas_running (SCENARIO_FORMAT.md, "Additions (December)").
TEST(LoaderTest, ViaMayBeLostAndReplicasRunningLoad) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"pb(
                                                     duration: "2m"
                                                     cluster { managers: 3 workers: 1 }
                                                     service { name: "web" replicas: 2 }
                                                     step {
                                                       at: "10s"
                                                       crash { node: "leader" label: "old" }
                                                     }
                                                     step {
                                                       at: "20s"
                                                       via: "old"
                                                       may_be_lost: true
                                                       scale_service { name: "web" replicas: 3 }
                                                     }
                                                     step {
                                                       at: "30s"
                                                       promote { node: "w1" }
                                                     }
                                                     expect {
                                                       name: "up"
                                                       always {}
                                                       replicas_running { service: "web" min: 2 }
                                                     }
                                                   )pb",
                                                   "via.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->steps.size(), 3u);
  ASSERT_TRUE(s->steps[1].via.has_value());
  ExpectSelector(*s->steps[1].via, Label("old"));
  EXPECT_TRUE(s->steps[1].may_be_lost);
  EXPECT_FALSE(s->steps[2].via.has_value());
  EXPECT_FALSE(s->steps[2].may_be_lost);
  const ReplicasRunning* r = std::get_if<ReplicasRunning>(&s->expectations[0].predicate);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->service, "web");
  EXPECT_EQ(r->min, 2);
}

TEST(LoaderTest, StepsAtTheSameTimeKeepFileOrderAndMayUseEachOthersLabels) {
  const absl::StatusOr<Scenario> s = ParseScenario(R"pb(
                                                     duration: "2m"
                                                     cluster { managers: 3 }
                                                     step {
                                                       at: "1m"
                                                       crash { node: "leader" label: "a" }
                                                     }
                                                     step {
                                                       at: "1m"
                                                       restart { node: "a" }
                                                     }
                                                     step {
                                                       at: "2m"
                                                       heal {}
                                                     }
                                                   )pb",
                                                   "same.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->steps.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<Restart>(s->steps[1].action));
}

TEST(LoaderTest, TooManyErrorsAreCounted) {
  std::string text = "duration: \"1m\" cluster { managers: 1 }\n";
  for (int i = 0; i < 25; ++i) text += "step { at: \"1s\" crash { node: \"m2\" } }\n";
  const absl::StatusOr<Scenario> s = ParseScenario(text, "many.textproto");
  ASSERT_FALSE(s.ok());
  const std::string message(s.status().message());
  EXPECT_TRUE(absl::StartsWith(
      message, "many.textproto:2:25: node: unknown host \"m2\": the cluster has one manager, m1\n"))
      << message;
  EXPECT_TRUE(absl::EndsWith(message, "\nmany.textproto: 5 more errors")) << message;
}

// Whatever damage a file has, the loader answers with a scenario or with located messages: it
// never crashes and never reports a position outside the file.
RC_GTEST_PROP(LoaderFuzz, DamagedFilesLoadOrGiveLocatedErrors, ()) {
  const std::string original = ReadFile(absl::StrCat(kTestdata, "/all_fields.textproto"));
  RC_PRE(!original.empty());
  std::string text = original;
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = *rc::gen::inRange<size_t>(0, text.size());
    const size_t len = *rc::gen::inRange<size_t>(0, std::min<size_t>(16, text.size() - pos) + 1);
    const std::string insert = *rc::gen::element<std::string>(
        "", "\"", "{", "}", "m9", "w0", "-", "0", "1.5", "ms", "%", "leader", "label: \"m1\"", "x",
        ":", "\n", "\t", "step { at: \"1s\" }", "[", "]", ",");
    text.replace(pos, len, insert);
  }
  const absl::StatusOr<Scenario> s = ParseScenario(text, "fuzz.textproto");
  if (s.ok()) return;
  RC_ASSERT(s.status().code() == absl::StatusCode::kInvalidArgument);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  static const std::regex kLine(
      R"(fuzz\.textproto:([0-9]+):([0-9]+): .+|fuzz\.textproto: [0-9]+ more errors)");
  for (absl::string_view line : absl::StrSplit(s.status().message(), '\n')) {
    std::smatch match;
    const std::string l(line);
    RC_ASSERT(std::regex_match(l, match, kLine));
    if (match[1].matched) {
      RC_ASSERT(std::stoi(match[1].str()) >= 1);
      RC_ASSERT(std::stoi(match[1].str()) <= lines);
      RC_ASSERT(std::stoi(match[2].str()) >= 1);
    }
  }
}

}  // namespace
}  // namespace scenarios
