// RaftHost on a simulated world: elections, leadership signal, leader crash, quorum loss,
// whole-cluster restarts and durability (reference §4, §7.1). Every test also runs all the
// invariant checkers of model/check over the trace. Default timing: tick 1 s, election timeout
// [10, 20) ticks, link latency 0.5-0.6 ms.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "model/process/raft_host.h"
#include "model/process/raft_host_test_util.h"

namespace swarmsim {
namespace process {
namespace {

using testing::RaftWorld;

constexpr absl::Duration kEpsilon = absl::Milliseconds(50);

sim::Time At(absl::Duration d) { return sim::Time::Zero() + d; }

int CountLeaders(RaftWorld& w) {
  int n = 0;
  for (int i = 0; i < w.size(); ++i) {
    if (w.Running(i) && w.raft(i).IsLeader()) ++n;
  }
  return n;
}

// Three members bootstrapped together: nobody hears a leader, so the first candidate campaigns
// at its randomized timeout, [10, 20) ticks after start (ticks at 1 s, 2 s, ...): a leader is
// elected in [10 s, 20 s) + a few round trips, and it is the only one.
TEST(RaftHostTest, ThreeManagersElectOneLeaderWithinTwentySeconds) {
  RaftWorld w(3);
  w.StartAll();
  ASSERT_TRUE(w.RunUntil([&] { return w.Leader() >= 0; }, absl::Seconds(30)));
  const sim::Time elected = w.now();
  EXPECT_GE(elected, At(absl::Seconds(10)));
  EXPECT_LT(elected, At(absl::Seconds(20) + kEpsilon));
  const int leader = w.Leader();
  w.RunFor(absl::Seconds(5));
  EXPECT_EQ(CountLeaders(w), 1);
  EXPECT_EQ(w.Leader(), leader);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(w.raft(i).Leader(), w.raft(leader).raft_id()) << i;
    EXPECT_EQ(w.raft(i).Members().size(), 3u) << i;
    EXPECT_EQ(w.raft(i).term(), w.raft(leader).term()) << i;
  }
  EXPECT_EQ(w.CheckInvariants(), "");
}

// A new leader is raw leader at once but publishes IsLeader only after its empty entry of the
// new term is committed and applied (caughtUp), one replication round trip (~1 ms) later; a
// proposal before the signal fails with ErrLostLeadership.
TEST(RaftHostTest, LeaderSignalsOnlyAfterApplyingItsEmptyEntry) {
  RaftWorld w(3);
  w.StartAll();
  ASSERT_TRUE(w.RunUntil([&] { return w.Leader() >= 0; }, absl::Seconds(30)));
  const int leader = w.Leader();
  const sim::Time became_leader = w.now();
  EXPECT_FALSE(w.raft(leader).SignalledLeader());
  RaftWorld::Result early = w.Propose(leader, "too-early");
  ASSERT_TRUE(w.RunUntil([&] { return w.raft(leader).SignalledLeader(); }, absl::Seconds(1)));
  EXPECT_GT(w.now(), became_leader);
  EXPECT_LT(w.now(), became_leader + absl::Milliseconds(20));
  ASSERT_TRUE(early->has_value());
  EXPECT_TRUE(absl::IsUnknown(**early));
  EXPECT_EQ((*early)->message(), kErrLostLeadership);
  const testing::ManagerLog& log = w.log(leader);
  ASSERT_EQ(log.leadership.size(), 1u);
  EXPECT_TRUE(log.leadership[0].is_leader);
  EXPECT_EQ(log.leadership[0].applied, log.leadership[0].last_index);
  // Bootstrap entries 1..3 at term 1, then the leader's empty entry at its term.
  EXPECT_EQ(log.leadership[0].applied, 4u);
  EXPECT_EQ(w.ProposeAndWait(leader, "a", absl::Seconds(1)), absl::OkStatus());
  EXPECT_FALSE(w.HasValue(leader, "too-early"));
  EXPECT_EQ(w.CheckInvariants(), "");
}

// TestRaftLeaderDown: the leader crashes at t0; its last heartbeat reached the followers in
// (t0 - 1 s, t0]. They campaign after [10, 20) ticks without it, so a new leader (not the old
// one) is elected in (t0 + 8 s, t0 + 20 s + eps); a proposal on it commits on both survivors.
TEST(RaftHostTest, LeaderCrashFollowersElectNewLeaderAndProposalsCommit) {
  RaftWorld w(3);
  w.StartAll();
  const int old_leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(old_leader, 0);
  ASSERT_EQ(w.ProposeAndWait(old_leader, "before", absl::Seconds(1)), absl::OkStatus());
  w.RunFor(absl::Milliseconds(3500));
  const sim::Time t0 = w.now();
  w.Crash(old_leader);
  ASSERT_TRUE(w.RunUntil([&] { return w.Leader() >= 0; }, absl::Seconds(30)));
  const int leader = w.Leader();
  EXPECT_NE(leader, old_leader);
  EXPECT_GT(w.now(), t0 + absl::Seconds(8));
  EXPECT_LT(w.now(), t0 + absl::Seconds(20) + kEpsilon);
  ASSERT_EQ(w.WaitForSignalledLeader(absl::Seconds(1)), leader);
  ASSERT_EQ(w.ProposeAndWait(leader, "after", absl::Seconds(1)), absl::OkStatus());
  w.RunFor(absl::Milliseconds(100));
  for (int i = 0; i < 3; ++i) {
    if (i == old_leader) continue;
    EXPECT_TRUE(w.HasValue(i, "before")) << i;
    EXPECT_TRUE(w.HasValue(i, "after")) << i;
    EXPECT_EQ(w.raft(i).Leader(), w.raft(leader).raft_id());
    EXPECT_EQ(w.raft(i).Members().size(), 3u);
  }
  EXPECT_EQ(w.CheckInvariants(), "");
}

// TestRaftQuorumFailure: 5 members, 3 followers crash at t0. The leader's proposal cannot
// commit; CheckQuorum (every 10 ticks) steps it down at the second check, in (t0 + 10 s,
// t0 + 20 s + eps]; the waiting proposal then fails with ErrLostLeadership. Nothing commits
// afterwards (checked for 60 s) and both survivors count leaderless ticks.
TEST(RaftHostTest, QuorumLossBlocksCommitAndLeaderStepsDownByCheckQuorum) {
  RaftWorld w(5);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  ASSERT_EQ(w.ProposeAndWait(leader, "committed", absl::Seconds(1)), absl::OkStatus());
  std::vector<int> survivors = {leader};
  int crashed = 0;
  const sim::Time t0 = w.now();
  for (int i = 0; i < 5; ++i) {
    if (i == leader) continue;
    if (crashed < 3) {
      w.Crash(i);
      ++crashed;
    } else {
      survivors.push_back(i);
    }
  }
  const uint64_t commit_before = w.raft(leader).commit();
  RaftWorld::Result pending = w.Propose(leader, "never");
  ASSERT_TRUE(w.RunUntil([&] { return !w.raft(leader).IsLeader(); }, absl::Seconds(30)));
  EXPECT_GT(w.now(), t0 + absl::Seconds(10));
  EXPECT_LE(w.now(), t0 + absl::Seconds(20) + kEpsilon);
  ASSERT_TRUE(pending->has_value());
  EXPECT_TRUE(absl::IsUnknown(**pending));
  EXPECT_EQ((*pending)->message(), kErrLostLeadership);
  ASSERT_EQ(w.log(leader).leadership.size(), 2u);
  EXPECT_FALSE(w.log(leader).leadership[1].is_leader);
  w.RunFor(absl::Seconds(60));
  for (int i : survivors) {
    EXPECT_FALSE(w.HasValue(i, "never")) << i;
    EXPECT_TRUE(w.HasValue(i, "committed")) << i;
    EXPECT_EQ(w.raft(i).commit(), commit_before) << i;
    EXPECT_EQ(w.raft(i).Leader(), 0u) << i;
    EXPECT_GT(w.raft(i).ticks_without_leader(), 10) << i;
  }
  EXPECT_EQ(w.CheckInvariants(), "");
}

// Before any election every member counts leaderless ticks, one per second; once a leader is
// known the count is 0.
TEST(RaftHostTest, TicksWithoutLeaderCountsUp) {
  RaftWorld w(3);
  w.StartAll();
  w.RunFor(absl::Milliseconds(5500));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(w.raft(i).ticks_without_leader(), 5) << i;
  w.RunFor(absl::Seconds(4));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(w.raft(i).ticks_without_leader(), 9) << i;
  ASSERT_GE(w.WaitForSignalledLeader(absl::Seconds(30)), 0);
  w.RunFor(absl::Milliseconds(1500));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(w.raft(i).ticks_without_leader(), 0) << i;
  EXPECT_EQ(w.CheckInvariants(), "");
}

// TestRaftRestartClusterSimultaneously / Staggered: stop all three (graceful), wait 5 s,
// restart them at once or 1 s apart. They recover from disk, elect a leader within 20 s of the
// last start (+eps), commit a new value, and every member has both values.
void RestartWholeCluster(absl::Duration stagger) {
  RaftWorld w(3);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  ASSERT_EQ(w.ProposeAndWait(leader, "first", absl::Seconds(1)), absl::OkStatus());
  w.RunFor(absl::Milliseconds(100));
  for (int i = 0; i < 3; ++i) w.Stop(i);
  w.RunFor(absl::Seconds(5));
  for (int i = 0; i < 3; ++i) {
    w.Start(i);
    if (i < 2) w.RunFor(stagger);
  }
  const sim::Time last_start = w.now();
  // Replayed from disk: the committed value is back before any new election.
  w.RunFor(absl::Milliseconds(1));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(w.HasValue(i, "first")) << i;
  const int new_leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(new_leader, 0);
  EXPECT_LT(w.now(), last_start + absl::Seconds(20) + kEpsilon);
  ASSERT_EQ(w.ProposeAndWait(new_leader, "second", absl::Seconds(1)), absl::OkStatus());
  w.RunFor(absl::Milliseconds(100));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(w.HasValue(i, "first")) << i;
    EXPECT_TRUE(w.HasValue(i, "second")) << i;
  }
  EXPECT_EQ(w.CheckInvariants(), "");
}

TEST(RaftHostTest, RestartWholeClusterSimultaneously) { RestartWholeCluster(absl::ZeroDuration()); }
TEST(RaftHostTest, RestartWholeClusterStaggered) { RestartWholeCluster(absl::Seconds(1)); }

// Power loss on the leader and a follower right after commits (unsynced writes are dropped by
// the kernel): everything committed is recovered from disk (raft.restart / raft.recovered are
// checked by the durability checker), and all three converge on the same values.
TEST(RaftHostTest, CommittedEntriesSurviveCrashRestart) {
  RaftWorld w(3);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  for (const char* v : {"a", "b", "c"}) {
    ASSERT_EQ(w.ProposeAndWait(leader, v, absl::Seconds(1)), absl::OkStatus());
  }
  const int follower = (leader + 1) % 3;
  const uint64_t leader_commit = w.raft(leader).commit();
  w.Crash(leader);
  w.Crash(follower);
  w.RunFor(absl::Seconds(2));
  w.Start(leader);
  w.Start(follower);
  // The restarted leader recovers every entry it had committed, and replays at once those its
  // durable commit index covers (a Ready that only raises the commit index is not synced, as
  // etcd's MustSync: the rest is re-committed by the next leader).
  w.RunFor(absl::Milliseconds(1));
  EXPECT_GE(w.raft(leader).last_index(), leader_commit);
  const std::vector<std::string>& replayed = w.manager(leader)->values();
  const std::vector<std::string> all = {"a", "b", "c"};
  ASSERT_LE(replayed.size(), 3u);
  EXPECT_GE(replayed.size(), 2u);
  EXPECT_EQ(replayed, std::vector<std::string>(all.begin(), all.begin() + replayed.size()));
  const int new_leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(new_leader, 0);
  ASSERT_EQ(w.ProposeAndWait(new_leader, "d", absl::Seconds(1)), absl::OkStatus());
  w.RunFor(absl::Milliseconds(100));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(w.manager(i)->values(), (std::vector<std::string>{"a", "b", "c", "d"})) << i;
  }
  EXPECT_EQ(w.CheckInvariants(), "");
}

