// Behaviours of RaftNode beyond the paper's rules: etcd-raft's CheckQuorum, lease, PreVote,
// leadership transfer, flow control, transport reports, the step filter and restart.
#include "gtest/gtest.h"
#include "model/raft/raft_test_util.h"
#include "model/raft/test_cluster.h"

namespace swarmsim {
namespace raft {
namespace {

const std::vector<uint64_t> kThree = {1, 2, 3};

TEST(RaftNodeTest, LeaderStepsDownWithoutActiveQuorum) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  // The first check counts the votes' activity; the next one finds nobody heard from.
  for (int i = 0; i < 2 * 10; ++i) n.r().Tick();
  n.Flush();
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);
  EXPECT_EQ(n.r().term(), 2u);  // Steps down without changing term.
}

TEST(RaftNodeTest, LeaderKeepsLeadershipWithActiveQuorum) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  for (int i = 0; i < 50; ++i) {
    n.r().Tick();
    n.Step(Msg(MessageType::kHeartbeatResp, 2, 1, n.r().term()));
  }
  EXPECT_EQ(n.r().role(), RaftRole::kLeader);
}

TEST(RaftNodeTest, FollowerLeaseIgnoresDisruptiveVote) {
  SingleNode n(1, kThree);
  n.Step(Msg(MessageType::kHeartbeat, 2, 1, 2));
  Message vote = Msg(MessageType::kVote, 3, 1, 5);
  vote.index = 100;
  vote.log_term = 4;
  EXPECT_TRUE(n.Step(vote).empty());  // Ignored: heard from leader 2 within the timeout.
  EXPECT_EQ(n.r().term(), 2u);
  for (int i = 0; i < 10; ++i) n.r().Tick();
  n.Flush();
  std::vector<Message> out = OfType(n.Step(vote), MessageType::kVoteResp);
  ASSERT_EQ(out.size(), 1u);  // The lease ran out: the vote is granted.
  EXPECT_FALSE(out[0].reject);
  EXPECT_EQ(n.r().term(), 5u);
}

TEST(RaftNodeTest, LeadershipTransferVoteOverridesLease) {
  SingleNode n(1, kThree);
  n.Step(Msg(MessageType::kHeartbeat, 2, 1, 2));
  Message vote = Msg(MessageType::kVote, 3, 1, 3);
  vote.index = 100;
  vote.log_term = 2;
  vote.context = kCampaignTransfer;
  std::vector<Message> out = OfType(n.Step(vote), MessageType::kVoteResp);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].reject);
}

TEST(RaftNodeTest, NoLeaseWithoutCheckQuorum) {
  RaftOptions options;
  options.check_quorum = false;
  SingleNode n(1, kThree, options);
  n.Step(Msg(MessageType::kHeartbeat, 2, 1, 2));
  Message vote = Msg(MessageType::kVote, 3, 1, 5);
  vote.index = 100;
  vote.log_term = 4;
  n.Step(vote);
  EXPECT_EQ(n.r().term(), 5u);
}

TEST(RaftNodeTest, PreVoteDoesNotChangeTermUntilItWins) {
  RaftOptions options;
  options.pre_vote = true;
  SingleNode n(1, kThree, options);
  // A pre-election does not change the term: tick until the role changes.
  while (n.r().role() == RaftRole::kFollower) n.r().Tick();
  std::vector<Message> out = n.Flush();
  EXPECT_EQ(n.r().role(), RaftRole::kPreCandidate);
  EXPECT_EQ(n.r().term(), 1u);
  std::vector<Message> pre = OfType(out, MessageType::kPreVote);
  ASSERT_EQ(pre.size(), 2u);
  EXPECT_EQ(pre[0].term, 2u);  // Asks about the next term.
  out = n.Step(Msg(MessageType::kPreVoteResp, 2, 1, 2));
  EXPECT_EQ(n.r().role(), RaftRole::kCandidate);
  EXPECT_EQ(n.r().term(), 2u);
  EXPECT_EQ(OfType(out, MessageType::kVote).size(), 2u);
}

