// Session lifecycle through the whole Agent, on the fake cluster (reference §1.3–1.6, §1.9).
// Replies take 1 ms; every expected instant below follows from that and SwarmKit's constants.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/agent/agent.h"
#include "model/agent/fake_cluster.h"

namespace swarmsim {
namespace agent {
namespace {

sim::Time T(absl::Duration d) { return sim::Time::Zero() + d; }
const absl::Duration kMs = absl::Milliseconds(1);

AgentConfig WorkerConfigWith(std::vector<std::string> managers) {
  AgentConfig config;
  config.node_id = "worker-1";
  config.description.set_hostname("worker-1");
  for (const std::string& m : managers) config.initial_remotes.push_back(FakeCluster::Manager(m));
  return config;
}

Peer PeerOf(const std::string& node_id) { return Peer{node_id, node_id + ":2377"}; }

// Session call at 0 that never answers: "session initiation timed out" at exactly 5 s, backoff
// 100 ms, and the next Session call within [5 s, 5.1 s).
TEST(SessionTest, SessionInitTimesOutAfterFiveSeconds) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.dispatcher("m1").session_hangs_left = 1;
  c.Start();
  c.RunUntil(T(absl::Seconds(6)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].at, T(absl::Seconds(5)));
  EXPECT_EQ(ended[0].note.reason, "session initiation timed out");
  EXPECT_EQ(ended[0].note.backoff, absl::Milliseconds(100));
  auto sessions = c.CallsOf(CallKind::kSession);
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].at, T(absl::ZeroDuration()));
  EXPECT_GE(sessions[1].at, T(absl::Seconds(5)));
  EXPECT_LT(sessions[1].at, T(absl::Seconds(5) + absl::Milliseconds(100)));
  EXPECT_TRUE(c.agent().registered());
  EXPECT_EQ(c.agent().backoff(), absl::ZeroDuration());
}

// Periods 4.6 s, 5.3 s, 4.9 s, then 5 s: registered at 1 ms, first beat at once (1 ms), each
// next beat one reply (1 ms) plus the period the previous response carried.
TEST(SessionTest, HeartbeatLearnsPeriodFromEachResponse) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").heartbeat_periods = {absl::Milliseconds(4600), absl::Milliseconds(5300),
                                          absl::Milliseconds(4900), absl::Seconds(5)};
  c.Start();
  c.RunUntil(T(absl::Seconds(20)));
  auto beats = c.CallsOf(CallKind::kHeartbeat);
  ASSERT_GE(beats.size(), 4u);
  EXPECT_EQ(beats[0].at, T(1 * kMs));
  EXPECT_EQ(beats[1].at, T(2 * kMs + absl::Milliseconds(4600)));
  EXPECT_EQ(beats[2].at, beats[1].at + (kMs + absl::Milliseconds(5300)));
  EXPECT_EQ(beats[3].at, beats[2].at + (kMs + absl::Milliseconds(4900)));
  // Each heartbeat carries the 5 s deadline.
  EXPECT_EQ(*beats[0].call.deadline, beats[0].at + absl::Seconds(5));
  EXPECT_EQ(c.agent().session()->heartbeat_period(), absl::Seconds(5));
  EXPECT_TRUE(c.NotesOf(NoteKind::kSessionEnded).empty());
}

TEST(SessionTest, NotFoundHeartbeatEndsSession) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.dispatcher("m1").heartbeat_errors = {absl::NotFoundError("node not registered")};
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].at, T(2 * kMs));  // beat sent at 1 ms, NotFound back at 2 ms
  EXPECT_EQ(ended[0].note.code, absl::StatusCode::kNotFound);
  EXPECT_EQ(ended[0].note.reason, "node not registered");
  EXPECT_EQ(ended[0].note.backoff, absl::Milliseconds(100));
  // The close down-weighted m1 (8 after the message → ceil((8 − 10) / 2) = −1).
  EXPECT_GE(c.agent().sessions_created(), 2u);
}

TEST(SessionTest, HeartbeatTimeoutEndsSessionAfterFiveSeconds) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.RunUntil(T(absl::ZeroDuration()));
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  c.dispatcher("m1").hung = true;  // powered off after registration: no FIN, no replies
  c.RunUntil(T(absl::Seconds(12)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_GE(ended.size(), 1u);
  // Last good reply at 2 ms → next beat at 5.002 s → deadline at 10.002 s.
  EXPECT_EQ(ended[0].at, T(absl::Milliseconds(10002)));
  EXPECT_EQ(ended[0].note.code, absl::StatusCode::kDeadlineExceeded);
}

TEST(SessionTest, SessionReconnectsWithSameSessionId) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.dispatcher("m1").heartbeat_errors = {absl::UnavailableError("blip")};
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  const FakeDispatcher& d = c.dispatcher("m1");
  ASSERT_EQ(d.requested_session_ids.size(), 2u);
  EXPECT_EQ(d.requested_session_ids[0], "");
  EXPECT_EQ(d.requested_session_ids[1], "s1");  // the previous session's ID, sent again
  EXPECT_TRUE(c.agent().registered());
  EXPECT_EQ(c.agent().session_id(), "s1");  // the dispatcher kept the registration
  auto registered = c.NotesOf(NoteKind::kRegistered);
  ASSERT_EQ(registered.size(), 2u);
  EXPECT_EQ(registered[1].note.session_id, "s1");
}

