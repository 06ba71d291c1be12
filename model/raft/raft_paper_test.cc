// The rules of the Raft paper (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", extended version), one behaviour test per rule, named after the rule and its
// section. Written for this implementation in the manner of etcd's paper tests.
#include <set>

#include "gtest/gtest.h"
#include "model/raft/raft_test_util.h"
#include "model/raft/test_cluster.h"

namespace swarmsim {
namespace raft {
namespace {

const std::vector<uint64_t> kThree = {1, 2, 3};
const std::vector<uint64_t> kFive = {1, 2, 3, 4, 5};

// ------------------------------------------------------------------------------------ §5.1

TEST(RaftPaperTest, FollowerUpdatesTermFromHigherTermMessage_5_1) {
  SingleNode n(1, kThree);
  n.Step(Msg(MessageType::kHeartbeat, 2, 1, 5));
  EXPECT_EQ(n.r().term(), 5u);
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);
  EXPECT_EQ(n.r().lead(), 2u);
}

TEST(RaftPaperTest, CandidateUpdatesTermFromHigherTermMessage_5_1) {
  SingleNode n(1, kThree);
  n.r().Campaign();
  n.Flush();
  ASSERT_EQ(n.r().role(), RaftRole::kCandidate);
  n.Step(Msg(MessageType::kApp, 3, 1, 7));
  EXPECT_EQ(n.r().term(), 7u);
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);
  EXPECT_EQ(n.r().lead(), 3u);
}

TEST(RaftPaperTest, LeaderUpdatesTermFromHigherTermMessageAndStepsDown_5_1) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  ASSERT_EQ(n.r().role(), RaftRole::kLeader);
  n.Step(Msg(MessageType::kAppResp, 2, 1, 9));
  EXPECT_EQ(n.r().term(), 9u);
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);
  EXPECT_EQ(n.r().lead(), kNone);
}

TEST(RaftPaperTest, StaleTermRequestIsRejectedWithCurrentTerm_5_1) {
  SingleNode n(1, kThree);
  n.Step(Msg(MessageType::kHeartbeat, 2, 1, 5));
  Message stale = Msg(MessageType::kApp, 3, 1, 4);
  stale.index = 3;
  stale.log_term = 1;
  stale.entries.push_back(Ent(4, 4, "stale"));
  std::vector<Message> out = n.Step(stale);
  EXPECT_EQ(n.r().last_index(), 3u);  // Nothing appended.
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, MessageType::kAppResp);
  EXPECT_EQ(out[0].term, 5u);  // Tells the stale leader about the newer term.
}

// ------------------------------------------------------------------------------------ §5.2

TEST(RaftPaperTest, NodesStartAsFollowers_5_2) {
  SingleNode n(1, kThree);
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);
  EXPECT_EQ(n.r().lead(), kNone);
}

TEST(RaftPaperTest, LeaderSendsHeartbeatsEveryHeartbeatTick_5_2) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  n.r().Tick();
  std::vector<Message> beats = OfType(n.Flush(), MessageType::kHeartbeat);
  ASSERT_EQ(beats.size(), 2u);
  EXPECT_EQ(beats[0].to, 2u);
  EXPECT_EQ(beats[1].to, 3u);
  EXPECT_EQ(beats[0].term, n.r().term());
}

TEST(RaftPaperTest, FollowerStartsElectionAfterElectionTimeout_5_2) {
  SingleNode n(1, kThree);
  std::vector<Message> out = n.TickUntilCampaign();
  EXPECT_EQ(n.r().role(), RaftRole::kCandidate);
  EXPECT_EQ(n.r().term(), 2u);
  EXPECT_EQ(n.r().vote(), 1u);  // Votes for itself.
  std::vector<Message> votes = OfType(out, MessageType::kVote);
  ASSERT_EQ(votes.size(), 2u);
  EXPECT_EQ(votes[0].to, 2u);
  EXPECT_EQ(votes[1].to, 3u);
  EXPECT_EQ(votes[0].index, 3u);
  EXPECT_EQ(votes[0].log_term, 1u);
}

TEST(RaftPaperTest, CandidateStartsNewElectionAfterElectionTimeout_5_2) {
  SingleNode n(1, kThree);
  n.TickUntilCampaign();
  ASSERT_EQ(n.r().term(), 2u);
  std::vector<Message> out = n.TickUntilCampaign();  // Split vote: nobody answered.
  EXPECT_EQ(n.r().role(), RaftRole::kCandidate);
  EXPECT_EQ(n.r().term(), 3u);
  EXPECT_EQ(OfType(out, MessageType::kVote).size(), 2u);
}

