#include "scenarios/explore/plan.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace scenarios {
namespace explore {
namespace {

struct KindInfo {
  FaultKind kind;
  const char* name;
  int weight;
};

// Crashes and partitions find the most (leader changes, lost writes, split votes); heal is
// rare because the healing phase heals anyway.
constexpr KindInfo kKinds[kFaultKindCount] = {
    {FaultKind::kCrash, "crash", 4},          {FaultKind::kStop, "stop", 2},
    {FaultKind::kRestart, "restart", 2},      {FaultKind::kPause, "pause", 2},
    {FaultKind::kIsolate, "isolate", 2},      {FaultKind::kPartition, "partition", 3},
    {FaultKind::kCut, "cut", 2},              {FaultKind::kHeal, "heal", 1},
    {FaultKind::kDrop, "drop", 2},            {FaultKind::kDuplicate, "duplicate", 1},
    {FaultKind::kLatency, "latency", 1},      {FaultKind::kClockOffset, "clock_offset", 1},
    {FaultKind::kClockDrift, "clock_drift", 1}, {FaultKind::kSlowDisk, "slow_disk", 1},
};

constexpr char kTriggerFeature[] = "trigger";
constexpr char kFaultPointsFeature[] = "fault_points";
constexpr char kLargeEntriesFeature[] = "large_entries";

bool NeedsTwoHosts(FaultKind kind) {
  return kind == FaultKind::kPartition || kind == FaultKind::kCut;
}

rc::Gen<int> GenHost(int hosts) { return rc::gen::inRange(0, hosts); }

}  // namespace

rc::Gen<bool> Chance(size_t one_in) {
  return [one_in](const rc::Random& random, int /*size*/) {
    // weightedElement's draw: next() % (sum of weights), the second element from one_in - 1 on.
    const bool value = rc::Random(random).next() % one_in == one_in - 1;
    return rc::shrinkable::shrinkRecur(
        value, [](bool b) { return b ? rc::seq::just(false) : rc::Seq<bool>(); });
  };
}

namespace {

bool HasNodeTarget(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrash:
    case FaultKind::kStop:
    case FaultKind::kRestart:
    case FaultKind::kPause:
    case FaultKind::kIsolate:
    case FaultKind::kClockOffset:
    case FaultKind::kClockDrift:
    case FaultKind::kSlowDisk:
      return true;
    default:
      return false;
  }
}

// One step in four fires on a protocol moment; the delay is mostly none or 1 ms (the window a
// time grid never hits: "crash right after it sends a vote"), sometimes up to 2 s.
std::optional<TriggerPlan> GenTrigger(const PlanSpace& space, const Fault& f) {
  if (!space.triggers || !*Chance(4)) {
    return std::nullopt;
  }
  TriggerPlan t;
  t.moment = *rc::gen::inRange(0, static_cast<int>(TriggerMoments().size()));
  const TriggerMoment& m = TriggerMoments()[static_cast<size_t>(t.moment)];
  const bool target_fits =
      HasNodeTarget(f.kind) && (!m.managers_only || f.node.leader || f.node.host < space.managers);
  t.on_target = target_fits && *rc::gen::arbitrary<bool>();
  t.delay_ms = *rc::gen::weightedOneOf<int64_t>({{2, rc::gen::just<int64_t>(0)},
                                                 {1, rc::gen::just<int64_t>(1)},
                                                 {1, rc::gen::inRange<int64_t>(0, 2001)}});
  return t;
}

// A manager twice as often as a worker (when there are workers), `leader` one time in seven:
// a step on `leader` while there is none ends the run's steps (the runner fails it there), and
// explore discards such a run, so `leader` is kept rare.
rc::Gen<Target> GenTarget(const PlanSpace& space) {
  const int managers = space.managers;
  const int workers = space.workers;
  rc::Gen<Target> manager =
      rc::gen::map(rc::gen::inRange(0, managers), [](int h) { return Target{false, h}; });
  rc::Gen<Target> leader = rc::gen::just(Target{true, 0});
  if (workers == 0) return rc::gen::weightedOneOf<Target>({{6, manager}, {1, leader}});
  rc::Gen<Target> worker = rc::gen::map(rc::gen::inRange(managers, managers + workers),
                                        [](int h) { return Target{false, h}; });
  return rc::gen::weightedOneOf<Target>({{4, manager}, {1, leader}, {2, worker}});
}

// An end of a set_network: one host (as often as) every host.
rc::Gen<int> GenLinkEnd(int hosts) {
  return rc::gen::weightedOneOf<int>({{1, rc::gen::just(-1)}, {1, GenHost(hosts)}});
}

// The kind by weight among `kinds`: an index into the cumulative weights, so that it shrinks
// toward the first kind allowed.
FaultKind PickKind(const std::vector<FaultKind>& kinds) {
  int total = 0;
  for (FaultKind k : kinds) total += FaultKindWeight(k);
  int r = *rc::gen::inRange(0, total);
  for (FaultKind k : kinds) {
    r -= FaultKindWeight(k);
    if (r < 0) return k;
  }
  return kinds.back();
}

// At the nominal size whatever the size of the container it goes in (rapidcheck scales ranges
// with the size, and the container's size is its length bound).
rc::Gen<Fault> GenFault(const PlanSpace& space, const std::vector<FaultKind>& kinds) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::exec([space, kinds] {
    const int hosts = space.managers + space.workers;
    Fault f;
    f.kind = PickKind(kinds);
    f.at_ds = *rc::gen::inRange<int64_t>(0, space.window_ds + 1);
    switch (f.kind) {
      case FaultKind::kCrash:
      case FaultKind::kStop:
      case FaultKind::kRestart:
        f.node = *GenTarget(space);
        break;
      case FaultKind::kPause:
        f.node = *GenTarget(space);
        f.seconds = *rc::gen::inRange<int64_t>(1, 61);
        break;
      case FaultKind::kIsolate:
        f.node = *GenTarget(space);
        f.seconds = *rc::gen::weightedOneOf<int64_t>(
            {{1, rc::gen::just<int64_t>(0)}, {2, rc::gen::inRange<int64_t>(1, 121)}});
        break;
      case FaultKind::kPartition: {
        // Fewer hosts is simpler: the count shrinks toward two, one on each side. Distinct
        // hosts without a filter (a filter can give up): the k-th is drawn among the hosts not
        // picked yet, so every draw shrinks toward the lowest host left.
        const int n = *rc::gen::inRange(2, std::min(hosts, 5) + 1);
        std::vector<int> left(static_cast<size_t>(hosts));
        for (int h = 0; h < hosts; ++h) left[static_cast<size_t>(h)] = h;
        std::vector<int> picked;
        for (int k = 0; k < n; ++k) {
          const int i = *rc::gen::inRange(0, hosts - k);
          picked.push_back(left[static_cast<size_t>(i)]);
          left.erase(left.begin() + i);
        }
        const int split = *rc::gen::inRange(1, n);
        f.side_a.assign(picked.begin(), picked.begin() + split);
        f.side_b.assign(picked.begin() + split, picked.end());
        std::sort(f.side_a.begin(), f.side_a.end());
        std::sort(f.side_b.begin(), f.side_b.end());
        break;
      }
      case FaultKind::kCut: {
        f.from = *GenHost(hosts);
        const int other = *rc::gen::inRange(0, hosts - 1);
        f.to = other >= f.from ? other + 1 : other;
        break;
      }
      case FaultKind::kHeal:
        break;
      case FaultKind::kDrop:
        f.from = *GenLinkEnd(hosts);
        f.to = *GenLinkEnd(hosts);
        f.ppm = static_cast<uint32_t>(*rc::gen::inRange(1, 101)) * 10000;
        break;
      case FaultKind::kDuplicate:
        f.from = *GenLinkEnd(hosts);
        f.to = *GenLinkEnd(hosts);
        f.ppm = static_cast<uint32_t>(*rc::gen::inRange(1, 51)) * 10000;
        break;
      case FaultKind::kLatency:
        f.from = *GenLinkEnd(hosts);
        f.to = *GenLinkEnd(hosts);
        f.latency_ms = *rc::gen::inRange<int64_t>(1, 501);
        f.jitter_ms = *rc::gen::inRange<int64_t>(0, 101);
        break;
      case FaultKind::kClockOffset:
        f.node = *GenTarget(space);
        f.offset_ms = *rc::gen::inRange<int64_t>(-30000, 30001);
        break;
      case FaultKind::kClockDrift:
        f.node = *GenTarget(space);
        f.drift_ppm = *rc::gen::inRange<int64_t>(-50000, 50001);
        break;
      case FaultKind::kSlowDisk:
        f.node = *GenTarget(space);
        f.sync_ms = *rc::gen::inRange<int64_t>(10, 2001);
        break;
    }
    f.trigger = GenTrigger(space, f);
    return f;
  }));
}

}  // namespace

