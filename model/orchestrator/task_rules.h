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

// Finds an object by id in a vector sorted by id; nullptr if absent.
const api::Node* FindNode(const std::vector<api::Node>& nodes, const std::string& id);
const api::Service* FindService(const std::vector<api::Service>& services, const std::string& id);

// SIM_CHECKs that a vector is sorted by id without duplicates.
void CheckSortedById(const std::vector<api::Node>& nodes);
void CheckSortedById(const std::vector<api::Service>& services);
void CheckSortedById(const std::vector<api::Task>& tasks);

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
