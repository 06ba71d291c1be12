// Session stream: registration, rate limit, the wait for the status batch, session messages.
#include <string>

#include "gtest/gtest.h"
#include "model/dispatcher/dispatcher_harness.h"
#include "model/dispatcher/errors.h"

namespace swarmsim {
namespace dispatcher {
namespace {

sim::Time Ms(int64_t ms) { return sim::Time::Zero() + absl::Milliseconds(ms); }

TEST(DispatcherSessionTest, FirstMessageHasSessionIdAndOneManagerOfWeightTen) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();  // t = 0: markNodesUnknown commits at once; first status batch at 100 ms.
  const std::string session = h.Register(1, "n1");
  ASSERT_FALSE(session.empty());
  const Sent* first = h.LastSentTo(1);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->at, Ms(100));
  ASSERT_EQ(first->envelope.session.managers_size(), 1);
  EXPECT_EQ(first->envelope.session.managers(0).node_id(), "leader");
  EXPECT_EQ(first->envelope.session.managers(0).weight(), 10);
  // The READY write committed before the first message, which carries it.
  EXPECT_EQ(first->envelope.session.node().status().state(), api::NodeStatus::READY);
  EXPECT_EQ(h.store().GetNode("n1")->status().addr(), "10.1.0.1");
}

TEST(DispatcherSessionTest, RegisterTwiceGivesDifferentSessionIds) {
  DispatcherConfig config;
  config.rate_limit_period = absl::ZeroDuration();
  DispatcherHarness h(config);
  h.AddNode("n1");
  h.Start();
  const std::string first = h.Register(1, "n1");
  const std::string second = h.Register(2, "n1");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  EXPECT_NE(first, second);
  EXPECT_EQ(h.dispatcher().registry().Get("n1")->session_id, second);
}

TEST(DispatcherSessionTest, FourthRegistrationWithinRateLimitIsUnavailable) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();  // n1 enters the registry as UNKNOWN (no Registered time): three free attempts.
  EXPECT_FALSE(h.Register(1, "n1").empty());  // first message at 100 ms
  EXPECT_FALSE(h.Register(2, "n1").empty());  // at 200 ms
  EXPECT_FALSE(h.Register(3, "n1").empty());  // at 300 ms
  const sim::Time fourth_at = h.now();
  EXPECT_EQ(fourth_at, Ms(300));
  h.Session(4, "n1");
  const Sent* end = h.LastSentTo(4);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->at, fourth_at);  // Refused at once, no wait for a batch.
  EXPECT_EQ(end->envelope.kind, EnvelopeKind::kStreamEnd);
  EXPECT_EQ(end->envelope.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(end->envelope.status.message(), "node n1 exceeded rate limit count of registrations");
  // After more than 8 s without a checked attempt the node may register again.
  h.AdvanceTo(Ms(300 + 8001));
  EXPECT_FALSE(h.Register(5, "n1").empty());
}

TEST(DispatcherSessionTest, RegistrationWaitsForBatchCommit) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  h.set_commit_latency(absl::Milliseconds(20));
  h.AdvanceTo(Ms(30));
  h.Session(1, "n1");
  EXPECT_TRUE(h.SentTo(1).empty());  // 30 ms: pending.
  ASSERT_EQ(h.NotesOf(NoteKind::kRegistrationPending).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kRegistrationPending)[0].at, Ms(30));
  h.AdvanceTo(Ms(119));
  EXPECT_TRUE(h.SentTo(1).empty());  // The batch was proposed at 100 ms, commits at 120 ms.
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::UNKNOWN);
  h.AdvanceTo(Ms(120));
  auto sent = h.SentTo(1);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, Ms(120));
  EXPECT_EQ(sent[0].envelope.kind, EnvelopeKind::kSessionMessage);
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::READY);
  ASSERT_EQ(h.NotesOf(NoteKind::kRegistrationAccepted).size(), 1u);
  EXPECT_EQ(h.NotesOf(NoteKind::kRegistrationAccepted)[0].at, Ms(120));
}

TEST(DispatcherSessionTest, RegistrationOfNodeMissingFromStoreIsUnknownError) {
  DispatcherHarness h;
  h.Start();
  h.Session(1, "ghost");
  const Sent* end = h.LastSentTo(1);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->envelope.status.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(end->envelope.status.message(), "node not found");
}

TEST(DispatcherSessionTest, SessionsAreRefusedUntilUnknownBatchCommits) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.set_commit_latency(absl::Milliseconds(50));
  h.Start();  // t = 0; markNodesUnknown commits at 50 ms.
  h.AdvanceTo(Ms(10));
  EXPECT_EQ(h.dispatcher().state(), Dispatcher::State::kStarting);
  h.Session(1, "n1");
  ASSERT_NE(h.LastSentTo(1), nullptr);
  EXPECT_EQ(h.LastSentTo(1)->envelope.status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(h.LastSentTo(1)->envelope.status.message(), "dispatcher is stopped");
  h.AdvanceTo(Ms(50));
  EXPECT_TRUE(h.dispatcher().running());
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::UNKNOWN);
  EXPECT_FALSE(h.Register(2, "n1").empty());  // Batch tick 150 ms, commit 200 ms.
  EXPECT_EQ(h.LastSentTo(2)->at, Ms(200));
}

