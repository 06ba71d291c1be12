// Dispatcher store batches: markNodesUnknown at start, processUpdates every 100 ms, and
// moveTasksToOrphaned 24 h after DOWN. Each is a Job cut into proposals of at most
// max_changes_per_proposal changes; the next cut is built only when the previous one committed,
// against the store as it then is.
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "model/dispatcher/dispatcher.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

namespace {
constexpr char kUnknownMessage[] =
    "Node moved to \"unknown\" state due to leadership change in cluster";
}  // namespace

void Dispatcher::StartJob(sim::Time now, Job job) { ContinueJob(now, std::move(job)); }

void Dispatcher::ContinueJob(sim::Time now, Job job) {
  store::Batch::Limits limits;
  limits.max_changes = config_.max_changes_per_proposal;
  store::Batch batch(*store_, now, limits);
  while (job.next < job.items.size() && batch.cut_count() == 0) {
    const JobItem& item = job.items[job.next++];
    // A failed item is dropped, as SwarmKit only logs a failed batch.Update.
    absl::Status status =
        batch.Update([&](store::WriteTx& tx) { return ApplyItem(now, tx, item); });
    if (!status.ok()) NoteThat(NoteKind::kError, item.id, "", status.ToString());
  }
  std::vector<api::InternalRaftRequest> requests = batch.Finish();
  SIM_CHECK_LE(requests.size(), 1u);
  if (requests.empty()) {
    SIM_CHECK_EQ(job.next, job.items.size());
    FinishJob(now, job);
    return;
  }
  Proposal proposal;
  proposal.id = next_proposal_id_++;
  proposal.request = std::move(requests[0]);
  jobs_[proposal.id] = std::move(job);
  out_.proposals.push_back(std::move(proposal));
}

absl::Status Dispatcher::ApplyItem(sim::Time now, store::WriteTx& tx, const JobItem& item) {
  switch (item.kind) {
    case JobItem::kMarkUnknown: {
      const api::Node* current = tx.Get<api::Node>(item.id);
      if (current == nullptr) return absl::OkStatus();  // Removed since the list was read.
      if (current->status().state() == api::NodeStatus::DOWN) {
        // Not resurrected: stays DOWN, and its orphan countdown restarts from now.
        const uint64_t generation = NextGeneration();
        const DownNodes::Entry& entry =
            down_nodes_.Add(now, item.id, config_.node_down_period, generation);
        ArmTimer(TimerKind::kDownNodeExpiry, item.id, 0, generation, entry.deadline);
        NoteThat(NoteKind::kDownNodeTracked, item.id, "", "");
        return absl::OkStatus();
      }
      api::Node node = *current;
      node.mutable_status()->set_state(api::NodeStatus::UNKNOWN);
      node.mutable_status()->set_message(kUnknownMessage);
      const uint64_t generation = NextGeneration();
      const RegisteredNode& entry = registry_.AddUnknown(now, item.id, generation, *prng_);
      ArmTimer(TimerKind::kHeartbeatExpiry, item.id, 0, generation, entry.deadline);
      NoteThat(NoteKind::kNodeUnknown, item.id, "",
               absl::StrCat("deadline_ns=", entry.deadline.nanos()));
      return tx.Update(std::move(node));
    }
    case JobItem::kTaskStatus: {
      const api::Task* current = tx.Get<api::Task>(item.id);
      if (current == nullptr) return absl::OkStatus();
      if (google::protobuf::util::MessageDifferencer::Equals(current->status(), item.task_status)) {
        return absl::OkStatus();
      }
      // Never regress: a late report of an earlier state is ignored.
      if (current->status().state() > item.task_status.state()) return absl::OkStatus();
      api::Task task = *current;
      *task.mutable_status() = item.task_status;
      task.mutable_status()->set_applied_by(leader_node_id_);
      task.mutable_status()->set_applied_at_ns(now.nanos());
      return tx.Update(std::move(task));
    }
    case JobItem::kNodeStatus: {
      const api::Node* current = tx.Get<api::Node>(item.id);
      if (current == nullptr) return absl::OkStatus();
      api::Node node = *current;
      const NodeUpdate& update = item.node_update;
      if (update.has_status) {
        node.mutable_status()->set_state(update.status.state());
        node.mutable_status()->set_message(update.status.message());
        if (!update.status.addr().empty()) node.mutable_status()->set_addr(update.status.addr());
      }
      if (update.description.has_value()) *node.mutable_description() = *update.description;
      return tx.Update(std::move(node));
    }
    case JobItem::kOrphanTask: {
      const api::Task* current = tx.Get<api::Task>(item.id);
      if (current == nullptr) return absl::OkStatus();
      api::Task task = *current;
      // Only tasks that could have progressed while the node was unreachable; final states
      // stay. SwarmKit rewrites every task of the node either way.
      const api::TaskState state = task.status().state();
      if (state >= api::TASK_ASSIGNED && state <= api::TASK_RUNNING) {
        task.mutable_status()->set_state(api::TASK_ORPHANED);
      }
      return tx.Update(std::move(task));
    }
  }
  return absl::OkStatus();
}

