#include "scenarios/scenario.h"

#include <type_traits>

#include "absl/strings/str_cat.h"

namespace scenarios {
namespace {

// Compile-time "no case forgotten" for std::visit over the variants below.
template <typename T>
inline constexpr bool kAlwaysFalse = false;

}  // namespace

std::string Host::Name() const {
  return absl::StrCat(role == HostRole::kManager ? "m" : "w", index);
}

void ApplySeedOverride(std::optional<uint64_t> cli_seed, Scenario& scenario) {
  if (!cli_seed.has_value()) return;
  scenario.seed = *cli_seed;
  scenario.seed_overridden = true;
}

const char* ActionName(const Action& action) {
  return std::visit(
      [](const auto& a) -> const char* {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, Crash>)
          return "crash";
        else if constexpr (std::is_same_v<T, Stop>)
          return "stop";
        else if constexpr (std::is_same_v<T, Restart>)
          return "restart";
        else if constexpr (std::is_same_v<T, Pause>)
          return "pause";
        else if constexpr (std::is_same_v<T, Isolate>)
          return "isolate";
        else if constexpr (std::is_same_v<T, Partition>)
          return "partition";
        else if constexpr (std::is_same_v<T, Cut>)
          return "cut";
        else if constexpr (std::is_same_v<T, Heal>)
          return "heal";
        else if constexpr (std::is_same_v<T, SetNetwork>)
          return "set_network";
        else if constexpr (std::is_same_v<T, Clock>)
          return "clock";
        else if constexpr (std::is_same_v<T, ScaleService>)
          return "scale_service";
        else if constexpr (std::is_same_v<T, RemoveService>)
          return "remove_service";
        else if constexpr (std::is_same_v<T, Promote>)
          return "promote";
        else if constexpr (std::is_same_v<T, Demote>)
          return "demote";
        else if constexpr (std::is_same_v<T, TransferLeadership>)
          return "transfer_leadership";
        else if constexpr (std::is_same_v<T, SetAvailability>)
          return "set_availability";
        else
          static_assert(kAlwaysFalse<T>, "unnamed action");
      },
      action);
}

const char* PredicateName(const Predicate& predicate) {
  return std::visit(
      [](const auto& p) -> const char* {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, LeaderElected>)
          return "leader";
        else if constexpr (std::is_same_v<T, NoLeader>)
          return "no_leader";
        else if constexpr (std::is_same_v<T, AllNodesReady>)
          return "all_nodes_ready";
        else if constexpr (std::is_same_v<T, NodeStatusIs>)
          return "node_status";
        else if constexpr (std::is_same_v<T, NoNodeDown>)
          return "no_node_down";
        else if constexpr (std::is_same_v<T, AgentsConnected>)
          return "agents_connected";
        else if constexpr (std::is_same_v<T, ServiceConverged>)
          return "service_converged";
        else if constexpr (std::is_same_v<T, Committed>)
          return "committed";
        else
          static_assert(kAlwaysFalse<T>, "unnamed predicate");
      },
      predicate);
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