TEST(DispatcherSessionTest, KnownSessionIdIsReusedWithoutRateLimit) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.CancelStream(1);
  // Many reconnects with the known ID: never rate limited, always the same ID.
  for (CallId call = 2; call < 8; ++call) {
    EXPECT_EQ(h.Register(call, "n1", session), session);
  }
  EXPECT_EQ(h.NotesOf(NoteKind::kRegistrationAccepted).size(), 1u);
}

TEST(DispatcherSessionTest, SessionMessageOnMembershipChange) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  h.Register(1, "n1");
  h.AdvanceTo(Ms(1000));
  std::vector<api::RaftMember> members(2);
  members[0].set_raft_id(7);
  members[0].set_node_id("m7");
  members[1].set_raft_id(1);
  members[1].set_node_id("leader");
  h.MembershipChange(members);
  const Sent* update = h.LastSentTo(1);
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->at, Ms(1000));
  EXPECT_EQ(update->envelope.kind, EnvelopeKind::kSessionMessage);
  ASSERT_EQ(update->envelope.session.managers_size(), 2);
  EXPECT_EQ(update->envelope.session.managers(0).node_id(), "leader");  // By Raft ID.
  EXPECT_EQ(update->envelope.session.managers(1).node_id(), "m7");
  EXPECT_EQ(update->envelope.session.managers(1).weight(), 10);
  EXPECT_EQ(h.SentTo(1).size(), 2u);
}

TEST(DispatcherSessionTest, SessionMessageOnNodeObjectUpdate) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  h.Register(1, "n1");
  h.AdvanceTo(Ms(500));
  h.Write([](store::WriteTx& tx) {
    api::Node node = *tx.Get<api::Node>("n1");
    node.mutable_spec()->set_availability(api::AVAILABILITY_DRAIN);
    return tx.Update(node);
  });
  const Sent* update = h.LastSentTo(1);
  ASSERT_EQ(h.SentTo(1).size(), 2u);
  EXPECT_EQ(update->at, Ms(500));
  EXPECT_EQ(update->envelope.session.node().spec().availability(), api::AVAILABILITY_DRAIN);
}

TEST(DispatcherSessionTest, SupersededSessionEndsAfterItsNextMessage) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  const std::string old_session = h.Register(1, "n1");  // 100 ms
  const std::string new_session = h.Register(2, "n1");  // 200 ms: a new registration.
  ASSERT_NE(old_session, new_session);
  // The READY write of the second registration reached stream 1 as a node update at 200 ms,
  // before the new session existed: stream 1 sent it and is still open.
  auto sent = h.SentTo(1);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].at, Ms(200));
  EXPECT_EQ(sent[1].envelope.session.session_id(), old_session);
  // Its next message (a membership change at 300 ms) goes out, then the check after the send
  // finds the session superseded and the stream ends.
  h.AdvanceTo(Ms(300));
  h.MembershipChange({});
  sent = h.SentTo(1);
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[2].envelope.kind, EnvelopeKind::kSessionMessage);
  EXPECT_EQ(sent[3].at, Ms(300));
  EXPECT_EQ(sent[3].envelope.kind, EnvelopeKind::kStreamEnd);
  EXPECT_EQ(sent[3].envelope.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sent[3].envelope.status.message(), "session invalid");
  // The new session is unaffected.
  EXPECT_EQ(h.LastSentTo(2)->envelope.kind, EnvelopeKind::kSessionMessage);
  EXPECT_EQ(h.dispatcher().open_sessions(), 1u);
}

TEST(DispatcherSessionTest, StopSendsLastMessageThenAbortedNodeMustDisconnect) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t1", "n1", api::TASK_ASSIGNED);
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.Assignments(2, "n1", session);
  h.AdvanceTo(Ms(2000));
  const size_t proposals_before = h.proposals_made();
  h.Stop();
  auto sent = h.SentTo(1);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].at, Ms(2000));
  EXPECT_EQ(sent[1].envelope.kind, EnvelopeKind::kSessionMessage);
  EXPECT_EQ(sent[2].at, Ms(2000));
  EXPECT_EQ(sent[2].envelope.kind, EnvelopeKind::kStreamEnd);
  EXPECT_EQ(sent[2].envelope.status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(sent[2].envelope.status.message(), "node must disconnect");
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.code(), absl::StatusCode::kCancelled);
  h.Heartbeat(3, "n1", session);
  EXPECT_EQ(h.LastSentTo(3)->envelope.status.message(), "dispatcher is stopped");
  // Nothing is written by a stopped dispatcher, even when the old deadlines pass.
  h.AdvanceTo(Ms(60000));
  EXPECT_EQ(h.proposals_made(), proposals_before);
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::READY);
}

TEST(DispatcherSessionTest, RegistrationPendingAtStopIsReleasedThenDisconnected) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  h.AdvanceTo(Ms(40));
  h.Session(1, "n1");
  h.Stop();  // 40 ms: before the batch that would commit its READY write.
  auto sent = h.SentTo(1);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].envelope.kind, EnvelopeKind::kSessionMessage);
  EXPECT_EQ(sent[1].envelope.kind, EnvelopeKind::kSessionMessage);
  EXPECT_EQ(sent[2].envelope.status.message(), "node must disconnect");
  EXPECT_EQ(h.store().GetNode("n1")->status().state(), api::NodeStatus::UNKNOWN);
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
