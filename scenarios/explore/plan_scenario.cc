#include "scenarios/explore/plan_scenario.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/faultpoints/catalog.h"

namespace scenarios {
namespace explore {
namespace {

Host FlatHost(int managers, int flat) {
  return flat < managers ? Host{HostRole::kManager, flat + 1}
                         : Host{HostRole::kWorker, flat - managers + 1};
}

NodeSelector HostSelector(int managers, int flat) {
  NodeSelector s;
  s.kind = NodeSelector::Kind::kHost;
  s.host = FlatHost(managers, flat);
  s.text = s.host.Name();
  return s;
}

NodeSelector TargetSelector(int managers, const Target& t) {
  if (!t.leader) return HostSelector(managers, t.host);
  NodeSelector s;
  s.kind = NodeSelector::Kind::kLeader;
  s.text = "leader";
  return s;
}

std::optional<NodeSelector> LinkEnd(int managers, int flat) {
  if (flat < 0) return std::nullopt;
  return HostSelector(managers, flat);
}

Action FaultAction(int m, const Fault& f) {
  switch (f.kind) {
    case FaultKind::kCrash:
      return Crash{TargetSelector(m, f.node), ""};
    case FaultKind::kStop:
      return Stop{TargetSelector(m, f.node), ""};
    case FaultKind::kRestart:
      return Restart{TargetSelector(m, f.node), ""};
    case FaultKind::kPause:
      return Pause{TargetSelector(m, f.node), "", absl::Seconds(f.seconds)};
    case FaultKind::kIsolate: {
      Isolate a{TargetSelector(m, f.node), "", std::nullopt};
      if (f.seconds > 0) a.duration = absl::Seconds(f.seconds);
      return a;
    }
    case FaultKind::kPartition: {
      Partition a;
      a.sides.resize(2);
      for (int h : f.side_a) a.sides[0].push_back(HostSelector(m, h));
      for (int h : f.side_b) a.sides[1].push_back(HostSelector(m, h));
      return a;
    }
    case FaultKind::kCut:
      return Cut{HostSelector(m, f.from), HostSelector(m, f.to), ""};
    case FaultKind::kHeal:
      return Heal{};
    case FaultKind::kDrop:
    case FaultKind::kDuplicate:
    case FaultKind::kLatency: {
      SetNetwork a;
      a.from = LinkEnd(m, f.from);
      a.to = LinkEnd(m, f.to);
      if (f.kind == FaultKind::kDrop) a.drop_ppm = f.ppm;
      if (f.kind == FaultKind::kDuplicate) a.duplicate_ppm = f.ppm;
      if (f.kind == FaultKind::kLatency) {
        a.latency = absl::Milliseconds(f.latency_ms);
        a.jitter = absl::Milliseconds(f.jitter_ms);
      }
      return a;
    }
    case FaultKind::kClockOffset: {
      Clock a{TargetSelector(m, f.node), "", absl::Milliseconds(f.offset_ms), std::nullopt};
      return a;
    }
    case FaultKind::kClockDrift: {
      Clock a{TargetSelector(m, f.node), "", std::nullopt, f.drift_ppm};
      return a;
    }
    case FaultKind::kSlowDisk:
      return SetDisk{TargetSelector(m, f.node), "", absl::Milliseconds(f.sync_ms)};
  }
  return Heal{};
}

// The hosts a selector may stand for when a step runs, as flat indexes: `leader` and `follower`
// may be any manager, a label any host.
void AddHostsOf(const NodeSelector& s, const Cluster& c, std::set<int>& out) {
  const int m = c.managers;
  auto flat = [m](const Host& h) { return h.role == HostRole::kManager ? h.index - 1 : m + h.index - 1; };
  switch (s.kind) {
    case NodeSelector::Kind::kHost:
      out.insert(flat(s.host));
      return;
    case NodeSelector::Kind::kGroup:
      for (const Host& h : s.members) out.insert(flat(h));
      return;
    case NodeSelector::Kind::kLeader:
    case NodeSelector::Kind::kFollower:
      for (int h = 0; h < m; ++h) out.insert(h);
      return;
    case NodeSelector::Kind::kLabel:
      for (int h = 0; h < m + c.workers; ++h) out.insert(h);
      return;
  }
}

// `until` = the heal: a fault triggered after it would never be healed and its run would be
// discarded, so the trigger disarms instead (the step is reported as never fired).
std::optional<Trigger> StepTrigger(int m, const Fault& f, sim::Time heal_at) {
  if (!f.trigger.has_value()) return std::nullopt;
  const TriggerMoment& moment = TriggerMoments()[static_cast<size_t>(f.trigger->moment)];
  Trigger t;
  t.event = moment.event;
  if (f.trigger->on_target) t.node = TargetSelector(m, f.node);
  if (*moment.field != '\0') t.where.emplace_back(moment.field, moment.value);
  t.delay = absl::Milliseconds(f.trigger->delay_ms);
  t.until = heal_at;
  return t;
}

Expectation Eventually(std::string name, sim::Time after, absl::Duration within, Predicate p) {
  Expectation e;
  e.name = absl::StrCat(kLivenessPrefix, name);
  e.window = scenarios::Eventually{after, within, std::nullopt};
  e.predicate = std::move(p);
  return e;
}

// The instant the expectation's window closes, or nullopt when it is not fixed in time.
std::optional<sim::Time> WindowEnd(const Expectation& e) {
  if (const auto* ev = std::get_if<scenarios::Eventually>(&e.window)) {
    if (ev->new_leader_after.has_value()) return std::nullopt;
    return ev->deadline();
  }
  const auto& always = std::get<Always>(e.window);
  if (always.new_leader_after.has_value()) return std::nullopt;
  return always.until;
}

}  // namespace

sim::Time HealAt(const Scenario& base, const Timing& timing) {
  sim::Time at = sim::Time::Zero() + timing.fault_window;
  for (const Step& s : base.steps) at = std::max(at, s.at);
  return at;
}

std::string FaultPointName(int index) {
  return swarmsim::faultpoints::FaultPointCatalog()[static_cast<size_t>(index)].name;
}

PlanSpace SpaceOf(const Scenario& base, const Timing& timing) {
  PlanSpace space;
  for (const auto& info : swarmsim::faultpoints::FaultPointCatalog()) {
    space.fault_point_names.push_back(info.name);
  }
  space.managers = base.cluster.managers;
  space.workers = base.cluster.workers;
  space.kinds = AllFaultKinds();
  space.window_ds = absl::ToInt64Milliseconds(timing.fault_window) / 100;
  return space;
}

Scenario BuildRunScenario(const Scenario& base, const Plan& plan, const Timing& timing) {
  Scenario s;
  s.name = base.name;
  s.description = base.description;
  s.seed = plan.seed;
  s.file_seed = plan.seed;
  s.cluster = base.cluster;
  s.services = base.services;
  s.buggify = base.buggify;
  if (!plan.fault_points.empty()) {
    std::set<std::string> enable(base.buggify.enable.begin(), base.buggify.enable.end());
    for (int i : plan.fault_points) enable.insert(FaultPointName(i));
    s.buggify.enable.assign(enable.begin(), enable.end());
    s.buggify.fire_ppm = plan.fire_ppm;
  }
  if (plan.large_entries) s.cluster.raft.max_size_per_msg = 1;
  const sim::Time heal_at = HealAt(base, timing);
  s.duration = (heal_at - sim::Time::Zero()) + timing.settle;
  const int m = base.cluster.managers;

  // Base steps, then the plan's, merged by time (base first among equal times).
  std::set<int> may_be_down, clock_moved, disk_slowed;
  std::set<std::string> removed_services;
  bool network_changed = false;
  std::vector<Step> steps;
  for (Step step : base.steps) {
    if (const auto* a = std::get_if<Crash>(&step.action)) AddHostsOf(a->node, s.cluster, may_be_down);
    if (const auto* a = std::get_if<Stop>(&step.action)) AddHostsOf(a->node, s.cluster, may_be_down);
    if (const auto* a = std::get_if<Clock>(&step.action)) AddHostsOf(a->node, s.cluster, clock_moved);
    if (const auto* a = std::get_if<SetDisk>(&step.action)) AddHostsOf(a->node, s.cluster, disk_slowed);
    if (const auto* a = std::get_if<RemoveService>(&step.action)) removed_services.insert(a->name);
    network_changed = network_changed || std::holds_alternative<SetNetwork>(step.action);
    if (IsControlAction(step.action)) step.may_be_lost = true;
    step.location = SourceLocation{};
    steps.push_back(std::move(step));
  }
  std::optional<sim::Time> first_fault;
  for (const Fault& f : plan.faults) {
    Step step;
    step.at = sim::Time::Zero() + absl::Milliseconds(100 * f.at_ds);
    step.action = FaultAction(m, f);
    step.trigger = StepTrigger(m, f, heal_at);
    // A fault on `leader` when there is none does nothing, as an operator's would; the run goes
    // on (it used to be discarded).
    step.skip_if_unresolved = true;
    if (!first_fault || step.at < *first_fault) first_fault = step.at;
    if (f.kind == FaultKind::kCrash || f.kind == FaultKind::kStop) {
      AddHostsOf(TargetSelector(m, f.node), s.cluster, may_be_down);
    }
    if (f.kind == FaultKind::kClockOffset || f.kind == FaultKind::kClockDrift) {
      AddHostsOf(TargetSelector(m, f.node), s.cluster, clock_moved);
    }
    if (f.kind == FaultKind::kSlowDisk) AddHostsOf(TargetSelector(m, f.node), s.cluster, disk_slowed);
    network_changed = network_changed || std::holds_alternative<SetNetwork>(step.action);
    steps.push_back(std::move(step));
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.at < b.at; });

