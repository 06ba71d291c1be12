// Dispatcher: the Assignments stream — COMPLETE, then batched INCREMENTAL messages.
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/dispatcher/dispatcher.h"
#include "model/dispatcher/errors.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

DispatcherOutput Dispatcher::Assignments(sim::Time now, CallId call, const std::string& node_id,
                                         const api::AssignmentsRequest& request) {
  (void)now;
  SIM_CHECK_MSG(sessions_.count(call) == 0 && assignments_.count(call) == 0,
                absl::StrCat("call ", call, " reused"));
  AssignmentsStream stream;
  stream.node_id = node_id;
  stream.session_id = request.session_id();
  absl::Status valid = running() ? registry_.GetWithSession(node_id, request.session_id()).status()
                                 : DispatcherStoppedError();
  if (!valid.ok()) {
    EndAssignments(call, stream, valid);
    return TakeOutput();
  }
  // ViewAndWatch: the node's tasks now, then every later update and removal (creations are not
  // watched: tasks are created below ASSIGNED and reach the node by an update).
  for (const api::Task* task : store_->TasksByNode(node_id)) stream.set.AddOrUpdateTask(*task);
  NoteThat(NoteKind::kAssignmentsStarted, node_id, stream.session_id,
           absl::StrCat("tasks=", stream.set.tasks().size()));
  SendAssignments(call, stream, api::AssignmentsMessage::COMPLETE, stream.set.TakeChanges());
  valid = registry_.GetWithSession(node_id, stream.session_id).status();
  if (!valid.ok()) {
    EndAssignments(call, stream, valid);
    return TakeOutput();
  }
  InsertAssignments(call, std::move(stream));
  return TakeOutput();
}

void Dispatcher::OnTaskEvent(sim::Time now, const store::Event& event) {
  if (event.action == store::EventAction::kCreate) return;
  const api::Task& task = event.object.task();
  for (CallId call : CallsOf(assignments_by_node_, task.node_id())) {
    AssignmentsStream& stream = assignments_.at(call);
    const bool modified = event.action == store::EventAction::kRemove
                              ? stream.set.RemoveTask(task)
                              : stream.set.AddOrUpdateTask(task);
    if (!modified) continue;  // Status echoes neither count nor extend the quiet period.
    ++stream.modifications;
    if (stream.modifications >= config_.modification_batch_limit) {
      FlushAssignments(call);
      continue;
    }
    const uint64_t generation = NextGeneration();
    stream.timer_generation = generation;
    ArmTimer(TimerKind::kAssignmentsBatch, stream.node_id, call, generation,
             now + config_.batching_wait_time);
  }
}

bool Dispatcher::FlushAssignments(CallId call) {
  AssignmentsStream& stream = assignments_.at(call);
  stream.timer_generation = 0;
  if (stream.modifications == 0) return true;
  stream.modifications = 0;
  SendAssignments(call, stream, api::AssignmentsMessage::INCREMENTAL, stream.set.TakeChanges());
  // Session validity is re-checked before each batch.
  absl::Status valid = registry_.GetWithSession(stream.node_id, stream.session_id).status();
  if (valid.ok()) return true;
  EndAssignments(call, stream, valid);
  EraseAssignments(call);
  return false;
}

void Dispatcher::SendAssignments(CallId call, AssignmentsStream& stream,
                                 api::AssignmentsMessage::Type type,
                                 std::vector<api::AssignmentChange> changes) {
  Envelope envelope;
  envelope.call = call;
  envelope.kind = EnvelopeKind::kAssignmentsMessage;
  api::AssignmentsMessage& message = envelope.assignments;
  ++stream.sequence;
  message.set_type(type);
  message.set_applies_to(stream.applies_to);
  message.set_results_in(absl::StrCat(stream.sequence));
  stream.applies_to = message.results_in();
  for (api::AssignmentChange& change : changes) *message.add_changes() = std::move(change);
  Emit(std::move(envelope));
}

void Dispatcher::EndAssignments(CallId call, const AssignmentsStream& stream,
                                const absl::Status& status) {
  Envelope end;
  end.call = call;
  end.kind = EnvelopeKind::kStreamEnd;
  end.status = status;
  Emit(std::move(end));
  NoteThat(NoteKind::kAssignmentsEnded, stream.node_id, stream.session_id, status.ToString());
}

}  // namespace dispatcher
}  // namespace swarmsim
