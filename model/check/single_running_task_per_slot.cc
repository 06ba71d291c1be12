// A task is never RUNNING on two nodes at once for the same service slot. A task counts as
// running on a node from its task.state TASK_RUNNING (traced by the worker executing it) until
// its next task.state on that host, or until that host stops or crashes. Global services (slot 0)
// have no slots and are not checked.
//
// One exception, because SwarmKit does it on purpose: once a manager has marked a node DOWN
// (node.status), the orchestrator replaces that node's tasks although the node may in fact be
// alive and still running them (a partitioned or frozen worker whose heartbeats did not arrive).
// A copy running on a node that the control plane has declared DOWN is therefore not counted
// until the node is READY again.
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
      const std::string& state = r.Str(field::kState);
      if (state == "DOWN") down_nodes_.insert(r.Str(field::kNode));
      if (state == kNodeReady) down_nodes_.erase(r.Str(field::kNode));
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
      if (down_nodes_.count(other.node) != 0) continue;  // Declared dead: replaced on purpose.
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
    return absl::StrCat(running_, " tasks started RUNNING, never two nodes on one slot");
  }

 private:
  using SlotKey = std::pair<std::string, uint64_t>;  // (service, slot)
  struct Running {
    std::string node;
    sim::HostId host = 0;
    sim::Time since;
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
  std::set<std::string> down_nodes_;  // nodes some manager's store marked DOWN
  uint64_t running_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewSingleRunningTaskPerSlotChecker() {
  return std::make_unique<SingleRunningTaskPerSlotChecker>();
}

}  // namespace check
}  // namespace swarmsim
