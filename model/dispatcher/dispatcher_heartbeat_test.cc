// Heartbeats, expiry to DOWN, UNKNOWN grace at leader start.
#include <string>

#include "gtest/gtest.h"
#include "model/dispatcher/dispatcher_harness.h"

namespace swarmsim {
namespace dispatcher {
namespace {

sim::Time Ms(int64_t ms) { return sim::Time::Zero() + absl::Milliseconds(ms); }

TEST(DispatcherHeartbeatTest, HeartbeatWithoutSessionIsInvalidArgument) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.Heartbeat(2, "n1", "");
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.message(), "session invalid");
  h.Heartbeat(3, "n1", session);
  const Sent* reply = h.LastSentTo(3);
  ASSERT_TRUE(reply->envelope.status.ok());
  EXPECT_GE(reply->envelope.heartbeat.period_ns(), 4500000000);
  EXPECT_LT(reply->envelope.heartbeat.period_ns(), 5500000000);
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::READY);
}

TEST(DispatcherHeartbeatTest, HeartbeatBeforeSessionIsSessionInvalid) {
  // The node is in the registry as UNKNOWN (leader start) but has no session yet.
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  h.Heartbeat(1, "n1", "");
  EXPECT_EQ(h.LastSentTo(1)->envelope.status.message(), "session invalid");
  // A node the dispatcher has never heard of is "not registered".
  h.Heartbeat(2, "n9", "whatever");
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.message(), "node not registered");
}

TEST(DispatcherHeartbeatTest, HeartbeatTimeoutMarksNodeDown) {
  DispatcherConfig config;
  config.heartbeat_period = absl::Milliseconds(100);
  config.heartbeat_epsilon = absl::ZeroDuration();
  DispatcherHarness h(config);
  h.AddNode("n1");
  h.Start();
  const std::string session = h.Register(1, "n1");  // Registered at 100 ms: deadline 400 ms.
  EXPECT_EQ(h.now(), Ms(100));
  h.AdvanceTo(Ms(399));
  EXPECT_TRUE(h.NotesOf(NoteKind::kHeartbeatExpired).empty());
  h.AdvanceTo(Ms(400));
  ASSERT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired)[0].at, Ms(400));
  // Queued at 400 ms; written by the next batch tick, at most 100 ms later.
  h.AdvanceTo(Ms(500));
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::DOWN);
  EXPECT_EQ(h.store().GetNode("n1")->status().message(), "heartbeat failure");
  // The session stream saw the DOWN write, sent it, and ended: the node is gone from the registry.
  EXPECT_EQ(h.LastSentTo(1)->envelope.kind, EnvelopeKind::kStreamEnd);
  EXPECT_EQ(h.LastSentTo(1)->envelope.status.message(), "node not registered");
  h.AdvanceTo(Ms(1000));
  h.Heartbeat(2, "n1", session);
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.message(), "node not registered");
}

TEST(DispatcherHeartbeatTest, HeartbeatExpiryIsThreeReturnedPeriods) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.AdvanceTo(Ms(3000));
  h.Heartbeat(2, "n1", session);
  const absl::Duration period = absl::Nanoseconds(h.LastSentTo(2)->envelope.heartbeat.period_ns());
  const sim::Time expected = Ms(3000) + period * 3;
  h.AdvanceTo(expected - absl::Nanoseconds(1));
  EXPECT_TRUE(h.NotesOf(NoteKind::kHeartbeatExpired).empty());
  h.AdvanceTo(expected);
  ASSERT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired)[0].at, expected);
  // In [3 s + 13.5 s, 3 s + 16.5 s).
  EXPECT_GE(expected, Ms(16500));
  EXPECT_LT(expected, Ms(19500));
}

TEST(DispatcherHeartbeatTest, HeartbeatsAtTheReturnedPeriodKeepNodeReady) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  const std::string session = h.Register(1, "n1");
  CallId call = 100;
  while (h.now() < Ms(120000)) {
    h.Heartbeat(++call, "n1", session);
    ASSERT_TRUE(h.LastSentTo(call)->envelope.status.ok());
    h.AdvanceBy(absl::Nanoseconds(h.LastSentTo(call)->envelope.heartbeat.period_ns()));
  }
  EXPECT_TRUE(h.NotesOf(NoteKind::kHeartbeatExpired).empty());
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::READY);
}

