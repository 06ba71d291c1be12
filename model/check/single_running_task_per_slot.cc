// A task is never RUNNING on two nodes at once for the same service slot. A task counts as
// running on a node from its task.state TASK_RUNNING (traced by the worker executing it) until
// its next task.state on that host, or until that host stops or crashes. Global services (slot 0)
// have no slots and are not checked.
//
// One exception, because SwarmKit does it on purpose: once a manager has marked a node DOWN
// (node.status), the orchestrator replaces that node's tasks although the node may in fact be
// alive and still running them (a partitioned or frozen worker whose heartbeats did not arrive).
// Every task RUNNING on a node at the moment it is marked DOWN is therefore written off: it is
// not counted again until it stops, even after the node is READY again (the old copy only stops
// once the returning agent has received its new assignments). Tasks that start RUNNING on the
// node later are counted as usual.
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

class SingleRunningTaskPerSlotChecker : public Checker {
 public:
  SingleRunningTaskPerSlotChecker() : Checker(kSingleRunningTaskPerSlot) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kTaskState, kind::kHostStop, kind::kHostCrash, kind::kNodeStatus};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kNodeStatus) {
      if (r.Str(field::kState) != "DOWN") return;
      const std::string& node = r.Str(field::kNode);
      for (auto& [slot, tasks] : slots_) {
        for (auto& [task, running] : tasks) {
          if (running.node == node) running.written_off = true;
        }
      }
      return;
    }
    if (r.kind != kind::kTaskState) {
      auto it = by_host_.find(r.host);
      if (it == by_host_.end()) return;
      const std::set<std::pair<SlotKey, std::string>> tasks = it->second;
      for (const auto& [slot, task] : tasks) Remove(slot, task);
      return;
    }
    const SlotKey slot{r.Str(field::kService), static_cast<uint64_t>(r.Int(field::kSlot))};
    if (slot.second == 0) return;
    const std::string& task = r.Str(field::kTask);
    Remove(slot, task);
    if (r.Str(field::kState) != kTaskRunning) return;
    ++running_;
    const std::string& node = r.Str(field::kNode);
    std::map<std::string, Running>& tasks = slots_[slot];
    for (const auto& [other_task, other] : tasks) {
      if (other.node == node) continue;
      if (other.written_off) continue;  // Its node was declared DOWN: replaced on purpose.
      Report(r.at, {other.host, r.host},
             absl::StrCat("service ", slot.first, " slot ", slot.second, ": task ", task,
                          " RUNNING on node ", node, " (host ", r.host, ") while task ",
                          other_task, " is RUNNING on node ", other.node, " (host ", other.host,
                          ", since ", other.since.ToString(), ")"));
    }
    tasks[task] = Running{node, r.host, r.at};
    by_host_[r.host].insert({slot, task});
  }

  std::string Summary() const override {
    return Count(running_, "task started RUNNING", "tasks started RUNNING") +
           ", never two nodes on one slot";
  }

 private:
  using SlotKey = std::pair<std::string, uint64_t>;  // (service, slot)
  struct Running {
    std::string node;
    sim::HostId host = 0;
    sim::Time since;
    bool written_off = false;  // running when its node was marked DOWN
  };

  // The task no longer runs where it ran (if it did).
  void Remove(const SlotKey& slot, const std::string& task) {
    auto it = slots_.find(slot);
    if (it == slots_.end()) return;
    auto task_it = it->second.find(task);
    if (task_it == it->second.end()) return;
    auto host_it = by_host_.find(task_it->second.host);
    if (host_it != by_host_.end()) {
      host_it->second.erase({slot, task});
      if (host_it->second.empty()) by_host_.erase(host_it);
    }
    it->second.erase(task_it);
    if (it->second.empty()) slots_.erase(it);
  }

  std::map<SlotKey, std::map<std::string, Running>> slots_;  // slot -> task -> where it runs
  std::map<sim::HostId, std::set<std::pair<SlotKey, std::string>>> by_host_;
  uint64_t running_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewSingleRunningTaskPerSlotChecker() {
  return std::make_unique<SingleRunningTaskPerSlotChecker>();
}

}  // namespace check
}  // namespace swarmsim
