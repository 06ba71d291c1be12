// The CheckerSet as a trace observer, verdict reporting, and the trace's well-formedness.
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/check/test_trace.h"

namespace swarmsim {
namespace check {
namespace {

using ::testing::HasSubstr;

TEST(CheckerSetTest, InstalledOnATraceItSeesAppendedRecords) {
  sim::Trace trace;
  CheckerSet checkers(TestOptions());
  checkers.Install(&trace);
  EmitRaftState(TraceAt(&trace, sim::Time::FromNanos(10), 0), 1, 3, kRoleLeader, 1);
  EXPECT_TRUE(checkers.passed());
  trace.Append(sim::Time::FromNanos(20), 1, kind::kRaftState,
               {{field::kNode, 2}, {field::kTerm, 3}, {field::kRole, "leader"}, {field::kLead, 2}});
  EXPECT_FALSE(checkers.passed());  // Online: the violation is known as soon as it is appended.
  checkers.Finish();
  EXPECT_FALSE(checkers.verdict(kElectionSafety).passed);
  EXPECT_EQ(trace.size(), 2u);
}

TEST(CheckerSetTest, EveryInvariantHasAVerdictAndACleanRunPassesThemAll) {
  TestTrace t;
  t.ExpectAllPass();
  std::vector<std::string> names;
  for (const Verdict& v : t.checkers().verdicts()) names.push_back(v.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       kTraceWellFormed, kElectionSafety, kLeaderAppendOnly, kLogMatching,
                       kLeaderCompleteness, kCommitCurrentTerm, kStateMachineSafety, kDurability,
                       kOneDispatcherPerTerm, kUniqueSessionIds, kBackoffBounds,
                       kNoRegistrationWhenStopped, kDispatcherLeaderOnly, kDispatcherInvariants,
                       kStoreAgreement, kSingleRunningTaskPerSlot,
                       kAssignOnlyToReadyNode, kUnknownGrace}));
}

TEST(CheckerSetTest, ViolationNamesTheInvariantTimeHostsAndSeed) {
  TestTrace t;
  t.Lead(1500, 2, 7);
  t.Lead(2500, 0, 7);
  t.checkers().Finish();
  const Verdict v = t.checkers().verdict(kElectionSafety);
  EXPECT_EQ(v.ToString(),
            "raft.election_safety violated at 2.500000000s on hosts 0,2 (seed 42): term 7 has "
            "two leaders: host 2 (since 1.500000000s) and host 0");
  EXPECT_EQ(v.violations, 1u);
}

TEST(CheckerSetTest, LaterViolationsAreCountedAndTheFirstIsKept) {
  TestTrace t;
  t.Lead(1000, 0, 1);
  t.Lead(2000, 1, 1);
  t.Lead(3000, 2, 1);
  t.checkers().Finish();
  const Verdict v = t.checkers().verdict(kElectionSafety);
  EXPECT_EQ(v.violations, 2u);
  EXPECT_EQ(v.at, TestTrace::Ms(2000));
  EXPECT_THAT(v.ToString(), HasSubstr("[and 1 more]"));
}

TEST(CheckerSetTest, FirstViolationIsTheEarliestInSimulatedTime) {
  TestTrace t;
  EmitStoreApply(t.At(1000, 0), 1, 1);
  EmitDispatcherStart(t.At(1500, 0), 1);
  EmitDispatcherStart(t.At(1600, 1), 1);
  EmitStoreApply(t.At(2000, 1), 1, 2);
  t.checkers().Finish();
  const std::optional<Verdict> first = t.checkers().first_violation();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->name, kOneDispatcherPerTerm);
}

TEST(CheckerSetTest, RecordsOfOtherKindsAreIgnored) {
  TestTrace t;
  t.trace().Append(TestTrace::Ms(1), 0, "net.deliver", {{"to", 1}, {"type", "append"}});
  t.trace().Append(TestTrace::Ms(1), sim::kNoHost, "scenario.step", {{"name", "x"}});
  t.trace().Append(TestTrace::Ms(1), 0, "raft.heartbeat", {{"term", "not even an int"}});
  t.ExpectAllPass();
}