TEST(DispatcherHeartbeatTest, UnknownNodesGetSixfoldGrace) {
  DispatcherHarness h;
  h.AddNode("n1", api::NodeStatus::READY);
  h.AdvanceTo(Ms(1000));
  h.Start();  // 1 s: n1 written UNKNOWN, deadline Choose() × 6 in [27 s, 33 s) from now.
  const api::Node* node = h.store().GetNode("n1");
  EXPECT_EQ(node->status().state(), api::NodeStatus::UNKNOWN);
  EXPECT_EQ(node->status().message(),
            "Node moved to \"unknown\" state due to leadership change in cluster");
  const sim::Time deadline = h.dispatcher().registry().Get("n1")->deadline;
  EXPECT_GE(deadline, Ms(28000));
  EXPECT_LT(deadline, Ms(34000));
  h.AdvanceTo(deadline - absl::Nanoseconds(1));
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::UNKNOWN);
  h.AdvanceTo(deadline);
  ASSERT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired)[0].at, deadline);
  h.AdvanceTo(deadline + absl::Milliseconds(100));  // Next batch tick at the latest.
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::DOWN);
  EXPECT_EQ(h.store().GetNode("n1")->status().message(),
            "heartbeat failure for node in \"unknown\" state");
}

TEST(DispatcherHeartbeatTest, RegisteredUnknownNodeBecomesReady) {
  DispatcherHarness h;
  h.AddNode("n1", api::NodeStatus::READY);
  h.Start();
  EXPECT_FALSE(h.Register(1, "n1").empty());
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::READY);
  h.AdvanceTo(Ms(40000));  // Past the UNKNOWN deadline: superseded by the registration.
  // The registration's own grace (no heartbeats were sent) ran out; the UNKNOWN one never fired.
  ASSERT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kHeartbeatExpired)[0].note.detail, "heartbeat failure");
}

TEST(DispatcherHeartbeatTest, HeartbeatPeriodFollowsTheClusterObject) {
  DispatcherHarness h;
  h.Write([](store::WriteTx& tx) {
    api::Cluster cluster;
    cluster.set_id("default");
    cluster.mutable_spec()->mutable_dispatcher()->set_heartbeat_period_ns(2000000000);
    return tx.Create(cluster);
  });
  h.AddNode("n1");
  h.Start();  // Period 2 s from the cluster object: registration grace in [4.5 s, 7.5 s).
  const std::string session = h.Register(1, "n1");
  const sim::Time registered = h.now();
  EXPECT_GE(h.dispatcher().registry().Get("n1")->deadline, registered + absl::Milliseconds(4500));
  EXPECT_LT(h.dispatcher().registry().Get("n1")->deadline, registered + absl::Milliseconds(7500));
  h.Heartbeat(2, "n1", session);
  EXPECT_GE(h.LastSentTo(2)->envelope.heartbeat.period_ns(), 1500000000);
  EXPECT_LT(h.LastSentTo(2)->envelope.heartbeat.period_ns(), 2500000000);
  // A cluster update changes the period of later heartbeats.
  h.Write([](store::WriteTx& tx) {
    api::Cluster cluster = *tx.Get<api::Cluster>("default");
    cluster.mutable_spec()->mutable_dispatcher()->set_heartbeat_period_ns(10000000000);
    return tx.Update(cluster);
  });
  h.Heartbeat(3, "n1", session);
  EXPECT_GE(h.LastSentTo(3)->envelope.heartbeat.period_ns(), 9500000000);
  EXPECT_LT(h.LastSentTo(3)->envelope.heartbeat.period_ns(), 10500000000);
}

TEST(DispatcherHeartbeatTest, SessionDescriptionAndAddressAreWritten) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  api::SessionRequest request;
  request.mutable_description()->set_hostname("renamed");
  request.mutable_description()->set_generation(7);
  h.Process(h.dispatcher().Session(h.now(), 1, "n1", "10.9.9.9", request));
  h.AdvanceBy(absl::Milliseconds(100));
  const api::Node* node = h.store().GetNode("n1");
  EXPECT_EQ(node->status().state(), api::NodeStatus::READY);
  EXPECT_EQ(node->status().addr(), "10.9.9.9");
  EXPECT_EQ(node->description().hostname(), "renamed");
  EXPECT_EQ(node->description().generation(), 7u);
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
