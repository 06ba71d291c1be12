// DownNodes tracks nodes the leader's dispatcher has seen DOWN (SwarmKit's downNodes, a nodeStore
// with period node_down_period, no jitter, multiplier 1): when a node's deadline passes without it
// coming back, its tasks are moved to ORPHANED. Like NodeRegistry it holds deadlines and
// generations, not timers, and never reads a clock.
#ifndef SWARMSIM_MODEL_DISPATCHER_DOWN_NODES_H_
#define SWARMSIM_MODEL_DISPATCHER_DOWN_NODES_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/time/time.h"
#include "sim/time.h"

namespace swarmsim {
namespace dispatcher {

class DownNodes {
 public:
  struct Entry {
    sim::Time deadline;
    uint64_t generation = 0;
  };

  // (Re)starts the node's countdown from now, superseding any earlier one.
  const Entry& Add(sim::Time now, const std::string& node_id, absl::Duration down_period,
                   uint64_t generation);
  // The node came back (markNodeReady) or was orphaned. False when absent.
  bool Delete(const std::string& node_id) { return nodes_.erase(node_id) != 0; }
  void Clean() { nodes_.clear(); }

  bool Contains(const std::string& node_id) const { return nodes_.count(node_id) != 0; }
  bool IsLiveTimer(const std::string& node_id, uint64_t generation) const;
  size_t size() const { return nodes_.size(); }
  const std::map<std::string, Entry>& nodes() const { return nodes_; }

 private:
  std::map<std::string, Entry> nodes_;
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_DOWN_NODES_H_
