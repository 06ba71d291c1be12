// Failover under random fault plans (rapidcheck), through the whole stack: a generated plan is
// turned into a scenarios::Scenario, written as scenario file text (scenarios/scenario_text.h),
// parsed back by the loader (so the text printed on failure is exactly what ran) and run by the
// scenario runner.
//
// Generated (ranges inclusive):
//   cluster   3 or 5 managers, 0-4 workers, default link 1 ms latency + 0/1/2/5 ms jitter,
//             optionally one service "web" with 0-8 replicas, a random simulation seed;
//   faults    1-8 steps at 0-180 s (100 ms resolution), each one of
//               crash / stop / restart / pause (1-60 s) / isolate (until healed, or 1-120 s)
//                 of a manager, a worker or `leader`;
//               partition (each host on side 1, side 2 or unnamed; both sides non-empty);
//               cut (one way, between two distinct hosts);
//               heal;
//               set_network drop 1-100 % (from / to: one host or every host);
//   healing   at 4 min: heal {}, set_network { drop: "0%" } on every link when a plan dropped,
//             and restart of every host a crash or stop may have taken down (every manager
//             when the target was `leader`); run to 9 min.
//
// Properties:
//   safety    every invariant verdict of the run passes (Raft, dispatcher, agent, store, tasks);
//   liveness  expressed as expectations in the scenario, evaluated by the runner:
//               a leader within 4 min of the healing phase (TCP's 120 s RTO cap + 2 min);
//               every node READY within 4 min;
//               every agent connected to the leader's dispatcher within 4 min;
//               the service (if any) converged within 5 min;
//   and every step ran as written. A step on `leader` while there was none fails the run there
//   (the runner applies no later step, so no healing phase): such a case is checked for safety
//   and then discarded (RC_PRE), since the plan was random, not the cluster wrong.
//
// On failure the shrunk plan is logged as a scenario file (exactly the text that ran, so a replay
// gives the same digest), with the rapidcheck seed, what failed and the run's timeline as
// comments at the end; it is also written to $TEST_UNDECLARED_OUTPUTS_DIR/failover_counterexample.textproto
// (bazel-testlogs/tests/<target>/test.outputs/outputs.zip). Save it and `swarmsim run` it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"
#include "scenarios/loader.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "scenarios/scenario_text.h"

