// Task reaper: SwarmKit's taskreaper (manager/orchestrator/taskreaper) as a pure function.
//
// Returns REMOVE actions for tasks the store no longer needs to keep:
// - tasks with desired_state REMOVE (scaled-down slots, deleted services) that never got assigned
//   (state < ASSIGNED) or have stopped (state >= COMPLETE);
// - task history beyond the retention limit: when a slot of an existing service holds more than
//   `retention_limit` tasks, its oldest dead tasks (desired > RUNNING and state > RUNNING, ORPHANED
//   included) are removed, oldest status timestamp first (ties by task id), until the slot holds
//   `retention_limit` tasks or only live ones are left. A negative limit keeps everything.
//
// SwarmKit runs this on a 250 ms batching timer after task events; the host owns that timer
// (kReaperBatchingInterval). Nothing here reads a clock or keeps state.
#ifndef SWARMSIM_MODEL_ORCHESTRATOR_TASK_REAPER_H_
#define SWARMSIM_MODEL_ORCHESTRATOR_TASK_REAPER_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "model/orchestrator/task_rules.h"
#include "model/proto/swarm.pb.h"

namespace swarmsim {
namespace orchestrator {

// SwarmKit manager.go defaultTaskHistoryRetentionLimit and taskreaper reaperBatchingInterval.
inline constexpr int64_t kDefaultTaskHistoryRetentionLimit = 5;
inline constexpr absl::Duration kReaperBatchingInterval = absl::Milliseconds(250);

// Reads the store's tables in place (keyed by id). Output is in task id order.
std::vector<api::StoreAction> ReapTasks(const ServiceTable& services, const TaskTable& tasks,
                                        int64_t retention_limit);

}  // namespace orchestrator
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_ORCHESTRATOR_TASK_REAPER_H_
