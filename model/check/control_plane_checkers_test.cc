// The control-plane invariants, each with a hand-written trace that keeps it and one that
// breaks it.
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/check/test_trace.h"

namespace swarmsim {
namespace check {
namespace {

using ::testing::HasSubstr;

TEST(OneDispatcherPerTermTest, DispatchersOfSuccessiveTermsPass) {
  TestTrace t;
  EmitDispatcherStart(t.At(1000, 0), 1);
  EmitDispatcherStop(t.At(5000, 0), 1);
  EmitDispatcherStart(t.At(6000, 1), 2);
  t.Crash(7000, 1);
  EmitDispatcherStart(t.At(9000, 2), 3);
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kOneDispatcherPerTerm).detail, HasSubstr("3 dispatcher"));
}

TEST(OneDispatcherPerTermTest, TwoDispatchersRunningInOneTermAreReported) {
  TestTrace t;
  EmitDispatcherStart(t.At(1000, 0), 4);
  EmitDispatcherStart(t.At(2000, 2), 4);
  const Verdict v = t.ExpectViolated(kOneDispatcherPerTerm);
  EXPECT_EQ(v.at, TestTrace::Ms(2000));
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0, 2}));
  EXPECT_THAT(v.detail, HasSubstr("for term 4 while host 0"));
}

TEST(UniqueSessionIdsTest, DistinctSessionIdsPass) {
  TestTrace t;
  t.Lead(900, 0, 1);
  EmitDispatcherStart(t.At(1000, 0), 1);
  EmitDispatcherRegistered(t.At(1100, 0), "w1", "m1-t1/w1/1");
  EmitDispatcherRefused(t.At(1200, 0), "w2", "rate limited");
  EmitDispatcherRegistered(t.At(1300, 0), "w1", "m1-t1/w1/2");
  EmitDispatcherSessionEnd(t.At(1400, 0), "w1", "m1-t1/w1/2", "ABORTED: node must disconnect");
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kUniqueSessionIds).detail, HasSubstr("2 session IDs"));
}

TEST(UniqueSessionIdsTest, ReusedSessionIdIsReported) {
  TestTrace t;
  EmitDispatcherStart(t.At(1000, 0), 1);
  EmitDispatcherRegistered(t.At(1100, 0), "w1", "s/w1/1");
  EmitDispatcherStop(t.At(2000, 0), 1);
  EmitDispatcherStart(t.At(3000, 1), 2);
  EmitDispatcherRegistered(t.At(3100, 1), "w1", "s/w1/1");  // A counter restarted at 1.
  const Verdict v = t.ExpectViolated(kUniqueSessionIds);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0, 1}));
  EXPECT_THAT(v.detail, HasSubstr("\"s/w1/1\" issued twice"));
}

// SwarmKit's defaults: 100 ms initial, 8 s max.
void Backoff(TestTrace& t, int64_t ms, sim::HostId host, int64_t backoff_ms, int64_t delay_ms,
             int64_t max_ms = 8000) {
  EmitAgentBackoff(t.At(ms, host), absl::Milliseconds(backoff_ms), absl::Milliseconds(delay_ms),
                   absl::Milliseconds(100), absl::Milliseconds(max_ms));
}

TEST(BackoffBoundsTest, BackoffSequenceFromZeroToMaxPasses) {
  TestTrace t;
  t.Start(0, 5);
  Backoff(t, 0, 5, 0, 0);
  int64_t ms = 1000;
  for (int64_t b : {100, 300, 700, 1500, 3100, 6300, 8000, 8000}) {
    Backoff(t, ms, 5, b, b - 1);
    ms += 10000;
  }
  Backoff(t, ms, 5, 8000, 0);  // A session closed without growing it.
  EmitAgentRegistered(t.At(ms + 100, 5), "s/w5/1");
  Backoff(t, ms + 200, 5, 100, 50);  // Reset by the registration, then grown once.
  t.Crash(ms + 300, 5);
  t.Start(ms + 400, 5);
  Backoff(t, ms + 400, 5, 0, 0);  // A new agent process starts from zero.
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kBackoffBounds).detail, HasSubstr("12 backoffs"));
}

