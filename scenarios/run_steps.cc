// Applying a scenario's steps to the world at their times.
#include <set>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "scenarios/duration.h"
#include "scenarios/report.h"
#include "scenarios/run_state.h"
#include "sim/check.h"
#include "sim/host.h"

namespace scenarios {

namespace api = swarmsim::api;

// Applies one step; a step that cannot be carried out as written fails the run with a message
// naming the step's line.
class StepApplier {
 public:
  StepApplier(RunState& run, const Step& step) : run_(run), step_(step) {}

  void Apply() { std::visit([this](const auto& action) { Do(action); }, step_.action); }

 private:
  sim::World& world() { return run_.world(); }
  std::string Where() const { return absl::StrCat("step at line ", step_.location.line); }

  std::optional<sim::HostId> Pick(const NodeSelector& selector) {
    std::string why;
    std::optional<sim::HostId> id = run_.Resolve(selector, why);
    if (id.has_value()) return id;
    if (step_.skip_if_unresolved) {
      run_.Note(absl::StrCat(Where(), " (", ActionName(step_.action), ") skipped: ", why));
    } else {
      run_.Fail(absl::StrCat(Where(), " (", ActionName(step_.action), "): ", why));
    }
    return id;
  }
  std::optional<sim::HostId> PickAndBind(const NodeSelector& selector, const std::string& label) {
    std::optional<sim::HostId> id = Pick(selector);
    if (id.has_value()) run_.Bind(label, *id);
    return id;
  }
  // Every host the selector stands for now: a group's members (in natural order), or the one
  // host it resolves to; none when it resolves to nothing (the run has failed then).
  std::vector<sim::HostId> PickAll(const NodeSelector& selector) {
    if (selector.kind == NodeSelector::Kind::kGroup) return run_.Members(selector);
    std::optional<sim::HostId> id = Pick(selector);
    if (!id) return {};
    return {*id};
  }
  // Applies `act` to every host the selector stands for, binding `label` (never given with a
  // group: the loader rejects that) to the host first.
  template <typename Act>
  void ForEachHost(const NodeSelector& selector, const std::string& label, Act act) {
    for (sim::HostId id : PickAll(selector)) {
      run_.Bind(label, id);
      act(id);
    }
  }
  std::string Named(sim::HostId id, const NodeSelector& selector) const {
    const std::string& name = run_.NameOf(id);
    return selector.text == name ? name : absl::StrCat(name, " (", selector.text, ")");
  }

