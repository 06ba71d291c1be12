#include "model/orchestrator/replicated_orchestrator.h"

#include <algorithm>
#include <set>
#include <utility>

#include "model/orchestrator/task_rules.h"
#include "sim/check.h"

namespace swarmsim {
namespace orchestrator {

// The tasks as they will be once this pass's actions are applied, so that later steps of the same
// pass see earlier ones (SwarmKit's steps run one after another against the store).
class ReplicatedOrchestrator::Pass {
 public:
  Pass(const NodeTable& nodes_in, const ServiceTable& services_in, const TaskTable& tasks)
      : nodes(nodes_in), services(services_in), working(tasks) {
    for (const auto& [id, t] : working) {
      SIM_CHECK_EQ(id, t.id());
      by_service[t.service_id()].insert(id);
    }
  }

  void Create(const api::Task& t) {
    const bool inserted = working.emplace(t.id(), t).second;
    SIM_CHECK_MSG(inserted, "task id reused: " + t.id());
    by_service[t.service_id()].insert(t.id());
    Emit(api::StoreAction::CREATE, t);
  }

  void Update(const api::Task& t) {
    auto it = working.find(t.id());
    SIM_CHECK(it != working.end());
    it->second = t;
    Emit(api::StoreAction::UPDATE, t);
  }

  void Delete(const std::string& id) {
    auto it = working.find(id);
    SIM_CHECK(it != working.end());
    Emit(api::StoreAction::REMOVE, it->second);
    by_service[it->second.service_id()].erase(id);
    working.erase(it);
  }

  const api::Task* Find(const std::string& id) const {
    auto it = working.find(id);
    return it == working.end() ? nullptr : &it->second;
  }

  // The service's tasks in id order. Pointers are valid until the next Create or Delete.
  std::vector<const api::Task*> ServiceTasks(const std::string& service_id) const {
    std::vector<const api::Task*> result;
    auto it = by_service.find(service_id);
    if (it == by_service.end()) return result;
    for (const std::string& id : it->second) result.push_back(&working.at(id));
    return result;
  }

  const NodeTable& nodes;        // the store's, read in place
  const ServiceTable& services;  // the store's, read in place
  TaskTable working;             // a copy: this pass's actions are applied to it as they are made
  std::map<std::string, std::set<std::string>> by_service;
  OrchestratorOutput out;

