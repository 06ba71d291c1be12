#include "model/orchestrator/task_reaper.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "model/orchestrator/task_rules.h"
#include "sim/check.h"

namespace swarmsim {
namespace orchestrator {
namespace {

bool RemovedAndIdle(const api::Task& t) {
  return t.desired_state() == api::TASK_REMOVE &&
         (t.status().state() < api::TASK_ASSIGNED || t.status().state() >= api::TASK_COMPLETE);
}

bool IsDead(const api::Task& t) { return !IsRunnable(t) && HasStopped(t); }

}  // namespace

std::vector<api::StoreAction> ReapTasks(const ServiceTable& services, const TaskTable& tasks,
                                        int64_t retention_limit) {
  std::set<std::string> doomed;
  std::map<std::pair<std::string, uint64_t>, std::vector<const api::Task*>> slots;
  for (const auto& [id, t] : tasks) {
    SIM_CHECK_EQ(id, t.id());  // A map iterates in key order: this makes that the id order.
    if (RemovedAndIdle(t)) doomed.insert(t.id());
    if (FindService(services, t.service_id()) != nullptr) {
      slots[{t.service_id(), t.slot()}].push_back(&t);
    }
  }
  if (retention_limit >= 0) {
    for (auto& [key, history] : slots) {
      if (static_cast<int64_t>(history.size()) <= retention_limit) continue;
      std::sort(history.begin(), history.end(), [](const api::Task* a, const api::Task* b) {
        return std::make_tuple(a->status().timestamp_ns(), a->id()) <
               std::make_tuple(b->status().timestamp_ns(), b->id());
      });
      int64_t excess = static_cast<int64_t>(history.size()) - retention_limit;
      for (const api::Task* t : history) {
        if (excess == 0) break;
        if (!IsDead(*t)) continue;  // Never reap a task that is or may still be running.
        doomed.insert(t->id());
        --excess;
      }
    }
  }
  std::vector<api::StoreAction> actions;
  for (const auto& [id, t] : tasks) {
    if (doomed.count(id) == 0) continue;
    api::StoreAction a;
    a.set_kind(api::StoreAction::REMOVE);
    *a.mutable_target()->mutable_task() = t;
    actions.push_back(std::move(a));
  }
  return actions;
}

}  // namespace orchestrator
}  // namespace swarmsim
