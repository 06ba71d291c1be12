#include "model/agent/output.h"

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace swarmsim {
namespace agent {

const char* CallKindName(CallKind kind) {
  switch (kind) {
    case CallKind::kSession: return "Session";
    case CallKind::kHeartbeat: return "Heartbeat";
    case CallKind::kAssignments: return "Assignments";
    case CallKind::kUpdateTaskStatus: return "UpdateTaskStatus";
  }
  return "?";
}

const char* TimerKindName(TimerKind kind) {
  switch (kind) {
    case TimerKind::kSessionStart: return "session_start";
    case TimerKind::kNoRemotesError: return "no_remotes_error";
    case TimerKind::kSessionInit: return "session_init";
    case TimerKind::kHeartbeat: return "heartbeat";
    case TimerKind::kHeartbeatDeadline: return "heartbeat_deadline";
    case TimerKind::kNodeUpdate: return "node_update";
    case TimerKind::kTaskStep: return "task_step";
  }
  return "?";
}

const char* NoteKindName(NoteKind kind) {
  switch (kind) {
    case NoteKind::kBackoff: return "agent.backoff";
    case NoteKind::kManagerSelected: return "agent.manager_selected";
    case NoteKind::kNoRemotes: return "agent.no_remotes";
    case NoteKind::kSessionStart: return "agent.session_start";
    case NoteKind::kRegistered: return "agent.registered";
    case NoteKind::kSessionEnded: return "agent.session_ended";
    case NoteKind::kAssignmentsGap: return "agent.assignments_gap";
    case NoteKind::kTaskState: return "agent.task_state";
  }
  return "?";
}

std::string Note::ToString() const {
  std::string s = NoteKindName(kind);
  if (!manager.empty()) absl::StrAppend(&s, " manager=", manager);
  if (!session_id.empty()) absl::StrAppend(&s, " session=", session_id);
  if (kind == NoteKind::kBackoff || kind == NoteKind::kSessionEnded) {
    absl::StrAppend(&s, " backoff_ns=", absl::ToInt64Nanoseconds(backoff));
  }
  if (kind == NoteKind::kBackoff || kind == NoteKind::kNoRemotes) {
    absl::StrAppend(&s, " delay_ns=", absl::ToInt64Nanoseconds(delay));
  }
  if (kind == NoteKind::kSessionEnded) {
    absl::StrAppend(&s, " code=", absl::StatusCodeToString(code), " reason=\"", reason, "\"");
  }
  if (!task_id.empty()) {
    absl::StrAppend(&s, " task=", task_id, " state=", api::TaskState_Name(task_state));
  }
  return s;
}

CallId Effects::Call(CallKind kind, const ManagerTarget& target, uint64_t session_seq,
                     std::optional<sim::Time> deadline, Request request) {
  const CallId id = ReserveCallId();
  CallWithId(id, kind, target, session_seq, deadline, std::move(request));
  return id;
}

void Effects::CallWithId(CallId id, CallKind kind, const ManagerTarget& target,
                         uint64_t session_seq, std::optional<sim::Time> deadline,
                         Request request) {
  // The variant's alternative must match the kind: the host switches on kind alone.
  SIM_CHECK_EQ(static_cast<size_t>(kind), request.index());
  SIM_CHECK_NE(id, kNoCall);
  SIM_CHECK_LT(id, counters_->next_call_id);
  SIM_CHECK_NE(session_seq, 0u);
  RpcCall call;
  call.id = id;
  call.session_seq = session_seq;
  call.kind = kind;
  call.target = target;
  call.deadline = deadline;
  call.request = std::move(request);
  out_.calls.push_back(std::move(call));
}

void Effects::Cancel(CallId id) {
  SIM_CHECK_NE(id, kNoCall);
  out_.cancels.push_back(id);
}

uint64_t Effects::SetTimer(TimerKind kind, sim::Time at, std::string task_id) {
  TimerRequest timer;
  timer.kind = kind;
  timer.generation = counters_->next_timer_generation++;
  timer.at = at;
  timer.task_id = std::move(task_id);
  out_.timers.push_back(std::move(timer));
  return out_.timers.back().generation;
}

}  // namespace agent
}  // namespace swarmsim
