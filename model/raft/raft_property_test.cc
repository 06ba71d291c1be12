// Properties of a 3-7 node cluster under random faults (rapidcheck): a fault phase with message
// loss, duplication, reordering, partitions, crashes and restarts from persisted state,
// proposals, leadership transfers and membership changes (add a fresh node / remove a voter, one
// at a time; removed nodes stop); then a liveness phase with the faults stopped.
//
// Safety (checked throughout by TestCluster, and log matching every 50 steps and at the end):
// election safety, log matching, leader completeness, state machine safety, and durability of
// committed entries across crash and restart.
//
// Liveness bound: once faults stop (links healed, nothing dropped, all but a random minority of
// nodes up — that minority stays crashed) and the network delivers with zero latency between
// ticks, a leader is elected and a new proposal is applied by a majority within
//   kLivenessRoundsMaxPreVote = 100 rounds with PreVote, and
//   kLivenessRoundsMax = 2000 rounds without it (SwarmKit's setting),
// where one round ticks every up node once (one round = one SwarmKit second).
// Why: leases (CheckQuorum) expire within election_tick = 10 rounds; then a node whose log is
// up to date times out within 2 * election_tick = 20 rounds. With PreVote, failed pre-elections
// of stale nodes reset nobody's timer, so a few timeouts suffice (100 rounds = 5 timeouts).
// Without PreVote a stale node that times out first raises the term, loses, and restarts every
// timer; when the only electable node is one of four needed voters (7 nodes, 3 down) and loses
// ties, it wins a timeout race with probability ~0.2 (sum j^3 / 10^4 over j < 10), so 2000 rounds
// (>= 100 races of <= 20 rounds) fail with probability < 0.8^100 ~ 2e-10 per case. Seen in
// 10,000 cases: printed by ReportLivenessRounds.
#include <algorithm>
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "model/raft/fault_schedule.h"
#include "rapidcheck/gtest.h"

namespace swarmsim {
namespace raft {
namespace {

int g_cases = 0;
int g_rounds_max[2] = {0, 0};  // [pre_vote]
long long g_rounds_total = 0;

RC_GTEST_PROP(RaftPropertyTest, SafetyAndLivenessUnderFaults, ()) {
  Plan plan;
  // resize(100): rapidcheck scales ranges with the case number; faults want full ranges.
  plan.nodes = *rc::gen::resize(100, rc::gen::inRange(3, 8));
  plan.seed = *rc::gen::arbitrary<uint64_t>();
  plan.steps = *rc::gen::resize(100, rc::gen::inRange(50, 2000));
  plan.drop_percent = *rc::gen::resize(100, rc::gen::inRange<uint64_t>(0, 40));
  plan.dup_percent = *rc::gen::resize(100, rc::gen::inRange<uint64_t>(0, 15));
  plan.pre_vote = *rc::gen::arbitrary<bool>();
  plan.check_quorum = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
  plan.snapshot_interval = *rc::gen::element<uint64_t>(0, 5, 13, 40);
  plan.keep_entries = *rc::gen::resize(100, rc::gen::inRange<uint64_t>(0, 6));
  plan.membership_changes = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
  RC_TAG(plan.nodes);
  const Outcome out = RunPlan(plan);
  if (!out.violation.empty()) {
    RC_LOG() << out.violation << " [" << Describe(plan) << "]\n";
    RC_FAIL("a Raft property was violated (see the log above)");
  }
  ++g_cases;
  g_rounds_total += out.liveness_rounds;
  int& worst = g_rounds_max[plan.pre_vote ? 1 : 0];
  worst = std::max(worst, out.liveness_rounds);
}

// Runs after the property (gtest keeps declaration order): the liveness figures seen.
TEST(RaftPropertyTest, ReportLivenessRounds) {
  if (g_cases == 0) return;
  std::printf("liveness: %d cases, mean %lld rounds; max %d rounds without PreVote (bound %d), "
              "max %d rounds with PreVote (bound %d)\n",
              g_cases, g_rounds_total / g_cases, g_rounds_max[0], kLivenessRoundsMax,
              g_rounds_max[1], kLivenessRoundsMaxPreVote);
  EXPECT_LE(g_rounds_max[0], kLivenessRoundsMax);
  EXPECT_LE(g_rounds_max[1], kLivenessRoundsMaxPreVote);
}

// A fixed plan, so a regression in the harness itself shows without rapidcheck.
TEST(RaftPropertyTest, FixedPlanSevenNodesWithSnapshots) {
  Plan plan;
  plan.nodes = 7;
  plan.seed = 42;
  plan.steps = 1500;
  plan.drop_percent = 20;
  plan.dup_percent = 5;
  plan.snapshot_interval = 13;
  plan.keep_entries = 2;
  const Outcome out = RunPlan(plan);
  EXPECT_EQ(out.violation, "");
  EXPECT_GT(out.liveness_rounds, 0);
}

TEST(RaftPropertyTest, SamePlanSameOutcome) {
  Plan plan;
  plan.nodes = 5;
  plan.seed = 7;
  plan.steps = 1000;
  plan.drop_percent = 10;
  plan.dup_percent = 5;
  plan.snapshot_interval = 5;
  plan.keep_entries = 1;
  const Outcome a = RunPlan(plan);
  const Outcome b = RunPlan(plan);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.liveness_rounds, b.liveness_rounds);
  plan.seed = 8;
  EXPECT_NE(RunPlan(plan).digest, a.digest);  // The digest does depend on the run.
}

}  // namespace
}  // namespace raft
}  // namespace swarmsim