void Dispatcher::FinishJob(sim::Time now, const Job& job) {
  switch (job.kind) {
    case JobKind::kMarkUnknown:
      if (state_ == State::kStarting) BecomeRunning(now);
      break;
    case JobKind::kProcessUpdates:
      SIM_CHECK(process_updates_in_flight_);
      process_updates_in_flight_ = false;
      NoteThat(NoteKind::kStatusBatchDone, "", "", "");
      // processUpdatesCond.Broadcast(): every session waiting in markNodeReady goes on, whether
      // or not its own update was in this batch.
      ReleaseWaitingSessions(now);
      if (!running()) break;
      if (flush_triggered_) {
        flush_triggered_ = false;
        StartProcessUpdates(now);
      } else {
        ArmBatchTimer(now);
      }
      break;
    case JobKind::kOrphanTasks:
      NoteThat(NoteKind::kTasksOrphaned, job.node_id, "", absl::StrCat("tasks=", job.items.size()));
      break;
  }
}

void Dispatcher::StartProcessUpdates(sim::Time now) {
  SIM_CHECK(running());
  SIM_CHECK(!process_updates_in_flight_);
  std::map<std::string, api::TaskStatus> tasks;
  std::map<std::string, NodeUpdate> nodes;
  tasks.swap(task_updates_);
  nodes.swap(node_updates_);
  if (tasks.empty() && nodes.empty()) {
    // Nothing to write: no batch, and no broadcast either.
    ArmBatchTimer(now);
    return;
  }
  Job job;
  job.kind = JobKind::kProcessUpdates;
  // Tasks then nodes, each in ID order (SwarmKit ranges over two Go maps).
  for (auto& [id, status] : tasks) {
    JobItem item;
    item.kind = JobItem::kTaskStatus;
    item.id = id;
    item.task_status = std::move(status);
    job.items.push_back(std::move(item));
  }
  for (auto& [id, update] : nodes) {
    JobItem item;
    item.kind = JobItem::kNodeStatus;
    item.id = id;
    item.node_update = std::move(update);
    job.items.push_back(std::move(item));
  }
  process_updates_in_flight_ = true;
  NoteThat(NoteKind::kStatusBatchStarted, "", "",
           absl::StrCat("tasks=", tasks.size(), " nodes=", nodes.size()));
  StartJob(now, std::move(job));
}

void Dispatcher::ArmBatchTimer(sim::Time now) {
  const uint64_t generation = NextGeneration();
  batch_timer_generation_ = generation;
  ArmTimer(TimerKind::kBatchFlush, "", 0, generation, now + config_.max_batch_interval);
}

void Dispatcher::MaybeTriggerFlush(sim::Time now) {
  if (task_updates_.size() < config_.max_batch_items &&
      node_updates_.size() < config_.max_batch_items) {
    return;
  }
  if (running() && !process_updates_in_flight_) {
    batch_timer_generation_ = 0;  // The pending tick is superseded; re-armed after the batch.
    StartProcessUpdates(now);
  } else {
    // Run's loop is busy with a batch: it takes the trigger as soon as that batch is done.
    flush_triggered_ = true;
  }
}

}  // namespace dispatcher
}  // namespace swarmsim