TEST(WellFormedTest, MissingFieldIsReportedAndTheRecordNotChecked) {
  TestTrace t;
  t.trace().Append(TestTrace::Ms(5), 1, kind::kRaftState, {{field::kRole, "leader"}});
  t.trace().Append(TestTrace::Ms(6), 2, kind::kRaftState, {{field::kRole, "leader"}});
  t.checkers().Finish();
  const Verdict v = t.checkers().verdict(kTraceWellFormed);
  EXPECT_FALSE(v.passed);
  EXPECT_THAT(v.detail, HasSubstr("raft.state on host 1): field node is missing"));
  EXPECT_TRUE(t.checkers().verdict(kElectionSafety).passed);
}

TEST(WellFormedTest, WrongTypeOrRangeIsReported) {
  TestTrace t;
  t.trace().Append(TestTrace::Ms(5), 1, kind::kDispatcherRegister,
                   {{field::kNode, "w1"}, {field::kSession, "s"}, {field::kAccepted, 2},
                    {field::kReason, ""}});
  t.checkers().Finish();
  EXPECT_THAT(t.checkers().verdict(kTraceWellFormed).detail,
              HasSubstr("field accepted is not a flag (0 or 1)"));
}

TEST(WellFormedTest, RecordWithoutAHostIsReported) {
  TestTrace t;
  EmitStoreApply(t.At(5, sim::kNoHost), 1, 1);
  t.checkers().Finish();
  EXPECT_THAT(t.checkers().verdict(kTraceWellFormed).detail, HasSubstr("traced by no host"));
}

TEST(WellFormedTest, AppendLeavingAGapIsReported) {
  TestTrace t;
  t.Boot(0, 0);
  t.Append(100, 0, 1, 1, "a");
  t.Append(100, 0, 3, 1, "c");
  t.checkers().Finish();
  EXPECT_THAT(t.checkers().verdict(kTraceWellFormed).detail,
              HasSubstr("index 3 is not in (0, 2]"));
}

TEST(WellFormedTest, CommitBeyondTheLogIsReported) {
  TestTrace t;
  t.Boot(0, 0);
  t.Append(100, 0, 1, 1, "a");
  t.Commit(200, 0, 2, 1);
  t.checkers().Finish();
  EXPECT_THAT(t.checkers().verdict(kTraceWellFormed).detail,
              HasSubstr("index 2 is beyond the log"));
}

TEST(WellFormedTest, IncompleteRecoveryIsReported) {
  TestTrace t;
  RaftRecovery recovery;
  recovery.term = 1;
  recovery.last_index = 2;
  EmitRaftRestart(t.At(100, 0), recovery);
  EmitRaftRecovered(t.At(100, 0), 1, 1, EntryDigest("a"));
  t.Follow(200, 0, 1, 1);  // Index 2 never came.
  t.checkers().Finish();
  EXPECT_THAT(t.checkers().verdict(kTraceWellFormed).detail,
              HasSubstr("traced raft.state before recovering its log up to 2"));
}

TEST(WellFormedTest, RecoveryStillIncompleteAtTheEndIsReported) {
  TestTrace t;
  RaftRecovery recovery;
  recovery.last_index = 1;
  EmitRaftRestart(t.At(100, 0), recovery);
  t.checkers().Finish();
  EXPECT_THAT(t.checkers().verdict(kTraceWellFormed).detail, HasSubstr("never finished"));
}

TEST(CheckerSetDeathTest, AbortOnViolationStopsAtTheFirstViolation) {
  CheckerOptions options = TestOptions();
  options.abort_on_violation = true;
  EXPECT_DEATH(
      {
        sim::Trace trace;
        CheckerSet checkers(options);
        checkers.Install(&trace);
        EmitDispatcherStart(TraceAt(&trace, sim::Time::FromNanos(1), 0), 1);
        EmitDispatcherStart(TraceAt(&trace, sim::Time::FromNanos(2), 1), 1);
      },
      "dispatcher.one_per_term violated");
}

TEST(EmitTest, EntryDigestIsFnv1a64OfTheData) {
  EXPECT_EQ(EntryDigest(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(EntryDigest("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(SchemaTest, EveryKindHasASpecFoundByName) {
  for (const KindSpec& spec : KindSpecs()) EXPECT_EQ(FindKindSpec(spec.kind), &spec);
  EXPECT_EQ(FindKindSpec("net.deliver"), nullptr);
}

}  // namespace
}  // namespace check
}  // namespace swarmsim