const char* FaultKindName(FaultKind kind) { return kKinds[static_cast<int>(kind)].name; }

int FaultKindWeight(FaultKind kind) { return kKinds[static_cast<int>(kind)].weight; }

const std::vector<FaultKind>& AllFaultKinds() {
  static const std::vector<FaultKind> all = [] {
    std::vector<FaultKind> v;
    for (const KindInfo& k : kKinds) v.push_back(k.kind);
    return v;
  }();
  return all;
}

const std::vector<TriggerMoment>& TriggerMoments() {
  // Each a trace kind a trigger may name (model/check/trace_schema.h) at a moment where SwarmKit
  // depends on timing or partial failure.
  static const std::vector<TriggerMoment> moments = {
      {"raft.vote", "granted", "1", true},             // a node just granted a vote
      {"raft.state", "role", "candidate", true},       // a node starts an election
      {"raft.state", "role", "leader", true},          // a node just became leader
      {"dispatcher.status_batch.started", "", "", true},  // node statuses are being committed
      {"dispatcher.registration.pending", "", "", true},  // a registration waits for its batch
      {"dispatcher.heartbeat.expired", "", "", true},  // a node's heartbeat just expired
      {"task.state", "state", "TASK_STARTING", false}, // a task is starting on an agent
      {"agent.session_start", "", "", false},          // an agent opens a session
  };
  return moments;
}