  // "crashed" / "stopped" when the host is down, else empty: a crash or stop of a host that is
  // already down does nothing, which is worth a warning (the scenario probably meant another).
  std::string DownState(sim::HostId id) {
    const sim::HostState state = world().host(id).state();
    if (state == sim::HostState::kCrashed) return "crashed";
    if (state == sim::HostState::kStopped) return "stopped";
    return "";
  }
  void Do(const Crash& a) {
    ForEachHost(a.node, a.label, [&](sim::HostId id) {
      const std::string down = DownState(id);
      run_.Note(down.empty() ? absl::StrCat("crash ", Named(id, a.node), ": power off")
                             : absl::StrCat("crash ", Named(id, a.node), ": warning: already ",
                                            down, ", nothing to do"));
      world().CrashHost(id);  // A no-op on a crashed host; a stopped one is marked crashed.
    });
  }
  void Do(const Stop& a) {
    ForEachHost(a.node, a.label, [&](sim::HostId id) {
      const std::string down = DownState(id);
      run_.Note(down.empty() ? absl::StrCat("stop ", Named(id, a.node), ": graceful shutdown")
                             : absl::StrCat("stop ", Named(id, a.node), ": warning: already ",
                                            down, ", nothing to do"));
      world().StopHost(id);  // A no-op on a host that is down.
    });
  }
  void Do(const Restart& a) {
    ForEachHost(a.node, a.label, [&](sim::HostId id) {
      const sim::HostState state = world().host(id).state();
      if (state == sim::HostState::kRunning || state == sim::HostState::kPaused) {
        run_.Note(absl::StrCat("restart ", Named(id, a.node), ": already up, nothing to do"));
        return;
      }
      run_.Note(absl::StrCat("restart ", Named(id, a.node)));
      world().StartHost(id);
    });
  }
  void Do(const Pause& a) {
    ForEachHost(a.node, a.label, [&](sim::HostId id) {
      if (world().host(id).state() != sim::HostState::kRunning) {
        run_.Note(absl::StrCat("pause ", Named(id, a.node), ": not running, nothing to do"));
        return;
      }
      run_.Note(absl::StrCat("pause ", Named(id, a.node), " for ", FormatDurationExact(a.duration)));
      world().PauseHost(id);
      RunState* run = &run_;
      world().After(a.duration, [run, id]() {
        if (run->world().host(id).state() != sim::HostState::kPaused) return;
        run->Note(absl::StrCat("resume ", run->NameOf(id)));
        run->world().ResumeHost(id);
      });
    });
  }
  void Do(const Isolate& a) {
    ForEachHost(a.node, a.label, [&](sim::HostId id) {
      run_.Note(absl::StrCat("isolate ", Named(id, a.node),
                             a.duration ? absl::StrCat(" for ", FormatDurationExact(*a.duration))
                                        : ""));
      world().network().Isolate(id);
      if (a.duration) {
        RunState* run = &run_;
        world().After(*a.duration, [run, id]() {
          run->Note(absl::StrCat("isolation of ", run->NameOf(id), " ends"));
          run->world().network().Unisolate(id);
        });
      }
    });
  }
  void Do(const Partition& a) {
    std::vector<std::vector<sim::HostId>> sides;
    std::vector<std::string> described;
    std::vector<bool> seen(run_.all_hosts().size(), false);
    for (const std::vector<NodeSelector>& side : a.sides) {
      std::vector<sim::HostId> ids;
      std::vector<std::string> names;
      for (const NodeSelector& selector : side) {
        const std::vector<sim::HostId> picked = PickAll(selector);
        if (picked.empty()) return;
        for (sim::HostId id : picked) {
          if (seen[id]) {
            run_.Fail(absl::StrCat(Where(), " (partition): ", run_.NameOf(id), " is in two sides"));
            return;
          }
          seen[id] = true;
          ids.push_back(id);
          names.push_back(run_.NameOf(id));
        }
      }
      sides.push_back(ids);
      described.push_back(absl::StrCat("{", absl::StrJoin(names, " "), "}"));
    }
    run_.Note(absl::StrCat("partition ", absl::StrJoin(described, " | ")));
    world().network().Partition(sides);
  }
  void Do(const Cut& a) {
    const std::vector<sim::HostId> tos = PickAll(a.to);
    if (tos.empty()) return;
    for (sim::HostId to : tos) run_.Bind(a.label, to);
    std::vector<sim::HostId> froms = a.from ? PickAll(*a.from) : run_.all_hosts();
    if (froms.empty()) return;
    run_.Note(absl::StrCat("cut ", a.from ? Names(froms, *a.from) : "every host", " -> ",
                           Names(tos, a.to), " (one way)"));
    for (sim::HostId from : froms) {
      for (sim::HostId to : tos) {
        if (from != to) world().network().Cut(from, to);
      }
    }
  }
  // "m2", "m2 (leader)", "w1 w2 w3 (rackA)": the hosts a selector stood for, for the timeline.
  std::string Names(const std::vector<sim::HostId>& ids, const NodeSelector& selector) const {
    if (ids.size() == 1) return Named(ids[0], selector);
    std::vector<std::string> names;
    for (sim::HostId id : ids) names.push_back(run_.NameOf(id));
    return absl::StrCat(absl::StrJoin(names, " "), " (", selector.text, ")");
  }
  void Do(const Heal&) {
    run_.Note("heal: every partition, cut and isolation removed");
    world().network().HealAll();
  }
  void Do(const SetNetwork& a) {
    std::vector<sim::HostId> froms;
    std::vector<sim::HostId> tos;
    if (a.from) {
      froms = PickAll(*a.from);
      if (froms.empty()) return;
    }
    if (a.to) {
      tos = PickAll(*a.to);
      if (tos.empty()) return;
    }
    auto change = [&a](sim::LinkConfig link) {
      if (a.latency) link.latency = *a.latency;
      if (a.jitter) link.jitter = *a.jitter;
      if (a.drop_ppm) link.loss = sim::Ratio::Ppm(*a.drop_ppm);
      if (a.duplicate_ppm) link.duplicate = sim::Ratio::Ppm(*a.duplicate_ppm);
      return link;
    };
    std::vector<std::string> what;
    if (a.latency) what.push_back(absl::StrCat("latency ", FormatDurationExact(*a.latency)));
    if (a.jitter) what.push_back(absl::StrCat("jitter ", FormatDurationExact(*a.jitter)));
    if (a.drop_ppm) what.push_back(absl::StrCat("drop ", FormatRatioPpm(*a.drop_ppm)));
    if (a.duplicate_ppm) what.push_back(absl::StrCat("duplicate ", FormatRatioPpm(*a.duplicate_ppm)));
    run_.Note(absl::StrCat("set_network ", a.from ? Names(froms, *a.from) : "*", " -> ",
                           a.to ? Names(tos, *a.to) : "*", ": ", absl::StrJoin(what, ", ")));
    if (froms.empty() && tos.empty()) {
      world().network().set_default_link(change(world().network().default_link()));
    }
    if (froms.empty()) froms = run_.all_hosts();
    if (tos.empty()) tos = run_.all_hosts();
    for (sim::HostId from : froms) {
      for (sim::HostId to : tos) {
        if (from == to) continue;
        world().network().SetLink(from, to, change(world().network().link(from, to)));
      }
    }
  }
  void Do(const Clock& a) {
    ForEachHost(a.node, a.label, [&](sim::HostId id) {
      const sim::HostClock& old = world().host(id).clock();
      const absl::Duration offset = a.offset ? *a.offset : old.offset();
      const int64_t drift = a.drift_ppm ? *a.drift_ppm : old.drift_ppm();
      run_.Note(absl::StrCat("clock of ", Named(id, a.node), ": offset ",
                             FormatDurationExact(offset), ", drift ", drift, " ppm"));
      world().SetClock(id, sim::HostClock(offset, drift));
    });
  }

