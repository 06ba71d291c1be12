// Task execution on a worker (SwarmKit agent/worker.go + agent/exec, reference §1.2, issue 5).
//
// Worker is a pure state machine over simulated time: it never reads a clock and never sends
// anything. It holds the tasks assigned to this node and moves each one through
// ASSIGNED → ACCEPTED → PREPARING → READY → STARTING → RUNNING (SwarmKit's exec.Do, READY
// included), each step taking its configured simulated duration, never past the task's desired
// state. A task whose desired state is SHUTDOWN or beyond goes to SHUTDOWN after the shutdown
// duration, from whatever live state it is in. A task that leaves the assignment set is dropped
// without a status (SwarmKit removes it; the dispatcher no longer cares). States only go up.
//
// After an agent restart the worker starts empty (its task database is not modelled) and the
// dispatcher assigns the node's tasks again with the manager's copy of their status. A task the
// manager believes RUNNING, still desired RUNNING, has lost its container with the old agent
// process: it is reported FAILED at once (kContainerLostMessage), as SwarmKit's exec.Do does when
// the controller's Wait finds no running container, so the orchestrator replaces it. A task
// assigned in an earlier state (ASSIGNED .. STARTING) resumes from it: preparing and starting
// are idempotent in SwarmKit's controller (ErrTaskPrepared, ErrTaskStarted).
//
// Every status change is appended to the caller's list (for the StatusReporter) and noted.
#ifndef SWARMSIM_MODEL_AGENT_WORKER_H_
#define SWARMSIM_MODEL_AGENT_WORKER_H_

#include <map>
#include <string>
#include <vector>

#include "google/protobuf/repeated_field.h"
#include "model/agent/config.h"
#include "model/agent/output.h"
#include "model/proto/swarm.pb.h"
#include "sim/time.h"

namespace swarmsim {
namespace agent {

struct WorkerTask {
  api::Task task;          // as last assigned (desired state, service, slot)
  api::TaskStatus status;  // the worker's own view, which wins over the manager's copy
  // The step in progress: its target state and its timer's generation (TASK_NEW = none).
  api::TaskState step_target = api::TASK_NEW;
  uint64_t step_generation = 0;
};

using StatusChanges = std::vector<api::TaskStatusUpdate>;

// The FAILED message of a RUNNING task whose container did not survive an agent restart.
inline constexpr char kContainerLostMessage[] =
    "task: container not running after the agent restarted";

class Worker {
 public:
  explicit Worker(WorkerConfig config = WorkerConfig());

  // COMPLETE assignments: the set replaces every task; tasks not in it are removed.
  void Assign(sim::Time now, const google::protobuf::RepeatedPtrField<api::AssignmentChange>& set,
              Effects* fx, StatusChanges* changed);
  // INCREMENTAL assignments: UPDATE adds or updates, REMOVE removes; others stay.
  void Update(sim::Time now,
              const google::protobuf::RepeatedPtrField<api::AssignmentChange>& changes,
              Effects* fx, StatusChanges* changed);
  // A kTaskStep timer fired. Stale generations and removed tasks are ignored.
  void OnStepTimer(sim::Time now, const TimerRequest& timer, Effects* fx, StatusChanges* changed);
  // Fault injection: the task's container exits with an error (→ FAILED unless terminal).
  void Fail(sim::Time now, const std::string& task_id, const std::string& message, Effects* fx,
            StatusChanges* changed);

  // The current status of every task, in task-ID order (re-reported on every registration).
  StatusChanges Statuses() const;
  const std::map<std::string, WorkerTask>& tasks() const { return tasks_; }
  const WorkerTask* Find(const std::string& task_id) const;

  static bool IsTerminal(api::TaskState state) { return state >= api::TASK_COMPLETE; }

 private:
  void UpsertTask(sim::Time now, const api::Task& task, Effects* fx, StatusChanges* changed);
  // Runs zero-duration steps inline and schedules the first step that takes time.
  void Advance(sim::Time now, WorkerTask& t, Effects* fx, StatusChanges* changed);
  void SetState(sim::Time now, WorkerTask& t, api::TaskState state, const std::string& message,
                Effects* fx, StatusChanges* changed);
  absl::Duration StepDuration(api::TaskState target) const;

  WorkerConfig config_;
  std::map<std::string, WorkerTask> tasks_;
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_WORKER_H_
