#include "scenarios/scenario.h"

#include <iterator>
#include <variant>

#include "absl/strings/str_cat.h"
#include "util/natural_order.h"

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
  return swarmsim::NaturalLess(a, b);
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