TEST(RaftPaperTest, ElectionTimeoutIsRandomizedInOneToTwoElectionTicks_5_2) {
  std::set<int> seen;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    SingleNode n(1, kThree, RaftOptions(), seed);
    int ticks = 0;
    while (n.r().role() == RaftRole::kFollower && ticks < 100) {
      n.r().Tick();
      ++ticks;
    }
    EXPECT_GE(ticks, 10);
    EXPECT_LT(ticks, 20);
    seen.insert(ticks);
  }
  EXPECT_GT(seen.size(), 5u);  // Randomized, not fixed.
}

TEST(RaftPaperTest, CandidateWinsWithVotesFromMajority_5_2) {
  struct Case {
    std::vector<uint64_t> voters;
    std::vector<uint64_t> grant;
    std::vector<uint64_t> reject;
    RaftRole want;
  };
  const Case cases[] = {
      {{1}, {}, {}, RaftRole::kLeader},
      {kThree, {2}, {}, RaftRole::kLeader},
      {kThree, {}, {2}, RaftRole::kCandidate},
      {kThree, {}, {2, 3}, RaftRole::kFollower},
      {kFive, {2}, {}, RaftRole::kCandidate},
      {kFive, {2, 3}, {}, RaftRole::kLeader},
      {kFive, {}, {2, 3}, RaftRole::kCandidate},
      {kFive, {}, {2, 3, 4}, RaftRole::kFollower},
  };
  for (const Case& c : cases) {
    SingleNode n(1, c.voters);
    n.r().Campaign();
    n.Flush();
    for (uint64_t id : c.grant) n.Step(Msg(MessageType::kVoteResp, id, 1, n.r().term()));
    for (uint64_t id : c.reject) {
      Message m = Msg(MessageType::kVoteResp, id, 1, n.r().term());
      m.reject = true;
      n.Step(m);
    }
    EXPECT_EQ(n.r().role(), c.want) << c.voters.size() << " voters, " << c.grant.size()
                                    << " grants, " << c.reject.size() << " rejections";
  }
}

TEST(RaftPaperTest, FollowerVotesForAtMostOneCandidatePerTerm_5_2) {
  SingleNode n(1, kThree);
  Message from2 = Msg(MessageType::kVote, 2, 1, 2);
  from2.index = 3;
  from2.log_term = 1;
  Message from3 = from2;
  from3.from = 3;
  std::vector<Message> first = n.Step(from2);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_FALSE(first[0].reject);
  std::vector<Message> second = n.Step(from3);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(second[0].reject);
  EXPECT_EQ(n.r().vote(), 2u);
  // The same candidate asking again (a retransmission) gets the vote again.
  std::vector<Message> again = n.Step(from2);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].reject);
}

TEST(RaftPaperTest, CandidateReturnsToFollowerOnAppendFromLeaderOfSameTerm_5_2) {
  SingleNode n(1, kThree);
  n.r().Campaign();
  n.Flush();
  Message app = Msg(MessageType::kHeartbeat, 2, 1, n.r().term());
  n.Step(app);
  EXPECT_EQ(n.r().role(), RaftRole::kFollower);
  EXPECT_EQ(n.r().lead(), 2u);
  EXPECT_EQ(n.r().term(), 2u);
}

// ------------------------------------------------------------------------------------ §5.3

TEST(RaftPaperTest, LeaderAppendsProposalToLogAndSendsAppendToFollowers_5_3) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  ASSERT_EQ(n.r().Propose(SharedBytes(std::string("x"))), StepResult::kOk);
  std::vector<Message> apps = OfType(n.Flush(), MessageType::kApp);
  EXPECT_EQ(n.r().last_index(), 5u);  // 3 bootstrap entries, the empty entry, the proposal.
  EXPECT_EQ(n.r().TermAt(5), 2u);
  // The followers never acknowledged the empty entry, so they are probed: one append each.
  EXPECT_EQ(n.r().commit(), 3u);
  for (const Message& m : apps) EXPECT_EQ(m.term, 2u);
}

TEST(RaftPaperTest, LeaderCommitsEntryOnceReplicatedOnMajority_5_3) {
  SingleNode n(1, kFive);
  n.BecomeLeader({2, 3});
  const uint64_t empty = n.r().last_index();
  Message ack = Msg(MessageType::kAppResp, 2, 1, n.r().term());
  ack.index = empty;
  n.Step(ack);
  EXPECT_LT(n.r().commit(), empty);  // Leader + 1 of 5: no majority yet.
  ack.from = 3;
  n.Step(ack);
  EXPECT_EQ(n.r().commit(), empty);  // Leader + 2 of 5: committed.
}

