// Shrinking walks the plan's shrink tree to a smallest plan failing the same way, with the same
// result whatever the batch size, within its bounds.
#include "scenarios/explore/shrink.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "scenarios/loader.h"

namespace scenarios {
namespace explore {
namespace {

ExploreSpec Spec() {
  ExploreSpec spec;
  spec.base = *ParseScenario("name: \"b\" duration: \"1m\" cluster { managers: 3 workers: 4 }", "b");
  spec.space = SpaceOf(spec.base, spec.timing);
  spec.seed = 3;
  return spec;
}

bool HasCrash(const Plan& p) {
  return std::any_of(p.faults.begin(), p.faults.end(),
                     [](const Fault& f) { return f.kind == FaultKind::kCrash; });
}

// A planted bug: any crash fails the run (no simulation: the plan alone decides).
Verdict Judge(const ExploreSpec& spec, const Job& job) {
  Verdict v;
  const Plan plan = *PlanOf(spec, job);
  v.fault_steps = static_cast<int>(plan.faults.size());
  if (HasCrash(plan)) {
    v.outcome = Outcome::kFail;
    v.signature = "planted:crash";
  }
  return v;
}

// The first run of the spec whose plan crashes something and does more.
uint64_t FirstCrashingRun(const ExploreSpec& spec) {
  for (uint64_t run = 0;; ++run) {
    const Plan p = GeneratePlan(spec.space, spec.seed, run).value();
    if (HasCrash(p) && p.faults.size() >= 3) return run;
  }
}

ShrinkOutcome ShrinkWith(int batch, int max_candidates, int* evaluated = nullptr) {
  const ExploreSpec spec = Spec();
  const uint64_t run = FirstCrashingRun(spec);
  int64_t fake_now = 0;
  ShrinkLimits limits;
  limits.batch = batch;
  limits.max_candidates = max_candidates;
  limits.wall_now = [&fake_now] { return fake_now; };
  Evaluate evaluate = [&](const std::vector<Job>& jobs) {
    EXPECT_LE(jobs.size(), static_cast<size_t>(batch));
    std::vector<Verdict> out;
    for (const Job& job : jobs) out.push_back(Judge(spec, job));
    if (evaluated != nullptr) *evaluated += static_cast<int>(jobs.size());
    return out;
  };
  return Shrink(spec, run, Judge(spec, Job{run, {}}), evaluate, limits);
}

TEST(ShrinkTest, ShrinksToTheOneStepThatFails) {
  const ShrinkOutcome out = ShrinkWith(1, 10000);
  const Plan plan = *PlanOf(Spec(), out.job);
  ASSERT_EQ(plan.faults.size(), 1u);
  EXPECT_EQ(plan.faults[0].kind, FaultKind::kCrash);
  EXPECT_EQ(plan.faults[0].at_ds, 0);  // earlier is simpler
  EXPECT_FALSE(plan.faults[0].node.leader);
  EXPECT_EQ(plan.faults[0].node.host, 0);  // lower hosts are simpler
  EXPECT_GT(out.steps, 0);
  EXPECT_FALSE(out.bounded);
  EXPECT_EQ(out.verdict.signature, "planted:crash");
}

TEST(ShrinkTest, TheBatchSizeDoesNotChangeTheResult) {
  const ShrinkOutcome one = ShrinkWith(1, 10000);
  int evaluated = 0;
  const ShrinkOutcome three = ShrinkWith(3, 10000, &evaluated);
  EXPECT_EQ(one.job.path, three.job.path);
  EXPECT_EQ(one.steps, three.steps);
  EXPECT_EQ(one.candidates, three.candidates);  // counted as one at a time
  EXPECT_GE(evaluated, three.candidates);
}

TEST(ShrinkTest, StopsAtTheCandidateBound) {
  const ShrinkOutcome out = ShrinkWith(2, 3);
  EXPECT_TRUE(out.bounded);
  EXPECT_LE(out.candidates, 3);
  // Whatever it kept still fails the same way.
  EXPECT_EQ(Judge(Spec(), out.job).signature, "planted:crash");
}

}  // namespace
}  // namespace explore
}  // namespace scenarios
