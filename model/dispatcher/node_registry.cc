#include "model/dispatcher/node_registry.h"

#include "model/dispatcher/errors.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

NodeRegistry::NodeRegistry(const Options& options)
    : options_(options), chooser_(options.heartbeat_period, options.heartbeat_epsilon) {
  SIM_CHECK_GT(options.grace_period_multiplier, 0);
  SIM_CHECK_GT(options.unknown_grace_period_multiplier, 0);
  SIM_CHECK_GE(options.rate_limit_count, 0);
}

void NodeRegistry::UpdatePeriod(absl::Duration period, absl::Duration epsilon) {
  chooser_ = PeriodChooser(period, epsilon);
}

absl::Status NodeRegistry::CheckRateLimit(sim::Time now, const std::string& node_id) {
  auto it = nodes_.find(node_id);
  if (it == nodes_.end()) return absl::OkStatus();
  RegisteredNode& node = it->second;
  if (!node.registered.has_value() || now - *node.registered > options_.rate_limit_period) {
    node.attempts = 0;
  }
  node.attempts++;
  if (node.attempts > options_.rate_limit_count) return RateLimitExceededError(node_id);
  // Refreshed on every accepted check, so retries spaced under the period stay limited.
  node.registered = now;
  return absl::OkStatus();
}

const RegisteredNode& NodeRegistry::Add(sim::Time now, const std::string& node_id,
                                        const std::string& session_id, uint64_t generation,
                                        sim::Prng& prng) {
  SIM_CHECK(!session_id.empty());
  RegisteredNode entry;
  auto it = nodes_.find(node_id);
  if (it != nodes_.end()) {
    SIM_CHECK_GT(generation, it->second.generation);
    entry.attempts = it->second.attempts;
    entry.registered = it->second.registered;
  }
  entry.node_id = node_id;
  entry.session_id = session_id;
  const absl::Duration period = chooser_.Choose(prng);
  entry.deadline = now + period * options_.grace_period_multiplier;
  entry.generation = generation;
  RegisteredNode& stored = nodes_[node_id];
  stored = std::move(entry);
  return stored;
}

const RegisteredNode& NodeRegistry::AddUnknown(sim::Time now, const std::string& node_id,
                                               uint64_t generation, sim::Prng& prng) {
  RegisteredNode entry;
  entry.node_id = node_id;
  entry.unknown = true;
  const absl::Duration period = chooser_.Choose(prng);
  entry.deadline = now + period * options_.unknown_grace_period_multiplier;
  entry.generation = generation;
  RegisteredNode& stored = nodes_[node_id];
  stored = std::move(entry);
  return stored;
}

absl::StatusOr<const RegisteredNode*> NodeRegistry::GetWithSession(
    const std::string& node_id, const std::string& session_id) const {
  auto it = nodes_.find(node_id);
  if (it == nodes_.end()) return NodeNotRegisteredError();
  if (session_id.empty() || it->second.session_id != session_id) return SessionInvalidError();
  return &it->second;
}

absl::StatusOr<absl::Duration> NodeRegistry::Heartbeat(sim::Time now, const std::string& node_id,
                                                       const std::string& session_id,
                                                       uint64_t generation, sim::Prng& prng,
                                                       sim::Time* deadline) {
  auto found = GetWithSession(node_id, session_id);
  if (!found.ok()) return found.status();
  RegisteredNode& node = const_cast<RegisteredNode&>(**found);  // One lookup, not two.
  SIM_CHECK_GT(generation, node.generation);
  const absl::Duration period = chooser_.Choose(prng);
  // Update(period × grace) then Beat(): the deadline restarts from now with the new grace.
  node.deadline = now + period * options_.grace_period_multiplier;
  node.generation = generation;
  if (deadline != nullptr) *deadline = node.deadline;
  return period;
}

const RegisteredNode* NodeRegistry::Get(const std::string& node_id) const {
  auto it = nodes_.find(node_id);
  return it == nodes_.end() ? nullptr : &it->second;
}

bool NodeRegistry::IsLiveTimer(const std::string& node_id, uint64_t generation) const {
  const RegisteredNode* node = Get(node_id);
  return node != nullptr && node->generation == generation;
}

const RegisteredNode* NodeRegistry::FirstInIdOrder(
    const std::function<bool(const RegisteredNode&)>& pred) const {
  const RegisteredNode* first = nullptr;
  // forbidden-apis: allow(the smallest matching ID wins: the answer does not depend on the order)
  for (const auto& [node_id, entry] : nodes_) {
    if ((first == nullptr || node_id < first->node_id) && pred(entry)) first = &entry;
  }
  return first;
}

bool NodeRegistry::Delete(const std::string& node_id) { return nodes_.erase(node_id) != 0; }

}  // namespace dispatcher
}  // namespace swarmsim