// Conn.Close(false): a session that ends is a bad observation of its manager (Observe −10,
// reference §1.5), so an agent does not keep dialing a manager that just failed it. m1 stops
// after the registration: its weight drops from 8 to ceil((8 − 10) / 2) = −1, and once the agent
// registers elsewhere (m2 or m3, whose message lists all three, +10 each) it is ceil((−1 + 10) / 2)
// = 5 against 8 for the others. Without the penalty m1 would lead with 9.
TEST(SessionTest, FailedSessionDownweightsItsManager) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  const std::vector<api::WeightedPeer> all = {
      FakeCluster::Manager("m1"), FakeCluster::Manager("m2"), FakeCluster::Manager("m3")};
  for (const char* m : {"m1", "m2", "m3"}) c.dispatcher(m).managers = all;
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  ASSERT_EQ(c.agent().remotes().WeightOf(PeerOf("m1")), 8);
  c.KillDispatcher("m1");
  c.RunUntil(T(absl::Seconds(2)));
  ASSERT_TRUE(c.agent().registered());
  const Remotes& r = c.agent().remotes();
  EXPECT_EQ(r.WeightOf(PeerOf("m1")), 5);
  EXPECT_LT(r.WeightOf(PeerOf("m1")), r.WeightOf(PeerOf("m2")));
  EXPECT_LT(r.WeightOf(PeerOf("m1")), r.WeightOf(PeerOf("m3")));
}

TEST(SessionTest, SessionMessagePrunesUnlistedManagers) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1"), FakeCluster::Manager("m2"),
                                 FakeCluster::Manager("m3")};
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  const Remotes& r = c.agent().remotes();
  ASSERT_EQ(r.weights().size(), 3u);
  EXPECT_EQ(r.WeightOf(PeerOf("m1")), 8);  // 5 from the join, +10 → 8
  EXPECT_EQ(r.WeightOf(PeerOf("m2")), 5);  // added by the message
  EXPECT_EQ(r.WeightOf(PeerOf("m3")), 5);
  // m2 leaves the raft cluster: the next message lists m1 and m3 only.
  api::SessionMessage msg = c.MessageFrom("m1");
  msg.clear_managers();
  *msg.add_managers() = FakeCluster::Manager("m1");
  *msg.add_managers() = FakeCluster::Manager("m3");
  c.PushSessionMessage(*c.OpenCall(CallKind::kSession), msg);
  c.RunUntil(T(absl::Seconds(2)));
  EXPECT_FALSE(r.Contains(PeerOf("m2")));
  EXPECT_EQ(r.WeightOf(PeerOf("m1")), 9);
  EXPECT_EQ(r.WeightOf(PeerOf("m3")), 8);
  // An entry with an empty address is skipped, and an empty list prunes everything.
  api::SessionMessage empty = c.MessageFrom("m1");
  empty.clear_managers();
  empty.add_managers()->set_node_id("m9");
  c.PushSessionMessage(*c.OpenCall(CallKind::kSession), empty);
  c.RunUntil(T(absl::Seconds(3)));
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(c.NotesOf(NoteKind::kSessionEnded).empty());
}

// Registered at 1 ms; the description changes at 10 s; the 20 s tick closes the session with no
// backoff growth (delay 0) and the new Session call at 20 s carries the new description and the
// old session ID. A later tick with nothing new does not restart.
TEST(SessionTest, DescriptionChangeRestartsSessionWithoutBackoff) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.Start();
  c.RunUntil(T(absl::Seconds(10)));
  api::NodeDescription changed;
  changed.set_hostname("worker-1");
  changed.set_generation(2);
  c.Apply(c.agent().SetDescription(c.now(), changed));
  c.RunUntil(T(absl::Seconds(45)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].at, T(absl::Seconds(20)));
  EXPECT_EQ(ended[0].note.reason, "node description changed");
  EXPECT_EQ(ended[0].note.backoff, absl::ZeroDuration());
  auto sessions = c.CallsOf(CallKind::kSession);
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[1].at, T(absl::Seconds(20)));
  const auto& request = std::get<api::SessionRequest>(sessions[1].call.request);
  EXPECT_EQ(request.description().generation(), 2u);
  EXPECT_EQ(request.session_id(), "s1");
  // The benign close still cost m1 its −10 (reference §9.5): 8 → −1, then +10 from the new
  // session's first message → 5.
  EXPECT_EQ(c.agent().remotes().WeightOf(PeerOf("m1")), 5);
}

