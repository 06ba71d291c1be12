// The Raft invariants, each with a hand-written trace that keeps it and one that breaks it.
#include <algorithm>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/check/test_trace.h"

namespace swarmsim {
namespace check {
namespace {

using ::testing::HasSubstr;

// Three managers boot; host 0 leads term 1 and replicates "a" and "b" (indexes 1, 2) to all;
// all commit and apply both.
void TermOneReplicated(TestTrace& t) {
  for (sim::HostId h = 0; h < 3; ++h) t.Boot(0, h);
  t.Lead(1000, 0, 1);
  t.Follow(1000, 1, 1, 0);
  t.Follow(1000, 2, 1, 0);
  for (sim::HostId h = 0; h < 3; ++h) {
    t.Append(1100, h, 1, 1, "a");
    t.Append(1100, h, 2, 1, "b");
  }
  for (sim::HostId h = 0; h < 3; ++h) {
    t.Commit(1200, h, 2, 1);
    t.Apply(1200, h, 1, 1, "a");
    t.Apply(1200, h, 2, 1, "b");
  }
}

// Host 0 crashes; host 1 wins term 2 and host 2 follows it.
void FailoverToHostOne(TestTrace& t) {
  t.Crash(2000, 0);
  EmitRaftState(t.At(3000, 1), 2, 2, kRoleCandidate, 0);
  t.Lead(3100, 1, 2);
  t.Follow(3100, 2, 2, 1);
}

TEST(ElectionSafetyTest, OneLeaderPerTermPasses) {
  TestTrace t;
  TermOneReplicated(t);
  FailoverToHostOne(t);
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kElectionSafety).detail, HasSubstr("2 terms"));
}

TEST(ElectionSafetyTest, OneTermIsSaidInTheSingular) {
  TestTrace t;
  TermOneReplicated(t);
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kElectionSafety).detail,
              HasSubstr("1 term had a leader, exactly one"));
}

TEST(ElectionSafetyTest, TwoLeadersInOneTermViolateElectionSafety) {
  TestTrace t;
  TermOneReplicated(t);
  t.Lead(3000, 1, 1);
  const Verdict v = t.ExpectViolated(kElectionSafety);
  EXPECT_EQ(v.at, TestTrace::Ms(3000));
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0, 1}));
  EXPECT_THAT(v.detail, HasSubstr("term 1 has two leaders"));
  EXPECT_EQ(v.seed, kTestSeed);
}

TEST(LeaderAppendOnlyTest, FollowerTruncatingAnOldLeadersUncommittedEntryPasses) {
  TestTrace t;
  TermOneReplicated(t);
  t.Append(1500, 0, 3, 1, "x");  // Only the old leader ever has it.
  FailoverToHostOne(t);
  t.Append(3200, 1, 3, 2, "y");
  t.Append(3200, 2, 3, 2, "y");
  t.Start(4000, 0);
  RaftRecovery recovery;
  recovery.term = 1;
  recovery.vote = 1;
  recovery.commit = 2;
  recovery.last_index = 3;
  EmitRaftRestart(t.At(4000, 0), recovery);
  EmitRaftRecovered(t.At(4000, 0), 1, 1, EntryDigest("a"));
  EmitRaftRecovered(t.At(4000, 0), 2, 1, EntryDigest("b"));
  EmitRaftRecovered(t.At(4000, 0), 3, 1, EntryDigest("x"));
  t.Follow(4100, 0, 2, 1);
  t.Append(4100, 0, 3, 2, "y");  // Replaces the uncommitted "x".
  t.ExpectAllPass();
}

TEST(LeaderAppendOnlyTest, LeaderOverwritingItsOwnEntryIsReported) {
  TestTrace t;
  TermOneReplicated(t);
  t.Append(1500, 0, 3, 1, "c");
  t.Append(1600, 0, 3, 1, "d");
  const Verdict v = t.ExpectViolated(kLeaderAppendOnly);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0}));
  EXPECT_THAT(v.detail, HasSubstr("overwrote its log at index 3"));
}

TEST(LeaderAppendOnlyTest, LeaderInstallingASnapshotIsReported) {
  TestTrace t;
  TermOneReplicated(t);
  EmitRaftSnapshot(t.At(1500, 0), 2, 1);
  t.ExpectViolated(kLeaderAppendOnly);
}

TEST(LogMatchingTest, SameIndexAndTermWithDifferentDigestIsReported) {
  TestTrace t;
  for (sim::HostId h = 0; h < 2; ++h) t.Boot(0, h);
  t.Lead(1000, 0, 1);
  t.Follow(1000, 1, 1, 0);
  t.Append(1100, 0, 1, 1, "a");
  t.Append(1100, 1, 1, 1, "z");
  const Verdict v = t.ExpectViolated(kLogMatching);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0, 1}));
  EXPECT_THAT(v.detail, HasSubstr("index 1 term 1"));
}

