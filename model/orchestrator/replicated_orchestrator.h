// ReplicatedOrchestrator: SwarmKit's replicated-service orchestrator (manager/orchestrator/
// replicated, plus the restart supervisor's delayed start) as a pure reconciler.
//
// Given the store's node, service and task tables, it returns the store actions that keep one
// task per slot 1..replicas for every service. It never reads a clock (time is an argument), never
// does I/O and never invents IDs (new task IDs come from the TaskIdSource the host supplies). It
// does not place tasks (the scheduler does) and does not delete history beyond dead slots (the
// task reaper, task_reaper.h, does).
//
// Decisions, in SwarmKit's order within one pass:
// 1. Tasks of deleted services get desired_state REMOVE (the reaper deletes them once stopped).
// 2. Task level: a task still wanted (desired <= RUNNING) that has stopped (state > RUNNING:
//    COMPLETE, FAILED, REJECTED, SHUTDOWN, ORPHANED, ...) or sits on an invalid node (missing,
//    DOWN or DRAIN; UNKNOWN and PAUSE are valid) is restarted: desired SHUTDOWN for the old task
//    and a new task in the same slot with desired READY. The new task is moved to desired RUNNING
//    once restart_delay has passed (no delay when the old node is drained) and the old task has
//    stopped (not waited for when its node is DOWN or gone), or after old_task_timeout at the
//    latest.
// 3. Service level, for services that are new to this orchestrator, changed (meta.version or
//    replicas), or whose runnable slot count differs from replicas: scale up by creating tasks for
//    the lowest free slot numbers (desired RUNNING); scale down by setting desired REMOVE on the
//    surplus slots, preferring slots not RUNNING, then those on nodes with the most copies of the
//    service, then the highest slot numbers; delete every task of a dead slot (no runnable task)
//    that is not being refilled. A slot holding several runnable tasks (left by an earlier
//    leader; SwarmKit's updater cleans these up) keeps one, preferring the most advanced observed
//    state, and the others get desired SHUTDOWN.
//
// Host contract: propose `actions` in order as one batch; call Reconcile again after each store
// commit that touches nodes, services or tasks, with a view that includes every action returned
// before (SwarmKit's store.Batch blocks until committed), and at `wakeup_at` if set. Discard the
// object when leadership is lost; a new leader starts a fresh one (pending delayed starts are
// re-derived from tasks in desired READY, as SwarmKit's taskinit does).
#ifndef SWARMSIM_MODEL_ORCHESTRATOR_REPLICATED_ORCHESTRATOR_H_
#define SWARMSIM_MODEL_ORCHESTRATOR_REPLICATED_ORCHESTRATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "model/orchestrator/task_rules.h"
#include "model/proto/swarm.pb.h"
#include "sim/time.h"

namespace swarmsim {
namespace orchestrator {

// SwarmKit defaults.Service.Task.Restart.Delay and restart.defaultOldTaskTimeout.
inline constexpr absl::Duration kDefaultRestartDelay = absl::Seconds(5);
inline constexpr absl::Duration kDefaultOldTaskTimeout = absl::Minutes(1);

struct OrchestratorOptions {
  absl::Duration restart_delay = kDefaultRestartDelay;
  absl::Duration old_task_timeout = kDefaultOldTaskTimeout;
  // SwarmKit creates tasks in NEW and the network allocator (out of scope) moves them to PENDING
  // at once; true folds that step in. False creates NEW tasks for a host that models it.
  bool create_as_pending = true;
};

// Returns a fresh, never reused task ID each call (e.g. absl::StrFormat("t%06d", n)). It must stay
// unique across leaders, so the host derives it from replicated state or a per-leader prefix.
using TaskIdSource = std::function<std::string()>;

struct OrchestratorOutput {
  std::vector<api::StoreAction> actions;
  // Call Reconcile again at this time (a delayed start may become due) unless a store change
  // triggers a call earlier.
  std::optional<sim::Time> wakeup_at;
};

class ReplicatedOrchestrator {
 public:
  ReplicatedOrchestrator(OrchestratorOptions options, TaskIdSource new_task_id);

  // Reads the store's tables in place (keyed by id; each row's id equals its key) and copies only
  // the tasks, into the pass's working set. REQUIRES: the tables include every action this object
  // returned before.
  OrchestratorOutput Reconcile(sim::Time now, const NodeTable& nodes,
                               const ServiceTable& services, const TaskTable& tasks);

  // Number of replacement tasks waiting in desired READY to be started.
  size_t pending_start_count() const { return pending_starts_.size(); }

 private:
  struct DelayedStart {
    sim::Time not_before;
    sim::Time timeout_at;
    std::string wait_for_task_id;  // empty: do not wait for an old task to stop
  };
  struct ServiceMark {
    uint64_t version = 0;
    uint64_t replicas = 0;
  };
  class Pass;  // One Reconcile call's working copy of the tasks and its output.

  void MarkDeletedServiceTasks(Pass& pass);
  void TrackDelayedStarts(Pass& pass);
  void RestartTasks(sim::Time now, Pass& pass);
  void Restart(sim::Time now, const api::Task& task, const api::Service& service, Pass& pass);
  bool ServiceNeedsReconcile(const api::Service& service, const Pass& pass) const;
  void ReconcileService(sim::Time now, const api::Service& service, Pass& pass);
  // Post-condition of ReconcileService: exactly `replicas` runnable slots, one task each.
  static void CheckReconciled(const api::Service& service, const Pass& pass);
  void KeepOneTaskPerSlot(const std::string& service_id, Pass& pass);
  void ScaleDown(const api::Service& service,
                 const std::map<uint64_t, std::vector<const api::Task*>>& runnable, Pass& pass);
  void StartDueTasks(sim::Time now, Pass& pass);
  api::Task NewTask(sim::Time now, const api::Service& service, uint64_t slot);

  OrchestratorOptions options_;
  TaskIdSource new_task_id_;
  std::map<std::string, DelayedStart> pending_starts_;  // by new task id
  std::map<std::string, ServiceMark> reconciled_;       // by service id
};

}  // namespace orchestrator
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_ORCHESTRATOR_REPLICATED_ORCHESTRATOR_H_