 private:
  void Emit(api::StoreAction::Kind kind, const api::Task& t) {
    api::StoreAction action;
    action.set_kind(kind);
    *action.mutable_target()->mutable_task() = t;
    out.actions.push_back(std::move(action));
  }
};

ReplicatedOrchestrator::ReplicatedOrchestrator(OrchestratorOptions options,
                                               TaskIdSource new_task_id)
    : options_(options), new_task_id_(std::move(new_task_id)) {
  SIM_CHECK(new_task_id_ != nullptr);
  SIM_CHECK(options_.restart_delay >= absl::ZeroDuration());
  SIM_CHECK(options_.old_task_timeout >= absl::ZeroDuration());
}

OrchestratorOutput ReplicatedOrchestrator::Reconcile(sim::Time now, const NodeTable& nodes,
                                                     const ServiceTable& services,
                                                     const TaskTable& tasks) {
  // No sortedness check: the tables are maps keyed by id, so they iterate in id order without
  // duplicates; lookups and the loops below check that a row's id is its key.
  Pass pass(nodes, services, tasks);
  MarkDeletedServiceTasks(pass);
  TrackDelayedStarts(pass);
  RestartTasks(now, pass);
  for (const auto& [id, service] : services) {
    SIM_CHECK_EQ(id, service.id());
    if (ServiceNeedsReconcile(service, pass)) ReconcileService(now, service, pass);
  }
  StartDueTasks(now, pass);
  // Forget services that are gone so a re-created ID is treated as new.
  for (auto it = reconciled_.begin(); it != reconciled_.end();) {
    it = FindService(services, it->first) == nullptr ? reconciled_.erase(it) : std::next(it);
  }
  return std::move(pass.out);
}

void ReplicatedOrchestrator::MarkDeletedServiceTasks(Pass& pass) {
  std::vector<std::string> orphans;
  for (const auto& [id, task] : pass.working) {
    if (FindService(pass.services, task.service_id()) == nullptr &&
        task.desired_state() < api::TASK_REMOVE) {
      orphans.push_back(id);
    }
  }
  for (const std::string& id : orphans) {
    api::Task t = *pass.Find(id);
    t.set_desired_state(api::TASK_REMOVE);
    pass.Update(t);
    pending_starts_.erase(id);
  }
}

void ReplicatedOrchestrator::TrackDelayedStarts(Pass& pass) {
  for (auto it = pending_starts_.begin(); it != pending_starts_.end();) {
    const api::Task* t = pass.Find(it->first);
    const bool still_delayed = t != nullptr && t->desired_state() < api::TASK_RUNNING;
    it = still_delayed ? std::next(it) : pending_starts_.erase(it);
  }
  // A task left in desired READY by a previous leader: start it once its restart delay, counted
  // from its status timestamp, has passed; the old task is not waited for.
  for (const auto& [id, task] : pass.working) {
    if (task.desired_state() != api::TASK_READY || pending_starts_.count(id) != 0) continue;
    if (FindService(pass.services, task.service_id()) == nullptr) continue;
    const sim::Time created = sim::Time::FromNanos(task.status().timestamp_ns());
    pending_starts_[id] =
        DelayedStart{created + options_.restart_delay, created + options_.old_task_timeout, ""};
  }
}

void ReplicatedOrchestrator::RestartTasks(sim::Time now, Pass& pass) {
  std::vector<std::string> to_restart;
  for (const auto& [id, task] : pass.working) {
    if (!IsRunnable(task)) continue;
    if (FindService(pass.services, task.service_id()) == nullptr) continue;
    const bool on_invalid_node =
        !task.node_id().empty() && InvalidNode(FindNode(pass.nodes, task.node_id()));
    if (!HasStopped(task) && !on_invalid_node) continue;
    // Still inside its own restart delay: SwarmKit restarts it once that delay is over.
    if (pending_starts_.count(id) != 0) continue;
    to_restart.push_back(id);
  }
  for (const std::string& id : to_restart) {
    const api::Task task = *pass.Find(id);
    Restart(now, task, *FindService(pass.services, task.service_id()), pass);
  }
}

void ReplicatedOrchestrator::Restart(sim::Time now, const api::Task& task,
                                     const api::Service& service, Pass& pass) {
  SIM_CHECK(IsRunnable(task));
  api::Task old_task = task;
  old_task.set_desired_state(api::TASK_SHUTDOWN);
  pass.Update(old_task);

  api::Task replacement = NewTask(now, service, task.slot());
  replacement.set_desired_state(api::TASK_READY);
  pass.Create(replacement);

  const api::Node* node = task.node_id().empty() ? nullptr : FindNode(pass.nodes, task.node_id());
  // SwarmKit skips the restart delay when the old node is drained.
  const bool drained = node != nullptr && node->spec().availability() == api::AVAILABILITY_DRAIN;
  const absl::Duration delay = drained ? absl::ZeroDuration() : options_.restart_delay;
  // Waiting for the old task to stop is pointless when it already has or its node is DOWN.
  const bool node_down = node != nullptr && node->status().state() == api::NodeStatus::DOWN;
  const bool wait_stop = !node_down && !HasStopped(task);
  pending_starts_[replacement.id()] = DelayedStart{now + delay, now + options_.old_task_timeout,
                                                   wait_stop ? task.id() : std::string()};
}

bool ReplicatedOrchestrator::ServiceNeedsReconcile(const api::Service& service,
                                                   const Pass& pass) const {
  auto it = reconciled_.find(service.id());
  if (it == reconciled_.end()) return true;
  if (it->second.version != service.meta().version() ||
      it->second.replicas != service.spec().replicas()) {
    return true;
  }
  // Stands in for SwarmKit's trigger on deletion of a runnable task.
  const SlotTable slots = GroupSlots(pass.ServiceTasks(service.id()));
  if (slots.runnable.size() != service.spec().replicas()) return true;
  for (const auto& [slot, tasks] : slots.runnable) {
    if (tasks.size() > 1) return true;
  }
  return false;
}

void ReplicatedOrchestrator::KeepOneTaskPerSlot(const std::string& service_id, Pass& pass) {
  std::vector<std::string> extra;
  for (const auto& [slot, tasks] : GroupSlots(pass.ServiceTasks(service_id)).runnable) {
    const api::Task* keep = nullptr;
    for (const api::Task* t : tasks) {
      if (!IsRunnable(*t)) continue;
      // Most advanced observed state not past RUNNING wins; ties keep the lowest id.
      const auto rank = [](const api::Task* x) {
        return HasStopped(*x) ? -1 : static_cast<int>(x->status().state());
      };
      if (keep == nullptr || rank(t) > rank(keep)) keep = t;
    }
    for (const api::Task* t : tasks) {
      if (t != keep && IsRunnable(*t)) extra.push_back(t->id());
    }
  }
  for (const std::string& id : extra) {
    api::Task t = *pass.Find(id);
    t.set_desired_state(api::TASK_SHUTDOWN);
    pass.Update(t);
    pending_starts_.erase(id);
  }
}

void ReplicatedOrchestrator::ReconcileService(sim::Time now, const api::Service& service,
                                              Pass& pass) {
  reconciled_[service.id()] = ServiceMark{service.meta().version(), service.spec().replicas()};
  KeepOneTaskPerSlot(service.id(), pass);
  const SlotTable slots = GroupSlots(pass.ServiceTasks(service.id()));
  const uint64_t replicas = service.spec().replicas();
  const uint64_t runnable = slots.runnable.size();

  std::set<uint64_t> dead_slots;
  for (const auto& [slot, tasks] : slots.dead) dead_slots.insert(slot);

  if (replicas > runnable) {
    uint64_t slot = 0;
    std::vector<uint64_t> new_slots;
    for (uint64_t i = 0; i < replicas - runnable; ++i) {
      do {
        ++slot;
      } while (slots.runnable.count(slot) != 0);
      new_slots.push_back(slot);
      dead_slots.erase(slot);  // Refilled: its history stays for the reaper.
    }
    for (uint64_t s : new_slots) pass.Create(NewTask(now, service, s));
  } else if (replicas < runnable) {
    ScaleDown(service, slots.runnable, pass);
  }
  std::vector<std::string> doomed;
  for (uint64_t s : dead_slots) {
    for (const api::Task* t : slots.dead.at(s)) doomed.push_back(t->id());
  }
  for (const std::string& id : doomed) pass.Delete(id);
  CheckReconciled(service, pass);
}

void ReplicatedOrchestrator::CheckReconciled(const api::Service& service, const Pass& pass) {
  const SlotTable slots = GroupSlots(pass.ServiceTasks(service.id()));
  SIM_CHECK_EQ(slots.runnable.size(), service.spec().replicas());
  for (const auto& [slot, tasks] : slots.runnable) {
    SIM_CHECK_GT(slot, 0u);
    SIM_CHECK_EQ(tasks.size(), 1u);
  }
}

void ReplicatedOrchestrator::ScaleDown(
    const api::Service& service, const std::map<uint64_t, std::vector<const api::Task*>>& runnable,
    Pass& pass) {
  struct Candidate {
    uint64_t slot = 0;
    bool running = false;
    int64_t index = -1;  // nth copy of the service on its node; -1 when not on exactly one node
    std::vector<std::string> task_ids;
  };
  std::vector<Candidate> candidates;
  for (const auto& [slot, tasks] : runnable) {
    Candidate c;
    c.slot = slot;
    for (const api::Task* t : tasks) {
      c.running = c.running || t->status().state() == api::TASK_RUNNING;
      c.task_ids.push_back(t->id());
    }
    candidates.push_back(std::move(c));
  }
  // Keep running slots first, and among equals the lowest slot numbers.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     if (a.running != b.running) return a.running;
                     return a.slot < b.slot;
                   });
  std::map<std::string, int64_t> copies_on_node;
  for (Candidate& c : candidates) {
    const api::Task* only = runnable.at(c.slot).size() == 1 ? runnable.at(c.slot)[0] : nullptr;
    if (only != nullptr && !only->node_id().empty()) c.index = ++copies_on_node[only->node_id()];
  }
  // Then the first copies on each node before the second ones, and unplaced slots last, so the
  // survivors stay spread. Stable: ties keep the order above.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     if (a.index < 0 || b.index < 0) return a.index >= 0 && b.index < 0;
                     return a.index < b.index;
                   });
  const uint64_t keep = service.spec().replicas();
  for (size_t i = keep; i < candidates.size(); ++i) {
    for (const std::string& id : candidates[i].task_ids) {
      api::Task t = *pass.Find(id);
      if (t.desired_state() >= api::TASK_REMOVE) continue;
      t.set_desired_state(api::TASK_REMOVE);
      pass.Update(t);
      pending_starts_.erase(id);
    }
  }
}

