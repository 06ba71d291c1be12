#include "scenarios/scenario.h"

#include <iterator>
#include <variant>

#include "absl/strings/str_cat.h"

namespace scenarios {

std::string Host::Name() const {
  return absl::StrCat(role == HostRole::kManager ? "m" : "w", index);
}

void ApplySeedOverride(std::optional<uint64_t> cli_seed, Scenario& scenario) {
  if (!cli_seed.has_value()) return;
  scenario.seed = *cli_seed;
  scenario.seed_overridden = true;
}

bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0;
  size_t j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      // Compare the two digit runs as numbers: without leading zeros, longer is larger.
      size_t ei = i;
      size_t ej = j;
      while (ei < a.size() && digit(a[ei])) ++ei;
      while (ej < b.size() && digit(b[ej])) ++ej;
      size_t si = i;
      size_t sj = j;
      while (si + 1 < ei && a[si] == '0') ++si;
      while (sj + 1 < ej && b[sj] == '0') ++sj;
      if (ei - si != ej - sj) return ei - si < ej - sj;
      const int c = a.compare(si, ei - si, b, sj, ej - sj);
      if (c != 0) return c < 0;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  if (i < a.size() || j < b.size()) return j < b.size();
  return a < b;  // Equal but for leading zeros: any fixed order.
}

const char* ActionName(const Action& action) {
  // In the order of the variant's alternatives.
  static constexpr const char* kNames[] = {"crash",
                                           "stop",
                                           "restart",
                                           "pause",
                                           "isolate",
                                           "partition",
                                           "cut",
                                           "heal",
                                           "set_network",
                                           "clock",
                                           "scale_service",
                                           "remove_service",
                                           "promote",
                                           "demote",
                                           "transfer_leadership",
                                           "set_availability", "set_disk"};
  static_assert(std::size(kNames) == std::variant_size_v<Action>, "one name per action");
  return kNames[action.index()];
}

bool IsControlAction(const Action& action) {
  return std::holds_alternative<ScaleService>(action) ||
         std::holds_alternative<RemoveService>(action) || std::holds_alternative<Promote>(action) ||
         std::holds_alternative<Demote>(action) || std::holds_alternative<SetAvailability>(action);
}

const char* PredicateName(const Predicate& predicate) {
  static constexpr const char* kNames[] = {
      "leader",       "no_leader",        "all_nodes_ready",   "node_status",
      "no_node_down", "agents_connected", "service_converged", "committed",
      "raft_members", "replicas_running", "session_unchanged"};
  static_assert(std::size(kNames) == std::variant_size_v<Predicate>, "one name per predicate");
  return kNames[predicate.index()];
}

const char* NodeStateName(NodeState state) {
  switch (state) {
    case NodeState::kReady:
      return "READY";
    case NodeState::kDown:
      return "DOWN";
    case NodeState::kUnknown:
      return "UNKNOWN";
  }
  return "?";
}

}  // namespace scenarios