  // The manager a control-API call enters through. With `via`, the host it names (the call is
  // refused UNAVAILABLE when that host is down or runs no manager, as a CLI that cannot reach
  // its daemon fails). Without, what an operator's CLI pointed at a working manager does: the
  // first manager in host order (m1, m2, ..., then promoted workers) that is up and can reach
  // the signalled leader both ways (the leader itself counts); when none can, or there is no
  // leader, the first manager that is up. `why` says which rule chose it, for the report.
  sim::HostId ControlEntry(std::string& why) {
    if (step_.via.has_value()) {
      std::string unresolved;
      std::optional<sim::HostId> id = run_.Resolve(*step_.via, unresolved);
      if (!id.has_value()) {
        why = unresolved;
        return sim::kNoHost;
      }
      why = absl::StrCat("as the step says (via: \"", step_.via->text, "\")");
      return *id;
    }
    const sim::HostId leader = run_.SignalledLeader();
    sim::HostId first_up = sim::kNoHost;
    for (sim::HostId id : run_.manager_candidates()) {
      swarmsim::process::NodeProcess* node = run_.Node(id);
      if (node == nullptr || !node->is_manager()) continue;
      if (first_up == sim::kNoHost) first_up = id;
      if (leader == sim::kNoHost) break;
      if (id == leader || (world().network().Reachable(id, leader) &&
                           world().network().Reachable(leader, id))) {
        why = id == leader ? "the first manager up that reaches the leader: the leader itself"
                           : absl::StrCat("the first manager up that reaches the leader ",
                                          run_.NameOf(leader));
        return id;
      }
    }
    if (first_up == sim::kNoHost) {
      why = "no manager is up";
      return sim::kNoHost;
    }
    why = leader == sim::kNoHost ? "the first manager up (there is no leader)"
                                 : "the first manager up (none reaches the leader)";
    return first_up;
  }
  void Submit(swarmsim::process::ControlRequest request, std::string what) {
    std::string why;
    const sim::HostId host = ControlEntry(why);
    ControlCallResult call;
    call.what = what;
    call.at_ns = world().now().nanos();
    call.may_be_lost = step_.may_be_lost;
    call.via = host == sim::kNoHost ? "" : run_.NameOf(host);
    const size_t index = run_.AddControlCall(call);
    const std::string unreachable =
        host == sim::kNoHost ? why : ControlApiUnreachable(&run_, host);
    if (!unreachable.empty()) {
      RefuseControlCall(&run_, index, what, unreachable);
      return;
    }
    const bool paused = world().host(host).state() == sim::HostState::kPaused;
    run_.Note(absl::StrCat(what, " (control API via ", run_.NameOf(host), ", ", why, ")",
                           paused ? " (paused: the call waits for it)" : "",
                           step_.may_be_lost ? " (may be lost)" : ""));
    HandControlCall(&run_, host, std::move(request), std::move(what), index);
  }
  // Why the control API on `host` cannot take a call now, or "" when it can.
  static std::string ControlApiUnreachable(RunState* run, sim::HostId host) {
    swarmsim::process::NodeProcess* node = run->Node(host);
    if (node != nullptr && node->is_manager()) return "";
    return absl::StrCat("cannot reach the control API on ", run->NameOf(host), ": ",
                        node == nullptr ? "the host is down" : "it runs no manager");
  }
  static void RefuseControlCall(RunState* run, size_t index, const std::string& what,
                                const std::string& reason) {
    run->Note(absl::StrCat(what, " (control API): refused: UNAVAILABLE: ", reason));
    run->AnswerControlCall(index, absl::UnavailableError(reason));
  }
  // Hands the call to the entry manager's control API. A paused host takes it once it resumes
  // (the request waits in its socket, as with a frozen daemon: checked every
  // kPausedEntryPoll); one that went down or stopped being a manager meanwhile refuses it.
  static void HandControlCall(RunState* run, sim::HostId host,
                              swarmsim::process::ControlRequest request, std::string what,
                              size_t index) {
    constexpr absl::Duration kPausedEntryPoll = absl::Milliseconds(100);
    sim::World& world = run->world();
    if (world.host(host).state() == sim::HostState::kPaused) {
      world.After(kPausedEntryPoll, [run, host, request, what, index]() {
        HandControlCall(run, host, request, what, index);
      });
      return;
    }
    const std::string unreachable = ControlApiUnreachable(run, host);
    if (!unreachable.empty()) {
      RefuseControlCall(run, index, what, unreachable);
      return;
    }
    swarmsim::process::NodeProcess* node = run->Node(host);
    node->SubmitControl(world.host(host).context(), std::move(request),
                        [run, what, index](sim::Context&, absl::Status status) {
                          run->Note(status.ok()
                                        ? absl::StrCat(what, ": done")
                                        : absl::StrCat(what, ": refused: ",
                                                       absl::StatusCodeToString(status.code()),
                                                       ": ", status.message()));
                          run->AnswerControlCall(index, status);
                        });
  }
  void Do(const ScaleService& a) {
    const api::Service* service = run_.FindService(a.name);
    if (service == nullptr) {
      run_.Fail(absl::StrCat(Where(), " (scale_service): service ", a.name, " does not exist yet"));
      return;
    }
    api::UpdateServiceRequest request;
    request.set_service_id(service->id());
    request.set_version(service->meta().version());
    *request.mutable_spec() = service->spec();
    request.mutable_spec()->set_replicas(static_cast<uint64_t>(a.replicas));
    Submit(request, absl::StrCat("scale ", a.name, " to ", a.replicas));
  }
  void Do(const RemoveService& a) {
    const api::Service* service = run_.FindService(a.name);
    if (service == nullptr) {
      run_.Fail(absl::StrCat(Where(), " (remove_service): service ", a.name, " does not exist"));
      return;
    }
    api::RemoveServiceRequest request;
    request.set_service_id(service->id());
    Submit(request, absl::StrCat("remove service ", a.name));
  }
  // An UpdateNode request from the committed node object with `edit` applied to its spec.
  template <typename Edit>
  void UpdateNode(const NodeSelector& selector, const std::string& label, const std::string& what,
                  Edit edit) {
    ForEachHost(selector, label, [&](sim::HostId id) {
      const api::Node* node = run_.committed().store().GetNode(run_.NameOf(id));
      if (node == nullptr) {
        run_.Fail(absl::StrCat(Where(), ": node ", run_.NameOf(id), " is not in the store yet"));
        return;
      }
      api::UpdateNodeRequest request;
      request.set_node_id(node->id());
      request.set_version(node->meta().version());
      *request.mutable_spec() = node->spec();
      edit(*request.mutable_spec());
      Submit(request, absl::StrCat(what, " ", Named(id, selector)));
    });
  }
  void Do(const Promote& a) {
    if (a.node.kind == NodeSelector::Kind::kGroup) {
      for (sim::HostId id : run_.Members(a.node)) run_.AddManagerCandidate(id);
    } else {
      std::string why;
      if (std::optional<sim::HostId> id = run_.Resolve(a.node, why)) run_.AddManagerCandidate(*id);
    }
    UpdateNode(a.node, a.label, "promote",
               [](api::NodeSpec& spec) { spec.set_desired_role(api::NODE_ROLE_MANAGER); });
  }
  void Do(const Demote& a) {
    UpdateNode(a.node, a.label, "demote",
               [](api::NodeSpec& spec) { spec.set_desired_role(api::NODE_ROLE_WORKER); });
  }
  void Do(const SetAvailability& a) {
    const api::NodeAvailability availability =
        a.availability == Availability::kActive  ? api::AVAILABILITY_ACTIVE
        : a.availability == Availability::kPause ? api::AVAILABILITY_PAUSE
                                                 : api::AVAILABILITY_DRAIN;
    UpdateNode(a.node, a.label,
               absl::StrCat("set availability ", api::NodeAvailability_Name(availability), " on"),
               [availability](api::NodeSpec& spec) { spec.set_availability(availability); });
  }
  void Do(const SetDisk& a) {
    ForEachHost(a.node, a.label, [&](sim::HostId id) {
      run_.Note(absl::StrCat("set_disk ", Named(id, a.node), ": sync latency ",
                             FormatDurationExact(a.sync_latency)));
      run_.sync_latency_[id] = a.sync_latency;  // For the host's next processes.
      if (swarmsim::process::NodeProcess* node = run_.Node(id)) {
        node->SetSyncLatency(a.sync_latency);
      }
    });
  }
  void Do(const TransferLeadership& a) {
    auto to = PickAndBind(a.to, a.label);
    if (!to) return;
    const sim::HostId leader = run_.RaftLeader();
    if (leader == sim::kNoHost) {
      run_.Fail(absl::StrCat(Where(), " (transfer_leadership): no leader"));
      return;
    }
    swarmsim::process::NodeProcess* target = run_.Node(*to);
    if (target == nullptr || target->raft() == nullptr) {
      run_.Fail(absl::StrCat(Where(), " (transfer_leadership): ", run_.NameOf(*to),
                             " is not a running manager"));
      return;
    }
    const std::string what = absl::StrCat("transfer leadership ", run_.NameOf(leader), " -> ",
                                          run_.NameOf(*to));
    if (*to == leader) {
      // Raft ignores a transfer to the leader itself; say so instead of waiting for a timeout.
      run_.Note(absl::StrCat(what, ": already the leader, nothing to do"));
      return;
    }
    run_.Note(what);
    RunState* run = &run_;
    run_.Node(leader)->TransferLeadership(
        world().host(leader).context(), target->raft()->raft_id(),
        [run, what](sim::Context&, absl::Status status) {
          if (!status.ok()) run->Note(absl::StrCat(what, ": failed: ", status.ToString()));
        });
  }

