// Plans: reproducible from (seed, run), only the kinds asked for, and turned into a scenario
// with a healing phase that undoes every fault and liveness expectations after it.
#include "scenarios/explore/plan.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rapidcheck/gtest.h"
#include "scenarios/explore/plan_scenario.h"
#include "scenarios/loader.h"
#include "scenarios/scenario_text.h"

namespace scenarios {
namespace explore {
namespace {

Scenario Base(const std::string& extra = "") {
  absl::StatusOr<Scenario> s = ParseScenario(
      absl::StrCat("name: \"b\" duration: \"3m\" cluster { managers: 3 workers: 2 }\n"
                   "service { name: \"web\" replicas: 2 }\n",
                   extra),
      "base.textproto");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

std::string Text(const Scenario& s) { return ScenarioText(s); }

Plan OneFault(Fault f) {
  Plan p;
  p.seed = 5;
  p.faults.push_back(f);
  return p;
}

TEST(PlanTest, SameSeedAndRunGiveTheSamePlan) {
  const PlanSpace space = SpaceOf(Base(), Timing{});
  for (uint64_t run = 0; run < 20; ++run) {
    EXPECT_EQ(Text(BuildRunScenario(Base(), GeneratePlan(space, 7, run).value(), Timing{})),
              Text(BuildRunScenario(Base(), GeneratePlan(space, 7, run).value(), Timing{})));
  }
}

TEST(PlanTest, RunsAndSeedsGiveDifferentPlans) {
  const PlanSpace space = SpaceOf(Base(), Timing{});
  const Plan a = GeneratePlan(space, 7, 0).value();
  EXPECT_NE(a.seed, GeneratePlan(space, 7, 1).value().seed);
  EXPECT_NE(a.seed, GeneratePlan(space, 8, 0).value().seed);
}

TEST(PlanTest, OnlyTheSelectedKindsAreGenerated) {
  PlanSpace space = SpaceOf(Base(), Timing{});
  std::string error;
  ASSERT_TRUE(ParseFaults("pause,clock_drift", space, error)) << error;
  EXPECT_FALSE(space.triggers);
  EXPECT_FALSE(space.fault_points);
  EXPECT_FALSE(space.large_entries);
  for (uint64_t run = 0; run < 50; ++run) {
    EXPECT_FALSE(GeneratePlan(space, 1, run).value().large_entries);
    for (const Fault& f : GeneratePlan(space, 1, run).value().faults) {
      EXPECT_TRUE(f.kind == FaultKind::kPause || f.kind == FaultKind::kClockDrift)
          << FaultKindName(f.kind);
    }
  }
}

TEST(PlanTest, EveryKindIsGeneratedWhenAllAreAllowed) {
  const PlanSpace space = SpaceOf(Base(), Timing{});
  std::vector<int> seen(kFaultKindCount, 0);
  for (uint64_t run = 0; run < 200; ++run) {
    for (const Fault& f : GeneratePlan(space, 1, run).value().faults) ++seen[static_cast<int>(f.kind)];
  }
  for (FaultKind k : AllFaultKinds()) EXPECT_GT(seen[static_cast<int>(k)], 0) << FaultKindName(k);
}

TEST(PlanTest, SomeStepsFireOnProtocolEventsAndSomeRunsEnableFaultPoints) {
  const PlanSpace space = SpaceOf(Base(), Timing{});
  ASSERT_FALSE(space.fault_point_names.empty());
  int triggered = 0, on_target = 0, with_points = 0;
  for (uint64_t run = 0; run < 100; ++run) {
    const Plan p = GeneratePlan(space, 1, run).value();
    for (const Fault& f : p.faults) {
      triggered += f.trigger.has_value() ? 1 : 0;
      on_target += f.trigger.has_value() && f.trigger->on_target ? 1 : 0;
    }
    if (!p.fault_points.empty()) {
      ++with_points;
      EXPECT_GT(p.fire_ppm, 0u);
    }
  }
  EXPECT_GT(triggered, 0);
  EXPECT_GT(on_target, 0);
  EXPECT_GT(with_points, 0);
}

TEST(PlanScenarioTest, ATriggeredCrashFiresAfterItsTargetsVote) {
  Fault crash;
  crash.kind = FaultKind::kCrash;
  crash.at_ds = 200;
  crash.node.host = 1;
  crash.trigger = TriggerPlan{0, true, 1};  // raft.vote granted=1, on m2, 1 ms later
  ASSERT_EQ(std::string(TriggerMoments()[0].event), "raft.vote");
  const std::string text = Text(BuildRunScenario(Base(), OneFault(crash), Timing{}));
  // Disarmed at the heal (1 min with the default timing), so it never lands after it.
  EXPECT_NE(text.find("trigger { event: \"raft.vote\" node: \"m2\" where: \"granted=1\" "
                      "delay: \"1ms\" until: \"1m\" }"),
            std::string::npos)
      << text;
}

TEST(PlanScenarioTest, FaultPointsOfThePlanAreEnabledAndDisksHealed) {
  Fault slow;
  slow.kind = FaultKind::kSlowDisk;
  slow.node.host = 2;
  slow.sync_ms = 500;
  Plan p = OneFault(slow);
  p.fault_points = {0};
  p.fire_ppm = 20000;
  const Scenario s = BuildRunScenario(Base(), p, Timing{});
  EXPECT_EQ(s.buggify.enable, std::vector<std::string>{FaultPointName(0)});
  EXPECT_EQ(s.buggify.fire_ppm, 20000u);
  const std::string text = Text(s);
  EXPECT_NE(text.find("set_disk { node: \"m3\" sync_latency: \"500ms\" }"), std::string::npos) << text;
  EXPECT_NE(text.find("step { at: \"1m\" set_disk { node: \"m3\" sync_latency: \"1ms\" } }"),
            std::string::npos)
      << text;
}

TEST(PlanTest, OneHostClustersGetNoPartitionOrCut) {
  const Scenario one = *ParseScenario("name: \"one\" duration: \"1m\" cluster { managers: 1 }", "one");
  const PlanSpace space = SpaceOf(one, Timing{});
  for (uint64_t run = 0; run < 100; ++run) {
    for (const Fault& f : GeneratePlan(space, 1, run).value().faults) {
      EXPECT_NE(f.kind, FaultKind::kPartition);
      EXPECT_NE(f.kind, FaultKind::kCut);
    }
  }
}

TEST(PlanTest, UnknownFaultKindIsNamed) {
  PlanSpace space;
  std::string error;
  EXPECT_FALSE(ParseFaults("crash,meteor", space, error));
  EXPECT_NE(error.find("unknown fault kind 'meteor'"), std::string::npos) << error;
  EXPECT_FALSE(ParseFaults(",", space, error));
  EXPECT_FALSE(ParseFaults("trigger", space, error));  // no step kind
  ASSERT_TRUE(ParseFaults("crash,trigger,fault_points", space, error)) << error;
  EXPECT_EQ(space.kinds, std::vector<FaultKind>{FaultKind::kCrash});
  EXPECT_TRUE(space.triggers);
  EXPECT_TRUE(space.fault_points);
  EXPECT_FALSE(space.large_entries);
  ASSERT_TRUE(ParseFaults("crash,large_entries", space, error)) << error;
  EXPECT_TRUE(space.large_entries);
  EXPECT_FALSE(space.triggers);
}

TEST(PlanTest, ChanceDrawsAsWeightedElementButShrinksTowardFalse) {
  int trues = 0;
  for (uint64_t k = 0; k < 2000; ++k) {
    const rc::Random random(rc::Random::Key{k, 1, 2, 3});
    const rc::Shrinkable<bool> chance = Chance(4)(random, rc::kNominalSize);
    const bool weighted =
        rc::gen::weightedElement<bool>({{3, false}, {1, true}})(random, rc::kNominalSize).value();
    ASSERT_EQ(chance.value(), weighted) << k;
    rc::Seq<rc::Shrinkable<bool>> shrinks = chance.shrinks();
    rc::Maybe<rc::Shrinkable<bool>> first = shrinks.next();
    if (chance.value()) {
      ++trues;
      ASSERT_TRUE(first);
      EXPECT_FALSE(first->value());
    } else {
      EXPECT_FALSE(first);
    }
  }
  EXPECT_GT(trues, 400);
  EXPECT_LT(trues, 600);
}

TEST(PlanTest, SomeRunsHaveLargeEntries) {
  const PlanSpace space = SpaceOf(Base(), Timing{});
  int large = 0;
  for (uint64_t run = 0; run < 100; ++run) large += GeneratePlan(space, 1, run).value().large_entries;
  EXPECT_GT(large, 10);
  EXPECT_LT(large, 50);
}

// One entry per MsgApp: the run's Raft payload limit is one byte, and the counterexample file
// says so, so that `swarmsim run` replays it.
TEST(PlanScenarioTest, LargeEntriesLimitEachAppendToOneEntry) {
  Fault crash;
  crash.kind = FaultKind::kCrash;
  crash.at_ds = 100;
  Plan p = OneFault(crash);
  p.large_entries = true;
  const Scenario s = BuildRunScenario(Base(), p, Timing{});
  EXPECT_EQ(s.cluster.raft.max_size_per_msg, 1);
  EXPECT_NE(Text(s).find("max_size_per_msg: 1"), std::string::npos) << Text(s);
  EXPECT_EQ(BuildRunScenario(Base(), OneFault(crash), Timing{}).cluster.raft.max_size_per_msg,
            Base().cluster.raft.max_size_per_msg);
}


TEST(PlanScenarioTest, HealingRestartsEveryManagerAfterACrashOfTheLeader) {
  Fault crash;
  crash.kind = FaultKind::kCrash;
  crash.at_ds = 300;
  crash.node.leader = true;
  const std::string text = Text(BuildRunScenario(Base(), OneFault(crash), Timing{}));
  EXPECT_NE(text.find("step { at: \"30s\" skip_if_unresolved: true crash { node: \"leader\" } }"),
            std::string::npos) << text;
  for (const char* m : {"m1", "m2", "m3"}) {
    EXPECT_NE(text.find(absl::StrCat("step { at: \"1m\" restart { node: \"", m, "\" } }")),
              std::string::npos)
        << text;
  }
  EXPECT_EQ(text.find("restart { node: \"w1\" }"), std::string::npos) << text;
  EXPECT_NE(text.find("duration: \"5m\""), std::string::npos) << text;
}

TEST(PlanScenarioTest, HealingRestoresTheNetworkAndTheClocks) {
  Plan p;
  Fault drop;
  drop.kind = FaultKind::kDrop;
  drop.ppm = 500000;
  drop.from = 3;
  Fault drift;
  drift.kind = FaultKind::kClockDrift;
  drift.node.host = 4;
  drift.drift_ppm = -2000;
  p.faults = {drop, drift};
  const std::string text = Text(BuildRunScenario(Base(), p, Timing{}));
  EXPECT_NE(text.find("set_network { from: \"w1\" drop: \"50%\" }"), std::string::npos) << text;
  EXPECT_NE(text.find("step { at: \"1m\" heal {} }"), std::string::npos) << text;
  EXPECT_NE(text.find("set_network { latency: \"1ms\" jitter: \"0s\" drop: \"0%\" duplicate: \"0%\" }"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("clock { node: \"w2\" offset: \"0s\" drift_ppm: 0 }"), std::string::npos) << text;
}

TEST(PlanScenarioTest, HealingFollowsTheLastBaseStep) {
  const Scenario base = Base("step { at: \"2m\" crash { node: \"w1\" } }\n");
  Fault pause;
  pause.kind = FaultKind::kPause;
  pause.seconds = 3;
  const Scenario s = BuildRunScenario(base, OneFault(pause), Timing{});
  EXPECT_EQ(HealAt(base, Timing{}), sim::Time::Zero() + absl::Minutes(2));
  const std::string text = Text(s);
  EXPECT_NE(text.find("step { at: \"2m\" restart { node: \"w1\" } }"), std::string::npos) << text;
  EXPECT_NE(text.find("duration: \"6m\""), std::string::npos) << text;
}

TEST(PlanScenarioTest, BaseExpectationsThatCloseBeforeTheFirstFaultAreKept) {
  const Scenario base = Base(
      "expect { name: \"early\" eventually { within: \"20s\" } leader {} }\n"
      "expect { name: \"late\" eventually { after: \"30s\" within: \"20s\" } leader {} }\n"
      "expect { name: \"whole run\" always {} no_node_down {} }\n");
  Fault crash;
  crash.kind = FaultKind::kCrash;
  crash.at_ds = 250;  // 25 s: after "early" closes, inside "late"
  const Scenario s = BuildRunScenario(base, OneFault(crash), Timing{});
  std::vector<std::string> names;
  for (const Expectation& e : s.expectations) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"early", "explore: a leader after healing",
                                             "explore: every node ready after healing",
                                             "explore: every agent connected after healing",
                                             "explore: service web converged after healing"}));
}

TEST(PlanScenarioTest, ControlStepsOfTheBaseMayBeLost) {
  const Scenario base = Base("step { at: \"20s\" scale_service { name: \"web\" replicas: 3 } }\n");
  const Scenario s = BuildRunScenario(base, OneFault(Fault{}), Timing{});
  int control = 0;
  for (const Step& step : s.steps) {
    if (!IsControlAction(step.action)) continue;
    ++control;
    EXPECT_TRUE(step.may_be_lost);
  }
  EXPECT_EQ(control, 1);
}

// What explore writes is what ran: every generated scenario's text parses back to it.
RC_GTEST_PROP(PlanScenarioTest, GeneratedScenarioTextRoundTrips, ()) {
  const Scenario base = Base();
  const Plan plan = *GenPlan(SpaceOf(base, Timing{}));
  const Scenario built = BuildRunScenario(base, plan, Timing{});
  const std::string text = ScenarioText(built);
  const absl::StatusOr<Scenario> parsed = ParseScenario(text, "generated.textproto");
  if (!parsed.ok()) RC_FAIL(absl::StrCat(parsed.status().ToString(), "\n", text));
  const std::string difference = DescribeDifference(built, *parsed);
  if (!difference.empty()) RC_FAIL(absl::StrCat(difference, "\n", text));
  RC_ASSERT(ScenarioText(*parsed) == text);
}

}  // namespace
}  // namespace explore
}  // namespace scenarios
