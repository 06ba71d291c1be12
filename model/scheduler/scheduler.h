// Scheduler: SwarmKit's task scheduler (manager/scheduler) as a pure function over the store.
//
// Places every unassigned PENDING task (node_id empty, desired_state <= RUNNING) on a node that is
// READY and ACTIVE (SwarmKit's ReadyFilter; any role: managers run tasks too), one task at a time,
// grouped by service as SwarmKit does (services in id order, tasks in id order), choosing the node
// with the fewest active tasks of that task's service, then the fewest active tasks in total, then
// the lowest node id. "Active" follows SwarmKit's NodeInfo: tasks on the node with state
// ASSIGNED..RUNNING and desired_state <= RUNNING, counting the placements made earlier in the same
// pass. A placement is an UPDATE with node_id set and state ASSIGNED. A task with no eligible node
// stays PENDING; its status message becomes "no suitable node (...)" (written only when it
// changes).
//
// Never reads a clock (time is an argument, used for status timestamps), keeps no state, does no
// I/O. Batching of passes is the host's, with commit_debouncer.h. Resources, constraints,
// placement preferences and the failure-based down-weighting are out of scope.
#ifndef SWARMSIM_MODEL_SCHEDULER_SCHEDULER_H_
#define SWARMSIM_MODEL_SCHEDULER_SCHEDULER_H_

#include <map>
#include <string>
#include <vector>

#include "model/proto/swarm.pb.h"
#include "sim/time.h"

namespace swarmsim {
namespace scheduler {

// SwarmKit's ReadyFilter: the only nodes that receive new tasks.
bool NodeAcceptsTasks(const api::Node& node);

// The tasks a pass places: unassigned, PENDING, desired_state <= RUNNING. A pass over a store
// with none of them does nothing, so a host may skip it.
bool NeedsPlacement(const api::Task& task);

// One scheduling pass (SwarmKit Scheduler.tick) over the store's node and task tables, read in
// place (store::MemoryStore::nodes() and tasks(): keyed by id, each row's id equal to its key).
// Output: UPDATE actions in placement order, to propose as one batch.
// Cost: O(tasks log tasks + services x nodes log nodes + placements log nodes).
std::vector<api::StoreAction> Schedule(sim::Time now,
                                       const std::map<std::string, api::Node>& nodes,
                                       const std::map<std::string, api::Task>& tasks);

}  // namespace scheduler
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_SCHEDULER_SCHEDULER_H_
