#include "model/dispatcher/outputs.h"

namespace swarmsim {
namespace dispatcher {

const char* EnvelopeKindName(EnvelopeKind kind) {
  switch (kind) {
    case EnvelopeKind::kHeartbeatReply:
      return "heartbeat_reply";
    case EnvelopeKind::kUpdateTaskStatusReply:
      return "update_task_status_reply";
    case EnvelopeKind::kSessionMessage:
      return "session_message";
    case EnvelopeKind::kAssignmentsMessage:
      return "assignments_message";
    case EnvelopeKind::kStreamEnd:
      return "stream_end";
  }
  return "?";
}

const char* TimerKindName(TimerKind kind) {
  switch (kind) {
    case TimerKind::kHeartbeatExpiry:
      return "heartbeat_expiry";
    case TimerKind::kDownNodeExpiry:
      return "down_node_expiry";
    case TimerKind::kBatchFlush:
      return "batch_flush";
    case TimerKind::kAssignmentsBatch:
      return "assignments_batch";
  }
  return "?";
}

const char* NoteKindName(NoteKind kind) {
  switch (kind) {
    case NoteKind::kDispatcherStarting:
      return "dispatcher.starting";
    case NoteKind::kDispatcherRunning:
      return "dispatcher.running";
    case NoteKind::kDispatcherStopped:
      return "dispatcher.stopped";
    case NoteKind::kNodeUnknown:
      return "node.unknown";
    case NoteKind::kDownNodeTracked:
      return "node.down_tracked";
    case NoteKind::kRegistrationRefused:
      return "registration.refused";
    case NoteKind::kRegistrationPending:
      return "registration.pending";
    case NoteKind::kRegistrationAccepted:
      return "registration.accepted";
    case NoteKind::kSessionReusePending:
      return "session.reuse_pending";
    case NoteKind::kSessionStarted:
      return "session.started";
    case NoteKind::kSessionEnded:
      return "session.ended";
    case NoteKind::kHeartbeatExpired:
      return "heartbeat.expired";
    case NoteKind::kNodeMarkedNotReady:
      return "node.not_ready";
    case NoteKind::kNodeReadyQueued:
      return "node.ready_queued";
    case NoteKind::kTasksOrphaned:
      return "tasks.orphaned";
    case NoteKind::kStatusBatchStarted:
      return "status_batch.started";
    case NoteKind::kStatusBatchDone:
      return "status_batch.done";
    case NoteKind::kAssignmentsStarted:
      return "assignments.started";
    case NoteKind::kAssignmentsEnded:
      return "assignments.ended";
    case NoteKind::kError:
      return "error";
  }
  return "?";
}

}  // namespace dispatcher
}  // namespace swarmsim