void ReplicatedOrchestrator::StartDueTasks(sim::Time now, Pass& pass) {
  std::optional<sim::Time> wakeup;
  auto want_wakeup = [&wakeup](sim::Time at) {
    if (!wakeup.has_value() || at < *wakeup) wakeup = at;
  };
  for (auto it = pending_starts_.begin(); it != pending_starts_.end();) {
    const api::Task* task = pass.Find(it->first);
    if (task == nullptr || task->desired_state() >= api::TASK_RUNNING) {
      it = pending_starts_.erase(it);
      continue;
    }
    const DelayedStart& d = it->second;
    if (now < d.not_before) {
      want_wakeup(d.not_before);
      ++it;
      continue;
    }
    bool old_released = true;
    if (!d.wait_for_task_id.empty() && now < d.timeout_at) {
      const api::Task* old_task = pass.Find(d.wait_for_task_id);
      if (old_task != nullptr && !HasStopped(*old_task)) {
        const api::Node* node = FindNode(pass.nodes, old_task->node_id());
        old_released = node == nullptr || node->status().state() == api::NodeStatus::DOWN;
      }
    }
    if (!old_released) {
      want_wakeup(d.timeout_at);
      ++it;
      continue;
    }
    api::Task started = *task;
    started.set_desired_state(api::TASK_RUNNING);
    pass.Update(started);
    it = pending_starts_.erase(it);
  }
  pass.out.wakeup_at = wakeup;
}

api::Task ReplicatedOrchestrator::NewTask(sim::Time now, const api::Service& service,
                                          uint64_t slot) {
  SIM_CHECK_GT(slot, 0u);
  const std::string id = new_task_id_();
  SIM_CHECK(!id.empty());
  api::Task t;
  t.set_id(id);
  t.set_service_id(service.id());
  t.set_slot(slot);
  t.set_desired_state(api::TASK_RUNNING);
  api::TaskStatus* status = t.mutable_status();
  if (options_.create_as_pending) {
    status->set_state(api::TASK_PENDING);
    status->set_message("pending task scheduling");
  } else {
    status->set_state(api::TASK_NEW);
    status->set_message("created");
  }
  status->set_timestamp_ns(now.nanos());
  return t;
}

}  // namespace orchestrator
}  // namespace swarmsim
