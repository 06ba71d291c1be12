// RaftHost's WAL sync latency (reference §4.2 step 2, §10.6): a Ready that must be durable is
// written, synced sync_latency later, and only then are its messages sent and its entries
// applied; Raft keeps stepping meanwhile, and a crash inside the sync loses the Ready's writes
// with nothing that depended on them having left the host. Link latency 0.5-0.6 ms one way.
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "model/process/raft_host.h"
#include "model/process/raft_host_test_util.h"
#include "sim/disk.h"
#include "sim/host.h"

namespace swarmsim {
namespace process {
namespace {

using testing::RaftWorld;

RaftHostOptions WithSyncLatency(absl::Duration latency) {
  RaftHostOptions o;
  o.sync_latency = latency;
  return o;
}

// A three-manager cluster with a signalled leader and nothing in flight.
int SettledLeader(RaftWorld& w, absl::Duration limit = absl::Seconds(30)) {
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(limit);
  if (leader < 0) return leader;
  w.RunFor(absl::Seconds(2));
  return leader;
}

// Proposes on the leader and returns how long the proposal took to be applied there (the
// ProposeValue round: leader fsync, append round trip with the follower's fsync, apply).
absl::Duration CommitLatency(RaftWorld& w, int leader, const std::string& value) {
  const sim::Time start = w.now();
  RaftWorld::Result result = w.Propose(leader, value);
  if (!w.RunUntil([&] { return result->has_value(); }, absl::Seconds(5))) {
    return absl::InfiniteDuration();
  }
  EXPECT_TRUE(result->value().ok()) << result->value();
  return w.now() - start;
}

// Zero latency is today's model: the commit costs one append round trip (2 x 0.5-0.6 ms).
TEST(RaftHostDiskTest, ZeroSyncLatencyCommitsInOneRoundTrip) {
  RaftWorld w(3, WithSyncLatency(absl::ZeroDuration()));
  const int leader = SettledLeader(w);
  ASSERT_GE(leader, 0);
  const absl::Duration took = CommitLatency(w, leader, "a");
  EXPECT_GE(took, absl::Milliseconds(1));
  EXPECT_LE(took, absl::Microseconds(1300));
  EXPECT_EQ(w.CheckInvariants(), "");
}

// The default (1 ms, a datacenter SSD): leader fsync, then the append travels, the follower
// fsyncs, its answer travels back: 2 x 1 ms + one round trip.
TEST(RaftHostDiskTest, DefaultCommitCostsTwoFsyncsAndOneRoundTrip) {
  RaftWorld w(3);
  EXPECT_EQ(RaftHostOptions().sync_latency, sim::kDefaultSyncLatency);
  EXPECT_EQ(sim::kDefaultSyncLatency, absl::Milliseconds(1));
  const int leader = SettledLeader(w);
  ASSERT_GE(leader, 0);
  const absl::Duration took = CommitLatency(w, leader, "a");
  EXPECT_GE(took, absl::Milliseconds(3));
  EXPECT_LE(took, absl::Microseconds(3300));
  EXPECT_EQ(w.CheckInvariants(), "");
}

// Persist, then send: a follower holds a new entry only after the leader's fsync, the trip and
// its own fsync (2 x 20 ms + 0.5 ms), not after one fsync as it would if the leader sent first.
TEST(RaftHostDiskTest, LeaderSendsAppendsOnlyAfterItsSync) {
  const absl::Duration sync = absl::Milliseconds(20);
  RaftWorld w(3, WithSyncLatency(sync));
  const int leader = SettledLeader(w);
  ASSERT_GE(leader, 0);
  const int follower = (leader + 1) % 3;
  const uint64_t before = w.raft(follower).last_index();
  ASSERT_EQ(before, w.raft(leader).last_index());
  const sim::Time start = w.now();
  RaftWorld::Result result = w.Propose(leader, "a");
  // Inside the leader's sync the entry exists only in its volatile write.
  w.RunFor(sync - absl::Milliseconds(1));
  EXPECT_EQ(w.raft(leader).last_index(), before);
  EXPECT_EQ(w.raft(follower).last_index(), before);
  ASSERT_TRUE(w.RunUntil([&] { return w.raft(follower).last_index() > before; },
                         absl::Seconds(1)));
  EXPECT_GE(w.now() - start, 2 * sync);
  EXPECT_LE(w.now() - start, 2 * sync + absl::Milliseconds(1));
  // The leader applies when a follower's ack is back: 2 fsyncs + one round trip.
  ASSERT_TRUE(w.RunUntil([&] { return result->has_value(); }, absl::Seconds(1)));
  EXPECT_TRUE(result->value().ok());
  EXPECT_GE(w.now() - start, 2 * sync + absl::Milliseconds(1));
  EXPECT_LE(w.now() - start, 2 * sync + absl::Microseconds(1300));
  EXPECT_EQ(w.CheckInvariants(), "");
}

// A single member commits its own entries alone, but applies them only once they are durable.
TEST(RaftHostDiskTest, SingleMemberAppliesOnlyAfterItsSync) {
  const absl::Duration sync = absl::Milliseconds(50);
  RaftWorld w(1, WithSyncLatency(sync));
  w.StartAll();
  ASSERT_EQ(w.WaitForSignalledLeader(absl::Seconds(5)), 0);
  w.RunFor(absl::Seconds(2));
  const absl::Duration took = CommitLatency(w, 0, "a");
  EXPECT_EQ(took, sync);
  EXPECT_EQ(w.CheckInvariants(), "");
}

// The leader crashes inside the fsync of a new entry: the entry is lost with the volatile
// write, no follower ever received it, and after the restart nobody has it.
TEST(RaftHostDiskTest, CrashDuringSyncLosesTheEntryAndNothingWasSent) {
  const absl::Duration sync = absl::Milliseconds(50);
  RaftWorld w(3, WithSyncLatency(sync));
  const int leader = SettledLeader(w);
  ASSERT_GE(leader, 0);
  const uint64_t before = w.raft(leader).last_index();
  const uint64_t lost_before = w.world().host(w.Host(leader)).disk().stats().bytes_lost;
  w.Propose(leader, "lost");
  w.RunFor(sync / 2);
  ASSERT_TRUE(w.ctx(leader).disk().HasUnsynced());
  w.Crash(leader);
  EXPECT_GT(w.world().host(w.Host(leader)).disk().stats().bytes_lost, lost_before);
  w.RunFor(absl::Seconds(1));
  for (int i = 0; i < 3; ++i) {
    if (i == leader) continue;
    EXPECT_EQ(w.raft(i).last_index(), before) << i;
    EXPECT_FALSE(w.HasValue(i, "lost")) << i;
  }
  w.Start(leader);
  EXPECT_EQ(w.raft(leader).last_index(), before);
  ASSERT_GE(w.WaitForSignalledLeader(absl::Seconds(60)), 0);
  w.RunFor(absl::Seconds(2));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(w.HasValue(i, "lost")) << i;
  EXPECT_EQ(w.CheckInvariants(), "");
}

// After the leader dies, a survivor campaigns and the other grants its vote. The voter crashes
// inside the fsync of that vote: the vote response never left, so the candidate (one vote of
// three) does not become leader, and the voter restarts without the vote or the new term.
TEST(RaftHostDiskTest, VoteLostInACrashedSyncWasNeverCounted) {
  const absl::Duration sync = absl::Milliseconds(50);
  RaftWorld w(3, WithSyncLatency(sync));
  const int leader = SettledLeader(w);
  ASSERT_GE(leader, 0);
  const uint64_t term = w.raft(leader).term();
  w.Crash(leader);
  const int a = (leader + 1) % 3;
  const int b = (leader + 2) % 3;
  // The first survivor whose term rises is the candidate; the other's rises when it votes.
  int candidate = -1;
  ASSERT_TRUE(w.RunUntil(
      [&] {
        if (w.raft(a).term() > term) candidate = a;
        if (w.raft(b).term() > term) candidate = b;
        return candidate >= 0;
      },
      absl::Seconds(30)));
  const int voter = candidate == a ? b : a;
  ASSERT_EQ(w.raft(voter).term(), term);
  ASSERT_TRUE(w.RunUntil([&] { return w.raft(voter).term() > term; }, absl::Seconds(1)));
  w.Crash(voter);
  w.RunFor(absl::Seconds(5));
  EXPECT_FALSE(w.raft(candidate).IsLeader());
  EXPECT_TRUE(w.log(candidate).leadership.empty());
  w.Start(voter);
  EXPECT_EQ(w.raft(voter).term(), term);
  EXPECT_EQ(w.CheckInvariants(), "");
}

// SwarmKit's Run loop is blocked in saveToStorage while the WAL syncs; a Go ticker keeps one
// pending tick. A lone survivor campaigning with a 5.5 s fsync takes no tick for 5.5 s, then one.
TEST(RaftHostDiskTest, TicksInsideASyncAreTakenAsOneWhenItCompletes) {
  const absl::Duration sync = absl::Milliseconds(5500);
  RaftWorld w(3, WithSyncLatency(sync));
  const int leader = SettledLeader(w, absl::Minutes(2));
  ASSERT_GE(leader, 0);
  const uint64_t term = w.raft(leader).term();
  const int survivor = (leader + 1) % 3;
  w.Crash(leader);
  w.Crash((leader + 2) % 3);
  ASSERT_TRUE(w.RunUntil([&] { return w.raft(survivor).term() > term; }, absl::Seconds(30)));
  const int ticks = w.raft(survivor).ticks_without_leader();
  w.RunFor(absl::Seconds(5));
  EXPECT_EQ(w.raft(survivor).ticks_without_leader(), ticks);
  w.RunFor(absl::Milliseconds(600));
  EXPECT_EQ(w.raft(survivor).ticks_without_leader(), ticks + 1);
  EXPECT_EQ(w.CheckInvariants(), "");
}

}  // namespace
}  // namespace process
}  // namespace swarmsim