TEST(LogMatchingTest, SameEntryAfterDifferentPrefixesIsReported) {
  TestTrace t;
  for (sim::HostId h = 0; h < 2; ++h) t.Boot(0, h);
  t.Append(1100, 0, 1, 1, "a");
  t.Append(1100, 0, 2, 2, "b");
  t.Append(1100, 1, 1, 2, "q");
  t.Append(1100, 1, 2, 2, "b");
  const Verdict v = t.ExpectViolated(kLogMatching);
  EXPECT_THAT(v.detail, HasSubstr("follows an entry of term 1"));
}

TEST(LeaderCompletenessTest, NewLeaderHoldingEveryCommittedEntryPasses) {
  TestTrace t;
  TermOneReplicated(t);
  FailoverToHostOne(t);
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kLeaderCompleteness).detail, HasSubstr("2 committed"));
}

TEST(LeaderCompletenessTest, LeaderMissingACommittedEntryIsReported) {
  TestTrace t;
  for (sim::HostId h = 0; h < 3; ++h) t.Boot(0, h);
  t.Lead(1000, 0, 1);
  t.Follow(1000, 1, 1, 0);
  t.Follow(1000, 2, 1, 0);
  for (sim::HostId h = 0; h < 3; ++h) t.Append(1100, h, 1, 1, "a");
  t.Append(1100, 0, 2, 1, "b");
  t.Append(1100, 1, 2, 1, "b");
  t.Commit(1200, 0, 2, 1);  // A majority (0, 1) holds index 2.
  t.Crash(2000, 0);
  EmitRaftState(t.At(3000, 2), 3, 2, kRoleCandidate, 0);
  t.Lead(3100, 2, 2);  // Host 2 never had index 2.
  const Verdict v = t.ExpectViolated(kLeaderCompleteness);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0, 2}));
  EXPECT_THAT(v.detail, HasSubstr("became leader of term 2 without index 2"));
}

TEST(CommitCurrentTermTest, LeaderCommittingItsOwnTermPasses) {
  TestTrace t;
  TermOneReplicated(t);
  FailoverToHostOne(t);
  t.Append(3200, 1, 3, 2, "c");
  t.Append(3200, 2, 3, 2, "c");
  t.Commit(3300, 1, 3, 2);
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kCommitCurrentTerm).detail,
              HasSubstr("2 new commit indexes set by leaders"));
}

// Figure 8's first half: host 0 appends "a" in term 1 and replicates it nowhere; back as leader
// of term 3 it gets "a" onto host 1 and commits it by counting two replicas of three.
TEST(CommitCurrentTermTest, LeaderCommittingAnEarlierTermEntryByCountingIsReported) {
  TestTrace t;
  for (sim::HostId h = 0; h < 3; ++h) t.Boot(0, h);
  t.Lead(1000, 0, 1);
  t.Append(1100, 0, 1, 1, "a");
  EmitRaftState(t.At(2000, 0), 1, 3, kRoleCandidate, 0);
  t.Lead(2100, 0, 3);
  t.Follow(2100, 1, 3, 0);
  t.Append(2200, 1, 1, 1, "a");
  t.Commit(2300, 0, 1, 3);
  const Verdict v = t.ExpectViolated(kCommitCurrentTerm);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0}));
  EXPECT_THAT(v.detail, HasSubstr("leader of term 3, committed index 1 of term 1"));
}

// A follower's commit index can reach the Ready in which it has become leader: the commit was
// made by the old leader, which traced it first.
TEST(CommitCurrentTermTest, NewLeaderCarryingALearnedCommitPasses) {
  TestTrace t;
  for (sim::HostId h = 0; h < 3; ++h) t.Boot(0, h);
  t.Lead(1000, 0, 1);
  t.Follow(1000, 1, 1, 0);
  for (sim::HostId h = 0; h < 2; ++h) t.Append(1100, h, 1, 1, "a");
  t.Commit(1200, 0, 1, 1);
  t.Crash(2000, 0);
  EmitRaftState(t.At(3000, 1), 2, 2, kRoleCandidate, 0);
  t.Lead(3100, 1, 2);
  t.Commit(3100, 1, 1, 2);
  t.ExpectAllPass();
}

TEST(StateMachineSafetyTest, SameEntriesAppliedEverywherePasses) {
  TestTrace t;
  TermOneReplicated(t);
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kStateMachineSafety).detail, HasSubstr("2 indexes"));
}

TEST(StateMachineSafetyTest, DivergentApplyAtSameIndexIsReported) {
  TestTrace t;
  for (sim::HostId h = 0; h < 2; ++h) t.Boot(0, h);
  t.Apply(1000, 0, 1, 1, "a");
  t.Apply(1000, 1, 1, 1, "z");
  const Verdict v = t.ExpectViolated(kStateMachineSafety);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0, 1}));
  EXPECT_THAT(v.detail, HasSubstr("index 1 applied as"));
}

