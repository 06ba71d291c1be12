// SwarmKit's raft tests (reference §7.1-7.2) that apply at the level of the Raft state machine,
// run on the in-process TestCluster: one tick = SwarmKit's 1 s TickInterval.
#include "gtest/gtest.h"
#include "model/raft/quorum.h"
#include "model/raft/test_cluster.h"

namespace swarmsim {
namespace raft {
namespace {

// Ticks (every up node once per round) until some node leads and has applied its whole log
// (SwarmKit's signalled leadership); returns it. Fails the test after `rounds`.
uint64_t WaitForLeader(TestCluster& c, int rounds = 200) {
  for (int i = 0; i < rounds; ++i) {
    const uint64_t leader = c.Leader();
    if (leader != kNone && c.raft(leader).CaughtUp()) return leader;
    c.TickAllAndStabilize();
  }
  ADD_FAILURE() << "no leader after " << rounds << " rounds";
  return kNone;
}

TestCluster NewCluster(int size, uint64_t snapshot_interval = 0, uint64_t keep = 0) {
  ClusterOptions options;
  options.size = size;
  options.snapshot_interval = snapshot_interval;
  options.keep_entries = keep;
  return TestCluster(options);
}

void ExpectSafe(TestCluster& c) {
  c.CheckLogMatching();
  for (const std::string& v : c.violations()) ADD_FAILURE() << v;
}

TEST(SwarmkitRaftTest, RaftLeader) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();  // SwarmKit's initiator campaigns as soon as it can.
  c.Stabilize();
  EXPECT_EQ(WaitForLeader(c), 1u);
  for (uint64_t id : {1, 2, 3}) EXPECT_EQ(c.raft(id).lead(), 1u);
}

TEST(SwarmkitRaftTest, RaftLeaderDown) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Crash(1);
  const uint64_t leader = WaitForLeader(c);
  ASSERT_NE(leader, kNone);
  EXPECT_NE(leader, 1u);
  for (uint64_t id : {2, 3}) EXPECT_EQ(c.raft(id).lead(), leader);
  ASSERT_EQ(c.Propose(leader, "v"), StepResult::kOk);
  c.Stabilize();
  EXPECT_TRUE(c.HasValue(2, "v"));
  EXPECT_TRUE(c.HasValue(3, "v"));
  EXPECT_EQ(c.raft(leader).conf_state().voters.size(), 3u);  // Still three members.
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftFollowerDown) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Crash(3);
  for (int i = 0; i < 30; ++i) c.TickAllAndStabilize();
  EXPECT_EQ(c.Leader(), 1u);
  c.Propose(1, "v");
  c.Stabilize();
  EXPECT_TRUE(c.HasValue(1, "v"));
  EXPECT_TRUE(c.HasValue(2, "v"));
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftLogReplicationWithoutLeader) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Crash(1);
  EXPECT_EQ(c.Propose(2, "v"), StepResult::kProposalDropped);
  c.Stabilize();
  EXPECT_FALSE(c.HasValue(2, "v"));
  EXPECT_FALSE(c.HasValue(3, "v"));
}

TEST(SwarmkitRaftTest, RaftQuorumFailure) {
  TestCluster c = NewCluster(5);
  c.raft(1).Campaign();
  c.Stabilize();
  ASSERT_EQ(WaitForLeader(c), 1u);
  for (uint64_t id : {3, 4, 5}) c.Crash(id);
  c.Propose(1, "v");  // Accepted into the leader's log, but never committed.
  for (int i = 0; i < 5; ++i) c.TickAllAndStabilize();
  EXPECT_FALSE(c.HasValue(1, "v"));
  EXPECT_FALSE(c.HasValue(2, "v"));
  // CheckQuorum: the leader gives up leadership within two election timeouts.
  for (int i = 0; i < 20; ++i) c.TickAllAndStabilize();
  EXPECT_NE(c.raft(1).role(), RaftRole::kLeader);
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftQuorumRecovery) {
  TestCluster c = NewCluster(5);
  c.raft(1).Campaign();
  c.Stabilize();
  for (uint64_t id : {1, 2, 3}) c.Crash(id);
  for (int i = 0; i < 5; ++i) c.TickAllAndStabilize();
  c.Restart(3);
  const uint64_t leader = WaitForLeader(c);
  ASSERT_TRUE(leader == 3 || leader == 4 || leader == 5) << leader;
  c.Propose(leader, "v");
  c.Stabilize();
  for (uint64_t id : {3, 4, 5}) EXPECT_TRUE(c.HasValue(id, "v")) << id;
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftRejoin) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Propose(1, "first");
  c.Stabilize();
  c.Crash(3);
  c.Propose(1, "second");
  c.Stabilize();
  c.Restart(3);
  for (int i = 0; i < 2; ++i) c.TickAllAndStabilize();
  EXPECT_TRUE(c.HasValue(3, "first"));
  EXPECT_TRUE(c.HasValue(3, "second"));
  ExpectSafe(c);
}

