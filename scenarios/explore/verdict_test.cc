// Verdicts: safety before liveness, stable signatures, internal aborts named by their file, and
// a verdict survives the worker pipe.
#include "scenarios/explore/verdict.h"

#include "gtest/gtest.h"

namespace scenarios {
namespace explore {
namespace {

constexpr int64_t kHeal = int64_t{60} * 1000000000;

RunResult Failing() {
  RunResult r;
  r.invariants.push_back(InvariantResult{"raft.election_safety", true, "ok"});
  r.invariants.push_back(InvariantResult{"dispatcher.leader_only", false, "at 12.3s m2 ..."});
  ExpectationResult e;
  e.name = "explore: every node ready after healing";
  e.passed = false;
  e.detail = "w1 is DOWN at 300.000s";
  r.expectations.push_back(e);
  return r;
}

TEST(VerdictTest, AnInvariantFailureWinsOverAFailedExpectation) {
  const Verdict v = Judge(Failing(), kHeal);
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.signature, "invariant:dispatcher.leader_only");
}

TEST(VerdictTest, AFailedExpectationIsNamedWithoutItsTimes) {
  RunResult r = Failing();
  r.invariants[1].passed = true;
  const Verdict v = Judge(r, kHeal);
  EXPECT_EQ(v.signature, "expect:explore: every node ready after healing");
  EXPECT_NE(v.detail.find("300.000s"), std::string::npos);
}

TEST(VerdictTest, ARunCutShortByAStepIsDiscardedWhenSafe) {
  RunResult r = Failing();
  r.invariants[1].passed = true;
  r.error = "at 20.000s: step at line 0 (crash): \"leader\": no manager is leader now";
  EXPECT_EQ(Judge(r, kHeal).outcome, Outcome::kDiscard);
  r.invariants[1].passed = false;
  EXPECT_EQ(Judge(r, kHeal).outcome, Outcome::kFail);
}

TEST(VerdictTest, ARunWhoseTriggeredStepFiredAfterHealingIsDiscarded) {
  RunResult r;
  TriggerResult t;
  t.action = "crash";
  t.event = "raft.vote";
  t.fired_ns = kHeal - 1;
  r.triggers.push_back(t);
  EXPECT_EQ(Judge(r, kHeal).outcome, Outcome::kPass);
  r.triggers[0].fired_ns = kHeal;
  EXPECT_EQ(Judge(r, kHeal).outcome, Outcome::kDiscard);
  EXPECT_EQ(Judge(r, kHeal).signature, "discard:a triggered step fired after healing");
  r.triggers[0].action = "restart";  // undoes rather than does damage
  EXPECT_EQ(Judge(r, kHeal).outcome, Outcome::kPass);
  r.triggers[0].action = "crash";
  r.triggers[0].fired_ns = -1;  // never fired: nothing to heal
  EXPECT_EQ(Judge(r, kHeal).outcome, Outcome::kPass);
}

TEST(VerdictTest, AnInternalAbortIsNamedByTheFileOfItsCheck) {
  const Verdict v = InternalFailure(
      "some noise\nmodel/raft/raft_log.cc:120: CHECK(index > 0) (0 vs 0) [seed=7]\n");
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.signature, "internal:model/raft/raft_log.cc");
  EXPECT_NE(v.detail.find("internal check failed: "), std::string::npos);
  EXPECT_EQ(InternalFailure("Segmentation fault").signature, "internal:abort");
}

TEST(VerdictTest, AVerdictSurvivesEncoding) {
  Verdict v = Judge(Failing(), kHeal);
  v.digest = 0xfedcba9876543210ULL;
  v.events = 12345;
  v.wall_ns = 99;
  v.generate_ns = 7;
  v.fault_steps = 2;
  v.fault_kinds = {"crash", "partition"};
  v.coverage = {"error:agent.session_end:UNAVAILABLE", "node_status:READY->DOWN"};
  v.detail = "two\nlines: 3:4";
  Verdict back;
  ASSERT_TRUE(DecodeVerdict(EncodeVerdict(v), back));
  EXPECT_EQ(EncodeVerdict(back), EncodeVerdict(v));
  EXPECT_EQ(back.digest, v.digest);
  EXPECT_EQ(back.coverage, v.coverage);
  EXPECT_FALSE(DecodeVerdict(EncodeVerdict(v) + "x", back));
  EXPECT_FALSE(DecodeVerdict("3:abc", back));
}

}  // namespace
}  // namespace explore
}  // namespace scenarios