// Only a description that differs at the tick counts: changed and changed back before the 20 s
// tick, or set to what it already was, it restarts nothing.
TEST(SessionTest, DescriptionChangedBackBeforeTheTickRestartsNothing) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.Start();
  c.RunUntil(T(absl::Seconds(10)));
  const api::NodeDescription original = c.agent().description();
  api::NodeDescription changed = original;
  changed.set_generation(original.generation() + 1);
  c.Apply(c.agent().SetDescription(c.now(), changed));
  c.Apply(c.agent().SetDescription(c.now(), original));
  c.RunUntil(T(absl::Seconds(30)));
  c.Apply(c.agent().SetDescription(c.now(), original));
  c.RunUntil(T(absl::Seconds(65)));
  EXPECT_TRUE(c.NotesOf(NoteKind::kSessionEnded).empty());
  EXPECT_EQ(c.CallsOf(CallKind::kSession).size(), 1u);
}

// No manager known: the error comes after the drawn delay, so the failures are spaced by
// delays drawn from 0, 100 ms, 300 ms, 700 ms, ... instead of flooding (moby#36683).
TEST(SessionTest, NoRemotesErrorIsDelayedByBackoff) {
  FakeCluster c(WorkerConfigWith({}), 1);
  c.Start();
  c.RunUntil(T(absl::Seconds(30)));
  auto backoffs = c.NotesOf(NoteKind::kBackoff);
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_GE(ended.size(), 6u);
  const std::vector<absl::Duration> expected_backoff = {
      absl::ZeroDuration(),      absl::Milliseconds(100),  absl::Milliseconds(300),
      absl::Milliseconds(700),   absl::Milliseconds(1500), absl::Milliseconds(3100),
      absl::Milliseconds(6300),  absl::Seconds(8)};
  sim::Time expected_end = T(absl::ZeroDuration());
  for (size_t i = 0; i < ended.size() && i < expected_backoff.size(); ++i) {
    EXPECT_EQ(backoffs[i].note.backoff, expected_backoff[i]) << i;
    EXPECT_LT(backoffs[i].note.delay, std::max(expected_backoff[i], absl::Nanoseconds(1))) << i;
    expected_end = backoffs[i].at + backoffs[i].note.delay;
    EXPECT_EQ(ended[i].at, expected_end) << i;
    EXPECT_EQ(ended[i].note.reason, "no remote hosts provided");
  }
  EXPECT_TRUE(c.calls().empty());
  EXPECT_FALSE(c.agent().ready());
}

TEST(SessionTest, ManagerNodeAlwaysUsesLocalConnection) {
  AgentConfig config = WorkerConfigWith({"m2", "m3"});
  config.local_manager = true;
  FakeCluster c(config, 1);
  c.dispatcher("local").managers = {FakeCluster::Manager("m1"), FakeCluster::Manager("m2"),
                                    FakeCluster::Manager("m3")};
  c.dispatcher("local").heartbeat_errors = {absl::AbortedError("dispatcher is stopped"),
                                            absl::AbortedError("dispatcher is stopped")};
  c.Start();
  c.RunUntil(T(absl::Seconds(5)));
  EXPECT_EQ(c.NotesOf(NoteKind::kSessionEnded).size(), 2u);
  for (const auto& call : c.calls()) EXPECT_TRUE(call.call.target.local);
  for (const auto& note : c.NotesOf(NoteKind::kManagerSelected)) {
    EXPECT_EQ(note.note.manager, "local");
  }
  // Local closes never down-weight: every weight only went up (+10 per message).
  for (const auto& [peer, weight] : c.agent().remotes().weights()) EXPECT_GT(weight, 0);
  EXPECT_TRUE(c.agent().registered());
}

TEST(SessionTest, AssignmentsGapReopensStream) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  const CallId first = *c.OpenCall(CallKind::kAssignments);
  api::AssignmentsMessage next;
  next.set_type(api::AssignmentsMessage::INCREMENTAL);
  next.set_applies_to("1");
  next.set_results_in("2");
  c.PushAssignments(first, next);
  c.RunUntil(T(absl::Seconds(2)));
  EXPECT_TRUE(c.NotesOf(NoteKind::kAssignmentsGap).empty());
  api::AssignmentsMessage gap = next;
  gap.set_applies_to("5");  // "3".."4" were lost
  gap.set_results_in("6");
  c.PushAssignments(first, gap);
  c.RunUntil(T(absl::Seconds(3)));
  auto gaps = c.NotesOf(NoteKind::kAssignmentsGap);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].at, T(absl::Milliseconds(2001)));
  EXPECT_EQ(c.dispatcher("m1").assignments_opened, 2);
  const CallId second = *c.OpenCall(CallKind::kAssignments);
  EXPECT_NE(first, second);
  // The re-opened stream starts over with a COMPLETE set ("" → "1"): accepted, no new gap.
  EXPECT_EQ(c.NotesOf(NoteKind::kAssignmentsGap).size(), 1u);
  EXPECT_TRUE(c.NotesOf(NoteKind::kSessionEnded).empty());
}

