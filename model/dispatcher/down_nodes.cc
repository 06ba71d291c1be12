#include "model/dispatcher/down_nodes.h"

#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

const DownNodes::Entry& DownNodes::Add(sim::Time now, const std::string& node_id,
                                       absl::Duration down_period, uint64_t generation) {
  Entry& entry = nodes_[node_id];
  SIM_CHECK_GT(generation, entry.generation);
  entry.deadline = now + down_period;
  entry.generation = generation;
  return entry;
}

bool DownNodes::IsLiveTimer(const std::string& node_id, uint64_t generation) const {
  auto it = nodes_.find(node_id);
  return it != nodes_.end() && it->second.generation == generation;
}

}  // namespace dispatcher
}  // namespace swarmsim