  // The healing phase, after every other step.
  steps.push_back(Step{heal_at, Heal{}, {}});
  if (network_changed) {
    SetNetwork restore;
    restore.latency = s.cluster.network.latency;
    restore.jitter = s.cluster.network.jitter;
    restore.drop_ppm = s.cluster.network.drop_ppm;
    restore.duplicate_ppm = s.cluster.network.duplicate_ppm;
    steps.push_back(Step{heal_at, restore, {}});
  }
  for (int h : may_be_down) {
    steps.push_back(Step{heal_at, Restart{HostSelector(m, h), ""}, {}});
  }
  for (int h : clock_moved) {
    steps.push_back(Step{heal_at, Clock{HostSelector(m, h), "", absl::ZeroDuration(), 0}, {}});
  }
  for (int h : disk_slowed) {
    const NodeSelector host = HostSelector(m, h);
    steps.push_back(Step{
        heal_at, SetDisk{host, "", s.cluster.DiskOf(host.host.Name()).sync_latency}, {}});
  }
  s.steps = std::move(steps);

  for (const Expectation& e : base.expectations) {
    const std::optional<sim::Time> end = WindowEnd(e);
    if (end.has_value() && (!first_fault || *end < *first_fault)) s.expectations.push_back(e);
  }
  for (Expectation& e : s.expectations) e.location = SourceLocation{};
  const absl::Duration within = timing.settle;
  s.expectations.push_back(Eventually("a leader after healing", heal_at, within, LeaderElected{}));
  s.expectations.push_back(
      Eventually("every node ready after healing", heal_at, within, AllNodesReady{}));
  s.expectations.push_back(
      Eventually("every agent connected after healing", heal_at, within, AgentsConnected{}));
  for (const Service& svc : s.services) {
    if (removed_services.count(svc.name) > 0) continue;
    s.expectations.push_back(Eventually(absl::StrCat("service ", svc.name, " converged after healing"),
                                        heal_at, within, ServiceConverged{svc.name}));
  }
  return s;
}

}  // namespace explore
}  // namespace scenarios
