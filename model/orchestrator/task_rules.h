// Small pure predicates on store objects shared by the orchestrator, its task reaper and tests:
// which nodes are invalid for tasks, which tasks are runnable or dead, and slot grouping.
// No state, no clock, no I/O.
#ifndef SWARMSIM_MODEL_ORCHESTRATOR_TASK_RULES_H_
#define SWARMSIM_MODEL_ORCHESTRATOR_TASK_RULES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/proto/swarm.pb.h"

namespace swarmsim {
namespace orchestrator {

// SwarmKit orchestrator.InvalidNode: the node is gone, DOWN, or drained. UNKNOWN and PAUSE nodes
// are valid: their tasks stay (PAUSE only stops new placements, in the scheduler).
bool InvalidNode(const api::Node* node);

// Desired state at most RUNNING: the orchestrator still wants this task (READY counts: a
// replacement waiting for its restart delay).
inline bool IsRunnable(const api::Task& t) { return t.desired_state() <= api::TASK_RUNNING; }

// Observed state past RUNNING (COMPLETE, SHUTDOWN, FAILED, REJECTED, REMOVE, ORPHANED).
inline bool HasStopped(const api::Task& t) { return t.status().state() > api::TASK_RUNNING; }

// The store's tables as the components read them, in place: keyed by object id, so iteration
// is in id order and each id appears once (store::MemoryStore::nodes() etc. return exactly these
// types; spelled out here so that the components need not depend on the store package).
using NodeTable = std::map<std::string, api::Node>;
using ServiceTable = std::map<std::string, api::Service>;
using TaskTable = std::map<std::string, api::Task>;

// Finds an object by id; nullptr if absent. SIM_CHECKs that the row found carries its key as id.
const api::Node* FindNode(const NodeTable& nodes, const std::string& id);
const api::Service* FindService(const ServiceTable& services, const std::string& id);

// One service's tasks grouped by slot (SwarmKit GetRunnableAndDeadSlots): a slot is runnable when
// at least one of its tasks is runnable, dead when none is. Tasks keep their input order.
struct SlotTable {
  std::map<uint64_t, std::vector<const api::Task*>> runnable;
  std::map<uint64_t, std::vector<const api::Task*>> dead;
};
SlotTable GroupSlots(const std::vector<const api::Task*>& service_tasks);

}  // namespace orchestrator
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_ORCHESTRATOR_TASK_RULES_H_
