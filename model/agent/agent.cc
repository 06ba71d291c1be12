#include "model/agent/agent.h"

#include <set>
#include <utility>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "sim/check.h"

namespace swarmsim {
namespace agent {
namespace {

using google::protobuf::util::MessageDifferencer;

// SwarmKit nodesEqual: the node object ignoring Status and Meta.
bool NodesEqual(const api::Node& a, const api::Node& b) {
  api::Node x = a;
  api::Node y = b;
  x.clear_status();
  x.clear_meta();
  y.clear_status();
  y.clear_meta();
  return MessageDifferencer::Equals(x, y);
}

}  // namespace

Agent::Agent(AgentConfig config, sim::Prng prng)
    : config_(std::move(config)),
      prng_(prng),
      backoff_(config_.backoff),
      worker_(config_.worker),
      description_(config_.description),
      described_(config_.description) {
  local_conn_ = config_.local_manager;
  SIM_CHECK(config_.dispatcher_rpc_timeout > absl::ZeroDuration());
  SIM_CHECK(config_.node_update_period > absl::ZeroDuration());
  SIM_CHECK_GE(config_.status_updates_per_call_max, 1);
}

std::string Agent::session_id() const {
  return session_ == nullptr ? std::string() : session_->session_id();
}

AgentOutput Agent::Start(sim::Time now) {
  SIM_CHECK(!started_);
  started_ = true;
  Effects fx(&ids_);
  // NewRemotes / the join address: each known manager is observed once.
  for (const api::WeightedPeer& peer : config_.initial_remotes) {
    if (peer.addr().empty()) continue;
    remotes_.Observe(Peer{peer.node_id(), peer.addr()}, peer.weight());
  }
  node_update_generation_ =
      fx.SetTimer(TimerKind::kNodeUpdate, now + config_.node_update_period);
  NewSession(now, /*session_id=*/"", &fx);
  return Finish(fx);
}

AgentOutput Agent::Stop(sim::Time) {
  Effects fx(&ids_);
  if (stopped_ || !started_) return fx.Take();
  CloseSession(&fx);
  stopped_ = true;
  return fx.Take();
}

AgentOutput Agent::Leave(sim::Time now) {
  Effects fx(&ids_);
  if (stopped_ || !started_ || left_) return fx.Take();
  left_ = true;
  StatusChanges changed;
  worker_.Assign(now, {}, &fx, &changed);
  Report(changed);
  return Finish(fx);
}

AgentOutput Agent::OnTimer(sim::Time now, const TimerRequest& timer) {
  Effects fx(&ids_);
  if (stopped_ || !started_) return fx.Take();
  if (timer.kind == TimerKind::kNodeUpdate) {
    if (timer.generation == node_update_generation_) OnNodeUpdateTick(now, &fx);
  } else if (timer.kind == TimerKind::kTaskStep) {
    StatusChanges changed;
    worker_.OnStepTimer(now, timer, &fx, &changed);
    Report(changed);
  } else {
    SIM_CHECK(Session::IsSessionTimer(timer.kind));
    if (session_ != nullptr) Dispatch(now, session_->OnTimer(now, timer, &fx), &fx);
  }
  return Finish(fx);
}

AgentOutput Agent::OnSessionMessage(sim::Time now, CallId call, const api::SessionMessage& msg) {
  Effects fx(&ids_);
  if (stopped_ || session_ == nullptr) return fx.Take();
  Dispatch(now, session_->OnSessionMessage(now, call, msg, &fx), &fx);
  return Finish(fx);
}

AgentOutput Agent::OnSessionStreamEnd(sim::Time now, CallId call, const absl::Status& status) {
  Effects fx(&ids_);
  if (stopped_ || session_ == nullptr) return fx.Take();
  Dispatch(now, session_->OnSessionStreamEnd(now, call, status), &fx);
  return Finish(fx);
}

AgentOutput Agent::OnHeartbeatReply(sim::Time now, CallId call,
                                    const absl::StatusOr<api::HeartbeatResponse>& reply) {
  Effects fx(&ids_);
  if (stopped_ || session_ == nullptr) return fx.Take();
  Dispatch(now, session_->OnHeartbeatReply(now, call, reply, &fx), &fx);
  return Finish(fx);
}

AgentOutput Agent::OnAssignmentsMessage(sim::Time now, CallId call,
                                        const api::AssignmentsMessage& msg) {
  Effects fx(&ids_);
  if (stopped_ || session_ == nullptr) return fx.Take();
  Dispatch(now, session_->OnAssignmentsMessage(now, call, msg, &fx), &fx);
  return Finish(fx);
}

AgentOutput Agent::OnAssignmentsStreamEnd(sim::Time now, CallId call, const absl::Status& status) {
  Effects fx(&ids_);
  if (stopped_ || session_ == nullptr) return fx.Take();
  Dispatch(now, session_->OnAssignmentsStreamEnd(now, call, status), &fx);
  return Finish(fx);
}

AgentOutput Agent::OnUpdateTaskStatusReply(sim::Time now, CallId call, const absl::Status& status) {
  Effects fx(&ids_);
  if (stopped_ || call == kNoCall || call != reporter_.in_flight_call()) return fx.Take();
  // NotFound is errTaskUnknown: the dispatcher no longer cares about the task; not an error.
  const bool delivered = status.ok() || status.code() == absl::StatusCode::kNotFound;
  reporter_.Finish(call, delivered);
  if (!delivered && session_ != nullptr && !session_->closed() &&
      session_->seq() == status_call_session_seq_) {
    // swarmkit#1533: any other error ends the session it was sent on (session.sendError).
    EndSession(now, SessionFailure{status.code(), std::string(status.message())},
               /*grow_backoff=*/true, &fx);
  }
  status_call_session_seq_ = 0;
  status_call_local_ = false;
  return Finish(fx);
}

AgentOutput Agent::SetLocalConnection(sim::Time now, bool set) {
  Effects fx(&ids_);
  if (stopped_ || local_conn_ == set) return fx.Take();
  local_conn_ = set;
  if (set || !started_) return Finish(fx);
  // The connection closed under whatever used it.
  if (reporter_.in_flight() && status_call_local_) DropInFlightStatus(&fx);
  const std::optional<ManagerTarget>& target = session_->target();
  if (!session_->closed() && target.has_value() && target->local) {
    EndSession(now, SessionFailure{absl::StatusCode::kUnavailable, "transport is closing"},
               /*grow_backoff=*/true, &fx);
  }
  return Finish(fx);
}

AgentOutput Agent::SetDescription(sim::Time, const api::NodeDescription& description) {
  Effects fx(&ids_);
  described_ = description;
  // Compared here, once per change, rather than on every node-update tick (a field-by-field
  // protobuf comparison every 20 s of every agent was 2.6% of a quiet cluster's run).
  description_stale_ = !MessageDifferencer::Equals(description_, described_);
  return fx.Take();
}

AgentOutput Agent::FailTask(sim::Time now, const std::string& task_id, const std::string& message) {
  Effects fx(&ids_);
  if (stopped_) return fx.Take();
  StatusChanges changed;
  worker_.Fail(now, task_id, message, &fx, &changed);
  Report(changed);
  return Finish(fx);
}

void Agent::Dispatch(sim::Time now, SessionEvents events, Effects* fx) {
  for (const api::SessionMessage& msg : events.messages) HandleSessionMessage(msg, fx);
  if (events.registered) OnRegistered(now, fx);
  for (const api::AssignmentsMessage& msg : events.assignments) ApplyAssignments(now, msg, fx);
  if (events.failure.has_value()) EndSession(now, *events.failure, /*grow_backoff=*/true, fx);
}

void Agent::HandleSessionMessage(const api::SessionMessage& msg, Effects* fx) {
  // 1. Every listed manager is observed with the weight sent (always 10): unknown ones are added.
  std::set<Peer> seen;
  for (const api::WeightedPeer& manager : msg.managers()) {
    if (manager.addr().empty()) continue;
    Peer peer{manager.node_id(), manager.addr()};
    remotes_.Observe(peer, manager.weight());
    seen.insert(std::move(peer));
  }
  // 2. The node object, if it changed other than in status and meta.
  if (msg.has_node() && (!node_.has_value() || !NodesEqual(*node_, msg.node()))) {
    node_ = msg.node();
    fx->NodeChanged(*node_);
  }
  // 4. Prune every manager this message does not list (an empty list wipes them all).
  std::vector<Peer> unlisted;
  for (const auto& [peer, weight] : remotes_.weights()) {
    if (seen.count(peer) == 0) unlisted.push_back(peer);
  }
  for (const Peer& peer : unlisted) remotes_.Remove(peer);
}

void Agent::OnRegistered(sim::Time, Effects* fx) {
  SIM_CHECK(registered());
  ready_ = true;
  backoff_.Reset();  // The only place the backoff goes back to zero.
  Note note;
  note.kind = NoteKind::kRegistered;
  note.manager = session_->target()->Name();
  note.session_id = session_->session_id();
  fx->AddNote(std::move(note));
  // worker.Report: every task's status again, so the new dispatcher (maybe a new leader) has it.
  Report(worker_.Statuses());
}

void Agent::ApplyAssignments(sim::Time now, const api::AssignmentsMessage& msg, Effects* fx) {
  if (left_) return;  // After Leave no assignment is accepted.
  StatusChanges changed;
  if (msg.type() == api::AssignmentsMessage::COMPLETE) {
    worker_.Assign(now, msg.changes(), fx, &changed);
  } else {
    worker_.Update(now, msg.changes(), fx, &changed);
  }
  Report(changed);
}

void Agent::EndSession(sim::Time now, const SessionFailure& why, bool grow_backoff,
                       Effects* fx) {
  SIM_CHECK(session_ != nullptr && !session_->closed());
  if (grow_backoff) backoff_.Grow();
  Note note;
  note.kind = NoteKind::kSessionEnded;
  note.manager = session_->target().has_value() ? session_->target()->Name() : "";
  note.session_id = session_->session_id();
  note.code = why.code;
  note.reason = why.message;
  note.backoff = backoff_.current();
  fx->AddNote(std::move(note));
  CloseSession(fx);
  // <-session.closed: the next session reuses this one's ID.
  NewSession(now, session_->session_id(), fx);
}

void Agent::CloseSession(Effects* fx) {
  if (session_ == nullptr || session_->closed()) return;
  session_->Close(fx);
  const std::optional<ManagerTarget>& target = session_->target();
  if (target.has_value() && !target->local) {
    fx->SessionClosed(session_->seq());
    // Conn.Close(false): every close, benign or not, is a bad observation of that manager...
    remotes_.ObserveIfExists(Peer{target->node_id, target->addr}, -kDefaultObservationWeight);
    // ...and closes the gRPC connection, which fails a status update still in flight on it.
    // (The local connection is shared and stays open: such a call runs on.)
    if (reporter_.in_flight() && status_call_session_seq_ == session_->seq()) {
      DropInFlightStatus(fx);
    }
  }
}

void Agent::DropInFlightStatus(Effects* fx) {
  fx->Cancel(reporter_.in_flight_call());
  reporter_.Finish(reporter_.in_flight_call(), /*delivered=*/false);
  status_call_session_seq_ = 0;
  status_call_local_ = false;
}

void Agent::NewSession(sim::Time now, std::string session_id, Effects* fx) {
  // Draw the delay first, then select: the same order as SwarmKit's loop and newSession.
  const absl::Duration delay = backoff_.DrawDelay(prng_);
  std::optional<ManagerTarget> target;
  std::string select_error;
  if (local_conn_) {
    target = ManagerTarget{/*local=*/true, "", ""};
  } else {
    absl::StatusOr<Peer> peer = remotes_.Select(prng_);
    if (peer.ok()) {
      target = ManagerTarget{/*local=*/false, peer->node_id, peer->addr};
    } else {
      select_error = std::string(peer.status().message());
    }
  }
  Note backoff_note;
  backoff_note.kind = NoteKind::kBackoff;
  backoff_note.backoff = backoff_.current();
  backoff_note.delay = delay;
  fx->AddNote(std::move(backoff_note));
  Note selected;
  selected.kind = target.has_value() ? NoteKind::kManagerSelected : NoteKind::kNoRemotes;
  selected.manager = target.has_value() ? target->Name() : "";
  selected.reason = select_error;
  selected.delay = delay;
  fx->AddNote(std::move(selected));

  session_ = std::make_unique<Session>(next_session_seq_++, std::move(target),
                                       std::move(session_id), description_,
                                       config_.dispatcher_rpc_timeout);
  session_->Begin(now, delay, fx);
}

void Agent::OnNodeUpdateTick(sim::Time now, Effects* fx) {
  node_update_generation_ = fx->SetTimer(TimerKind::kNodeUpdate, now + config_.node_update_period);
  // updateNode is skipped until the current session has registered.
  if (!registered()) return;
  if (!description_stale_) return;
  description_ = described_;
  description_stale_ = false;
  // session.close() directly, not through errs: the backoff does not grow.
  EndSession(now, SessionFailure{absl::StatusCode::kOk, "node description changed"},
             /*grow_backoff=*/false, fx);
}

void Agent::Report(const StatusChanges& changed) {
  for (const api::TaskStatusUpdate& update : changed) {
    reporter_.Add(update.task_id(), update.status());
  }
}

void Agent::PumpReporter(Effects* fx) {
  // withSession: only while the current session is registered.
  if (!registered() || reporter_.in_flight() || !reporter_.has_pending()) return;
  const CallId id = fx->ReserveCallId();
  std::vector<api::TaskStatusUpdate> batch =
      reporter_.TakeBatch(static_cast<size_t>(config_.status_updates_per_call_max), id);
  api::UpdateTaskStatusRequest request;
  request.set_session_id(session_->session_id());
  for (api::TaskStatusUpdate& update : batch) *request.add_updates() = std::move(update);
  fx->CallWithId(id, CallKind::kUpdateTaskStatus, *session_->target(), session_->seq(),
                 std::nullopt, std::move(request));
  status_call_session_seq_ = session_->seq();
  status_call_local_ = session_->target()->local;
}

AgentOutput Agent::Finish(Effects& fx) {
  if (!stopped_) PumpReporter(&fx);
  CheckInvariants();
  return fx.Take();
}

void Agent::CheckInvariants() const {
  if (!started_ || stopped_) return;
  SIM_CHECK(session_ != nullptr);
  SIM_CHECK(!session_->closed());  // A closed session is always replaced at once.
  SIM_CHECK(backoff_.current() <= config_.backoff.max);
  if (registered()) SIM_CHECK(backoff_.current() == absl::ZeroDuration());
  // A session on the local connection ends when the connection is cleared.
  if (session_->target().has_value() && session_->target()->local) SIM_CHECK(local_conn_);
  if (reporter_.in_flight()) SIM_CHECK_NE(status_call_session_seq_, 0u);
  SIM_CHECK_NE(node_update_generation_, 0u);  // The ticker never stops while running.
}

}  // namespace agent
}  // namespace swarmsim