TEST(RaftNodeTest, PreVoteRejectionLeavesTermAlone) {
  RaftOptions options;
  options.pre_vote = true;
  SingleNode n(1, kThree, options);
  while (n.r().role() == RaftRole::kFollower) n.r().Tick();
  n.Flush();
  for (uint64_t from : {2, 3}) {
    Message m = Msg(MessageType::kPreVoteResp, from, 1, 1);
    m.reject = true;
    n.Step(m);
  }
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);
  EXPECT_EQ(n.r().term(), 1u);
}

TEST(RaftNodeTest, PartitionedNodeWithPreVoteDoesNotDisruptLeader) {
  ClusterOptions options;
  options.raft.pre_vote = true;
  TestCluster c(options);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Isolate(3);
  for (int i = 0; i < 100; ++i) c.TickAllAndStabilize();
  const uint64_t term = c.raft(1).term();
  EXPECT_EQ(c.raft(3).term(), term);  // Pre-elections never raised it.
  c.Heal();
  for (int i = 0; i < 5; ++i) c.TickAllAndStabilize();
  EXPECT_EQ(c.Leader(), 1u);
  EXPECT_EQ(c.raft(1).term(), term);
}

TEST(RaftNodeTest, RejoiningNodeWithoutPreVoteDeposesLeader) {
  // SwarmKit's setting (PreVote off): the partitioned node's higher term reaches the leader
  // through a response and forces a new election (reference §4.1).
  TestCluster c(ClusterOptions{});
  c.raft(1).Campaign();
  c.Stabilize();
  c.Isolate(3);
  for (int i = 0; i < 60; ++i) c.TickAllAndStabilize();
  EXPECT_GT(c.raft(3).term(), c.raft(1).term());
  c.Heal();
  for (int i = 0; i < 3; ++i) c.TickAllAndStabilize();
  EXPECT_GE(c.raft(1).term(), c.raft(3).term());
}

TEST(RaftNodeTest, LeadershipTransferSendsTimeoutNowToUpToDateTransferee) {
  TestCluster c(ClusterOptions{});
  c.raft(1).Campaign();
  c.Stabilize();
  c.raft(1).TransferLeadership(2);
  c.Process(1);
  ASSERT_EQ(c.in_flight().size(), 1u);
  EXPECT_EQ(c.in_flight()[0].type, MessageType::kTimeoutNow);
  c.Stabilize();
  EXPECT_EQ(c.Leader(), 2u);
  EXPECT_EQ(c.raft(1).lead(), 2u);
}

TEST(RaftNodeTest, LeadershipTransferCatchesUpLaggingTransfereeFirst) {
  TestCluster c(ClusterOptions{});
  c.raft(1).Campaign();
  c.Stabilize();
  c.Isolate(3);
  c.Propose(1, "x");
  c.Stabilize();
  c.Heal();
  c.raft(1).TransferLeadership(3);
  // Proposals are refused while the transfer is in progress.
  EXPECT_EQ(c.Propose(1, "refused"), StepResult::kProposalDropped);
  // Node 3 is probed again on the next heartbeat response, caught up, then told to campaign.
  c.Tick(1);
  c.Stabilize();
  EXPECT_EQ(c.Leader(), 3u);
  EXPECT_TRUE(c.HasValue(3, "x"));
}

TEST(RaftNodeTest, LeadershipTransferIsAbortedAfterElectionTimeout) {
  TestCluster c(ClusterOptions{});
  c.raft(1).Campaign();
  c.Stabilize();
  c.Isolate(3);
  c.raft(1).TransferLeadership(3);
  c.Stabilize();
  EXPECT_EQ(c.raft(1).lead_transferee(), 3u);
  for (int i = 0; i < 10; ++i) c.Tick(1);
  EXPECT_EQ(c.raft(1).lead_transferee(), kNone);
  c.Stabilize();
  EXPECT_EQ(c.Propose(1, "ok"), StepResult::kOk);
}