TEST(RaftPaperTest, FollowerAppliesEntriesTheLeaderCommitted_5_3) {
  SingleNode n(1, kThree);
  Message app = Msg(MessageType::kApp, 2, 1, 2);
  app.index = 3;
  app.log_term = 1;
  app.entries = {Ent(2, 4, "a"), Ent(2, 5, "b")};
  app.commit = 4;
  n.Step(app);
  EXPECT_EQ(n.r().commit(), 4u);
  ASSERT_FALSE(n.applied().empty());
  EXPECT_EQ(n.applied().back().index, 4u);
  EXPECT_EQ(n.applied().back().data.view(), "a");
}

TEST(RaftPaperTest, FollowerRejectsAppendWhosePreviousEntryDoesNotMatch_5_3) {
  SingleNode n(1, kThree);
  Message app = Msg(MessageType::kApp, 2, 1, 2);
  app.index = 3;
  app.log_term = 2;  // Our entry 3 has term 1.
  app.entries = {Ent(2, 4, "a")};
  std::vector<Message> out = n.Step(app);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].reject);
  EXPECT_EQ(out[0].index, 3u);
  EXPECT_EQ(n.r().last_index(), 3u);
}

TEST(RaftPaperTest, FollowerDeletesConflictingEntriesAndAppendsNewOnes_5_3) {
  SingleNode n(1, kThree);
  Message app = Msg(MessageType::kApp, 2, 1, 2);
  app.index = 3;
  app.log_term = 1;
  app.entries = {Ent(2, 4, "a"), Ent(2, 5, "b")};
  n.Step(app);
  Message newer = Msg(MessageType::kApp, 3, 1, 3);
  newer.index = 3;
  newer.log_term = 1;
  newer.entries = {Ent(3, 4, "c")};
  n.Step(newer);
  EXPECT_EQ(n.r().last_index(), 4u);
  EXPECT_EQ(n.r().TermAt(4), 3u);
}

TEST(RaftPaperTest, LeaderBringsDivergentFollowerLogIntoAgreement_5_3) {
  ClusterOptions options;
  TestCluster c(options);
  c.raft(1).Campaign();
  c.Stabilize();
  // Node 3 misses a run of entries; node 1 then loses leadership to node 2 with a conflicting
  // uncommitted tail of its own.
  c.Isolate(3);
  for (int i = 0; i < 5; ++i) c.Propose(1, "p" + std::to_string(i));
  c.Stabilize();
  c.Heal();
  c.Isolate(1);
  c.Propose(1, "orphan");
  c.Stabilize();
  // Without PreVote the lagging node 3 can win the timeout race, fail (its log is behind) and
  // restart everyone's timers; node 2 wins a race soon enough.
  for (int i = 0; i < 300 && c.Leader() != 2 && c.Leader() != 3; ++i) c.TickAllAndStabilize();
  c.Heal();
  for (int i = 0; i < 3; ++i) c.TickAllAndStabilize();
  const uint64_t leader = c.Leader();
  ASSERT_NE(leader, kNone);
  ASSERT_NE(leader, 1u);
  c.Propose(leader, "after");
  c.Stabilize();
  for (uint64_t id : {1, 2, 3}) {
    EXPECT_EQ(c.raft(id).last_index(), c.raft(leader).last_index()) << id;
    EXPECT_TRUE(c.HasValue(id, "after")) << id;
    EXPECT_FALSE(c.HasValue(id, "orphan")) << id;
  }
  c.CheckLogMatching();
  EXPECT_TRUE(c.violations().empty());
}

// ---------------------------------------------------------------------------------- §5.4.1

TEST(RaftPaperTest, VoterRejectsCandidateWithLessUpToDateLog_5_4_1) {
  SingleNode n(1, kThree);
  Message app = Msg(MessageType::kApp, 2, 1, 2);
  app.index = 3;
  app.log_term = 1;
  app.entries = {Ent(2, 4, "a")};
  n.Step(app);
  struct Case {
    uint64_t last_term;
    uint64_t last_index;
    bool granted;
  };
  // Our log ends at 2/4.
  const Case cases[] = {{1, 9, false}, {2, 3, false}, {2, 4, true}, {3, 1, true}};
  uint64_t term = 10;
  for (const Case& c : cases) {
    Message vote = Msg(MessageType::kVote, 3, 1, ++term);
    vote.log_term = c.last_term;
    vote.index = c.last_index;
    // A higher term makes us forget the leader, so the lease (CheckQuorum) is not in the way.
    for (int i = 0; i < 10; ++i) n.r().Tick();
    std::vector<Message> out = OfType(n.Step(vote), MessageType::kVoteResp);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(!out[0].reject, c.granted) << c.last_term << "/" << c.last_index;
  }
}

