// Dispatcher: the Session stream — registration or session reuse, the wait for the status batch,
// the first message, a message per node update and membership change.
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/dispatcher/dispatcher.h"
#include "model/dispatcher/errors.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

DispatcherOutput Dispatcher::Session(sim::Time now, CallId call, const std::string& node_id,
                                     const std::string& remote_addr,
                                     const api::SessionRequest& request) {
  SIM_CHECK_MSG(sessions_.count(call) == 0 && assignments_.count(call) == 0,
                absl::StrCat("call ", call, " reused"));
  SessionStream stream;
  stream.node_id = node_id;
  absl::Status refused;
  if (!running()) {
    refused = DispatcherStoppedError();
  } else if (registry_.GetWithSession(node_id, request.session_id()).ok()) {
    // Known session (e.g. the agent reconnected after a blip): same ID, no rate limit.
    stream.session_id = request.session_id();
    NoteThat(NoteKind::kSessionReusePending, node_id, stream.session_id, "");
  } else {
    refused = registry_.CheckRateLimit(now, node_id);
    if (refused.ok() && store_->GetNode(node_id) == nullptr) refused = NodeNotFoundError();
    stream.registering = true;
  }
  if (!refused.ok()) {
    NoteThat(NoteKind::kRegistrationRefused, node_id, request.session_id(), refused.ToString());
    Envelope end;
    end.call = call;
    end.kind = EnvelopeKind::kStreamEnd;
    end.status = refused;
    Emit(std::move(end));
    return TakeOutput();
  }
  if (stream.registering) NoteThat(NoteKind::kRegistrationPending, node_id, "", "");
  std::optional<api::NodeDescription> description;
  if (request.has_description()) description = request.description();
  MarkNodeReady(now, node_id, description, remote_addr);
  // Waits for the end of the next status batch (markNodeReady's processUpdatesCond.Wait()).
  InsertSession(call, std::move(stream));
  return TakeOutput();
}

void Dispatcher::ReleaseWaitingSessions(sim::Time now) {
  const std::vector<CallId> waiting(waiting_sessions_.begin(), waiting_sessions_.end());
  for (CallId call : waiting) CompleteSession(now, call, sessions_.at(call));
}

void Dispatcher::CompleteSession(sim::Time now, CallId call, SessionStream& stream) {
  SIM_CHECK(!stream.open);
  if (stream.registering) {
    const uint64_t generation = NextGeneration();
    const std::string session_id =
        absl::StrCat(session_prefix_, "/", stream.node_id, "/", ++session_counter_);
    const RegisteredNode& entry =
        registry_.Add(now, stream.node_id, session_id, generation, *prng_);
    ArmTimer(TimerKind::kHeartbeatExpiry, stream.node_id, 0, generation, entry.deadline);
    stream.session_id = session_id;
    stream.registering = false;
    NoteThat(NoteKind::kRegistrationAccepted, stream.node_id, session_id,
             absl::StrCat("deadline_ns=", entry.deadline.nanos()));
  }
  // ViewAndWatch the node object, then re-check the session before the first message.
  if (const api::Node* node = store_->GetNode(stream.node_id)) stream.node = *node;
  absl::Status valid = registry_.GetWithSession(stream.node_id, stream.session_id).status();
  if (!valid.ok()) {
    EndSession(call, stream, valid);
    EraseSession(call);
    return;
  }
  MarkSessionOpen(call);
  NoteThat(NoteKind::kSessionStarted, stream.node_id, stream.session_id, "");
  if (!SendSessionMessage(call, stream)) EraseSession(call);
}

bool Dispatcher::SendSessionMessage(CallId call, const SessionStream& stream) {
  Envelope message;
  message.call = call;
  message.kind = EnvelopeKind::kSessionMessage;
  message.session.set_session_id(stream.session_id);
  *message.session.mutable_node() = stream.node;
  for (const api::WeightedPeer& peer : managers_) *message.session.add_managers() = peer;
  Emit(std::move(message));
  // SwarmKit's loop re-checks the session after every send; a superseded or expired session
  // ends the stream here (so its last message may still have gone out).
  absl::Status valid = registry_.GetWithSession(stream.node_id, stream.session_id).status();
  if (valid.ok()) return true;
  EndSession(call, stream, valid);
  return false;
}

void Dispatcher::EndSession(CallId call, const SessionStream& stream, const absl::Status& status) {
  Envelope end;
  end.call = call;
  end.kind = EnvelopeKind::kStreamEnd;
  end.status = status;
  Emit(std::move(end));
  NoteThat(NoteKind::kSessionEnded, stream.node_id, stream.session_id, status.ToString());
}

void Dispatcher::OnNodeUpdated(sim::Time now, const api::Node& node) {
  (void)now;
  for (CallId call : CallsOf(sessions_by_node_, node.id())) {
    SessionStream& stream = sessions_.at(call);
    if (!stream.open) continue;
    stream.node = node;
    if (!SendSessionMessage(call, stream)) EraseSession(call);
  }
}

void Dispatcher::BroadcastSessionMessages(sim::Time now) {
  (void)now;
  std::vector<CallId> calls;
  for (const auto& [call, stream] : sessions_) {
    if (stream.open) calls.push_back(call);
  }
  for (CallId call : calls) {
    if (!SendSessionMessage(call, sessions_.at(call))) EraseSession(call);
  }
}

}  // namespace dispatcher
}  // namespace swarmsim