TEST(RaftNodeTest, ForwardedTransferKeepsTarget) {
  // A follower asked to transfer leadership passes the request on to the leader with the
  // transferee as its sender; the leader then hands over to that transferee, not the follower.
  TestCluster c(ClusterOptions{});
  c.raft(1).Campaign();
  c.Stabilize();
  c.raft(2).TransferLeadership(3);
  c.Process(2);
  ASSERT_EQ(c.in_flight().size(), 1u);
  EXPECT_EQ(c.in_flight()[0].type, MessageType::kTransferLeader);
  EXPECT_EQ(c.in_flight()[0].to, 1u);
  EXPECT_EQ(c.in_flight()[0].from, 3u);
  c.Stabilize();
  EXPECT_EQ(c.Leader(), 3u);
  EXPECT_EQ(c.raft(2).lead(), 3u);
}

// A follower (2 of {1,2,3}) that heard leader 1 at term 2, offered a snapshot at index 10.
Message SnapshotFromLeader(const std::vector<uint64_t>& voters) {
  Message snap = Msg(MessageType::kSnap, 1, 2, 2);
  snap.snapshot.metadata.index = 10;
  snap.snapshot.metadata.term = 2;
  snap.snapshot.metadata.conf_state.voters = voters;
  snap.snapshot.data = SharedBytes(std::string("state"));
  return snap;
}

TEST(RaftNodeTest, SnapshotNotRestoredWhenRecipientNotInConfig) {
  SingleNode n(2, kThree);
  const uint64_t committed = n.r().commit();
  std::vector<Message> out = OfType(n.Step(SnapshotFromLeader({1, 3})), MessageType::kAppResp);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].index, committed);  // Answered with what it has: the snapshot is refused.
  EXPECT_EQ(n.r().commit(), committed);
  EXPECT_EQ(n.r().last_index(), committed);
  EXPECT_EQ(n.storage().snapshot().metadata.index, 0u);
  EXPECT_TRUE(n.r().IsVoter(2));  // Its own configuration is untouched.
  // The same snapshot naming it is installed.
  out = OfType(n.Step(SnapshotFromLeader({1, 2, 3})), MessageType::kAppResp);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].index, 10u);
  EXPECT_EQ(n.storage().snapshot().metadata.index, 10u);
}

TEST(RaftNodeTest, TimeoutNowIgnoredWithPendingConfChange) {
  SingleNode n(2, kThree);
  n.Step(Msg(MessageType::kHeartbeat, 1, 2, 2));
  // Leader 1 replicates and commits a conf change (index 4); before the follower's host has
  // applied it, the leader hands over with MsgTimeoutNow.
  ConfChange cc;
  cc.type = ConfChangeType::kAddNode;
  cc.node_id = 4;
  Entry conf = Ent(2, 4);
  conf.type = EntryType::kConfChange;
  conf.data = SharedBytes(EncodeConfChange(cc));
  Message app = Msg(MessageType::kApp, 1, 2, 2);
  app.index = 3;
  app.log_term = 1;
  app.commit = 4;
  app.entries = {conf};
  n.r().Step(app);
  ASSERT_EQ(n.r().commit(), 4u);
  ASSERT_LT(n.r().applied(), 4u);
  n.r().Step(Msg(MessageType::kTimeoutNow, 1, 2, 2));
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);  // Did not campaign: the change is unapplied.
  EXPECT_EQ(n.r().term(), 2u);
  EXPECT_TRUE(OfType(n.Flush(), MessageType::kVote).empty());
  // Once applied, the same hand-over starts a transfer election.
  n.Step(Msg(MessageType::kTimeoutNow, 1, 2, 2));
  EXPECT_EQ(n.r().role(), RaftRole::kCandidate);
  EXPECT_EQ(n.r().term(), 3u);
}

