// A task is never RUNNING on two nodes at once for the same service slot. A task counts as
// running on a node from its task.state TASK_RUNNING (traced by the worker executing it) until
// its next task.state on that host, or until that host stops or crashes. Global services (slot 0)
// have no slots and are not checked.
//
// One exception, because SwarmKit does it on purpose: once a manager has marked a node DOWN
// (node.status), the orchestrator replaces every task on that node whose desired state is still
// RUNNING, whatever its observed state (replicated/tasks.go: handleNodeChange ->
// restartTasksByNodeID), although the node may in fact be alive (a partitioned or frozen worker
// whose heartbeats did not arrive). The agent on that node does not stop its tasks when its
// session fails (agent.go, Agent.run: the session.errs case only closes the session; the task
// managers of worker.go run on, and agent/task.go's taskManager.run keeps driving exec.Do), so a
// copy that was RUNNING keeps running and a copy that was still being prepared or STARTING
// finishes starting and becomes RUNNING. Both stop only once the returning agent receives its
// new assignments (worker.Assign -> reconcileTaskState). Every task live on a node (traced in a
// non-terminal state) at the moment the node is marked DOWN is therefore written off: it is not
// counted, now or when it later reaches RUNNING, until it reaches a terminal state or its host
// stops or crashes, even after the node is READY again. Tasks that start on the node later are
// counted as usual. scenarios/bugs/swarmkit_paused_worker_finishes_starting.textproto shows it.
// The same holds for a task assigned to the node (task.assign) that its agent had not reported
// yet when the node was marked DOWN: a worker frozen between receiving an assignment and starting
// it starts it when it resumes, beside the replacement, until its next session reconciles
// (found by `swarmsim explore`: a worker paused while its tasks were being assigned).
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

// SwarmKit's states after RUNNING (api.TaskState > TaskStateRunning): the task no longer runs.
bool IsTerminal(const std::string& state) {
  static const std::set<std::string>* const kTerminal = new std::set<std::string>{
      "TASK_COMPLETE", "TASK_SHUTDOWN", "TASK_FAILED",
      "TASK_REJECTED", "TASK_REMOVE",   "TASK_ORPHANED"};
  return kTerminal->count(state) != 0;
}

class SingleRunningTaskPerSlotChecker : public Checker {
 public:
  SingleRunningTaskPerSlotChecker() : Checker(kSingleRunningTaskPerSlot) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kTaskState, kind::kTaskAssign, kind::kHostStop, kind::kHostCrash,
            kind::kNodeStatus};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kNodeStatus) {
      if (r.Str(field::kState) != "DOWN") return;
      const std::string& node = r.Str(field::kNode);
      for (auto& [task, live] : live_) {
        if (live.node == node) live.written_off = true;
      }
      for (const auto& [task, assigned_node] : assigned_unseen_) {
        if (assigned_node == node) written_off_unseen_.insert(task);
      }
      return;
    }
    if (r.kind == kind::kTaskAssign) {
      assigned_unseen_[r.Str(field::kTask)] = r.Str(field::kNode);
      return;
    }
    if (r.kind != kind::kTaskState) {
      auto it = by_host_.find(r.host);
      if (it == by_host_.end()) return;
      const std::set<std::string> tasks = it->second;
      for (const std::string& task : tasks) Remove(task);
      return;
    }
    const SlotKey slot{r.Str(field::kService), static_cast<uint64_t>(r.Int(field::kSlot))};
    if (slot.second == 0) return;
    const std::string& task = r.Str(field::kTask);
    const std::string& state = r.Str(field::kState);
    auto it = live_.find(task);
    bool written_off = it != live_.end() && it->second.written_off;
    assigned_unseen_.erase(task);
    if (written_off_unseen_.erase(task) != 0) written_off = true;
    Remove(task);
    if (IsTerminal(state)) return;
    Live& live = live_[task];
    live = Live{slot, r.Str(field::kNode), r.host, state == kTaskRunning, r.at, written_off};
    by_host_[r.host].insert(task);
    if (!live.running) return;
    ++running_;
    if (written_off) return;  // Its node was declared DOWN while it started: replaced on purpose.
    running_in_slot_[slot].insert(task);
    for (const std::string& other_task : running_in_slot_[slot]) {
      const Live& other = live_.at(other_task);
      if (other_task == task || other.node == live.node || other.written_off) continue;
      Report(r.at, {other.host, r.host},
             absl::StrCat("service ", slot.first, " slot ", slot.second, ": task ", task,
                          " RUNNING on node ", live.node, " (host ", r.host, ") while task ",
                          other_task, " is RUNNING on node ", other.node, " (host ", other.host,
                          ", since ", other.since.ToString(), ")"));
    }
  }

  std::string Summary() const override {
    return Count(running_, "task started RUNNING", "tasks started RUNNING") +
           ", never two nodes on one slot";
  }

 private:
  using SlotKey = std::pair<std::string, uint64_t>;  // (service, slot)
  struct Live {
    SlotKey slot;
    std::string node;
    sim::HostId host = 0;
    bool running = false;
    sim::Time since;
    bool written_off = false;  // live on its node when the node was marked DOWN
  };

  // The task no longer runs or starts where it did (if it did).
  void Remove(const std::string& task) {
    auto it = live_.find(task);
    if (it == live_.end()) return;
    auto host_it = by_host_.find(it->second.host);
    if (host_it != by_host_.end()) {
      host_it->second.erase(task);
      if (host_it->second.empty()) by_host_.erase(host_it);
    }
    auto slot_it = running_in_slot_.find(it->second.slot);
    if (slot_it != running_in_slot_.end()) {
      slot_it->second.erase(task);
      if (slot_it->second.empty()) running_in_slot_.erase(slot_it);
    }
    live_.erase(it);
  }

  std::map<std::string, Live> live_;  // task -> where it starts or runs (non-terminal)
  std::map<SlotKey, std::set<std::string>> running_in_slot_;  // counted RUNNING tasks
  std::map<sim::HostId, std::set<std::string>> by_host_;
  // Assigned (task.assign) and not yet reported by any agent: task -> node.
  std::map<std::string, std::string> assigned_unseen_;
  // Of those, the ones whose node was marked DOWN before their first report.
  std::set<std::string> written_off_unseen_;
  uint64_t running_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewSingleRunningTaskPerSlotChecker() {
  return std::make_unique<SingleRunningTaskPerSlotChecker>();
}

}  // namespace check
}  // namespace swarmsim