namespace swarmsim {
namespace tests {
namespace {

namespace sc = ::scenarios;
using sc::DescribeDifference;
using sc::ScenarioText;

constexpr int64_t kFaultWindowDeciseconds = 1800;  // faults in the first 3 simulated minutes
constexpr absl::Duration kHealAt = absl::Minutes(4);
// The bounds allow for TCP: a connection backed off during the faults carries nothing until its
// next retransmission, up to 120 s (Linux's RTO cap) after the heal (reference §10.1), and the
// election that may follow. Two minutes on top of that, as before.
constexpr absl::Duration kRunFor = absl::Minutes(9);
constexpr absl::Duration kReadyWithin = absl::Minutes(4);
constexpr absl::Duration kConvergedWithin = absl::Minutes(5);
constexpr char kServiceName[] = "web";

// ---------------------------------------------------------------------------------------------
// The plan: small values that rapidcheck generates and shrinks.

// A node as a step names it. Hosts are numbered flat: managers 0..m-1, then workers.
struct Target {
  bool leader = false;
  int host = 0;  // when !leader
};

enum class FaultKind { kCrash, kStop, kRestart, kPause, kIsolate, kPartition, kCut, kHeal, kDrop };

struct Fault {
  FaultKind kind = FaultKind::kHeal;
  int64_t at_ds = 0;  // deciseconds
  Target node;        // crash, stop, restart, pause, isolate
  int seconds = 0;    // pause: 1..60; isolate: 0 (until healed) or 1..120
  std::vector<int> side_of;  // partition: per flat host, 0 = unnamed, 1 or 2
  int from = -1;             // cut: a host; drop: a host or -1 (every host)
  int to = -1;
  int drop_percent = 0;      // drop: 1..100
};

struct Plan {
  uint64_t seed = 1;
  int managers = 3;
  int workers = 0;
  int jitter_ms = 0;
  bool service = false;
  int replicas = 0;
  std::vector<Fault> faults;
};

int HostCount(const Plan& p) { return p.managers + p.workers; }

rc::Gen<int> GenHost(int hosts) { return rc::gen::inRange(0, hosts); }

rc::Gen<Target> GenTarget(int hosts) {
  return rc::gen::weightedOneOf<Target>(
      {{1, rc::gen::just(Target{true, 0})},
       {3, rc::gen::map(GenHost(hosts), [](int h) { return Target{false, h}; })}});
}

rc::Gen<Fault> GenFault(int hosts) {
  return rc::gen::resize(100, rc::gen::exec([hosts] {
    Fault f;
    // Node faults first: shrinking moves toward the front of the list (crash).
    f.kind = *rc::gen::weightedElement<FaultKind>({{3, FaultKind::kCrash},
                                                  {2, FaultKind::kStop},
                                                  {2, FaultKind::kRestart},
                                                  {2, FaultKind::kPause},
                                                  {2, FaultKind::kIsolate},
                                                  {2, FaultKind::kPartition},
                                                  {2, FaultKind::kCut},
                                                  {1, FaultKind::kHeal},
                                                  {2, FaultKind::kDrop}});
    f.at_ds = *rc::gen::inRange<int64_t>(0, kFaultWindowDeciseconds + 1);
    switch (f.kind) {
      case FaultKind::kCrash:
      case FaultKind::kStop:
      case FaultKind::kRestart:
        f.node = *GenTarget(hosts);
        break;
      case FaultKind::kPause:
        f.node = *GenTarget(hosts);
        f.seconds = *rc::gen::inRange(1, 61);
        break;
      case FaultKind::kIsolate:
        f.node = *GenTarget(hosts);
        f.seconds = *rc::gen::weightedOneOf<int>({{1, rc::gen::just(0)}, {2, rc::gen::inRange(1, 121)}});
        break;
      case FaultKind::kPartition:
        f.side_of = *rc::gen::suchThat(
            rc::gen::container<std::vector<int>>(hosts, rc::gen::inRange(0, 3)),
            [](const std::vector<int>& s) {
              return std::count(s.begin(), s.end(), 1) > 0 && std::count(s.begin(), s.end(), 2) > 0;
            });
        break;
      case FaultKind::kCut: {
        f.from = *GenHost(hosts);
        const int other = *rc::gen::inRange(0, hosts - 1);
        f.to = other >= f.from ? other + 1 : other;
        break;
      }
      case FaultKind::kHeal:
        break;
      case FaultKind::kDrop:
        f.from = *rc::gen::weightedOneOf<int>({{1, rc::gen::just(-1)}, {1, GenHost(hosts)}});
        f.to = *rc::gen::weightedOneOf<int>({{1, rc::gen::just(-1)}, {1, GenHost(hosts)}});
        f.drop_percent = *rc::gen::inRange(1, 101);
        break;
    }
    return f;
  }));
}

rc::Gen<Plan> GenPlan() {
  return rc::gen::resize(100, rc::gen::exec([] {
    Plan p;
    p.managers = *rc::gen::element(3, 5);
    p.workers = *rc::gen::inRange(0, 5);
    p.jitter_ms = *rc::gen::element(0, 1, 2, 5);
    p.service = *rc::gen::arbitrary<bool>();
    if (p.service) p.replicas = *rc::gen::inRange(0, 9);
    p.seed = *rc::gen::inRange<uint64_t>(1, 1000000);
    // 1..8 faults; the container shrinks by dropping any of them.
    p.faults = *rc::gen::resize(
        8, rc::gen::nonEmpty(rc::gen::container<std::vector<Fault>>(GenFault(HostCount(p)))));
    std::stable_sort(p.faults.begin(), p.faults.end(),
                     [](const Fault& a, const Fault& b) { return a.at_ds < b.at_ds; });
    return p;
  }));
}

// ---------------------------------------------------------------------------------------------
// Plan -> Scenario

sc::NodeSelector HostSelector(int managers, int flat) {
  sc::NodeSelector s;
  s.kind = sc::NodeSelector::Kind::kHost;
  s.host = flat < managers ? sc::Host{sc::HostRole::kManager, flat + 1}
                           : sc::Host{sc::HostRole::kWorker, flat - managers + 1};
  s.text = s.host.Name();
  return s;
}

sc::NodeSelector TargetSelector(int managers, const Target& t) {
  if (!t.leader) return HostSelector(managers, t.host);
  sc::NodeSelector s;
  s.kind = sc::NodeSelector::Kind::kLeader;
  s.text = "leader";
  return s;
}

sc::Action FaultAction(const Plan& p, const Fault& f) {
  const int m = p.managers;
  switch (f.kind) {
    case FaultKind::kCrash:
      return sc::Crash{TargetSelector(m, f.node), ""};
    case FaultKind::kStop:
      return sc::Stop{TargetSelector(m, f.node), ""};
    case FaultKind::kRestart:
      return sc::Restart{TargetSelector(m, f.node), ""};
    case FaultKind::kPause:
      return sc::Pause{TargetSelector(m, f.node), "", absl::Seconds(f.seconds)};
    case FaultKind::kIsolate: {
      sc::Isolate a{TargetSelector(m, f.node), "", std::nullopt};
      if (f.seconds > 0) a.duration = absl::Seconds(f.seconds);
      return a;
    }
    case FaultKind::kPartition: {
      sc::Partition a;
      a.sides.resize(2);
      for (size_t h = 0; h < f.side_of.size(); ++h) {
        if (f.side_of[h] != 0) a.sides[f.side_of[h] - 1].push_back(HostSelector(m, static_cast<int>(h)));
      }
      return a;
    }
    case FaultKind::kCut:
      return sc::Cut{HostSelector(m, f.from), HostSelector(m, f.to), ""};
    case FaultKind::kHeal:
      return sc::Heal{};
    case FaultKind::kDrop: {
      sc::SetNetwork a;
      if (f.from >= 0) a.from = HostSelector(m, f.from);
      if (f.to >= 0) a.to = HostSelector(m, f.to);
      a.drop_ppm = static_cast<uint32_t>(f.drop_percent) * 10000;
      return a;
    }
  }
  return sc::Heal{};
}

sc::Expectation Eventually(std::string name, absl::Duration within, sc::Predicate predicate) {
  sc::Expectation e;
  e.name = std::move(name);
  sc::Eventually window;
  window.after = sim::Time::Zero() + kHealAt;
  window.within = within;
  e.window = window;
  e.predicate = std::move(predicate);
  return e;
}

sc::Scenario ToScenario(const Plan& p) {
  sc::Scenario s;
  s.name = "failover_property";
  s.description = "generated by //tests:failover_property_test";
  s.seed = p.seed;
  s.duration = kRunFor;
  s.cluster.managers = p.managers;
  s.cluster.workers = p.workers;
  s.cluster.network.jitter = absl::Milliseconds(p.jitter_ms);
  if (p.service) s.services.push_back(sc::Service{kServiceName, p.replicas, {}});

  bool dropped = false;
  std::set<int> may_be_down;  // flat host indexes
  for (const Fault& f : p.faults) {
    sc::Step step;
    step.at = sim::Time::Zero() + absl::Milliseconds(100 * f.at_ds);
    step.action = FaultAction(p, f);
    s.steps.push_back(std::move(step));
    dropped = dropped || f.kind == FaultKind::kDrop;
    if (f.kind == FaultKind::kCrash || f.kind == FaultKind::kStop) {
      if (!f.node.leader) {
        may_be_down.insert(f.node.host);
      } else {
        for (int h = 0; h < p.managers; ++h) may_be_down.insert(h);
      }
    }
  }
  // The healing phase.
  const sim::Time heal_at = sim::Time::Zero() + kHealAt;
  s.steps.push_back(sc::Step{heal_at, sc::Heal{}, {}});
  if (dropped) {
    sc::SetNetwork clear;
    clear.drop_ppm = 0;
    s.steps.push_back(sc::Step{heal_at, clear, {}});
  }
  for (int h : may_be_down) {
    s.steps.push_back(sc::Step{heal_at, sc::Restart{HostSelector(p.managers, h), ""}, {}});
  }

  s.expectations.push_back(Eventually("a leader within 4m of healing", kReadyWithin, sc::LeaderElected{}));
  s.expectations.push_back(
      Eventually("every node ready within 4m of healing", kReadyWithin, sc::AllNodesReady{}));
  s.expectations.push_back(
      Eventually("every agent connected within 4m of healing", kReadyWithin, sc::AgentsConnected{}));
  if (p.service) {
    s.expectations.push_back(Eventually(absl::StrCat(kServiceName, " converged within 5m of healing"),
                                        kConvergedWithin, sc::ServiceConverged{kServiceName}));
  }
  return s;
}

// rapidcheck prints counterexample values with this; the scenario file follows in the log.
void showValue(const Plan& p, std::ostream& os) {
  os << p.managers << " managers, " << p.workers << " workers, ";
  if (p.service) {
    os << "service " << kServiceName << " x" << p.replicas;
  } else {
    os << "no service";
  }
  os << ", " << p.faults.size() << " fault step(s), simulation seed " << p.seed
     << " (the scenario file is in the log below)";
}

// ---------------------------------------------------------------------------------------------
// The properties

// Figures over the cases run, printed by ReportCases.
int g_runs = 0;
int g_discarded = 0;
int g_failed = 0;
uint64_t g_events = 0;

// A step on `leader` while no manager was leader: the runner fails the run there and applies no
// later step (so no healing phase either). The plan was random, not the cluster wrong.
bool IsNoLeaderError(const std::string& error) {
  return absl::StrContains(error, "\"leader\": no manager is leader now");
}

// Safety: every invariant verdict, one line per failure.
std::vector<std::string> SafetyProblems(const sc::RunResult& r) {
  std::vector<std::string> problems;
  for (const sc::InvariantResult& inv : r.invariants) {
    if (!inv.passed) problems.push_back(absl::StrCat("safety: invariant ", inv.name, ": ", inv.detail));
  }
  return problems;
}

// Liveness: every expectation; and every step ran.
std::vector<std::string> LivenessProblems(const sc::RunResult& r) {
  std::vector<std::string> problems;
  for (const sc::ExpectationResult& e : r.expectations) {
    if (!e.passed) problems.push_back(absl::StrCat("liveness: ", e.name, ": ", e.detail));
  }
  if (!r.error.empty()) problems.push_back(absl::StrCat("run error: ", r.error));
  return problems;
}

constexpr char kHeader[] =
    "Generated by //tests:failover_property_test (tests/failover_property_test.cc).\n"
    "What failed, if anything, is in the comments at the end.";

// `text` as `#` comment lines.
std::string Comments(const std::string& text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StrAppend(&out, line.empty() ? "#" : absl::StrCat("# ", line), "\n");
  }
  return out;
}

std::string TestTarget() {
  const char* target = std::getenv("TEST_TARGET");
  return target == nullptr ? "failover_property_test" : target;
}

std::string RapidcheckParams() {
  const char* env = std::getenv("RC_PARAMS");
  return absl::StrCat("RC_PARAMS=\"", env == nullptr ? "" : env, "\" (rapidcheck seed ",
                      rc::detail::configuration().testParams.seed, ")");
}

void SaveCounterexample(const std::string& text) {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  if (dir == nullptr) return;
  std::ofstream(absl::StrCat(dir, "/failover_counterexample.textproto")) << text;
}

RC_GTEST_PROP(FailoverPropertyTest, SafeAndLiveOnceFaultsStop, ()) {
  const Plan plan = *GenPlan();
  const sc::Scenario built = ToScenario(plan);
  // The exact text that runs is the text printed on failure, with what failed appended as
  // comments after it: the trace records each step's line, so the digest of a replay matches.
  const std::string text = ScenarioText(built, kHeader);
  const absl::StatusOr<sc::Scenario> parsed = sc::ParseScenario(text, "failover_property.textproto");
  RC_ASSERT(parsed.ok());
  RC_ASSERT(DescribeDifference(built, *parsed) == "");
  RC_TAG(plan.managers, plan.service);

  const sc::RunOutput out = sc::RunScenario(*parsed, sc::RunOptions{});
  ++g_runs;
  g_events += out.result.events;
  g_discarded += IsNoLeaderError(out.result.error) ? 1 : 0;
  // Safety holds in every run, even one cut short by a step on `leader` when there was none.
  std::vector<std::string> problems = SafetyProblems(out.result);
  if (problems.empty()) {
    RC_PRE(!IsNoLeaderError(out.result.error));  // discarded: no healing phase ran
    problems = LivenessProblems(out.result);
  }
  if (problems.empty()) return;
  ++g_failed;

  std::vector<std::string> timeline;
  for (const sc::TimelineEntry& t : out.result.timeline) {
    timeline.push_back(absl::StrCat(absl::FormatDuration(absl::Nanoseconds(t.at_ns)), "  ", t.what));
  }
  const std::string footer = absl::StrCat(
      "Counterexample found by ", TestTarget(), " with ", RapidcheckParams(), ".\n",
      "Replay: swarmsim run FILE  (simulation seed ", parsed->seed, ", digest ",
      absl::StrFormat("%016x", out.result.digest), ")\n",
      "Failed:\n  ", absl::StrJoin(problems, "\n  "), "\nTimeline:\n  ",
      absl::StrJoin(timeline, "\n  "));
  const std::string file = absl::StrCat(text, "\n", Comments(footer));
  SaveCounterexample(file);
  RC_LOG() << "\n----- failing scenario (save as FILE.textproto) -----\n"
           << file << "----- end of scenario -----\n";
  RC_FAIL(absl::StrJoin(problems, "; "));
}

// Runs after the property (gtest keeps declaration order): what the cases covered. Runs include
// those made while shrinking.
TEST(FailoverPropertyTest, ReportCases) {
  if (g_runs == 0) return;
  std::printf("failover property: %d runs, %d discarded (a step on `leader` with no leader), "
              "%d failing (incl. shrinking), mean %llu events per run\n",
              g_runs, g_discarded, g_failed,
              static_cast<unsigned long long>(g_events / static_cast<uint64_t>(g_runs)));
}

// The text of every generated scenario parses back to the same scenario, field for field.
RC_GTEST_PROP(FailoverPropertyTest, GeneratedScenarioTextRoundTrips, ()) {
  const sc::Scenario built = ToScenario(*GenPlan());
  const std::string text = ScenarioText(built);
  const absl::StatusOr<sc::Scenario> parsed = sc::ParseScenario(text, "generated.textproto");
  if (!parsed.ok()) RC_FAIL(absl::StrCat(parsed.status().ToString(), "\n", text));
  const std::string difference = DescribeDifference(built, *parsed);
  if (!difference.empty()) RC_FAIL(absl::StrCat(difference, "\n", text));
  // Writing the parsed scenario again gives the same text.
  RC_ASSERT(ScenarioText(*parsed) == text);
}

}  // namespace
}  // namespace tests
}  // namespace swarmsim
