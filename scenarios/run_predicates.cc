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
  bool Eval(const ServiceConverged& p) {
    const api::Service* service = run_.FindService(p.name);
    if (service == nullptr) return No(absl::StrCat("service ", p.name, " does not exist"));
    const swarmsim::store::MemoryStore& store = run_.committed().store();
    uint64_t running = 0;
    for (const api::Task* task : store.TasksByService(service->id())) {
      if (task->status().state() != api::TASK_RUNNING) continue;
      if (task->desired_state() > api::TASK_RUNNING) continue;
      const api::Node* node = store.GetNode(task->node_id());
      if (node == nullptr || node->status().state() != api::NodeStatus::READY) continue;
      ++running;
    }
    if (running != service->spec().replicas()) {
      return No(absl::StrCat(p.name, " has ", running, " of ", service->spec().replicas(),
                             " replicas running on READY nodes"));
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
    std::sort(have.begin(), have.end());
    std::vector<std::string> want;
    for (const NodeSelector& s : p.nodes) {
      std::optional<sim::HostId> id = run_.ResolveInExpectation(s);
      if (!id) return No(absl::StrCat(s.text, " names no node yet"));
      want.push_back(run_.NameOf(*id));
    }
    std::sort(want.begin(), want.end());
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

void RunState::ScheduleChecks() {
  // Make sure every window's edges are instants at which expectations are evaluated, even when
  // nothing else happens then.
  for (const Expectation& e : scenario_.expectations) {
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

void RunState::EvaluateExpectations(bool final_pass) {
  const sim::Time now = world_->now();
  PredicateEvaluator evaluator(*this);
  for (size_t i = 0; i < scenario_.expectations.size(); ++i) {
    ExpectState& s = expect_states_[i];
    if (s.decided) continue;
    const Expectation& e = scenario_.expectations[i];
    if (const Eventually* w = std::get_if<Eventually>(&e.window)) {
      if (now < w->after) continue;
      std::string why;
      if (now <= w->deadline() && evaluator.Holds(e.predicate, &why, &s)) {
        s.decided = s.passed = true;
        s.at_ns = now.nanos();
        s.detail = absl::StrCat("held at ", FormatSimTime(now.nanos()), " (",
                                FormatSimTime((now - w->after) / absl::Nanoseconds(1)),
                                " after the window opened)");
        continue;
      }
      ++s.checks;
      if (now >= w->deadline() || final_pass) {
        if (why.empty()) evaluator.Holds(e.predicate, &why, &s);
        s.decided = true;
        s.passed = false;
        s.detail = absl::StrCat("did not hold between ", FormatSimTime(w->after.nanos()), " and ",
                                FormatSimTime(std::min(w->deadline(), scenario_.end()).nanos()),
                                "; at ", FormatSimTime(now.nanos()), ": ", why);
      }
    } else {
      const Always& a = std::get<Always>(e.window);
      if (now < a.from) continue;
      if (now > a.until) {
        s.decided = s.passed = true;
        s.detail = absl::StrCat("held at every event from ", FormatSimTime(a.from.nanos()), " to ",
                                FormatSimTime(a.until.nanos()));
        continue;
      }
      std::string why;
      if (!evaluator.Holds(e.predicate, &why, &s)) {
        s.decided = true;
        s.passed = false;
        s.at_ns = now.nanos();
        s.detail = absl::StrCat("failed at ", FormatSimTime(now.nanos()), ": ", why);
        continue;
      }
      if (final_pass) {
        s.decided = s.passed = true;
        s.detail = absl::StrCat("held at every event from ", FormatSimTime(a.from.nanos()), " to ",
                                FormatSimTime(std::min(a.until, scenario_.end()).nanos()));
      }
    }
  }
}

}  // namespace scenarios