// ---------------------------------------------------------------------------------- §5.4.2

TEST(RaftPaperTest, LeaderCommitsOnlyCurrentTermEntriesByCounting_5_4_2) {
  // Figure 8: a leader of term 3 holds an entry of term 2 that a majority has; counting replicas
  // must not commit it, only the replication of an entry of term 3 does (and commits both).
  SingleNode n(1, kThree);
  Message app = Msg(MessageType::kApp, 2, 1, 2);
  app.index = 3;
  app.log_term = 1;
  app.entries = {Ent(2, 4, "old")};
  n.Step(app);
  ASSERT_EQ(n.r().commit(), 3u);
  for (int i = 0; i < 10; ++i) n.r().Tick();  // Let the lease on node 2 expire.
  n.BecomeLeader({3});
  ASSERT_EQ(n.r().role(), RaftRole::kLeader);
  ASSERT_EQ(n.r().term(), 3u);
  // Node 3 acknowledges the term-2 entry only.
  Message ack = Msg(MessageType::kAppResp, 3, 1, 3);
  ack.index = 4;
  n.Step(ack);
  EXPECT_EQ(n.r().commit(), 3u) << "a previous-term entry was committed by counting";
  ack.index = 5;  // The new leader's empty entry of term 3.
  n.Step(ack);
  EXPECT_EQ(n.r().commit(), 5u);
}

TEST(RaftPaperTest, NewLeaderAppendsEmptyEntryToCommitPriorEntries_5_4_2) {
  SingleNode n(1, kThree);
  std::vector<Message> out = n.BecomeLeader({2});
  EXPECT_EQ(n.r().last_index(), 4u);
  EXPECT_EQ(n.r().TermAt(4), 2u);
  EXPECT_FALSE(n.r().CaughtUp());  // SwarmKit does not signal leadership yet.
  std::vector<Message> apps = OfType(out, MessageType::kApp);
  ASSERT_EQ(apps.size(), 2u);
  ASSERT_EQ(apps[0].entries.size(), 1u);
  EXPECT_TRUE(apps[0].entries[0].data.empty());
  Message ack = Msg(MessageType::kAppResp, 2, 1, 2);
  ack.index = 4;
  n.Step(ack);
  EXPECT_EQ(n.r().commit(), 4u);
  EXPECT_TRUE(n.r().CaughtUp());
}

// -------------------------------------------------------------------------------------- §6

TEST(RaftPaperTest, MembershipChangesOneAtATime_6) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  ConfChange add;
  add.type = ConfChangeType::kAddNode;
  add.node_id = 4;
  ASSERT_EQ(n.r().ProposeConfChange(add), StepResult::kOk);
  ConfChange remove;
  remove.type = ConfChangeType::kRemoveNode;
  remove.node_id = 3;
  ASSERT_EQ(n.r().ProposeConfChange(remove), StepResult::kOk);
  n.Flush();
  const std::vector<Entry> log = n.r().EntriesForTest(5, 7);
  EXPECT_EQ(log[0].type, EntryType::kConfChange);
  // The second change arrived while the first was unapplied: it became an empty normal entry.
  EXPECT_EQ(log[1].type, EntryType::kNormal);
  EXPECT_TRUE(log[1].data.empty());
}

TEST(RaftPaperTest, AddedVoterCountsTowardQuorumOnceApplied_6) {
  SingleNode n(1, {1, 2});
  n.BecomeLeader({2});
  ConfChange add;
  add.type = ConfChangeType::kAddNode;
  add.node_id = 3;
  n.r().ApplyConfChange(add);
  ASSERT_EQ(n.r().conf_state().voters, (std::vector<uint64_t>{1, 2, 3}));
  n.Flush();
  n.r().Propose(SharedBytes(std::string("x")));
  n.Flush();
  const uint64_t last = n.r().last_index();
  Message ack = Msg(MessageType::kAppResp, 3, 1, n.r().term());
  ack.index = last;
  n.Step(ack);
  EXPECT_EQ(n.r().commit(), last);  // Leader + new node 3 = 2 of 3.
}

