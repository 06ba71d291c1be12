// Dispatcher: node liveness — READY on (re)registration, DOWN on heartbeat expiry, ORPHANED tasks
// 24 h after DOWN.
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/dispatcher/dispatcher.h"
#include "model/dispatcher/errors.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

void Dispatcher::MarkNodeReady(sim::Time now, const std::string& node_id,
                               const std::optional<api::NodeDescription>& description,
                               const std::string& addr) {
  NodeUpdate update;
  update.has_status = true;
  update.status.set_state(api::NodeStatus::READY);
  update.status.set_addr(addr);
  update.description = description;
  node_updates_[node_id] = std::move(update);
  // Back from DOWN: the orphan countdown is off.
  down_nodes_.Delete(node_id);
  NoteThat(NoteKind::kNodeReadyQueued, node_id, "", addr);
  MaybeTriggerFlush(now);
}

absl::Status Dispatcher::MarkNodeNotReady(sim::Time now, const std::string& node_id,
                                          api::NodeStatus::State state,
                                          const std::string& message) {
  if (!running()) return DispatcherStoppedError();
  if (store_->GetNode(node_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("could not find node ", node_id, " while trying to add to down nodes store"));
  }
  const uint64_t generation = NextGeneration();
  const DownNodes::Entry& down =
      down_nodes_.Add(now, node_id, config_.node_down_period, generation);
  ArmTimer(TimerKind::kDownNodeExpiry, node_id, 0, generation, down.deadline);
  // Keep a description queued by an earlier markNodeReady that has not been flushed yet.
  NodeUpdate update;
  update.has_status = true;
  update.status.set_state(state);
  update.status.set_message(message);
  auto pending = node_updates_.find(node_id);
  if (pending != node_updates_.end()) update.description = pending->second.description;
  node_updates_[node_id] = std::move(update);
  NoteThat(NoteKind::kNodeMarkedNotReady, node_id, "",
           absl::StrCat(api::NodeStatus::State_Name(state), ": ", message));
  MaybeTriggerFlush(now);
  if (!registry_.Delete(node_id)) {
    return absl::NotFoundError(absl::StrCat("node ", node_id, " is not found in local storage"));
  }
  return absl::OkStatus();
}

void Dispatcher::OnHeartbeatExpiry(sim::Time now, const TimerRequest& timer) {
  const RegisteredNode* entry = registry_.Get(timer.node_id);
  if (entry == nullptr || entry->generation != timer.generation) return;  // Superseded.
  if (!running()) return;
  SIM_CHECK(entry->deadline == timer.deadline);
  const std::string message =
      entry->unknown ? "heartbeat failure for node in \"unknown\" state" : "heartbeat failure";
  NoteThat(NoteKind::kHeartbeatExpired, timer.node_id, entry->session_id, message);
  absl::Status status = MarkNodeNotReady(now, timer.node_id, api::NodeStatus::DOWN, message);
  if (!status.ok()) NoteThat(NoteKind::kError, timer.node_id, "", status.ToString());
}

void Dispatcher::OnDownNodeExpiry(sim::Time now, const TimerRequest& timer) {
  if (!down_nodes_.IsLiveTimer(timer.node_id, timer.generation)) return;
  down_nodes_.Delete(timer.node_id);
  Job job;
  job.kind = JobKind::kOrphanTasks;
  job.node_id = timer.node_id;
  for (const api::Task* task : store_->TasksByNode(timer.node_id)) {
    JobItem item;
    item.kind = JobItem::kOrphanTask;
    item.id = task->id();
    job.items.push_back(std::move(item));
  }
  StartJob(now, std::move(job));
}

}  // namespace dispatcher
}  // namespace swarmsim