// SwarmKit's single-member fast start (moby#24077): a lone bootstrapped member campaigns right
// after its first Ready instead of waiting 10-20 ticks, so it leads and signals one WAL fsync
// after starting (its term, vote and empty entry are synced in one Ready), and again right after
// a restart from its disk; a proposal then costs one more fsync.
TEST(RaftHostTest, SingleMemberCampaignsAtOnceOnStartAndRestart) {
  const absl::Duration sync = RaftHostOptions().sync_latency;
  RaftWorld w(1);
  w.StartAll();
  ASSERT_EQ(w.WaitForSignalledLeader(absl::Seconds(30)), 0);
  EXPECT_EQ(w.now(), At(sync));
  ASSERT_EQ(w.ProposeAndWait(0, "a", absl::Seconds(1)), absl::OkStatus());
  EXPECT_EQ(w.now(), At(2 * sync));
  w.RunFor(absl::Seconds(3));
  w.Crash(0);
  w.RunFor(absl::Seconds(2));
  const sim::Time restarted = w.now();
  w.Start(0);
  ASSERT_EQ(w.WaitForSignalledLeader(absl::Seconds(30)), 0);
  EXPECT_EQ(w.now(), restarted + sync);
  EXPECT_TRUE(w.HasValue(0, "a"));
  EXPECT_EQ(w.raft(0).term(), 3u);  // Term 1 bootstrap, 2 first election, 3 after restart.
  EXPECT_EQ(w.CheckInvariants(), "");
}

