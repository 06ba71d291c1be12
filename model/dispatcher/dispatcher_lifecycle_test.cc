// Leader start and stop: UNKNOWN marking, DOWN nodes, stale state from earlier terms, orphaning.
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/dispatcher/dispatcher_harness.h"

namespace swarmsim {
namespace dispatcher {
namespace {

sim::Time Ms(int64_t ms) { return sim::Time::Zero() + absl::Milliseconds(ms); }

TEST(DispatcherLifecycleTest, DownNodeIsNotResurrectedOnLeaderStart) {
  DispatcherHarness h;
  h.AddNode("down", api::NodeStatus::DOWN);
  h.AddNode("up", api::NodeStatus::READY);
  const uint64_t down_version = h.store().GetNode("down")->meta().version();
  h.AdvanceTo(Ms(5000));
  h.Start();
  EXPECT_EQ(h.store().GetNode("down")->status().state(), api::NodeStatus::DOWN);
  EXPECT_EQ(h.store().GetNode("down")->meta().version(), down_version);  // Not rewritten.
  EXPECT_EQ(h.store().GetNode("up")->status().state(), api::NodeStatus::UNKNOWN);
  EXPECT_EQ(h.dispatcher().registry().Get("down"), nullptr);
  ASSERT_TRUE(h.dispatcher().down_nodes().Contains("down"));
  // Its 24 h orphan countdown restarts from this start.
  EXPECT_EQ(h.dispatcher().down_nodes().nodes().at("down").deadline, Ms(5000) + absl::Hours(24));
  // A DOWN node that registers again becomes READY and leaves the down list.
  EXPECT_FALSE(h.Register(1, "down").empty());
  EXPECT_EQ(h.store().GetNode("down")->status().state(), api::NodeStatus::READY);
  EXPECT_FALSE(h.dispatcher().down_nodes().Contains("down"));
}

TEST(DispatcherLifecycleTest, StaleExpiriesFromPreviousTermDoNotMarkDown) {
  // PR swarmkit#2091: a deposed leader's pending expiries and queued writes must not mark nodes
  // DOWN when it leads again. No jitter, so every deadline below is exact.
  DispatcherConfig config;
  config.heartbeat_epsilon = absl::ZeroDuration();
  DispatcherHarness h(config);
  h.AddNode("n1");
  h.AddNode("n2");
  h.Start();
  const std::string s1 = h.Register(1, "n1");  // 100 ms
  const std::string s2 = h.Register(2, "n2");  // 200 ms
  h.AdvanceTo(Ms(1030));
  h.Heartbeat(3, "n2", s2);  // n2 deadline 1.03 s + 15 s = 16.03 s
  h.AdvanceTo(Ms(10000));
  h.Heartbeat(4, "n1", s1);  // n1 deadline 25 s
  h.AdvanceTo(Ms(16030));
  ASSERT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired)[0].at, Ms(16030));
  EXPECT_EQ(h.dispatcher().queued_node_updates(), 1u);  // DOWN queued for the 16.1 s tick...
  h.AdvanceTo(Ms(16050));
  h.Stop();  // ...but the leader is deposed first.
  EXPECT_EQ(h.store().GetNode("n2")->status().state(), api::NodeStatus::READY);
  h.AdvanceTo(Ms(17050));
  h.Start();  // Leader again: fresh queues, every node UNKNOWN, deadline 17.05 s + 30 s.
  EXPECT_EQ(h.store().GetNode("n2")->status().state(), api::NodeStatus::UNKNOWN);
  EXPECT_EQ(h.dispatcher().queued_node_updates(), 0u);
  EXPECT_EQ(h.dispatcher().registry().Get("n1")->deadline, Ms(47050));
  // n1's old-term timer (25 s) fires and is ignored; nothing is written DOWN.
  h.AdvanceTo(Ms(30000));
  EXPECT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired).size(), 1u);
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::UNKNOWN);
  EXPECT_EQ(h.store().GetNode("n2")->status().state(), api::NodeStatus::UNKNOWN);
  // Re-registering with the old session ID is a new registration (the registry was cleared).
  const std::string again = h.Register(100, "n1", s1);
  EXPECT_FALSE(again.empty());
  EXPECT_NE(again, s1);
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::READY);
}