TEST(RaftPaperTest, RemovedVoterNoLongerCountsTowardQuorum_6) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  n.r().Propose(SharedBytes(std::string("x")));
  n.Flush();
  const uint64_t last = n.r().last_index();
  EXPECT_LT(n.r().commit(), last);
  ConfChange remove;
  remove.type = ConfChangeType::kRemoveNode;
  remove.node_id = 3;
  n.r().ApplyConfChange(remove);
  ConfChange remove2 = remove;
  remove2.node_id = 2;
  n.r().ApplyConfChange(remove2);
  n.Flush();
  // Alone in the configuration, the leader is a majority by itself.
  EXPECT_EQ(n.r().commit(), last);
}

// -------------------------------------------------------------------------------------- §7

TEST(RaftPaperTest, LeaderSendsSnapshotToFollowerBehindCompactedLog_7) {
  SingleNode n(1, kThree);
  n.BecomeLeader({2});
  for (int i = 0; i < 5; ++i) n.r().Propose(SharedBytes("v" + std::to_string(i)));
  n.Flush();
  Message ack = Msg(MessageType::kAppResp, 2, 1, n.r().term());
  ack.index = n.r().last_index();
  n.Step(ack);
  const uint64_t applied = n.r().applied();
  ASSERT_EQ(applied, n.r().last_index());
  ASSERT_EQ(n.storage().CreateSnapshot(applied, n.r().conf_state(), SharedBytes(std::string("s"))),
            StorageError::kOk);
  ASSERT_EQ(n.storage().Compact(applied), StorageError::kOk);
  // Node 3 answers a probe with a rejection showing it has only the bootstrap entries.
  Message reject = Msg(MessageType::kAppResp, 3, 1, n.r().term());
  reject.index = n.r().progress(3)->next - 1;
  reject.reject = true;
  reject.reject_hint = 3;
  reject.log_term = 1;
  std::vector<Message> snaps = OfType(n.Step(reject), MessageType::kSnap);
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_EQ(snaps[0].snapshot.metadata.index, applied);
  EXPECT_EQ(snaps[0].snapshot.data.view(), "s");
  EXPECT_EQ(n.r().progress(3)->state, ProgressState::kSnapshot);
  // Nothing more is sent to it until the snapshot is reported.
  n.r().Propose(SharedBytes(std::string("more")));
  for (const Message& m : n.Flush()) EXPECT_NE(m.to, 3u);
  n.r().ReportSnapshot(3, /*failure=*/false);
  EXPECT_EQ(n.r().progress(3)->state, ProgressState::kProbe);
}

TEST(RaftPaperTest, FollowerInstallsSnapshotAndDiscardsItsLog_7) {
  SingleNode n(1, kThree);
  Message snap = Msg(MessageType::kSnap, 2, 1, 2);
  snap.snapshot.metadata.index = 11;
  snap.snapshot.metadata.term = 2;
  snap.snapshot.metadata.conf_state.voters = kThree;
  snap.snapshot.data = SharedBytes(std::string("state"));
  std::vector<Message> out = n.Step(snap);
  EXPECT_EQ(n.r().commit(), 11u);
  EXPECT_EQ(n.r().last_index(), 11u);
  EXPECT_EQ(n.r().first_index(), 12u);
  EXPECT_EQ(n.storage().snapshot().data.view(), "state");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, MessageType::kAppResp);
  EXPECT_EQ(out[0].index, 11u);
}

TEST(RaftPaperTest, FollowerKeepsEntriesFollowingAMatchingSnapshot_7) {
  SingleNode n(1, kThree);
  Message app = Msg(MessageType::kApp, 2, 1, 2);
  app.index = 3;
  app.log_term = 1;
  app.entries = {Ent(2, 4, "a"), Ent(2, 5, "b"), Ent(2, 6, "c")};
  n.Step(app);
  Message snap = Msg(MessageType::kSnap, 2, 1, 2);
  snap.snapshot.metadata.index = 5;
  snap.snapshot.metadata.term = 2;
  snap.snapshot.metadata.conf_state.voters = kThree;
  n.Step(snap);
  // The snapshot's last entry is in our log: keep the log, commit up to it.
  EXPECT_EQ(n.r().commit(), 5u);
  EXPECT_EQ(n.r().last_index(), 6u);
  EXPECT_EQ(n.r().first_index(), 1u);
}

}  // namespace
}  // namespace raft
}  // namespace swarmsim