TEST(RaftNodeTest, ReplicateWindowIsBoundedByMaxInflightMsgs) {
  RaftOptions options;
  options.max_inflight_msgs = 4;
  SingleNode n(1, kThree, options);
  n.BecomeLeader({2});
  Message ack = Msg(MessageType::kAppResp, 2, 1, n.r().term());
  ack.index = n.r().last_index();
  n.Step(ack);
  ASSERT_EQ(n.r().progress(2)->state, ProgressState::kReplicate);
  int sent = 0;
  for (int i = 0; i < 10; ++i) {
    n.r().Propose(SharedBytes(std::string("x")));
    for (const Message& m : n.Flush()) {
      if (m.to == 2 && m.type == MessageType::kApp && !m.entries.empty()) ++sent;
    }
  }
  EXPECT_EQ(sent, 4);
  EXPECT_TRUE(n.r().progress(2)->IsPaused());
  // A heartbeat response frees one slot.
  n.Step(Msg(MessageType::kHeartbeatResp, 2, 1, n.r().term()));
  EXPECT_EQ(n.r().progress(2)->inflights.count(), 4);
}

TEST(RaftNodeTest, AppendMessagesRespectMaxSizePerMsg) {
  RaftOptions options;
  options.max_size_per_msg = 1000;
  SingleNode n(1, kThree, options);
  n.BecomeLeader({2});
  for (int i = 0; i < 10; ++i) n.r().Propose(SharedBytes(std::string(400, 'x')));
  n.Flush();
  // Node 3 rejects the probe, saying its log ends at the bootstrap entries.
  Message reject = Msg(MessageType::kAppResp, 3, 1, n.r().term());
  reject.index = n.r().progress(3)->next - 1;
  reject.reject = true;
  reject.reject_hint = 2;
  reject.log_term = 1;
  std::vector<Message> apps = OfType(n.Step(reject), MessageType::kApp);
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0].index, 2u);
  uint64_t bytes = 0;
  int big = 0;
  for (const Entry& e : apps[0].entries) {
    bytes += e.data.size();
    if (e.data.size() == 400) ++big;
  }
  EXPECT_LE(bytes, 1000u);
  EXPECT_EQ(big, 2);  // A third 400-byte entry would exceed the limit.
}

TEST(RaftNodeTest, RejectHintSkipsWholeConflictingTerm) {
  // The follower's log has many entries of term 2 that the leader (term 3 entries) lacks.
  SingleNode n(1, kThree);
  Message app = Msg(MessageType::kApp, 2, 1, 2);
  app.index = 3;
  app.log_term = 1;
  for (uint64_t i = 4; i < 20; ++i) app.entries.push_back(Ent(2, i, "old"));
  n.Step(app);
  Message probe = Msg(MessageType::kApp, 3, 1, 3);
  probe.index = 30;
  probe.log_term = 3;
  std::vector<Message> out = n.Step(probe);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].reject);
  // min(30, last=19) and then back over terms > 3: none, so the hint is our last index.
  EXPECT_EQ(out[0].reject_hint, 19u);
  EXPECT_EQ(out[0].log_term, 2u);
}

TEST(RaftNodeTest, ReportUnreachableMovesReplicateToProbe) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  Message ack = Msg(MessageType::kAppResp, 2, 1, n.r().term());
  ack.index = n.r().last_index();
  n.Step(ack);
  ASSERT_EQ(n.r().progress(2)->state, ProgressState::kReplicate);
  n.r().ReportUnreachable(2);
  EXPECT_EQ(n.r().progress(2)->state, ProgressState::kProbe);
}

TEST(RaftNodeTest, CaughtUpProbingFollowerReturnsToReplicateAfterHeartbeat) {
  TestCluster c(ClusterOptions{});
  c.raft(1).Campaign();
  c.Stabilize();
  c.raft(1).ReportUnreachable(2);
  ASSERT_EQ(c.raft(1).progress(2)->state, ProgressState::kProbe);
  ASSERT_EQ(c.raft(1).progress(2)->match, c.raft(1).last_index());
  // Nothing new to replicate: the heartbeat's answer is followed by an empty append, whose
  // answer puts the follower back in kReplicate.
  c.Tick(1);
  c.Stabilize();
  EXPECT_EQ(c.raft(1).progress(2)->state, ProgressState::kReplicate);
}