void RestartWholeCluster(int ticks_between) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Propose(1, "before");
  c.Stabilize();
  for (uint64_t id : {1, 2, 3}) c.Crash(id);
  for (int i = 0; i < 5; ++i) c.TickAllAndStabilize();
  for (uint64_t id : {1, 2, 3}) {
    c.Restart(id);
    for (int i = 0; i < ticks_between; ++i) c.TickAllAndStabilize();
  }
  const uint64_t leader = WaitForLeader(c);
  ASSERT_NE(leader, kNone);
  ASSERT_EQ(c.Propose(leader, "after"), StepResult::kOk);
  c.Stabilize();
  for (uint64_t id : {1, 2, 3}) {
    EXPECT_TRUE(c.HasValue(id, "before")) << id;
    EXPECT_TRUE(c.HasValue(id, "after")) << id;
  }
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftRestartClusterSimultaneously) { RestartWholeCluster(0); }
TEST(SwarmkitRaftTest, RaftRestartClusterStaggered) { RestartWholeCluster(1); }

TEST(SwarmkitRaftTest, RaftNewNodeGetsData) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Propose(1, "v");
  c.Stabilize();
  c.AddNode(4);
  ASSERT_EQ(c.ProposeConfChange(1, ConfChangeType::kAddNode, 4), StepResult::kOk);
  c.Stabilize();
  c.TickAllAndStabilize();
  EXPECT_TRUE(c.HasValue(4, "v"));
  for (uint64_t id : {1, 2, 3, 4}) EXPECT_EQ(c.raft(id).conf_state().voters.size(), 4u) << id;
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftFollowerLeave) {
  TestCluster c = NewCluster(5);
  c.raft(1).Campaign();
  c.Stabilize();
  ASSERT_EQ(c.ProposeConfChange(1, ConfChangeType::kRemoveNode, 5), StepResult::kOk);
  c.Stabilize();
  c.Crash(5);  // SwarmKit: the removed node stops.
  for (uint64_t id : {1, 2, 3, 4}) EXPECT_EQ(c.raft(id).conf_state().voters.size(), 4u) << id;
  c.Propose(1, "v");
  c.Stabilize();
  for (uint64_t id : {1, 2, 3, 4}) EXPECT_TRUE(c.HasValue(id, "v")) << id;
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftLeaderLeave) {
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  ASSERT_EQ(c.ProposeConfChange(1, ConfChangeType::kRemoveNode, 1), StepResult::kOk);
  c.Stabilize();
  c.Crash(1);
  const uint64_t leader = WaitForLeader(c);
  ASSERT_TRUE(leader == 2 || leader == 3) << leader;
  EXPECT_EQ(c.raft(leader).conf_state().voters, (std::vector<uint64_t>{2, 3}));
  c.Propose(leader, "v");
  c.Stabilize();
  EXPECT_TRUE(c.HasValue(2, "v"));
  EXPECT_TRUE(c.HasValue(3, "v"));
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftSnapshotSentToNewNode) {
  // TestRaftSnapshot: SnapshotInterval 9, LogEntriesForSlowFollowers 0.
  TestCluster c = NewCluster(3, /*snapshot_interval=*/9, /*keep=*/0);
  c.raft(1).Campaign();
  c.Stabilize();
  for (int i = 0; i < 3; ++i) c.Propose(1, "a" + std::to_string(i));
  c.Stabilize();
  // Bootstrap (3) + empty entry (1) + 3 proposals = 7 applied: no snapshot yet.
  for (uint64_t id : {1, 2, 3}) EXPECT_EQ(c.node(id).storage->snapshot().metadata.index, 0u);
  for (int i = 3; i < 6; ++i) c.Propose(1, "a" + std::to_string(i));
  c.Stabilize();
  for (uint64_t id : {1, 2, 3}) EXPECT_EQ(c.node(id).storage->snapshot().metadata.index, 9u);
  c.AddNode(4);
  c.ProposeConfChange(1, ConfChangeType::kAddNode, 4);
  c.Stabilize();
  c.TickAllAndStabilize();
  EXPECT_GT(c.node(4).storage->snapshot().metadata.index, 0u);  // Caught up via a snapshot.
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(c.HasValue(4, "a" + std::to_string(i))) << i;
  EXPECT_EQ(c.raft(4).conf_state().voters, (std::vector<uint64_t>{1, 2, 3, 4}));
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, RaftSnapshotRestart) {
  // TestRaftSnapshotRestart: node 3 down while snapshots happen and a member joins; it restarts
  // and catches up including the new member; restarting again loads its own snapshot.
  TestCluster c = NewCluster(3, /*snapshot_interval=*/10, /*keep=*/0);
  c.raft(1).Campaign();
  c.Stabilize();
  c.Crash(3);
  for (int i = 0; i < 8; ++i) c.Propose(1, "b" + std::to_string(i));
  c.Stabilize();
  c.AddNode(4);
  c.ProposeConfChange(1, ConfChangeType::kAddNode, 4);
  c.Stabilize();
  c.TickAllAndStabilize();
  c.Restart(3);
  for (int i = 0; i < 3; ++i) c.TickAllAndStabilize();
  EXPECT_EQ(c.raft(3).conf_state().voters, (std::vector<uint64_t>{1, 2, 3, 4}));
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(c.HasValue(3, "b" + std::to_string(i))) << i;
  c.Crash(3);
  c.Restart(3);
  EXPECT_GT(c.node(3).storage->snapshot().metadata.index, 0u);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(c.HasValue(3, "b" + std::to_string(i))) << i;
  ExpectSafe(c);
}