TEST(BackoffBoundsTest, BackoffAboveMaxIsReported) {
  TestTrace t;
  Backoff(t, 1000, 3, 100, 10);
  Backoff(t, 2000, 3, 9000, 10);
  const Verdict v = t.ExpectViolated(kBackoffBounds);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{3}));
  EXPECT_THAT(v.detail, HasSubstr("backoff outside [0, max]"));
}

TEST(BackoffBoundsTest, DelayNotBelowBackoffIsReported) {
  TestTrace t;
  Backoff(t, 1000, 3, 100, 100);
  const Verdict v = t.ExpectViolated(kBackoffBounds);
  EXPECT_THAT(v.detail, HasSubstr("delay outside [0, backoff)"));
}

TEST(BackoffBoundsTest, BackoffOutOfSequenceIsReported) {
  TestTrace t;
  Backoff(t, 1000, 3, 100, 10);
  Backoff(t, 2000, 3, 700, 10);  // 300 ms was skipped.
  const Verdict v = t.ExpectViolated(kBackoffBounds);
  EXPECT_THAT(v.detail, HasSubstr("must stay or become 300000000ns"));
}

TEST(DispatcherLeaderOnlyTest, RegistrationsByTheLeaderOfTheDispatchersTermPass) {
  TestTrace t;
  t.Lead(900, 0, 2);
  EmitDispatcherStart(t.At(1000, 0), 2);
  EmitDispatcherRegistered(t.At(1100, 0), "w1", "s/w1/1");
  t.Follow(2000, 0, 3, 1);
  EmitDispatcherRegistered(t.At(2000, 0), "w2", "s/w2/1", kReleasedByStop);
  EmitDispatcherStop(t.At(2000, 0), 2);
  t.Lead(2500, 1, 3);
  EmitDispatcherStart(t.At(2600, 1), 3);
  EmitDispatcherRegistered(t.At(2700, 1), "w1", "s/w1/2");
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kDispatcherLeaderOnly).detail, HasSubstr("2 registrations"));
}

// The planted bug of issue 9: a term-2 dispatcher kept running while its manager went on to lead
// term 7. Every other checker is satisfied by this trace.
TEST(DispatcherLeaderOnlyTest, StaleTermDispatcherAcceptingASessionIsReported) {
  TestTrace t;
  t.Lead(900, 0, 2);
  EmitDispatcherStart(t.At(1000, 0), 2);
  t.Follow(2000, 0, 5, 1);
  t.Lead(9000, 0, 7);
  EmitDispatcherRegistered(t.At(9500, 0), "w1", "s/w1/1");
  const Verdict v = t.ExpectViolated(kDispatcherLeaderOnly);
  EXPECT_EQ(v.at, TestTrace::Ms(9500));
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0}));
  EXPECT_THAT(v.detail, HasSubstr("dispatcher started for term 2 while leader of term 7"));
  t.checkers().Finish();
  for (const Verdict& other : t.checkers().verdicts()) {
    if (other.name != kDispatcherLeaderOnly) {
      EXPECT_TRUE(other.passed) << other.ToString();
    }
  }
}

TEST(DispatcherInvariantsTest, ATracedDispatcherInvariantViolationFailsTheRun) {
  TestTrace t;
  t.Lead(900, 0, 1);
  EmitDispatcherStart(t.At(1000, 0), 1);
  EmitDispatcherInvariant(t.At(1500, 0), "one_status_batch_at_a_time: 2 status batch jobs");
  const Verdict v = t.ExpectViolated(kDispatcherInvariants);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0}));
  EXPECT_THAT(v.detail, HasSubstr("broke one_status_batch_at_a_time: 2 status batch jobs"));
}

