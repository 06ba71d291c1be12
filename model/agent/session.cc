#include "model/agent/session.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace swarmsim {
namespace agent {

Session::Session(uint64_t seq, std::optional<ManagerTarget> target, std::string session_id,
                 api::NodeDescription description, absl::Duration rpc_timeout)
    : seq_(seq),
      target_(std::move(target)),
      session_id_(std::move(session_id)),
      description_(std::move(description)),
      rpc_timeout_(rpc_timeout) {
  SIM_CHECK_GT(seq_, 0u);
  SIM_CHECK(rpc_timeout_ > absl::ZeroDuration());
}

bool Session::IsSessionTimer(TimerKind kind) {
  return kind == TimerKind::kSessionStart || kind == TimerKind::kNoRemotesError ||
         kind == TimerKind::kSessionInit || kind == TimerKind::kHeartbeat ||
         kind == TimerKind::kHeartbeatDeadline;
}

void Session::Begin(sim::Time now, absl::Duration delay, Effects* fx) {
  SIM_CHECK(phase_ == Phase::kDelaying);
  SIM_CHECK(delay >= absl::ZeroDuration());
  // Always through a timer, even for a zero delay: SwarmKit's time.NewTimer(0) also fires later,
  // and it keeps a storm of immediate failures from recursing.
  start_generation_ = fx->SetTimer(
      target_.has_value() ? TimerKind::kSessionStart : TimerKind::kNoRemotesError, now + delay);
}

SessionEvents Session::Failed(absl::StatusCode code, std::string message) {
  SessionEvents ev;
  if (failed_ || closed()) return ev;  // errs has room for one error; later ones are dropped.
  failed_ = true;
  ev.failure = SessionFailure{code, std::move(message)};
  return ev;
}

SessionEvents Session::OnTimer(sim::Time now, const TimerRequest& timer, Effects* fx) {
  SIM_CHECK(IsSessionTimer(timer.kind));
  if (closed() || failed_) return {};
  switch (timer.kind) {
    case TimerKind::kSessionStart:
      if (timer.generation != start_generation_) return {};
      start_generation_ = 0;
      Start(now, fx);
      return {};
    case TimerKind::kNoRemotesError:
      if (timer.generation != start_generation_) return {};
      start_generation_ = 0;
      return Failed(absl::StatusCode::kUnavailable, "no remote hosts provided");
    case TimerKind::kSessionInit:
      if (timer.generation != init_generation_ || phase_ != Phase::kStarting) return {};
      init_generation_ = 0;
      // SwarmKit cancels the half-open stream and returns a plain error (no gRPC code).
      return Failed(absl::StatusCode::kUnknown, "session initiation timed out");
    case TimerKind::kHeartbeat:
      if (timer.generation != heartbeat_generation_ || !registered()) return {};
      heartbeat_generation_ = 0;
      SendHeartbeat(now, fx);
      return {};
    case TimerKind::kHeartbeatDeadline:
      if (timer.generation != heartbeat_deadline_generation_ || heartbeat_call_ == kNoCall) {
        return {};
      }
      heartbeat_deadline_generation_ = 0;
      return Failed(absl::StatusCode::kDeadlineExceeded, "context deadline exceeded");
    default:
      SIM_CHECK_MSG(false, TimerKindName(timer.kind));
  }
  return {};
}

void Session::Start(sim::Time now, Effects* fx) {
  SIM_CHECK(phase_ == Phase::kDelaying);
  SIM_CHECK(target_.has_value());
  phase_ = Phase::kStarting;
  api::SessionRequest request;
  *request.mutable_description() = description_;
  request.set_session_id(session_id_);
  session_call_ =
      fx->Call(CallKind::kSession, *target_, seq_, std::nullopt, std::move(request));
  init_generation_ = fx->SetTimer(TimerKind::kSessionInit, now + rpc_timeout_);
  Note note;
  note.kind = NoteKind::kSessionStart;
  note.manager = target_->Name();
  note.session_id = session_id_;
  fx->AddNote(std::move(note));
}

SessionEvents Session::OnSessionMessage(sim::Time now, CallId call,
                                        const api::SessionMessage& msg, Effects* fx) {
  if (closed() || failed_ || call != session_call_) return {};
  SessionEvents ev;
  ev.messages.push_back(msg);
  if (phase_ == Phase::kStarting) {
    // The first message: the session is established with the dispatcher's ID.
    SIM_CHECK(!msg.session_id().empty());
    init_generation_ = 0;
    session_id_ = msg.session_id();
    phase_ = Phase::kRegistered;
    SendHeartbeat(now, fx);  // SwarmKit: time.NewTimer(1), i.e. right away.
    OpenAssignments(fx);
    ev.registered = true;
  }
  return ev;
}

SessionEvents Session::OnSessionStreamEnd(sim::Time, CallId call, const absl::Status& status) {
  if (closed() || call != session_call_) return {};
  session_call_ = kNoCall;
  if (status.ok()) return Failed(absl::StatusCode::kOk, "EOF");
  return Failed(status.code(), std::string(status.message()));
}

void Session::SendHeartbeat(sim::Time now, Effects* fx) {
  SIM_CHECK(registered());
  SIM_CHECK_EQ(heartbeat_call_, kNoCall);
  api::HeartbeatRequest request;
  request.set_session_id(session_id_);
  const sim::Time deadline = now + rpc_timeout_;
  heartbeat_call_ =
      fx->Call(CallKind::kHeartbeat, *target_, seq_, deadline, std::move(request));
  heartbeat_deadline_generation_ = fx->SetTimer(TimerKind::kHeartbeatDeadline, deadline);
}

SessionEvents Session::OnHeartbeatReply(sim::Time now, CallId call,
                                        const absl::StatusOr<api::HeartbeatResponse>& reply,
                                        Effects* fx) {
  if (closed() || failed_ || call == kNoCall || call != heartbeat_call_) return {};
  heartbeat_call_ = kNoCall;
  heartbeat_deadline_generation_ = 0;
  if (!reply.ok()) {
    if (reply.status().code() == absl::StatusCode::kNotFound) {
      return Failed(absl::StatusCode::kNotFound, "node not registered");  // errNodeNotRegistered
    }
    return Failed(reply.status().code(), std::string(reply.status().message()));
  }
  // The period is learned from every response (the dispatcher draws P±ε per call).
  heartbeat_period_ = absl::Nanoseconds(reply->period_ns());
  SIM_CHECK_MSG(heartbeat_period_ > absl::ZeroDuration(), "dispatcher sent a non-positive period");
  heartbeat_generation_ = fx->SetTimer(TimerKind::kHeartbeat, now + heartbeat_period_);
  return {};
}

void Session::OpenAssignments(Effects* fx) {
  api::AssignmentsRequest request;
  request.set_session_id(session_id_);
  assignments_call_ =
      fx->Call(CallKind::kAssignments, *target_, seq_, std::nullopt, std::move(request));
  // Deviation, on purpose: SwarmKit keeps the old reference, so the new stream's first message
  // (AppliesTo "") would count as another gap and re-open forever. A fresh stream starts fresh.
  stream_reference_.clear();
}

SessionEvents Session::OnAssignmentsMessage(sim::Time, CallId call,
                                            const api::AssignmentsMessage& msg, Effects* fx) {
  if (closed() || failed_ || call == kNoCall || call != assignments_call_) return {};
  SessionEvents ev;
  if (!stream_reference_.empty() && stream_reference_ != msg.applies_to()) {
    // A gap: drop this stream and call Assignments again (it starts with a COMPLETE set). The
    // message itself is still delivered, as in SwarmKit.
    Note note;
    note.kind = NoteKind::kAssignmentsGap;
    note.manager = target_->Name();
    note.session_id = session_id_;
    note.reason = absl::StrCat("applies_to=", msg.applies_to(), " expected=", stream_reference_);
    fx->AddNote(std::move(note));
    fx->Cancel(assignments_call_);
    OpenAssignments(fx);
  } else {
    stream_reference_ = msg.results_in();
  }
  ev.assignments.push_back(msg);
  return ev;
}

SessionEvents Session::OnAssignmentsStreamEnd(sim::Time, CallId call, const absl::Status& status) {
  if (closed() || call == kNoCall || call != assignments_call_) return {};
  assignments_call_ = kNoCall;
  if (status.ok()) return Failed(absl::StatusCode::kOk, "EOF");
  return Failed(status.code(), std::string(status.message()));
}

void Session::Close(Effects* fx) {
  if (closed()) return;
  for (CallId call : {session_call_, heartbeat_call_, assignments_call_}) {
    if (call != kNoCall) fx->Cancel(call);
  }
  session_call_ = heartbeat_call_ = assignments_call_ = kNoCall;
  start_generation_ = init_generation_ = 0;
  heartbeat_generation_ = heartbeat_deadline_generation_ = 0;
  phase_ = Phase::kClosed;
}

}  // namespace agent
}  // namespace swarmsim