TEST(SessionTest, AssignmentsStreamErrorEndsSession) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  c.EndStream(*c.OpenCall(CallKind::kAssignments), absl::InvalidArgumentError("session invalid"));
  c.RunUntil(T(absl::Seconds(2)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].note.code, absl::StatusCode::kInvalidArgument);
}

TEST(SessionTest, SessionStreamEofEndsSession) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  c.EndStream(*c.OpenCall(CallKind::kSession), absl::OkStatus());
  c.RunUntil(T(absl::Seconds(2)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].note.reason, "EOF");
  EXPECT_EQ(ended[0].note.backoff, absl::Milliseconds(100));
}

// Three refused sessions grow the backoff to 100, 300, 700 ms; registration resets it; the next
// failure starts again at 100 ms, not 1.5 s.
TEST(SessionTest, BackoffResetsOnlyOnRegistration) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.dispatcher("m1").session_errors_left = 3;
  c.Start();
  c.RunUntil(T(absl::Seconds(3)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 3u);
  EXPECT_EQ(ended[0].note.backoff, absl::Milliseconds(100));
  EXPECT_EQ(ended[1].note.backoff, absl::Milliseconds(300));
  EXPECT_EQ(ended[2].note.backoff, absl::Milliseconds(700));
  ASSERT_TRUE(c.agent().registered());
  EXPECT_EQ(c.agent().backoff(), absl::ZeroDuration());
  c.dispatcher("m1").heartbeat_errors = {absl::UnavailableError("blip")};
  c.RunUntil(T(absl::Seconds(10)));
  ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 4u);
  EXPECT_EQ(ended[3].note.backoff, absl::Milliseconds(100));
}

// SwarmKit TestSessionReconnectsIfDispatcherErrors, agent side, dispatcherRPCTimeout 500 ms:
// m1 dies at 1 s → the agent moves to m2; m2 refuses once, then hangs once (500 ms init
// timeout) → 2 closed sessions on m2 within 10 s, then a registered session on m2.
TEST(SessionTest, SessionReconnectsIfDispatcherErrors) {
  AgentConfig config = WorkerConfigWith({"m1"});
  config.dispatcher_rpc_timeout = absl::Milliseconds(500);
  FakeCluster c(config, 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1"), FakeCluster::Manager("m2")};
  c.dispatcher("m2").managers = {FakeCluster::Manager("m1"), FakeCluster::Manager("m2")};
  c.dispatcher("m2").session_errors_left = 1;
  c.dispatcher("m2").session_hangs_left = 1;
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  ASSERT_TRUE(c.agent().registered());
  EXPECT_EQ(c.agent().session()->target()->node_id, "m1");
  c.KillDispatcher("m1");
  c.RunUntil(T(absl::Seconds(11)));
  int closed_on_m2 = 0;
  for (const auto& ended : c.NotesOf(NoteKind::kSessionEnded)) {
    if (ended.note.manager == "m2") {
      ++closed_on_m2;
      EXPECT_LT(ended.at, T(absl::Seconds(11)));
    }
  }
  EXPECT_EQ(closed_on_m2, 2);
  ASSERT_TRUE(c.agent().registered());
  EXPECT_EQ(c.agent().session()->target()->node_id, "m2");
}

TEST(SessionTest, StaleRepliesAreIgnored) {
  FakeCluster c(WorkerConfigWith({"m1"}), 1);
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  const CallId old_session = *c.OpenCall(CallKind::kSession);
  c.EndStream(old_session, absl::UnavailableError("gone"));
  c.RunUntil(T(absl::Seconds(2)));
  ASSERT_TRUE(c.agent().registered());
  const uint64_t sessions = c.agent().sessions_created();
  // A message and an end for the closed session's stream change nothing.
  EXPECT_TRUE(c.agent().OnSessionMessage(c.now(), old_session, c.MessageFrom("m1")).empty());
  EXPECT_TRUE(c.agent().OnSessionStreamEnd(c.now(), old_session, absl::AbortedError("x")).empty());
  EXPECT_EQ(c.agent().sessions_created(), sessions);
  EXPECT_TRUE(c.agent().registered());
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