bool ParseFaults(const std::string& list, PlanSpace& space, std::string& error) {
  std::vector<bool> wanted(kFaultKindCount, false);
  bool triggers = false;
  bool fault_points = false;
  bool large_entries = false;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    bool found = false;
    if (name == kTriggerFeature) {
      triggers = found = true;
      continue;
    }
    if (name == kFaultPointsFeature) {
      fault_points = found = true;
      continue;
    }
    if (name == kLargeEntriesFeature) {
      large_entries = found = true;
      continue;
    }
    for (const KindInfo& k : kKinds) {
      if (name == k.name) {
        wanted[static_cast<int>(k.kind)] = true;
        found = true;
      }
    }
    if (!found) {
      std::vector<std::string> known;
      for (const KindInfo& k : kKinds) known.push_back(k.name);
      known.push_back(kTriggerFeature);
      known.push_back(kFaultPointsFeature);
      known.push_back(kLargeEntriesFeature);
      error = absl::StrCat("unknown fault kind '", name, "' (known: ", absl::StrJoin(known, ", "),
                           ")");
      return false;
    }
  }
  std::vector<FaultKind> kinds;
  for (const KindInfo& k : kKinds) {
    if (wanted[static_cast<int>(k.kind)]) kinds.push_back(k.kind);
  }
  if (kinds.empty()) {
    error = "--faults names no fault step kind (crash, stop, ...)";
    return false;
  }
  space.kinds = std::move(kinds);
  space.triggers = triggers;
  space.fault_points = fault_points;
  space.large_entries = large_entries;
  return true;
}

rc::Gen<Plan> GenPlan(const PlanSpace& space) {
  std::vector<FaultKind> kinds;
  for (FaultKind k : space.kinds) {
    if (!NeedsTwoHosts(k) || space.managers + space.workers >= 2) kinds.push_back(k);
  }
  if (kinds.empty()) kinds.push_back(FaultKind::kCrash);
  return rc::gen::exec([space, kinds] {
    Plan p;
    p.seed = *rc::gen::noShrink(rc::gen::inRange<uint64_t>(1, uint64_t{1} << 31));
    // 1..max_faults steps; the container shrinks by dropping any of them.
    p.faults = *rc::gen::resize(
        space.max_faults,
        rc::gen::nonEmpty(rc::gen::container<std::vector<Fault>>(GenFault(space, kinds))));
    std::stable_sort(p.faults.begin(), p.faults.end(),
                     [](const Fault& a, const Fault& b) { return a.at_ds < b.at_ds; });
    // Half the runs enable fault points: each site one time in four, all firing with one small
    // ratio. Shrinks toward none (each site toward off).
    if (space.fault_points && !space.fault_point_names.empty() && *rc::gen::arbitrary<bool>()) {
      for (size_t i = 0; i < space.fault_point_names.size(); ++i) {
        if (*Chance(4)) {
          p.fault_points.push_back(static_cast<int>(i));
        }
      }
      p.fire_ppm = *rc::gen::element<uint32_t>(1000, 10000, 20000, 50000);
    }
    // One run in four has large entries. Drawn last, so that the draws above (and the plans of
    // a base explored without the feature) are what they were without it. Shrinks toward off.
    if (space.large_entries) {
      p.large_entries = *Chance(4);
    }
    return p;
  });
}

rc::Shrinkable<Plan> GeneratePlan(const PlanSpace& space, uint64_t seed, uint64_t run) {
  // A key of its own per (seed, run): runs are independent and any one can be regenerated
  // alone (by a worker process, or to shrink it). The constant keeps explore's stream apart
  // from other users of rapidcheck with the same numbers.
  const rc::Random random(rc::Random::Key{seed, run, 0x6578706c6f7265ULL /* "explore" */, 0});
  return GenPlan(space)(random, rc::kNominalSize);
}

std::string HostName(const PlanSpace& space, int flat) {
  return flat < space.managers ? absl::StrCat("m", flat + 1)
                               : absl::StrCat("w", flat - space.managers + 1);
}

}  // namespace explore
}  // namespace scenarios