TEST(StateMachineSafetyTest, SkippedApplyIndexIsReported) {
  TestTrace t;
  t.Boot(0, 0);
  t.Apply(1000, 0, 1, 1, "a");
  t.Apply(1000, 0, 3, 1, "c");
  const Verdict v = t.ExpectViolated(kStateMachineSafety);
  EXPECT_THAT(v.detail, HasSubstr("skipping"));
}

// Host 2 crashes after term one and restarts with `recovery`.
void RestartHostTwo(TestTrace& t, const RaftRecovery& recovery) {
  t.Crash(2000, 2);
  t.Start(2500, 2);
  EmitRaftRestart(t.At(2500, 2), recovery);
}

RaftRecovery TermOneRecovery(uint64_t last_index) {
  RaftRecovery r;
  r.term = 1;
  r.vote = 1;
  r.commit = std::min<uint64_t>(2, last_index);
  r.last_index = last_index;
  return r;
}

TEST(DurabilityTest, CommittedEntriesRecoveredAfterRestartPass) {
  TestTrace t;
  TermOneReplicated(t);
  RestartHostTwo(t, TermOneRecovery(2));
  EmitRaftRecovered(t.At(2500, 2), 1, 1, EntryDigest("a"));
  EmitRaftRecovered(t.At(2500, 2), 2, 1, EntryDigest("b"));
  t.Follow(2600, 2, 1, 0);
  t.Apply(2600, 2, 1, 1, "a");  // The store is rebuilt by applying again.
  t.Apply(2600, 2, 2, 1, "b");
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kDurability).detail, HasSubstr("2 entries compared"));
}

TEST(DurabilityTest, RestartFromASnapshotCoveringCommittedEntriesPasses) {
  TestTrace t;
  TermOneReplicated(t);
  EmitRaftCompact(t.At(1500, 2), 2, 1);
  RaftRecovery recovery = TermOneRecovery(2);
  recovery.snapshot_index = 2;
  recovery.snapshot_term = 1;
  RestartHostTwo(t, recovery);
  t.Follow(2600, 2, 1, 0);
  t.Append(2700, 2, 3, 1, "c");
  t.ExpectAllPass();
}

TEST(DurabilityTest, CommittedEntryLostAfterRestartIsReported) {
  TestTrace t;
  TermOneReplicated(t);
  RestartHostTwo(t, TermOneRecovery(1));
  EmitRaftRecovered(t.At(2500, 2), 1, 1, EntryDigest("a"));
  const Verdict v = t.ExpectViolated(kDurability);
  EXPECT_EQ(v.at, TestTrace::Ms(2500));
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{2}));
  EXPECT_THAT(v.detail, HasSubstr("acknowledged commit index 2"));
}

TEST(DurabilityTest, CommittedEntryChangedAfterRestartIsReported) {
  TestTrace t;
  TermOneReplicated(t);
  RestartHostTwo(t, TermOneRecovery(2));
  EmitRaftRecovered(t.At(2500, 2), 1, 1, EntryDigest("a"));
  EmitRaftRecovered(t.At(2500, 2), 2, 1, EntryDigest("z"));
  const Verdict v = t.ExpectViolated(kDurability);
  EXPECT_THAT(v.detail, HasSubstr("recovered index 2"));
}

TEST(DurabilityTest, CommittedEntryReplacedByAppendIsReported) {
  TestTrace t;
  TermOneReplicated(t);
  t.Append(1500, 2, 2, 2, "z");
  const Verdict v = t.ExpectViolated(kDurability);
  EXPECT_THAT(v.detail, HasSubstr("replaced committed index 2"));
}

TEST(DurabilityTest, RecoveredCommitIndexBelowTheAcknowledgedOneIsAllowed) {
  TestTrace t;
  TermOneReplicated(t);
  RaftRecovery recovery = TermOneRecovery(2);
  recovery.commit = 0;  // The commit-only hard state was never synced (etcd's MustSync).
  RestartHostTwo(t, recovery);
  EmitRaftRecovered(t.At(2500, 2), 1, 1, EntryDigest("a"));
  EmitRaftRecovered(t.At(2500, 2), 2, 1, EntryDigest("b"));
  t.Commit(2600, 2, 2, 1);
  t.ExpectAllPass();
}

TEST(DurabilityTest, UncommittedEntryLostAfterRestartIsAllowed) {
  TestTrace t;
  TermOneReplicated(t);
  t.Append(1500, 2, 3, 1, "c");  // Never committed.
  RestartHostTwo(t, TermOneRecovery(2));
  EmitRaftRecovered(t.At(2500, 2), 1, 1, EntryDigest("a"));
  EmitRaftRecovered(t.At(2500, 2), 2, 1, EntryDigest("b"));
  t.ExpectAllPass();
}

}  // namespace
}  // namespace check
}  // namespace swarmsim
