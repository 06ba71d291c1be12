// The loader's actions, one case per step kind. Selectors and labels: loader_steps.cc.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "scenarios/loader_internal.h"
#include "sim/check.h"

namespace scenarios {
namespace loader_internal {
namespace {

constexpr int64_t kDriftPpmMax = 500000;

// A group stands for every member in turn; a label binds one host, so not with a group.
std::optional<NodeSelector> NoLabelOnGroup(Validator& v, std::optional<NodeSelector> node,
                                           bool has_label, const Where& where) {
  if (node.has_value() && has_label && node->kind == NodeSelector::Kind::kGroup) {
    v.Error(where.At("label"), absl::StrCat("label: binds one host, but ", Quote(node->text),
                                            " is a group; drop the label or name one host"));
    return std::nullopt;
  }
  return node;
}

// The node of an action that takes `node` and `label`; binds the label (even when the node is
// rejected, so that later uses of the label add no second message).
template <typename A>
std::optional<NodeSelector> NodeAndLabel(Validator& v, const A& action, const Where& where,
                                         absl::string_view name) {
  std::optional<NodeSelector> node = v.RequiredSelector(action.has_node(), action.node(), where,
                                                        name, "node", Use::kStep, Groups::kAllowed);
  if (action.has_label()) v.BindLabel(action.label());
  return NoLabelOnGroup(v, std::move(node), action.has_label(), where);
}

// crash, stop, restart, promote, demote.
template <typename T>
std::optional<Action> Simple(Validator& v, const pb::NodeAction& action, const Where& where,
                             absl::string_view name) {
  const std::optional<NodeSelector> node = NodeAndLabel(v, action, where, name);
  if (!node.has_value()) return std::nullopt;
  return Action(T{*node, action.label()});
}

std::optional<Action> PauseStep(Validator& v, const pb::Pause& p, const Where& where) {
  const std::optional<NodeSelector> node = NodeAndLabel(v, p, where, "pause");
  std::optional<absl::Duration> duration;
  if (p.has_duration()) {
    duration = v.Duration(p.duration(), where.At("duration"), "duration", Sign::kPositive);
  } else {
    v.Missing(where.self(), "pause", "duration");
  }
  if (!node.has_value() || !duration.has_value()) return std::nullopt;
  return Action(Pause{*node, p.label(), *duration});
}

std::optional<Action> IsolateStep(Validator& v, const pb::Isolate& p, const Where& where) {
  const std::optional<NodeSelector> node = NodeAndLabel(v, p, where, "isolate");
  Isolate isolate;
  if (p.has_duration()) {
    isolate.duration = v.Duration(p.duration(), where.At("duration"), "duration", Sign::kPositive);
    if (!isolate.duration.has_value()) return std::nullopt;
  }
  if (!node.has_value()) return std::nullopt;
  isolate.node = *node;
  isolate.label = p.label();
  return Action(std::move(isolate));
}

std::optional<Action> ClockStep(Validator& v, const pb::Clock& c, const Where& where) {
  const std::optional<NodeSelector> node = NodeAndLabel(v, c, where, "clock");
  Clock clock;
  bool valid = node.has_value();
  if (c.has_offset()) {
    clock.offset = v.Duration(c.offset(), where.At("offset"), "offset", Sign::kAny);
    valid = valid && clock.offset.has_value();
  }
  if (c.has_drift_ppm()) {
    clock.drift_ppm =
        v.InRange(c.drift_ppm(), -kDriftPpmMax, kDriftPpmMax, where.At("drift_ppm"), "drift_ppm");
    valid = valid && clock.drift_ppm.has_value();
  }
  if (!c.has_offset() && !c.has_drift_ppm()) {
    v.Error(where.self(), "clock changes nothing: give offset or drift_ppm");
    valid = false;
  }
  if (!valid) return std::nullopt;
  clock.node = *node;
  clock.label = c.label();
  return Action(std::move(clock));
}

}  // namespace

std::optional<Action> Validator::NodeStep(const pb::Step& step, const Where& where) {
  switch (step.action_case()) {
    case pb::Step::kCrash:
      return Simple<Crash>(*this, step.crash(), where.Nested("crash"), "crash");
    case pb::Step::kStop:
      return Simple<Stop>(*this, step.stop(), where.Nested("stop"), "stop");
    case pb::Step::kRestart:
      return Simple<Restart>(*this, step.restart(), where.Nested("restart"), "restart");
    case pb::Step::kDemote:
      return Simple<Demote>(*this, step.demote(), where.Nested("demote"), "demote");
    case pb::Step::kPromote: {
      std::optional<Action> promote =
          Simple<Promote>(*this, step.promote(), where.Nested("promote"), "promote");
      if (promote.has_value()) NotePromotion(std::get<Promote>(*promote).node);
      return promote;
    }
    case pb::Step::kPause:
      return PauseStep(*this, step.pause(), where.Nested("pause"));
    case pb::Step::kIsolate:
      return IsolateStep(*this, step.isolate(), where.Nested("isolate"));
    case pb::Step::kClock:
      return ClockStep(*this, step.clock(), where.Nested("clock"));
    case pb::Step::kTransferLeadership: {
      const pb::TransferLeadership& t = step.transfer_leadership();
      const Where w = where.Nested("transfer_leadership");
      std::optional<NodeSelector> to =
          RequiredSelector(t.has_to(), t.to(), w, "transfer_leadership", "to", Use::kStep);
      if (t.has_label()) BindLabel(t.label());
      if (!to.has_value()) return std::nullopt;
      if (to->kind == NodeSelector::Kind::kLeader) {
        Error(w.At("to"), "to: the leader cannot transfer leadership to itself");
        return std::nullopt;
      }
      if (to->kind == NodeSelector::Kind::kHost && to->host.role == HostRole::kWorker &&
          promoted_workers_.count(to->host.index) == 0) {
        Error(w.At("to"), absl::StrCat("to: ", Quote(to->text),
                                       " is a worker; promote it in an earlier step first"));
        return std::nullopt;
      }
      return Action(TransferLeadership{*to, t.label()});
    }
    case pb::Step::kSetAvailability: {
      const pb::SetAvailability& s = step.set_availability();
      const Where w = where.Nested("set_availability");
      const std::optional<NodeSelector> node = NodeAndLabel(*this, s, w, "set_availability");
      std::optional<Availability> availability;
      switch (s.availability()) {
        case pb::SetAvailability::ACTIVE:
          availability = Availability::kActive;
          break;
        case pb::SetAvailability::PAUSE:
          availability = Availability::kPause;
          break;
        case pb::SetAvailability::DRAIN:
          availability = Availability::kDrain;
          break;
        default:
          Missing(w.self(), "set_availability", "availability (ACTIVE, PAUSE or DRAIN)");
          break;
      }
      if (!node.has_value() || !availability.has_value()) return std::nullopt;
      return Action(SetAvailability{*node, s.label(), *availability});
    }
    case pb::Step::kSetDisk: {
      const pb::SetDisk& d = step.set_disk();
      const Where w = where.Nested("set_disk");
      const std::optional<NodeSelector> node = NodeAndLabel(*this, d, w, "set_disk");
      std::optional<absl::Duration> latency;
      if (d.has_sync_latency()) {
        latency = SyncLatency(d.sync_latency(), w.At("sync_latency"));
      } else {
        Missing(w.self(), "set_disk", "sync_latency");
      }
      if (!node.has_value() || !latency.has_value()) return std::nullopt;
      return Action(SetDisk{*node, d.label(), *latency});
    }
    default:
      SIM_CHECK_MSG(false, absl::StrCat("not a node step: ", step.action_case()));
  }
  return std::nullopt;
}

std::optional<Action> Validator::NetworkStep(const pb::Step& step, const Where& where) {
  switch (step.action_case()) {
    case pb::Step::kHeal:
      return Action(Heal{});
    case pb::Step::kCut: {
      const pb::Cut& c = step.cut();
      const Where w = where.Nested("cut");
      std::optional<NodeSelector> from;  // absent: every host but `to`
      bool valid = true;
      if (c.has_from()) {
        from = Selector(c.from(), w.At("from"), "from", Use::kStep, Groups::kAllowed);
        valid = from.has_value();
      }
      std::optional<NodeSelector> to =
          RequiredSelector(c.has_to(), c.to(), w, "cut", "to", Use::kStep, Groups::kAllowed);
      if (c.has_label()) BindLabel(c.label());
      to = NoLabelOnGroup(*this, std::move(to), c.has_label(), w);
      if (!valid || !to.has_value()) return std::nullopt;
      if (from.has_value() && from->text == to->text) {
        Error(w.At("to"), absl::StrCat("to: the same node as from (", Quote(to->text), ")"));
        return std::nullopt;
      }
      return Action(Cut{from, *to, c.label()});
    }
    case pb::Step::kPartition: {
      const pb::Partition& p = step.partition();
      const Where w = where.Nested("partition");
      const int sides = p.side_size();
      if (sides < 2) {
        Error(w.self(), "partition needs at least two sides, e.g. side { nodes: [\"m1\"] }");
        return std::nullopt;
      }
      Partition partition;
      bool valid = true;
      std::map<std::string, int> side_of;  // selector text -> 1-based side
      for (int s = 0; s < sides; ++s) {
        const pb::Side& side = p.side(s);
        const Where sw = w.Nested("side", s, sides);
        const int n = side.nodes_size();
        if (n == 0) {
          Error(sw.self(), "side has no nodes");
          valid = false;
        }
        std::vector<NodeSelector> typed;
        for (int k = 0; k < n; ++k) {
          const SourceLocation at = sw.At("nodes", k, n);
          const std::optional<NodeSelector> node =
              Selector(side.nodes(k), at, "nodes", Use::kStep, Groups::kAllowed);
          if (!node.has_value()) {
            valid = false;
            continue;
          }
          const auto [it, inserted] = side_of.emplace(node->text, s + 1);
          if (!inserted) {
            Error(at,
                  absl::StrCat("nodes: ", Quote(node->text), " is already in side ", it->second));
            valid = false;
            continue;
          }
          typed.push_back(*node);
        }
        partition.sides.push_back(std::move(typed));
      }
      if (!valid) return std::nullopt;
      return Action(std::move(partition));
    }
    case pb::Step::kSetNetwork: {
      const pb::SetNetwork& s = step.set_network();
      const Where w = where.Nested("set_network");
      SetNetwork change;
      bool valid = true;
      if (s.has_from()) {
        change.from = Selector(s.from(), w.At("from"), "from", Use::kStep, Groups::kAllowed);
        valid = valid && change.from.has_value();
      }
      if (s.has_to()) {
        change.to = Selector(s.to(), w.At("to"), "to", Use::kStep, Groups::kAllowed);
        valid = valid && change.to.has_value();
      }
      if (s.has_latency()) {
        change.latency = Duration(s.latency(), w.At("latency"), "latency", Sign::kNonNegative);
        valid = valid && change.latency.has_value();
      }
      if (s.has_jitter()) {
        change.jitter = Duration(s.jitter(), w.At("jitter"), "jitter", Sign::kNonNegative);
        valid = valid && change.jitter.has_value();
      }
      if (s.has_drop()) {
        change.drop_ppm = Ratio(s.drop(), w.At("drop"), "drop");
        valid = valid && change.drop_ppm.has_value();
      }
      if (s.has_duplicate()) {
        change.duplicate_ppm = Ratio(s.duplicate(), w.At("duplicate"), "duplicate");
        valid = valid && change.duplicate_ppm.has_value();
      }
      if (!s.has_latency() && !s.has_jitter() && !s.has_drop() && !s.has_duplicate()) {
        Error(w.self(), "set_network changes nothing: give latency, jitter, drop or duplicate");
        valid = false;
      }
      if (!valid) return std::nullopt;
      return Action(std::move(change));
    }
    default:
      SIM_CHECK_MSG(false, absl::StrCat("not a network step: ", step.action_case()));
  }
  return std::nullopt;
}

std::optional<Action> Validator::ControlStep(const pb::Step& step, const Where& where) {
  switch (step.action_case()) {
    case pb::Step::kScaleService: {
      const pb::ScaleService& s = step.scale_service();
      const Where w = where.Nested("scale_service");
      bool valid = true;
      if (!s.has_name()) {
        Missing(w.self(), "scale_service", "name");
        valid = false;
      } else {
        valid = IsLiveService(s.name(), w.At("name"), "name");
      }
      std::optional<int64_t> replicas;
      if (s.has_replicas()) {
        replicas = InRange(s.replicas(), 0, kReplicasMax, w.At("replicas"), "replicas");
      } else {
        Missing(w.self(), "scale_service", "replicas");
      }
      if (!valid || !replicas.has_value()) return std::nullopt;
      return Action(ScaleService{s.name(), *replicas});
    }
    case pb::Step::kRemoveService: {
      const pb::RemoveService& r = step.remove_service();
      const Where w = where.Nested("remove_service");
      if (!r.has_name()) {
        Missing(w.self(), "remove_service", "name");
        return std::nullopt;
      }
      if (!IsLiveService(r.name(), w.At("name"), "name")) return std::nullopt;
      removed_services_[r.name()] = where.self().line;
      return Action(RemoveService{r.name()});
    }
    default:
      SIM_CHECK_MSG(false, absl::StrCat("not a control step: ", step.action_case()));
  }
  return std::nullopt;
}

}  // namespace loader_internal
}  // namespace scenarios
