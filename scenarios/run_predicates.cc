// Expectations: predicates over the running cluster, evaluated online within their windows.
#include <algorithm>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "scenarios/report.h"
#include "scenarios/run_state.h"
#include "sim/check.h"

namespace scenarios {

namespace api = swarmsim::api;

// Evaluates one predicate now. `Holds` is cheap enough to run after every event; `Explain`
// builds the human reason why it does not hold, and runs only when an expectation fails.
class PredicateEvaluator {
 public:
  explicit PredicateEvaluator(RunState& run) : run_(run) {}

  // `state` is the expectation's own (predicates that remember something over their window).
  bool Holds(const Predicate& p, std::string* why, RunState::ExpectState* state = nullptr) {
    why_ = why;
    state_ = state;
    return std::visit([this](const auto& x) { return Eval(x); }, p);
  }

 private:
  bool No(std::string reason) {
    if (why_ != nullptr) *why_ = std::move(reason);
    return false;
  }
  const api::Node* StoreNode(sim::HostId id) {
    return run_.committed().store().GetNode(run_.NameOf(id));
  }
  std::vector<bool> Excluded(const std::vector<NodeSelector>& except) {
    std::vector<bool> out(run_.all_hosts().size(), false);
    for (const NodeSelector& s : except) {
      if (s.kind == NodeSelector::Kind::kGroup) {
        for (sim::HostId id : run_.Members(s)) out[id] = true;
        continue;
      }
      std::optional<sim::HostId> id = run_.ResolveInExpectation(s);
      if (id) out[*id] = true;
    }
    return out;
  }

