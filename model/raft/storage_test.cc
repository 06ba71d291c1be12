// MemoryStorage, the durable encoding and recovery, the wire conversions and quorum arithmetic.
#include "gtest/gtest.h"
#include "model/raft/durable.h"
#include "model/raft/progress.h"
#include "model/raft/quorum.h"
#include "model/raft/raft_test_util.h"
#include "model/raft/storage.h"
#include "model/raft/test_cluster.h"
#include "model/raft/wire.h"

namespace swarmsim {
namespace raft {
namespace {

std::vector<Entry> Ents(uint64_t term, uint64_t from, uint64_t to) {
  std::vector<Entry> out;
  for (uint64_t i = from; i <= to; ++i) out.push_back(Ent(term, i, "v" + std::to_string(i)));
  return out;
}

TEST(MemoryStorageTest, AppendTruncatesConflictingSuffix) {
  MemoryStorage s;
  s.Append(Ents(1, 1, 5));
  s.Append(Ents(2, 3, 4));
  EXPECT_EQ(s.LastIndex(), 4u);
  uint64_t term = 0;
  ASSERT_EQ(s.Term(3, &term), StorageError::kOk);
  EXPECT_EQ(term, 2u);
  ASSERT_EQ(s.Term(2, &term), StorageError::kOk);
  EXPECT_EQ(term, 1u);
}

TEST(MemoryStorageTest, EntriesRespectMaxSizeButReturnAtLeastOne) {
  MemoryStorage s;
  s.Append(Ents(1, 1, 5));  // Each payload is 2 bytes.
  std::vector<Entry> out;
  ASSERT_EQ(s.Entries(1, 6, 5, &out), StorageError::kOk);
  EXPECT_EQ(out.size(), 2u);
  out.clear();
  ASSERT_EQ(s.Entries(1, 6, 0, &out), StorageError::kOk);
  EXPECT_EQ(out.size(), 1u);
}

TEST(MemoryStorageTest, CompactKeepsIndexAndTermOfCompactionPoint) {
  MemoryStorage s;
  s.Append(Ents(1, 1, 3));
  s.Append(Ents(2, 4, 6));
  ASSERT_EQ(s.CreateSnapshot(5, ConfState{{1, 2, 3}}, SharedBytes(std::string("snap"))),
            StorageError::kOk);
  ASSERT_EQ(s.Compact(4), StorageError::kOk);
  EXPECT_EQ(s.FirstIndex(), 5u);
  EXPECT_EQ(s.LastIndex(), 6u);
  uint64_t term = 0;
  EXPECT_EQ(s.Term(3, &term), StorageError::kCompacted);
  ASSERT_EQ(s.Term(4, &term), StorageError::kOk);
  EXPECT_EQ(term, 2u);
  std::vector<Entry> out;
  EXPECT_EQ(s.Entries(4, 6, kNoLimit, &out), StorageError::kCompacted);
  EXPECT_EQ(s.Compact(3), StorageError::kCompacted);
  EXPECT_EQ(s.snapshot().metadata.index, 5u);
  EXPECT_EQ(s.snapshot().metadata.term, 2u);
  EXPECT_EQ(s.CreateSnapshot(5, ConfState{}, SharedBytes()), StorageError::kSnapOutOfDate);
}

TEST(MemoryStorageTest, ApplySnapshotReplacesEverything) {
  MemoryStorage s;
  s.Append(Ents(1, 1, 3));
  Snapshot snap;
  snap.metadata.index = 10;
  snap.metadata.term = 4;
  ASSERT_EQ(s.ApplySnapshot(snap), StorageError::kOk);
  EXPECT_EQ(s.FirstIndex(), 11u);
  EXPECT_EQ(s.LastIndex(), 10u);
  snap.metadata.index = 9;
  EXPECT_EQ(s.ApplySnapshot(snap), StorageError::kSnapOutOfDate);
}

TEST(DurableTest, RecoverReplaysReadyRecords) {
  Ready a;
  a.entries = Ents(1, 1, 4);
  a.hard_state = HardState{1, 1, 2};
  Ready b;
  b.entries = Ents(2, 3, 5);  // Replaces 3 and 4.
  b.hard_state = HardState{2, 2, 5};
  std::vector<std::string> disk = {EncodeReadyRecord(a), EncodeReadyRecord(b)};
  MemoryStorage s;
  ASSERT_TRUE(Recover(disk, &s).ok());
  EXPECT_EQ(s.LastIndex(), 5u);
  uint64_t term = 0;
  s.Term(3, &term);
  EXPECT_EQ(term, 2u);
  EXPECT_EQ(s.hard_state(), (HardState{2, 2, 5}));
}

TEST(DurableTest, CheckpointSupersedesEarlierRecords) {
  MemoryStorage s;
  s.Append(Ents(3, 1, 8));
  s.SetHardState(HardState{3, 1, 8});
  s.CreateSnapshot(6, ConfState{{1, 2}}, SharedBytes(std::string("app")));
  s.Compact(5);
  Ready junk;
  junk.entries = Ents(1, 1, 2);
  std::vector<std::string> disk = {EncodeReadyRecord(junk), EncodeCheckpoint(s)};
  MemoryStorage r;
  ASSERT_TRUE(Recover(disk, &r).ok());
  EXPECT_EQ(r.snapshot().metadata.index, 6u);
  EXPECT_EQ(r.snapshot().data.view(), "app");
  EXPECT_EQ(r.conf_state().voters, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(r.LastIndex(), 8u);
  EXPECT_EQ(r.hard_state(), (HardState{3, 1, 8}));
}

TEST(DurableTest, RecoverRejectsGarbageAndGaps) {
  MemoryStorage s;
  EXPECT_FALSE(Recover({"\xff\xff not a record"}, &s).ok());
  Ready gap;
  gap.entries = Ents(1, 5, 6);
  MemoryStorage t;
  EXPECT_FALSE(Recover({EncodeReadyRecord(gap)}, &t).ok());
}

TEST(DurableTest, CommittedEntriesSurviveCrashThatDropsUnpersistedState) {
  ClusterOptions options;
  TestCluster c(options);
  c.raft(1).Campaign();
  c.Stabilize();
  for (int i = 0; i < 5; ++i) c.Propose(1, "c" + std::to_string(i));
  c.Stabilize();
  // The leader takes more proposals but crashes before handling their Ready: never persisted,
  // never sent, so never committed anywhere and gone after restart.
  c.raft(1).Propose(SharedBytes(std::string("unpersisted")));
  const uint64_t committed = c.raft(1).commit();
  c.Crash(1);
  c.Crash(2);
  c.Crash(3);
  for (uint64_t id : {1, 2, 3}) c.Restart(id);
  for (uint64_t id : {1, 2, 3}) {
    EXPECT_GE(c.raft(id).commit(), committed - 1) << id;  // Followers may lag one commit.
    EXPECT_EQ(c.raft(id).last_index(), committed) << id;
  }
  for (int i = 0; i < 60 && c.Leader() == kNone; ++i) c.TickAllAndStabilize();
  ASSERT_NE(c.Leader(), kNone);
  c.Propose(c.Leader(), "after");
  c.Stabilize();
  for (uint64_t id : {1, 2, 3}) {
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(c.HasValue(id, "c" + std::to_string(i))) << id;
    EXPECT_FALSE(c.HasValue(id, "unpersisted"));
    EXPECT_TRUE(c.HasValue(id, "after"));
  }
  c.CheckLogMatching();
  EXPECT_TRUE(c.violations().empty()) << c.violations()[0];
}

TEST(WireTest, MessageRoundTripsThroughProtobuf) {
  Message m = Msg(MessageType::kApp, 1, 2, 7);
  m.log_term = 6;
  m.index = 10;
  m.commit = 9;
  m.entries = Ents(7, 11, 12);
  m.entries[1].type = EntryType::kConfChange;
  m.reject = true;
  m.reject_hint = 4;
  m.context = "ctx";
  Message back;
  ASSERT_TRUE(DecodeMessage(EncodeMessage(m), &back));
  EXPECT_EQ(back.type, m.type);
  EXPECT_EQ(back.from, 1u);
  EXPECT_EQ(back.to, 2u);
  EXPECT_EQ(back.term, 7u);
  EXPECT_EQ(back.log_term, 6u);
  EXPECT_EQ(back.index, 10u);
  EXPECT_EQ(back.commit, 9u);
  ASSERT_EQ(back.entries.size(), 2u);
  EXPECT_EQ(back.entries[1].type, EntryType::kConfChange);
  EXPECT_EQ(back.entries[0].data.view(), "v11");
  EXPECT_TRUE(back.reject);
  EXPECT_EQ(back.reject_hint, 4u);
  EXPECT_EQ(back.context, "ctx");
  // Encoding is deterministic.
  EXPECT_EQ(EncodeMessage(m), EncodeMessage(back));
}

TEST(WireTest, SnapshotMessageRoundTrips) {
  Message m = Msg(MessageType::kSnap, 1, 2, 3);
  m.snapshot.metadata.index = 50;
  m.snapshot.metadata.term = 3;
  m.snapshot.metadata.conf_state.voters = {1, 2, 3};
  m.snapshot.data = SharedBytes(std::string("state"));
  Message back;
  ASSERT_TRUE(DecodeMessage(EncodeMessage(m), &back));
  EXPECT_EQ(back.snapshot.metadata.index, 50u);
  EXPECT_EQ(back.snapshot.metadata.conf_state.voters, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(back.snapshot.data.view(), "state");
}

TEST(WireTest, ConfChangeRoundTrips) {
  ConfChange cc;
  cc.id = 77;
  cc.type = ConfChangeType::kRemoveNode;
  cc.node_id = 5;
  cc.context = "member";
  ConfChange back;
  ASSERT_TRUE(DecodeConfChange(EncodeConfChange(cc), &back));
  EXPECT_EQ(back.id, 77u);
  EXPECT_EQ(back.type, ConfChangeType::kRemoveNode);
  EXPECT_EQ(back.node_id, 5u);
  EXPECT_EQ(back.context, "member");
}

TEST(ProgressTest, ProbeRejectionNeverBacksOffBelowMatch) {
  Progress pr(256);
  pr.match = 5;
  pr.BecomeProbe();
  pr.next = 8;  // A probe at index 7 is out.
  // The follower's hint is below what it acknowledged already: probe from match + 1.
  EXPECT_TRUE(pr.MaybeDecrTo(7, 2));
  EXPECT_EQ(pr.next, 6u);
  // A hint above the match is taken as it is.
  pr.next = 10;
  EXPECT_TRUE(pr.MaybeDecrTo(9, 7));
  EXPECT_EQ(pr.next, 8u);
}

TEST(QuorumTest, CommittedIndexIsTheMajorityMatch) {
  std::vector<uint64_t> m = {5, 1, 9};
  EXPECT_EQ(CommittedIndex(&m), 5u);
  m = {5, 1, 9, 7};
  EXPECT_EQ(CommittedIndex(&m), 5u);
  m = {5, 1, 9, 7, 8};
  EXPECT_EQ(CommittedIndex(&m), 7u);
  m = {4};
  EXPECT_EQ(CommittedIndex(&m), 4u);
}

TEST(QuorumTest, TallyVotes) {
  EXPECT_EQ(TallyVotes(3, 2, 0), VoteResult::kWon);
  EXPECT_EQ(TallyVotes(3, 1, 1), VoteResult::kPending);
  EXPECT_EQ(TallyVotes(3, 1, 2), VoteResult::kLost);
  EXPECT_EQ(TallyVotes(4, 2, 2), VoteResult::kLost);
  EXPECT_EQ(TallyVotes(4, 2, 1), VoteResult::kPending);
}

TEST(QuorumTest, CanRemoveMemberKeepsReachableMajority) {
  // SwarmKit's TestCanRemoveMember, as pure arithmetic (reference §4.5, §7.2).
  const std::vector<uint64_t> members = {1, 2, 3};
  // Nodes 2 and 3 unreachable: no removal keeps a majority.
  EXPECT_FALSE(CanRemoveMember(members, {}, 1, 2));
  EXPECT_FALSE(CanRemoveMember(members, {}, 1, 3));
  // Node 3 down: removing the live node 2 fails, removing unreachable 3 succeeds.
  EXPECT_FALSE(CanRemoveMember(members, {2}, 1, 2));
  EXPECT_TRUE(CanRemoveMember(members, {2}, 1, 3));
  // All reachable: any node can go.
  EXPECT_TRUE(CanRemoveMember(members, {2, 3}, 1, 2));
  // Two members, the other reachable: removing it leaves the leader alone (1 >= 1).
  EXPECT_TRUE(CanRemoveMember({1, 2}, {2}, 1, 2));
  // Five members, two down: removing a live one leaves 2 reachable of 4 (< 3).
  EXPECT_FALSE(CanRemoveMember({1, 2, 3, 4, 5}, {2, 3}, 1, 2));
  EXPECT_TRUE(CanRemoveMember({1, 2, 3, 4, 5}, {2, 3}, 1, 5));
}

}  // namespace
}  // namespace raft
}  // namespace swarmsim
