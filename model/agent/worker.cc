#include "model/agent/worker.h"

#include <set>

#include "sim/check.h"

namespace swarmsim {
namespace agent {
namespace {

// The next state on the way to RUNNING, or TASK_NEW when RUNNING (or beyond) is reached.
api::TaskState NextState(api::TaskState s) {
  switch (s) {
    case api::TASK_NEW:
    case api::TASK_PENDING: return api::TASK_ASSIGNED;
    case api::TASK_ASSIGNED: return api::TASK_ACCEPTED;
    case api::TASK_ACCEPTED: return api::TASK_PREPARING;
    case api::TASK_PREPARING: return api::TASK_READY;
    case api::TASK_READY: return api::TASK_STARTING;
    case api::TASK_STARTING: return api::TASK_RUNNING;
    default: return api::TASK_NEW;
  }
}

// SwarmKit's controller messages, roughly ("accepted", "preparing", "started", ...).
const char* StepMessage(api::TaskState s) {
  switch (s) {
    case api::TASK_ASSIGNED: return "assigned";
    case api::TASK_ACCEPTED: return "accepted";
    case api::TASK_PREPARING: return "preparing";
    case api::TASK_READY: return "prepared";
    case api::TASK_STARTING: return "starting";
    case api::TASK_RUNNING: return "started";
    case api::TASK_SHUTDOWN: return "shutdown";
    default: return "";
  }
}

}  // namespace

Worker::Worker(WorkerConfig config) : config_(config) {}

absl::Duration Worker::StepDuration(api::TaskState target) const {
  switch (target) {
    case api::TASK_ACCEPTED: return config_.accept;
    case api::TASK_PREPARING: return config_.begin_prepare;
    case api::TASK_READY: return config_.prepare;
    case api::TASK_STARTING: return config_.begin_start;
    case api::TASK_RUNNING: return config_.start;
    case api::TASK_SHUTDOWN: return config_.shutdown;
    default: return absl::ZeroDuration();
  }
}

const WorkerTask* Worker::Find(const std::string& task_id) const {
  auto it = tasks_.find(task_id);
  return it == tasks_.end() ? nullptr : &it->second;
}

void Worker::Assign(sim::Time now,
                    const google::protobuf::RepeatedPtrField<api::AssignmentChange>& set,
                    Effects* fx, StatusChanges* changed) {
  std::set<std::string> assigned;
  for (const api::AssignmentChange& change : set) {
    if (change.action() != api::AssignmentChange::UPDATE) continue;
    assigned.insert(change.task().id());
    UpsertTask(now, change.task(), fx, changed);
  }
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    it = assigned.count(it->first) ? std::next(it) : tasks_.erase(it);
  }
}

void Worker::Update(sim::Time now,
                    const google::protobuf::RepeatedPtrField<api::AssignmentChange>& changes,
                    Effects* fx, StatusChanges* changed) {
  for (const api::AssignmentChange& change : changes) {
    if (change.action() == api::AssignmentChange::REMOVE) {
      tasks_.erase(change.task().id());  // A pending step timer now finds nothing: ignored.
    } else {
      UpsertTask(now, change.task(), fx, changed);
    }
  }
}

void Worker::UpsertTask(sim::Time now, const api::Task& task, Effects* fx,
                        StatusChanges* changed) {
  SIM_CHECK(!task.id().empty());
  auto it = tasks_.find(task.id());
  if (it != tasks_.end()) {
    // Known task: take the new spec and desired state, keep our own status (SwarmKit keeps the
    // status from its task database over the manager's copy).
    WorkerTask& t = it->second;
    const api::TaskStatus own = t.status;
    t.task = task;
    t.status = own;
    Advance(now, t, fx, changed);
    return;
  }
  WorkerTask& t = tasks_[task.id()];
  t.task = task;
  t.status = task.status();
  if (t.status.state() < api::TASK_ASSIGNED) {
    t.status.set_state(api::TASK_ASSIGNED);
    t.status.set_message(StepMessage(api::TASK_ASSIGNED));
    t.status.set_timestamp_ns(now.nanos());
  }
  // SwarmKit reports the resolved status of a new task before running it.
  api::TaskStatusUpdate update;
  update.set_task_id(task.id());
  *update.mutable_status() = t.status;
  changed->push_back(std::move(update));
  if (t.status.state() == api::TASK_RUNNING && t.task.desired_state() <= api::TASK_RUNNING) {
    // Only this node's agent moves a task to RUNNING, so a RUNNING task this worker does not
    // know was started before the agent restarted, and its container did not survive: exec.Do
    // resumes a RUNNING task with the controller's Wait, which finds the container gone (or
    // exited when the host lost power) and the task becomes FAILED. The orchestrator then
    // replaces it (restart policy "any").
    SetState(now, t, api::TASK_FAILED, kContainerLostMessage, fx, changed);
    return;
  }
  Advance(now, t, fx, changed);
}

void Worker::Advance(sim::Time now, WorkerTask& t, Effects* fx, StatusChanges* changed) {
  // Bounded: at most one pass per state on the way to RUNNING.
  for (int pass = 0; pass < 16; ++pass) {
    const api::TaskState state = t.status.state();
    if (IsTerminal(state)) return;
    api::TaskState target;
    if (t.task.desired_state() > api::TASK_RUNNING) {
      target = api::TASK_SHUTDOWN;
    } else {
      target = NextState(state);
      if (target == api::TASK_NEW || target > t.task.desired_state()) return;
    }
    if (t.step_target == target) return;  // Already under way.
    const absl::Duration d = StepDuration(target);
    if (d == absl::ZeroDuration()) {
      SetState(now, t, target, StepMessage(target), fx, changed);
      continue;
    }
    t.step_target = target;  // Supersedes any step in progress (its timer becomes stale).
    t.step_generation = fx->SetTimer(TimerKind::kTaskStep, now + d, t.task.id());
    return;
  }
  SIM_CHECK_MSG(false, "task state machine did not settle");
}

void Worker::OnStepTimer(sim::Time now, const TimerRequest& timer, Effects* fx,
                         StatusChanges* changed) {
  SIM_CHECK(timer.kind == TimerKind::kTaskStep);
  auto it = tasks_.find(timer.task_id);
  if (it == tasks_.end()) return;  // Removed meanwhile.
  WorkerTask& t = it->second;
  if (t.step_target == api::TASK_NEW || timer.generation != t.step_generation) return;  // Stale.
  const api::TaskState target = t.step_target;
  t.step_target = api::TASK_NEW;
  SetState(now, t, target, StepMessage(target), fx, changed);
  Advance(now, t, fx, changed);
}

void Worker::Fail(sim::Time now, const std::string& task_id, const std::string& message,
                  Effects* fx, StatusChanges* changed) {
  auto it = tasks_.find(task_id);
  if (it == tasks_.end() || IsTerminal(it->second.status.state())) return;
  it->second.step_target = api::TASK_NEW;
  SetState(now, it->second, api::TASK_FAILED, message, fx, changed);
}

void Worker::SetState(sim::Time now, WorkerTask& t, api::TaskState state,
                      const std::string& message, Effects* fx, StatusChanges* changed) {
  SIM_CHECK_GT(state, t.status.state());  // States only go up.
  t.status.set_state(state);
  t.status.set_message(message);
  t.status.set_timestamp_ns(now.nanos());
  api::TaskStatusUpdate update;
  update.set_task_id(t.task.id());
  *update.mutable_status() = t.status;
  changed->push_back(std::move(update));
  Note note;
  note.kind = NoteKind::kTaskState;
  note.task_id = t.task.id();
  note.task_state = state;
  fx->AddNote(std::move(note));
}

StatusChanges Worker::Statuses() const {
  StatusChanges all;
  for (const auto& [id, t] : tasks_) {
    api::TaskStatusUpdate update;
    update.set_task_id(id);
    *update.mutable_status() = t.status;
    all.push_back(std::move(update));
  }
  return all;
}

}  // namespace agent
}  // namespace swarmsim