  bool Eval(const LeaderElected& p) {
    const sim::HostId leader = run_.SignalledLeader();
    if (leader == sim::kNoHost) return No("no manager is a leader that has signalled it");
    if (p.not_node) {
      std::optional<sim::HostId> excluded = run_.ResolveInExpectation(*p.not_node);
      if (excluded && *excluded == leader) {
        return No(absl::StrCat("the leader is ", run_.NameOf(leader), " (", p.not_node->text, ")"));
      }
    }
    if (p.is_node) {
      std::optional<sim::HostId> wanted = run_.ResolveInExpectation(*p.is_node);
      if (!wanted || *wanted != leader) {
        return No(absl::StrCat("the leader is ", run_.NameOf(leader), ", not ", p.is_node->text));
      }
    }
    return true;
  }
  bool Eval(const NoLeader&) {
    const sim::HostId leader = run_.RaftLeader();
    if (leader != sim::kNoHost) return No(absl::StrCat(run_.NameOf(leader), " is leader"));
    return true;
  }
  bool Eval(const AllNodesReady& p) {
    std::vector<bool> excluded = Excluded(p.except);
    for (sim::HostId id : run_.all_hosts()) {
      if (excluded[id] || !run_.IsUp(id)) continue;
      const api::Node* node = StoreNode(id);
      if (node == nullptr) return No(absl::StrCat(run_.NameOf(id), " is not in the store"));
      if (node->status().state() != api::NodeStatus::READY) {
        return No(absl::StrCat(run_.NameOf(id), " is ",
                               api::NodeStatus::State_Name(node->status().state())));
      }
    }
    return true;
  }
  bool Eval(const NodeStatusIs& p) {
    std::optional<sim::HostId> id = run_.ResolveInExpectation(p.node);
    if (!id) return No(absl::StrCat(p.node.text, " names no node yet"));
    const api::Node* node = StoreNode(*id);
    if (node == nullptr) return No(absl::StrCat(run_.NameOf(*id), " is not in the store"));
    const api::NodeStatus::State want = p.state == NodeState::kReady  ? api::NodeStatus::READY
                                        : p.state == NodeState::kDown ? api::NodeStatus::DOWN
                                                                      : api::NodeStatus::UNKNOWN;
    if (node->status().state() != want) {
      return No(absl::StrCat(run_.NameOf(*id), " is ",
                             api::NodeStatus::State_Name(node->status().state())));
    }
    return true;
  }
  bool Eval(const NoNodeDown& p) {
    std::vector<bool> excluded = Excluded(p.except);
    for (sim::HostId id : run_.all_hosts()) {
      if (excluded[id]) continue;
      const api::Node* node = StoreNode(id);
      if (node != nullptr && node->status().state() == api::NodeStatus::DOWN) {
        return No(absl::StrCat(run_.NameOf(id), " is DOWN (", node->status().message(), ")"));
      }
    }
    return true;
  }
  bool Eval(const AgentsConnected& p) {
    const sim::HostId leader = run_.SignalledLeader();
    if (leader == sim::kNoHost) return No("no leader");
    const swarmsim::dispatcher::Dispatcher* dispatcher = run_.Node(leader)->dispatcher();
    if (dispatcher == nullptr || !dispatcher->running()) {
      return No(absl::StrCat("the dispatcher on ", run_.NameOf(leader), " is not running"));
    }
    std::vector<bool> excluded = Excluded(p.except);
    for (sim::HostId id : run_.all_hosts()) {
      if (excluded[id]) continue;
      swarmsim::process::NodeProcess* node = run_.Node(id);
      if (node == nullptr) continue;
      const swarmsim::agent::Agent& agent = node->agent();
      if (!agent.registered()) return No(absl::StrCat(run_.NameOf(id), "'s agent has no session"));
      const swarmsim::dispatcher::RegisteredNode* entry =
          dispatcher->registry().Get(run_.NameOf(id));
      if (entry == nullptr || entry->session_id != agent.session_id()) {
        return No(absl::StrCat(run_.NameOf(id), "'s session ", agent.session_id(),
                               " is not registered with the leader's dispatcher"));
      }
    }
    return true;
  }
  // The control plane's view: what `docker service ls` shows. Its REPLICAS column comes from
  // the leader's store (ListServiceStatuses): tasks reported RUNNING against the spec's
  // replicas. Here only tasks still desired RUNNING count (`docker service ps --filter
  // desired-state=running`), so a replaced task's stale RUNNING copy on a dead node does not
  // make it 11/10. Without a signalled leader the control API answers nothing ("the swarm does
  // not have a leader"), so it does not hold. The store lags reality: a powered-off node's
  // tasks stay RUNNING here until the dispatcher marks the node DOWN and they are replaced, so
  // this answers "does the control plane think my service is up?"; `replicas_running` answers
  // "is it up?".
  bool Eval(const ServiceConverged& p) {
    if (run_.SignalledLeader() == sim::kNoHost) {
      return No("no leader: the control API cannot answer (`docker service ls` fails)");
    }
    const api::Service* service = run_.FindService(p.name);
    if (service == nullptr) return No(absl::StrCat("service ", p.name, " does not exist"));
    const swarmsim::store::MemoryStore& store = run_.committed().store();
    uint64_t running = 0;
    for (const api::Task* task : store.TasksByService(service->id())) {
      if (task->desired_state() > api::TASK_RUNNING) continue;
      if (task->status().state() == api::TASK_RUNNING) ++running;
    }
    if (running != service->spec().replicas()) {
      return No(absl::StrCat("the control plane shows ", p.name, " at ", running, "/",
                             service->spec().replicas(), " (tasks desired and reported RUNNING)"));
    }
    return true;
  }
  // Ground truth: containers actually running on agents that are up.
  bool Eval(const ReplicasRunning& p) {
    const api::Service* service = run_.FindService(p.service);
    const int64_t running = service == nullptr ? 0 : run_.RunningReplicas(*service);
    if (running < p.min) {
      return No(absl::StrCat(running, " replicas of ", p.service,
                             " run on live agents, fewer than ", p.min));
    }
    return true;
  }
  bool Eval(const Committed& p) {
    const sim::HostId leader = run_.RaftLeader();
    if (leader == sim::kNoHost) return No("no leader");
    const uint64_t commit = run_.Node(leader)->raft()->commit();
    if (commit < static_cast<uint64_t>(p.min_index)) {
      return No(absl::StrCat("the leader's commit index is ", commit));
    }
    return true;
  }