// A graceful stop fails every waiting proposal with ErrStopped at once (within OnStop).
TEST(RaftHostTest, StopFailsWaitingProposals) {
  RaftWorld w(3);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  for (int i = 0; i < 3; ++i) {
    if (i != leader) w.Crash(i);
  }
  RaftWorld::Result pending = w.Propose(leader, "never");
  w.RunFor(absl::Seconds(1));
  EXPECT_FALSE(pending->has_value());
  w.Stop(leader);
  ASSERT_TRUE(pending->has_value());
  EXPECT_TRUE(absl::IsUnknown(**pending));
  EXPECT_EQ((*pending)->message(), kErrStopped);
  EXPECT_EQ(w.CheckInvariants(), "");
}

// Same seed, same trace (digest and count); another seed elects at another time.
TEST(RaftHostTest, SameSeedSameTrace) {
  auto run = [](uint64_t seed) {
    RaftWorld w(3, RaftHostOptions(), seed);
    w.StartAll();
    const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
    EXPECT_GE(leader, 0);
    EXPECT_EQ(w.ProposeAndWait(leader, "a", absl::Seconds(1)), absl::OkStatus());
    w.Crash(leader);
    w.RunFor(absl::Seconds(30));
    w.Start(leader);
    w.RunFor(absl::Seconds(10));
    return std::make_pair(w.world().trace().digest(), w.world().trace().size());
  };
  const auto a = run(7);
  const auto b = run(7);
  const auto c = run(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.first, c.first);
}

}  // namespace
}  // namespace process
}  // namespace swarmsim
