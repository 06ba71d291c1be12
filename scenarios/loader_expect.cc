// The loader's expectations: windows and predicates.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "scenarios/duration.h"
#include "scenarios/loader_internal.h"
#include "sim/check.h"

namespace scenarios {
namespace loader_internal {
namespace {

constexpr int kExpectationsMax = 10000;
constexpr int64_t kCommitIndexMax = int64_t{1000000000000};

// How messages name an expectation: by its name when it has one.
std::string Title(absl::string_view name) {
  return name.empty() ? std::string("expect") : absl::StrCat("expect ", Quote(name));
}

}  // namespace

void Validator::ValidateExpectations(const pb::Scenario& file, const Where& where, Scenario& out) {
  const int n = file.expect_size();
  if (n > kExpectationsMax) {
    Error(where.At("expect", kExpectationsMax, n),
          absl::StrCat("too many expectations (at most ", kExpectationsMax, ")"));
    return;
  }
  std::map<std::string, int> names;  // name -> line of its first use
  for (int i = 0; i < n; ++i) {
    const pb::Expect& e = file.expect(i);
    const Where w = where.Nested("expect", i, n);
    bool valid = true;
    if (!e.has_name()) {
      Missing(w.self(), "expect", "name");
      valid = false;
    } else if (e.name().empty()) {
      Error(w.At("name"), "name: empty");
      valid = false;
    } else if (names.count(e.name()) != 0) {
      Error(w.At("name"),
            absl::StrCat("name: ", Quote(e.name()),
                         " is already the name of the expectation at line ", names[e.name()]));
      valid = false;
    } else {
      names[e.name()] = w.self().line;
    }
    std::optional<Window> window = ValidateWindow(e, w, e.name());
    std::optional<Predicate> predicate = ValidatePredicate(e, w, e.name());
    if (!valid || !window.has_value() || !predicate.has_value()) continue;
    Expectation typed;
    typed.name = e.name();
    typed.window = std::move(*window);
    typed.predicate = std::move(*predicate);
    typed.location = w.self();
    out.expectations.push_back(std::move(typed));
  }
}

std::optional<Window> Validator::ValidateWindow(const pb::Expect& expect, const Where& where,
                                                absl::string_view name) {
  switch (expect.window_case()) {
    case pb::Expect::WINDOW_NOT_SET:
      Error(where.self(), absl::StrCat(Title(name),
                                       " has no window: add eventually { after within } "
                                       "or always { from until }"));
      return std::nullopt;
    case pb::Expect::kEventually: {
      const pb::Eventually& e = expect.eventually();
      const Where w = where.Nested("eventually");
      Eventually window;
      bool valid = true;
      if (e.has_after()) {
        const std::optional<sim::Time> after = Instant(e.after(), w.At("after"), "after");
        if (after.has_value()) window.after = *after;
        valid = after.has_value();
      }
      if (e.has_within()) {
        const std::optional<absl::Duration> within =
            Duration(e.within(), w.At("within"), "within", Sign::kNonNegative);
        if (within.has_value()) window.within = *within;
        valid = valid && within.has_value();
      } else {
        Missing(w.self(), "eventually", "within");
        valid = false;
      }
      if (e.has_new_leader_after()) {
        window.new_leader_after =
            Instant(e.new_leader_after(), w.At("new_leader_after"), "new_leader_after");
        valid = valid && window.new_leader_after.has_value();
      }
      if (!valid) return std::nullopt;
      return Window(window);
    }
    case pb::Expect::kAlways: {
      const pb::Always& a = expect.always();
      const Where w = where.Nested("always");
      Always window;
      window.until = end_.value_or(sim::Time::Max());
      bool valid = true;
      if (a.has_from()) {
        const std::optional<sim::Time> from = Instant(a.from(), w.At("from"), "from");
        if (from.has_value()) window.from = *from;
        valid = from.has_value();
      }
      if (a.has_until()) {
        // Past the end is allowed and means the end: "until the run is over".
        const std::optional<absl::Duration> until =
            Duration(a.until(), w.At("until"), "until", Sign::kNonNegative);
        if (until.has_value()) {
          window.until = std::min(sim::Time::Zero() + *until, window.until);
        }
        valid = valid && until.has_value();
        if (valid && window.until < window.from) {
          Error(w.At("until"),
                absl::StrCat("until: ", FormatDurationExact(*until), " is before from (",
                             FormatDurationExact(window.from.SinceStart()), ")"));
          valid = false;
        }
      }
      if (a.has_new_leader_after()) {
        window.new_leader_after =
            Instant(a.new_leader_after(), w.At("new_leader_after"), "new_leader_after");
        valid = valid && window.new_leader_after.has_value();
      }
      if (!valid) return std::nullopt;
      return Window(window);
    }
  }
  SIM_CHECK_MSG(false, absl::StrCat("window case ", expect.window_case()));
  return std::nullopt;
}

std::optional<std::vector<NodeSelector>> Validator::ExceptList(const pb::ExceptNodes& nodes,
                                                               const Where& where) {
  std::vector<NodeSelector> except;
  bool valid = true;
  const int n = nodes.except_size();
  for (int k = 0; k < n; ++k) {
    const std::optional<NodeSelector> node =
        Selector(nodes.except(k), where.At("except", k, n), "except", Use::kExpectation,
                 Groups::kAllowed);
    if (node.has_value()) except.push_back(*node);
    valid = valid && node.has_value();
  }
  if (!valid) return std::nullopt;
  return except;
}

std::optional<Predicate> Validator::ValidatePredicate(const pb::Expect& expect, const Where& where,
                                                      absl::string_view name) {
  switch (expect.predicate_case()) {
    case pb::Expect::PREDICATE_NOT_SET:
      Error(where.self(), absl::StrCat(Title(name), " has no predicate, e.g. leader {}"));
      return std::nullopt;
    case pb::Expect::kLeader: {
      const pb::Leader& l = expect.leader();
      LeaderElected predicate;
      if (l.has_not_()) {
        const Where w = where.Nested("leader");
        predicate.not_node = Selector(l.not_(), w.At("not"), "not", Use::kExpectation);
        if (!predicate.not_node.has_value()) return std::nullopt;
      }
      if (l.has_is()) {
        const Where w = where.Nested("leader");
        predicate.is_node = Selector(l.is(), w.At("is"), "is", Use::kExpectation);
        if (!predicate.is_node.has_value()) return std::nullopt;
      }
      return Predicate(std::move(predicate));
    }
    case pb::Expect::kNoLeader:
      return Predicate(NoLeader{});
    case pb::Expect::kAllNodesReady: {
      auto except = ExceptList(expect.all_nodes_ready(), where.Nested("all_nodes_ready"));
      if (!except.has_value()) return std::nullopt;
      return Predicate(AllNodesReady{std::move(*except)});
    }
    case pb::Expect::kNoNodeDown: {
      auto except = ExceptList(expect.no_node_down(), where.Nested("no_node_down"));
      if (!except.has_value()) return std::nullopt;
      return Predicate(NoNodeDown{std::move(*except)});
    }
    case pb::Expect::kAgentsConnected: {
      auto except = ExceptList(expect.agents_connected(), where.Nested("agents_connected"));
      if (!except.has_value()) return std::nullopt;
      return Predicate(AgentsConnected{std::move(*except)});
    }
    case pb::Expect::kNodeStatus: {
      const pb::NodeStatus& s = expect.node_status();
      const Where w = where.Nested("node_status");
      const std::optional<NodeSelector> node =
          RequiredSelector(s.has_node(), s.node(), w, "node_status", "node", Use::kExpectation);
      std::optional<NodeState> state;
      switch (s.state()) {
        case pb::NodeStatus::READY:
          state = NodeState::kReady;
          break;
        case pb::NodeStatus::DOWN:
          state = NodeState::kDown;
          break;
        case pb::NodeStatus::UNKNOWN:
          state = NodeState::kUnknown;
          break;
        default:
          Missing(w.self(), "node_status", "state (READY, DOWN or UNKNOWN)");
          break;
      }
      if (!node.has_value() || !state.has_value()) return std::nullopt;
      return Predicate(NodeStatusIs{*node, *state});
    }
    case pb::Expect::kServiceConverged: {
      const pb::ServiceConverged& s = expect.service_converged();
      const Where w = where.Nested("service_converged");
      if (!s.has_name()) {
        Missing(w.self(), "service_converged", "name");
        return std::nullopt;
      }
      if (!IsDeclaredService(s.name(), w.At("name"), "name")) return std::nullopt;
      return Predicate(ServiceConverged{s.name()});
    }
    case pb::Expect::kReplicasRunning: {
      const pb::ReplicasRunning& r = expect.replicas_running();
      const Where w = where.Nested("replicas_running");
      bool valid = true;
      if (!r.has_service()) {
        Missing(w.self(), "replicas_running", "service");
        valid = false;
      } else if (!IsDeclaredService(r.service(), w.At("service"), "service")) {
        valid = false;
      }
      std::optional<int64_t> min;
      if (!r.has_min()) {
        Missing(w.self(), "replicas_running", "min");
      } else {
        min = InRange(r.min(), 0, kReplicasMax, w.At("min"), "min");
      }
      if (!valid || !min.has_value()) return std::nullopt;
      return Predicate(ReplicasRunning{r.service(), *min});
    }
    case pb::Expect::kCommitted: {
      const pb::Committed& c = expect.committed();
      const Where w = where.Nested("committed");
      if (!c.has_min_index()) {
        Missing(w.self(), "committed", "min_index");
        return std::nullopt;
      }
      const std::optional<int64_t> index =
          InRange(c.min_index(), 0, kCommitIndexMax, w.At("min_index"), "min_index");
      if (!index.has_value()) return std::nullopt;
      return Predicate(Committed{*index});
    }
    case pb::Expect::kRaftMembers: {
      const pb::RaftMembers& m = expect.raft_members();
      const Where w = where.Nested("raft_members");
      if (m.nodes_size() == 0) {
        Missing(w.self(), "raft_members", "nodes");
        return std::nullopt;
      }
      RaftMembers predicate;
      bool valid = true;
      const int n = m.nodes_size();
      for (int k = 0; k < n; ++k) {
        const std::optional<NodeSelector> node =
            Selector(m.nodes(k), w.At("nodes", k, n), "nodes", Use::kExpectation);
        if (node.has_value()) predicate.nodes.push_back(*node);
        valid = valid && node.has_value();
      }
      if (!valid) return std::nullopt;
      return Predicate(std::move(predicate));
    }
    case pb::Expect::kSessionUnchanged: {
      const pb::SessionUnchanged& u = expect.session_unchanged();
      const Where w = where.Nested("session_unchanged");
      if (!u.has_node()) {
        Missing(w.self(), "session_unchanged", "node");
        return std::nullopt;
      }
      const std::optional<NodeSelector> node =
          Selector(u.node(), w.At("node"), "node", Use::kExpectation);
      if (!node.has_value()) return std::nullopt;
      return Predicate(SessionUnchanged{*node});
    }
  }
  SIM_CHECK_MSG(false, absl::StrCat("predicate case ", expect.predicate_case()));
  return std::nullopt;
}

}  // namespace loader_internal
}  // namespace scenarios