TEST(DispatcherLeaderOnlyTest, RegistrationAfterSteppingDownIsReported) {
  TestTrace t;
  t.Lead(900, 0, 2);
  EmitDispatcherStart(t.At(1000, 0), 2);
  t.Follow(2000, 0, 3, 1);
  EmitDispatcherRegistered(t.At(2100, 0), "w1", "s/w1/1");
  const Verdict v = t.ExpectViolated(kDispatcherLeaderOnly);
  EXPECT_THAT(v.detail, HasSubstr("term-2 dispatcher while not Raft leader (Raft term 3)"));
}

TEST(NoRegistrationWhenStoppedTest, RegistrationWhileRunningPasses) {
  TestTrace t;
  t.Lead(900, 0, 1);
  EmitDispatcherStart(t.At(1000, 0), 1);
  EmitDispatcherRegistered(t.At(1100, 0), "w1", "s/w1/1");
  EmitDispatcherStop(t.At(2000, 0), 1);
  EmitDispatcherRefused(t.At(2100, 0), "w2", "dispatcher is stopped");
  t.ExpectAllPass();
}

TEST(NoRegistrationWhenStoppedTest, RegistrationReleasedByAGracefulStopPasses) {
  TestTrace t;
  EmitDispatcherStart(t.At(1000, 0), 1);
  // The host stops gracefully; OnStop stops the dispatcher, which first releases a registration
  // that was waiting for its status batch (SwarmKit PR #2744), then is stopped.
  t.Stop(2000, 0);
  EmitDispatcherRegistered(t.At(2000, 0), "w1", "s/w1/1", kReleasedByStop);
  EmitDispatcherStop(t.At(2000, 0), 1);
  t.ExpectAllPass();
}

TEST(NoRegistrationWhenStoppedTest, RegistrationAfterACrashIsReported) {
  TestTrace t;
  EmitDispatcherStart(t.At(1000, 0), 1);
  t.Crash(2000, 0);
  EmitDispatcherRegistered(t.At(2100, 0), "w1", "s/w1/1");
  t.ExpectViolated(kNoRegistrationWhenStopped);
}

TEST(NoRegistrationWhenStoppedTest, RegistrationAfterDispatcherStopIsReported) {
  TestTrace t;
  EmitDispatcherStart(t.At(1000, 0), 1);
  EmitDispatcherStop(t.At(2000, 0), 1);
  EmitDispatcherRegistered(t.At(2100, 0), "w1", "s/w1/1");
  const Verdict v = t.ExpectViolated(kNoRegistrationWhenStopped);
  EXPECT_EQ(v.at, TestTrace::Ms(2100));
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0}));
  EXPECT_THAT(v.detail, HasSubstr("while its dispatcher was stopped (since 2.000000000s)"));
}

TEST(NoRegistrationWhenStoppedTest, RegistrationByANeverStartedDispatcherIsReported) {
  TestTrace t;
  EmitDispatcherRegistered(t.At(100, 1), "w1", "s/w1/1");
  const Verdict v = t.ExpectViolated(kNoRegistrationWhenStopped);
  EXPECT_THAT(v.detail, HasSubstr("never started"));
}

TEST(StoreAgreementTest, EqualStoresAtEqualIndexesPass) {
  TestTrace t;
  for (sim::HostId h = 0; h < 3; ++h) {
    EmitStoreApply(t.At(1000 + h, h), 1, 111);
    EmitStoreApply(t.At(2000 + h, h), 2, 222);
  }
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kStoreAgreement).detail, HasSubstr("2 indexes, 4"));
}

TEST(StoreAgreementTest, DivergentStoreAtSameIndexIsReported) {
  TestTrace t;
  EmitStoreApply(t.At(1000, 0), 7, 111);
  EmitStoreApply(t.At(1001, 1), 7, 111);
  EmitStoreApply(t.At(1002, 2), 7, 999);
  const Verdict v = t.ExpectViolated(kStoreAgreement);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{0, 2}));
  EXPECT_THAT(v.detail, HasSubstr("store at index 7"));
}

}  // namespace
}  // namespace check
}  // namespace swarmsim