TEST(RaftNodeTest, ReportSnapshotFailureProbesFromMatch) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  n.storage().CreateSnapshot(3, n.r().conf_state(), SharedBytes(std::string("s")));
  n.storage().Compact(3);
  Message reject = Msg(MessageType::kAppResp, 3, 1, n.r().term());
  reject.index = n.r().progress(3)->next - 1;
  reject.reject = true;
  reject.reject_hint = 0;
  // Node 3 must first be heard from (recent_active) to get a snapshot.
  n.Step(reject);
  ASSERT_EQ(n.r().progress(3)->state, ProgressState::kSnapshot);
  n.r().ReportSnapshot(3, /*failure=*/true);
  EXPECT_EQ(n.r().progress(3)->state, ProgressState::kProbe);
  EXPECT_EQ(n.r().progress(3)->next, 1u);
  EXPECT_TRUE(n.r().progress(3)->IsPaused());  // Until the next heartbeat response.
}

TEST(RaftNodeTest, StepFiltersLocalMessagesProposalsAndUnknownResponders) {
  SingleNode n(1, kThree);
  EXPECT_EQ(n.r().Step(Msg(MessageType::kHup, 2, 1, 0)), StepResult::kLocalMessage);
  Message prop = Msg(MessageType::kProp, 2, 1, 0);
  prop.entries.push_back(Ent(0, 0, "x"));
  EXPECT_EQ(n.r().Step(prop), StepResult::kProposalDropped);
  EXPECT_EQ(n.r().Step(Msg(MessageType::kAppResp, 9, 1, 1)), StepResult::kUnknownPeer);
}

TEST(RaftNodeTest, FollowerDropsProposals) {
  SingleNode n(1, kThree);
  EXPECT_EQ(n.r().Propose(SharedBytes(std::string("x"))), StepResult::kProposalDropped);
}

TEST(RaftNodeTest, SingleVoterCommitsAlone) {
  SingleNode n(1, {1});
  n.r().Campaign();
  n.Flush();
  ASSERT_EQ(n.r().role(), RaftRole::kLeader);
  n.r().Propose(SharedBytes(std::string("x")));
  n.Flush();
  EXPECT_EQ(n.r().commit(), n.r().last_index());
  EXPECT_TRUE(n.r().CaughtUp());
}

TEST(RaftNodeTest, RestartRecoversTermVoteAndCommitFromStorage) {
  MemoryStorage storage;
  {
    RaftOptions options;
    options.id = 1;
    RaftNode r(options, &storage, sim::Prng(1));
    r.Bootstrap(kThree);
    for (int round = 0; round < 2; ++round) {
      // Round 0 applies the bootstrap conf changes (no campaign before they are applied).
      if (round == 1) r.Campaign();
      Ready rd = r.GetReady();
      storage.Append(rd.entries);
      storage.SetHardState(*rd.hard_state);
      r.Advance(rd);
    }
  }
  RaftOptions options;
  options.id = 1;
  RaftNode r(options, &storage, sim::Prng(2));
  EXPECT_EQ(r.term(), 2u);
  EXPECT_EQ(r.vote(), 1u);
  EXPECT_EQ(r.commit(), 3u);
  EXPECT_EQ(r.role(), RaftRole::kFollower);
  // The committed conf entries are handed out again for the application to replay.
  Ready rd = r.GetReady();
  EXPECT_EQ(rd.committed_entries.size(), 3u);
}

TEST(RaftNodeDeathTest, InvariantsCatchAVoteChangeWithinATerm) {
  SingleNode n(1, kThree);
  RaftView prev = RaftInvariants::Capture(n.r());
  prev.vote = 3;  // Pretend it had voted for 3 in this term; now it reports none.
  prev.term = n.r().term();
  EXPECT_DEATH(RaftInvariants::CheckDelta(prev, n.r()), "vote");
}

TEST(RaftNodeDeathTest, InvariantsCatchATermGoingBackwards) {
  SingleNode n(1, kThree);
  RaftView prev = RaftInvariants::Capture(n.r());
  prev.term = n.r().term() + 1;
  EXPECT_DEATH(RaftInvariants::CheckDelta(prev, n.r()), "term");
}

}  // namespace
}  // namespace raft
}  // namespace swarmsim