  bool Eval(const RaftMembers& p) {
    const sim::HostId leader = run_.SignalledLeader();
    if (leader == sim::kNoHost) return No("no leader");
    std::vector<std::string> have;
    for (const api::RaftMember& m : run_.Node(leader)->raft()->Members()) have.push_back(m.node_id());
    std::sort(have.begin(), have.end(), NaturalLess);
    std::vector<std::string> want;
    for (const NodeSelector& s : p.nodes) {
      std::optional<sim::HostId> id = run_.ResolveInExpectation(s);
      if (!id) return No(absl::StrCat(s.text, " names no node yet"));
      want.push_back(run_.NameOf(*id));
    }
    std::sort(want.begin(), want.end(), NaturalLess);
    if (have != want) {
      return No(absl::StrCat("the members are ", absl::StrJoin(have, " "), ", not ",
                             absl::StrJoin(want, " ")));
    }
    return true;
  }

  bool Eval(const SessionUnchanged& p) {
    std::optional<sim::HostId> id = run_.ResolveInExpectation(p.node);
    if (!id) return No(absl::StrCat(p.node.text, " names no node yet"));
    swarmsim::process::NodeProcess* node = run_.IsUp(*id) ? run_.Node(*id) : nullptr;
    if (node == nullptr) return No(absl::StrCat(run_.NameOf(*id), " is down"));
    const std::string session = node->agent().session_id();
    if (state_ == nullptr || state_->session_baseline.empty()) {
      if (state_ != nullptr) state_->session_baseline = session;
      return true;  // The first ID seen in the window (or none yet).
    }
    if (session != state_->session_baseline) {
      return No(absl::StrCat(run_.NameOf(*id), "'s session is ",
                             session.empty() ? "none" : session, ", it was ",
                             state_->session_baseline));
    }
    return true;
  }