TEST(SwarmkitRaftTest, LeadershipIsSignalledOnlyAfterCatchingUp) {
  // §4.2 step 10: a new leader is not "ready for proposals" until its empty entry is applied.
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Process(1);
  c.DeliverRound();  // Vote requests.
  c.DeliverRound();  // Votes: node 1 wins and appends its empty entry.
  ASSERT_EQ(c.raft(1).role(), RaftRole::kLeader);
  EXPECT_FALSE(c.raft(1).CaughtUp());
  c.Stabilize();
  EXPECT_TRUE(c.raft(1).CaughtUp());
}

TEST(SwarmkitRaftTest, CanRemoveMemberFromClusterReachability) {
  // TestCanRemoveMember, with reachability = the peers that are up.
  TestCluster c = NewCluster(3);
  c.raft(1).Campaign();
  c.Stabilize();
  const std::vector<uint64_t> members = c.raft(1).conf_state().voters;
  c.Crash(2);
  c.Crash(3);
  EXPECT_FALSE(CanRemoveMember(members, c.up_ids(), 1, 2));
  EXPECT_FALSE(CanRemoveMember(members, c.up_ids(), 1, 3));
  c.Restart(2);
  c.Restart(3);
  c.Crash(3);
  EXPECT_FALSE(CanRemoveMember(members, c.up_ids(), 1, 2));
  EXPECT_TRUE(CanRemoveMember(members, c.up_ids(), 1, 3));
}

}  // namespace
}  // namespace raft
}  // namespace swarmsim