  RunState& run_;
  const Step& step_;
};

size_t RunState::AddControlCall(ControlCallResult call) {
  call.outcome = "pending";
  control_calls_.push_back(std::move(call));
  return control_calls_.size() - 1;
}

void RunState::AnswerControlCall(size_t index, const absl::Status& status) {
  SIM_CHECK_LT(index, control_calls_.size());
  ControlCallResult& call = control_calls_[index];
  if (call.outcome != "pending") return;  // One answer per call.
  call.answered_ns = world_->now().nanos();
  call.outcome = status.ok() ? "done" : "refused";
  if (!status.ok()) {
    call.code = absl::StatusCodeToString(status.code());
    call.message = std::string(status.message());
  }
}

void RunState::RunStep(size_t i) {
  const Step& s = scenario_.steps[i];
  MarkDirty();
  if (!error_.empty()) return;  // The run already failed; keep the record of why clean.
  // The trace says what the scenario did, not only what followed (viz draws these). Steps are
  // named by their position, not their line: comments and a pinned golden_digest move lines
  // without changing the run.
  world_->TraceWorld("scenario.step",
                     {{"action", ActionName(s.action)}, {"step", static_cast<int64_t>(i) + 1}});
  const size_t noted = timeline_.size();
  StepApplier(*this, s).Apply();
  // What the step did, as the report's timeline says it ("partition {m1} | {m2 m3}", "crash m3
  // (leader): power off"), one record per line: the step record above cannot say it (selectors
  // resolve while the step runs), and viz labels the step's marker with it.
  for (size_t k = noted; k < timeline_.size(); ++k) {
    world_->TraceWorld("scenario.note",
                       {{"step", static_cast<int64_t>(i) + 1}, {"text", timeline_[k].what}});
  }
}

// Order at one instant: events run in the order they were scheduled (sim/event_queue.h). Timed
// steps and the arming of triggers are all scheduled before the run starts, in file order, so
// they run first, in file order, before anything else of that instant. A triggered step is
// scheduled when its record is seen, so it runs after every timed step of the instant it fires
// at; two triggered steps firing at one instant run in the order their records were seen, and
// in file order when one record fires both.
void RunState::ScheduleSteps() {
  for (size_t i = 0; i < scenario_.steps.size(); ++i) {
    const Step& s = scenario_.steps[i];
    if (!s.trigger.has_value()) {
      world_->At(s.at, [this, i]() { RunStep(i); });
      continue;
    }
    TriggerResult& result = trigger_results_[i];
    result.line = s.location.line;
    result.action = ActionName(s.action);
    result.event = s.trigger->event;
    result.armed_ns = s.at.nanos();
    // Armed by an event of its own, so that records of earlier instants never match.
    world_->At(s.at, [this, i]() { armed_triggers_.push_back(i); });
  }
  // Only a scenario with triggers pays for looking at every record; and while none is armed,
  // looking is one emptiness test.
  if (!trigger_results_.empty()) {
    std::set<std::string> events;
    for (const auto& [i, result] : trigger_results_) events.insert(result.event);
    world_->trace().AddObserver(
        [this](const sim::TraceRecord& record) {
          if (!armed_triggers_.empty()) ObserveForTriggers(record);
        },
        [events](absl::string_view kind) { return events.count(std::string(kind)) > 0; });
  }
}

bool RunState::TriggerMatches(const Trigger& trigger, const sim::TraceRecord& record) {
  if (record.kind != trigger.event) return false;
  for (const auto& [key, value] : trigger.where) {
    const sim::TraceRecord::Field* field = record.Find(key);
    if (field == nullptr) return false;
    if (field->is_string) {
      if (field->str_value != value) return false;
    } else {
      int64_t number = 0;
      if (!absl::SimpleAtoi(value, &number) || number != field->int_value) return false;
    }
  }
  if (!trigger.node.has_value()) return true;
  if (record.host == sim::kNoHost) return false;
  if (trigger.node->kind == NodeSelector::Kind::kGroup) {
    for (sim::HostId id : Members(*trigger.node)) {
      if (id == record.host) return true;
    }
    return false;
  }
  // Resolved now: `leader` is the leader at the moment of the record; an unbound label (its step
  // has not run) names no host yet.
  std::string why;
  const std::optional<sim::HostId> host = Resolve(*trigger.node, why);
  return host.has_value() && *host == record.host;
}

void RunState::ObserveForTriggers(const sim::TraceRecord& record) {
  for (size_t k = 0; k < armed_triggers_.size();) {
    const size_t i = armed_triggers_[k];
    const Trigger& trigger = *scenario_.steps[i].trigger;
    if (!TriggerMatches(trigger, record)) {
      ++k;
      continue;
    }
    armed_triggers_.erase(armed_triggers_.begin() + static_cast<std::ptrdiff_t>(k));
    TriggerResult& result = trigger_results_[i];
    result.record_ns = record.at.nanos();
    result.record_host = record.host == sim::kNoHost ? "" : NameOf(record.host);
    if (trigger.until.has_value() && record.at + trigger.delay >= *trigger.until) {
      result.too_late = true;  // Disarmed: the step never runs (reported as never fired).
      continue;
    }
    // A step of its own, after the event that traced the record: never inside another host's
    // event handler.
    world_->After(trigger.delay, [this, i]() {
      trigger_results_[i].fired_ns = world_->now().nanos();
      Note(absl::StrCat("trigger of the step at line ", scenario_.steps[i].location.line,
                        " fires (", scenario_.steps[i].trigger->event, " at ",
                        FormatSimTime(trigger_results_[i].record_ns), ")"));
      RunStep(i);
    });
  }
}

}  // namespace scenarios