  RunState& run_;
  std::string* why_ = nullptr;
  RunState::ExpectState* state_ = nullptr;
};

namespace {

const std::optional<sim::Time>& NewLeaderAfterOf(const Window& window) {
  if (const Eventually* w = std::get_if<Eventually>(&window)) return w->new_leader_after;
  return std::get<Always>(window).new_leader_after;
}

}  // namespace

void RunState::ScheduleChecks() {
  // Make sure every window's edges are instants at which expectations are evaluated, even when
  // nothing else happens then. Windows counted from a new leader are scheduled once it is known
  // (ConcreteWindow).
  for (const Expectation& e : scenario_.expectations) {
    if (NewLeaderAfterOf(e.window).has_value()) continue;
    if (const Eventually* w = std::get_if<Eventually>(&e.window)) {
      world_->At(w->after, [this]() { MarkDirty(); });
      if (w->deadline() <= scenario_.end()) world_->At(w->deadline(), [this]() { MarkDirty(); });
    } else {
      const Always& a = std::get<Always>(e.window);
      world_->At(a.from, [this]() { MarkDirty(); });
      world_->At(a.until, [this]() { MarkDirty(); });
    }
  }
}

int64_t RunState::RunningReplicas(const api::Service& service) {
  int64_t running = 0;
  for (const api::Task* task : committed_.store().TasksByService(service.id())) {
    const sim::HostId host = HostByName(task->node_id());
    if (host == sim::kNoHost) continue;
    swarmsim::process::NodeProcess* node = Node(host);
    if (node == nullptr) continue;  // Down: its containers died with it.
    const swarmsim::agent::WorkerTask* t = node->agent().worker().Find(task->id());
    if (t != nullptr && t->status.state() == api::TASK_RUNNING) ++running;
  }
  return running;
}

void RunState::TrackServices() {
  const int64_t now = world_->now().nanos();
  for (ServiceHealth& h : service_health_) {
    const api::Service* service = FindService(h.name);
    if (service == nullptr) continue;  // Not created yet, or removed.
    h.replicas = static_cast<int64_t>(service->spec().replicas());
    h.running = RunningReplicas(*service);
    const bool open = !h.outages.empty() && h.outages.back().to_ns < 0;
    if (h.running >= h.replicas) {
      if (h.first_full_ns < 0) h.first_full_ns = now;
      if (open) {
        h.outages.back().to_ns = now;
        h.down_ns += now - h.outages.back().from_ns;
      }
    } else if (open) {
      h.outages.back().lowest = std::min(h.outages.back().lowest, h.running);
    } else if (h.first_full_ns >= 0) {
      h.outages.push_back(ServiceOutage{now, -1, h.running});
    }
  }
}

void RunState::ObserveForTaskLog(const sim::TraceRecord& record) {
  const int64_t now = record.at.nanos();
  if (record.kind == "task.state") {
    std::string state = record.Str("state");  // "TASK_RUNNING": shown as "RUNNING"
    if (state.compare(0, 5, "TASK_") == 0) state = state.substr(5);
    TaskHistory& h = task_log_[record.Str("task")];
    if (h.states.empty()) {
      h.task = record.Str("task");
      h.node = record.Str("node");
      h.slot = record.Int("slot");
      const std::string service_id = record.Str("service");
      for (const Service& s : scenario_.services) {
        const api::Service* service = FindService(s.name);
        if (service != nullptr && service->id() == service_id) h.service = s.name;
      }
      if (h.service.empty()) h.service = service_id;
    }
    // Milestones only: the first state seen, RUNNING, and the end (the steps between are
    // milliseconds apart and say nothing an operator asks about).
    const bool terminal = state != "RUNNING" && (state == "COMPLETE" || state == "FAILED" ||
                                                 state == "SHUTDOWN" || state == "REJECTED" ||
                                                 state == "ORPHANED" || state == "REMOVE");
    if (h.states.empty() || state == "RUNNING" || terminal) h.states.emplace_back(now, state);
    return;
  }
  // host.crash / host.stop: the containers running there die with the host.
  if (record.host == sim::kNoHost) return;
  const std::string& name = NameOf(record.host);
  const std::string lost = record.kind == "host.crash" ? "LOST (host crashed)"
                                                       : "LOST (host stopped)";
  for (auto& [id, h] : task_log_) {
    if (h.node == name && !h.states.empty() && h.states.back().second == "RUNNING") {
      h.states.emplace_back(now, lost);
    }
  }
}

namespace {
// The measured part of an expectation's detail: when it stopped holding and when it held again.
std::string RecoveryText(int64_t first_failed, int64_t held_again, int64_t down) {
  if (first_failed < 0) return "";
  if (held_again < 0) {
    return absl::StrCat("; did not hold from ", FormatSimTime(first_failed),
                        ", never held again (", FormatSimTime(down), " down)");
  }
  return absl::StrCat("; held again at ", FormatSimTime(held_again), ", ", FormatSimTime(down),
                      " not holding in total");
}
}  // namespace

std::optional<sim::Time> RunState::NewLeaderAfter(sim::Time t) const {
  uint64_t highest_by_t = 0;
  for (const LeaderChange& l : leaders_) {
    if (l.at_ns <= t.nanos()) {
      highest_by_t = std::max(highest_by_t, l.term);
    } else if (l.term > highest_by_t) {
      return sim::Time::FromNanos(l.at_ns);
    }
  }
  return std::nullopt;
}

std::optional<Window> RunState::ConcreteWindow(size_t i) {
  const Window& written = scenario_.expectations[i].window;
  const std::optional<sim::Time>& since = NewLeaderAfterOf(written);
  if (!since.has_value()) return written;
  ExpectState& s = expect_states_[i];
  const bool first = !s.origin.has_value();
  if (first) {
    s.origin = NewLeaderAfter(*since);
    if (!s.origin.has_value()) return std::nullopt;
  }
  const absl::Duration offset = *s.origin - sim::Time::Zero();
  auto shift = [&](sim::Time t) {
    return t >= scenario_.end() ? scenario_.end() : std::min(t + offset, scenario_.end());
  };
  Window window = written;
  sim::Time open;
  sim::Time close;
  if (Eventually* w = std::get_if<Eventually>(&window)) {
    w->after = shift(w->after);
    open = w->after;
    close = w->deadline();
  } else {
    Always& a = std::get<Always>(window);
    a.from = shift(a.from);
    a.until = shift(a.until);
    open = a.from;
    close = a.until;
  }
  if (first) {
    const sim::Time now = world_->now();
    world_->At(std::max(open, now), [this]() { MarkDirty(); });
    if (close <= scenario_.end()) world_->At(std::max(close, now), [this]() { MarkDirty(); });
  }
  return window;
}

void RunState::EvaluateExpectations(bool final_pass) {
  const sim::Time now = world_->now();
  const int64_t now_ns = now.nanos();
  PredicateEvaluator evaluator(*this);
  for (size_t i = 0; i < scenario_.expectations.size(); ++i) {
    ExpectState& s = expect_states_[i];
    if (s.closed) continue;
    const Expectation& e = scenario_.expectations[i];
    const std::optional<Window> window = ConcreteWindow(i);
    if (!window.has_value()) {
      if (final_pass) {
        s.decided = true;
        s.passed = false;
        s.detail = absl::StrCat("no new leader was elected after ",
                                FormatSimTime(NewLeaderAfterOf(e.window)->nanos()),
                                ", so its window never opened");
      }
      continue;
    }
    if (const Eventually* w = std::get_if<Eventually>(&*window)) {
      if (now < w->after) continue;
      std::string why;
      if (now <= w->deadline() && evaluator.Holds(e.predicate, &why, &s)) {
        s.decided = s.passed = s.closed = true;
        s.at_ns = now_ns;
        if (s.first_failed_ns >= 0) {
          s.held_again_ns = now_ns;
          s.down_ns = now_ns - s.first_failed_ns;
        }
        s.detail = absl::StrCat("held at ", FormatSimTime(now_ns), " (",
                                FormatSimTime((now - w->after) / absl::Nanoseconds(1)),
                                " after the window opened)");
        continue;
      }
      if (s.first_failed_ns < 0) s.first_failed_ns = now_ns;
      ++s.checks;
      if (now >= w->deadline() || final_pass) {
        if (why.empty()) evaluator.Holds(e.predicate, &why, &s);
        const int64_t closed_at = std::min(w->deadline(), scenario_.end()).nanos();
        s.decided = s.closed = true;
        s.passed = false;
        s.down_ns = closed_at - s.first_failed_ns;
        s.detail = absl::StrCat("did not hold between ", FormatSimTime(w->after.nanos()), " and ",
                                FormatSimTime(closed_at), "; at ", FormatSimTime(now_ns), ": ",
                                why);
      }
    } else {
      const Always& a = std::get<Always>(*window);
      if (now < a.from) continue;
      const int64_t until = std::min(a.until, scenario_.end()).nanos();
      if (now > a.until || (final_pass && now_ns >= until)) {
        // The window is over: close the stretch that was still failing, then the verdict.
        if (s.seen && !s.held) s.down_ns += until - s.false_since_ns;
        s.closed = true;
        if (!s.decided) {
          s.decided = s.passed = true;
          s.detail = absl::StrCat("held at every event from ", FormatSimTime(a.from.nanos()),
                                  " to ", FormatSimTime(until));
        } else {
          s.detail += RecoveryText(s.first_failed_ns, s.held_again_ns, s.down_ns);
        }
        continue;
      }
      std::string why;
      const bool holds = evaluator.Holds(e.predicate, &why, &s);
      if (!holds && (!s.seen || s.held)) s.false_since_ns = now_ns;
      if (holds && s.seen && !s.held) {
        s.down_ns += now_ns - s.false_since_ns;
        if (s.held_again_ns < 0) s.held_again_ns = now_ns;
      }
      s.seen = true;
      s.held = holds;
      if (!holds && !s.decided) {
        // The verdict is final; the window is still watched to measure the recovery.
        s.decided = true;
        s.passed = false;
        s.at_ns = now_ns;
        s.first_failed_ns = now_ns;
        s.detail = absl::StrCat("failed at ", FormatSimTime(now_ns), ": ", why);
      }
    }
  }
}

}  // namespace scenarios