TEST(DispatcherLifecycleTest, DownNodeTasksOrphanedAfter24h) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t-assigned", "n1", api::TASK_ASSIGNED);
  h.AddTask("t-running", "n1", api::TASK_RUNNING);
  h.AddTask("t-complete", "n1", api::TASK_COMPLETE);
  h.AddTask("t-pending", "n1", api::TASK_PENDING);
  h.Start();
  h.Register(1, "n1");  // 100 ms; no heartbeats follow.
  const sim::Time expiry = h.dispatcher().registry().Get("n1")->deadline;
  h.AdvanceTo(expiry);
  ASSERT_TRUE(h.dispatcher().down_nodes().Contains("n1"));
  const sim::Time orphan_at = expiry + absl::Hours(24);
  EXPECT_EQ(h.dispatcher().down_nodes().nodes().at("n1").deadline, orphan_at);
  h.AdvanceTo(orphan_at - absl::Nanoseconds(1));
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::DOWN);
  EXPECT_EQ(h.store().GetTask("t-running")->status().state(), api::TASK_RUNNING);
  h.AdvanceTo(orphan_at);
  EXPECT_EQ(h.store().GetTask("t-assigned")->status().state(), api::TASK_ORPHANED);
  EXPECT_EQ(h.store().GetTask("t-running")->status().state(), api::TASK_ORPHANED);
  EXPECT_EQ(h.store().GetTask("t-complete")->status().state(), api::TASK_COMPLETE);
  EXPECT_EQ(h.store().GetTask("t-pending")->status().state(), api::TASK_PENDING);
  ASSERT_EQ(h.NotesOf(NoteKind::kTasksOrphaned).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kTasksOrphaned)[0].at, orphan_at);
  EXPECT_FALSE(h.dispatcher().down_nodes().Contains("n1"));
}

TEST(DispatcherLifecycleTest, NodeBackBefore24hIsNotOrphaned) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t1", "n1", api::TASK_RUNNING);
  h.Start();
  h.Register(1, "n1");
  h.AdvanceTo(h.dispatcher().registry().Get("n1")->deadline + absl::Seconds(1));
  ASSERT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::DOWN);
  h.AdvanceBy(absl::Hours(1));
  EXPECT_FALSE(h.Register(2, "n1").empty());
  h.AdvanceBy(absl::Hours(24));
  EXPECT_TRUE(h.NotesOf(NoteKind::kTasksOrphaned).empty());
  EXPECT_EQ(h.store().GetTask("t1")->status().state(), api::TASK_RUNNING);
}

TEST(DispatcherLifecycleTest, UnknownMarkingIsCutIntoProposalsOf200) {
  DispatcherHarness h;
  h.Write([](store::WriteTx& tx) {
    for (int i = 0; i < 450; ++i) {
      api::Node node;
      node.set_id(absl::StrFormat("n%03d", i));
      node.mutable_status()->set_state(api::NodeStatus::READY);
      absl::Status status = tx.Create(node);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  });
  h.set_commit_latency(absl::Milliseconds(10));
  h.Start();  // 0 ms: first cut proposed; each next cut when the previous commits.
  EXPECT_EQ(h.proposals_made(), 1u);
  h.AdvanceTo(Ms(10));
  EXPECT_EQ(h.proposals_made(), 2u);
  EXPECT_EQ(h.dispatcher().state(), Dispatcher::State::kStarting);
  h.AdvanceTo(Ms(20));
  EXPECT_EQ(h.proposals_made(), 3u);
  EXPECT_EQ(h.dispatcher().state(), Dispatcher::State::kStarting);
  h.AdvanceTo(Ms(30));
  EXPECT_TRUE(h.dispatcher().running());
  ASSERT_EQ(h.NotesOf(NoteKind::kDispatcherRunning).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kDispatcherRunning)[0].at, Ms(30));
  size_t unknown = 0;
  for (const auto& [id, node] : h.store().nodes()) {
    unknown += node.status().state() == api::NodeStatus::UNKNOWN ? 1 : 0;
  }
  EXPECT_EQ(unknown, 450u);
  EXPECT_EQ(h.dispatcher().registry().size(), 450u);
}

TEST(DispatcherLifecycleTest, SameSeedSameOutputs) {
  auto run = [](uint64_t seed) {
    DispatcherHarness h(DispatcherConfig(), seed);
    for (int i = 0; i < 5; ++i) h.AddNode(absl::StrFormat("n%d", i), api::NodeStatus::READY);
    h.Start();
    for (int i = 0; i < 3; ++i) h.Register(i + 1, absl::StrFormat("n%d", i));
    h.AdvanceTo(Ms(60000));
    std::string digest;
    for (const Sent& sent : h.sent()) {
      digest +=
          absl::StrFormat("%d|%d|%s|%s;", sent.at.nanos(), sent.envelope.call,
                          sent.envelope.status.ToString(), sent.envelope.session.session_id());
    }
    for (const auto& [id, node] : h.store().nodes()) {
      digest += absl::StrFormat("%s=%d@%d;", id, node.status().state(), node.meta().version());
    }
    return digest;
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));  // Different jitter, different expiry times.
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
