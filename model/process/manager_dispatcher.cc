// Manager: hosting the dispatcher as its header asks (store events first, proposals in order
// through the write lock, timers armed and fed back, envelopes delivered in order).
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/check/trace_emit.h"
#include "model/check/trace_schema.h"
#include "model/dispatcher/errors.h"
#include "model/process/manager.h"
#include "model/process/store_rows.h"
#include "model/process/wire.h"

namespace swarmsim {
namespace process {
namespace {

// The dispatcher's status writes rebased on the store as it is when their turn comes: the
// dispatcher owns task status and node status/description; everything else is the store's.
// Actions that need no rebase move from `request` to the result.
api::InternalRaftRequest RebaseStatusWrites(const store::MemoryStore& store,
                                            api::InternalRaftRequest request) {
  api::InternalRaftRequest out;
  out.set_id(request.id());
  for (api::StoreAction& action : *request.mutable_actions()) {
    if (action.kind() != api::StoreAction::UPDATE) {
      *out.add_actions() = std::move(action);
      continue;
    }
    if (action.target().has_task()) {
      const api::Task& wanted = action.target().task();
      const api::Task* current = store.GetTask(wanted.id());
      if (current == nullptr) continue;
      if (current->meta().version() == wanted.meta().version()) {
        *out.add_actions() = std::move(action);
        continue;
      }
      if (current->status().state() > wanted.status().state()) continue;  // Never regress.
      api::Task task = *current;
      *task.mutable_status() = wanted.status();
      api::StoreAction* rebased = out.add_actions();
      rebased->set_kind(api::StoreAction::UPDATE);
      *rebased->mutable_target()->mutable_task() = std::move(task);
    } else if (action.target().has_node()) {
      const api::Node& wanted = action.target().node();
      const api::Node* current = store.GetNode(wanted.id());
      if (current == nullptr) continue;
      if (current->meta().version() == wanted.meta().version()) {
        *out.add_actions() = std::move(action);
        continue;
      }
      api::Node node = *current;
      *node.mutable_status() = wanted.status();
      *node.mutable_description() = wanted.description();
      api::StoreAction* rebased = out.add_actions();
      rebased->set_kind(api::StoreAction::UPDATE);
      *rebased->mutable_target()->mutable_node() = std::move(node);
    } else {
      *out.add_actions() = std::move(action);
    }
  }
  return out;
}

}  // namespace

void Manager::ServeDispatcher(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in) {
  const sim::Time now = ctx.LocalNow();
  const std::string& node = in.call.node_id;
  const sim::Payload& request = in.call.request;
  const sim::RpcStatus malformed =
      sim::RpcStatus::Error(sim::StatusCode::kInvalidArgument, "malformed request");
  auto cancel_stream = [this, id](sim::Context& c) {
    if (active_) ApplyDispatcher(c, dispatcher_->CancelStream(c.LocalNow(), id));
  };
  if (in.method == kSessionMethod) {
    if (!request.Holds<api::SessionRequest>()) return proxy_->Fail(ctx, id, malformed);
    proxy_->SetOnCancel(id, cancel_stream);
    if (ctx.Buggify("dispatcher.slow_register")) {
      loop_->After(ctx, kSlowRegisterDelay, [this, id](sim::Context& c) { ServeSession(c, id); });
      return;
    }
    ServeSession(ctx, id);
  } else if (in.method == kAssignmentsMethod) {
    if (!request.Holds<api::AssignmentsRequest>()) return proxy_->Fail(ctx, id, malformed);
    proxy_->SetOnCancel(id, cancel_stream);
    ApplyDispatcher(ctx,
                    dispatcher_->Assignments(now, id, node, request.As<api::AssignmentsRequest>()));
  } else if (in.method == kHeartbeatMethod) {
    if (!request.Holds<api::HeartbeatRequest>()) return proxy_->Fail(ctx, id, malformed);
    ApplyDispatcher(ctx,
                    dispatcher_->Heartbeat(now, id, node, request.As<api::HeartbeatRequest>()));
  } else if (in.method == kUpdateTaskStatusMethod) {
    if (!request.Holds<api::UpdateTaskStatusRequest>()) return proxy_->Fail(ctx, id, malformed);
    ApplyDispatcher(ctx, dispatcher_->UpdateTaskStatus(now, id, node,
                                                       request.As<api::UpdateTaskStatusRequest>()));
  } else {
    proxy_->Fail(ctx, id,
                 sim::RpcStatus::Error(sim::StatusCode::kUnimplemented, std::string(in.method)));
  }
}

void Manager::ServeSession(sim::Context& ctx, InboundId id) {
  const RaftProxy::Inbound* in = proxy_->Find(id);
  if (in == nullptr) return;  // The caller went away while the registration waited.
  if (!active_) {
    proxy_->Fail(ctx, id,
                 sim::RpcStatus::Error(sim::StatusCode::kUnavailable, "manager is not running"));
    return;
  }
  const std::string node = in->call.node_id;
  ApplyDispatcher(ctx, dispatcher_->Session(ctx.LocalNow(), id, node, /*remote_addr=*/node,
                                            in->call.request.As<api::SessionRequest>()));
}

void Manager::ApplyDispatcher(sim::Context& ctx, dispatcher::DispatcherOutput out) {
  // Streams a fault point breaks once this output is applied (as a broken connection would).
  std::vector<InboundId> broken;
  for (dispatcher::Envelope& e : out.envelopes) {
    const sim::RpcStatus status = ToRpc(e.status);
    switch (e.kind) {
      case dispatcher::EnvelopeKind::kHeartbeatReply:
        if (status.ok() && ctx.Buggify("dispatcher.heartbeat_reply_late")) {
          loop_->After(ctx, kHeartbeatReplyLateDelay,
                       [this, call = e.call, reply = MessagePayload(std::move(e.heartbeat))](
                           sim::Context& c) { proxy_->Reply(c, call, sim::RpcStatus::Ok(), reply); });
          break;
        }
        proxy_->Reply(ctx, e.call, status,
                      status.ok() ? MessagePayload(std::move(e.heartbeat)) : sim::Payload());
        break;
      case dispatcher::EnvelopeKind::kUpdateTaskStatusReply:
        proxy_->Reply(
            ctx, e.call, status,
            status.ok() ? MessagePayload(api::UpdateTaskStatusResponse()) : sim::Payload());
        break;
      case dispatcher::EnvelopeKind::kSessionMessage:
        if (proxy_->Send(ctx, e.call, MessagePayload(std::move(e.session))) &&
            ctx.Buggify("dispatcher.session_closed_after_register")) {
          broken.push_back(e.call);
        }
        break;
      case dispatcher::EnvelopeKind::kAssignmentsMessage:
        if (proxy_->Send(ctx, e.call, MessagePayload(std::move(e.assignments))) &&
            ctx.Buggify("dispatcher.assignments_stream_restart")) {
          broken.push_back(e.call);
        }
        break;
      case dispatcher::EnvelopeKind::kStreamEnd:
        proxy_->Finish(ctx, e.call, status);
        break;
    }
  }
  for (dispatcher::Proposal& proposal : out.proposals) {
    Write write;
    write.source = "dispatcher";
    // A write is built once (PumpWrites), so the request moves into the rebase and the result
    // into the vector (a braced list would copy it).
    write.build =
        [this, request = std::move(proposal.request)](
            sim::Context&) mutable -> absl::StatusOr<std::vector<api::InternalRaftRequest>> {
      std::vector<api::InternalRaftRequest> requests;
      requests.push_back(RebaseStatusWrites(store_, std::move(request)));
      return requests;
    };
    write.done = [this, id = proposal.id](sim::Context& c, absl::Status status) {
      ApplyDispatcher(c, dispatcher_->OnProposalResult(c.LocalNow(), id, status));
    };
    EnqueueWrite(ctx, std::move(write));
  }
  for (const dispatcher::TimerRequest& timer : out.timers) {
    auto fire = [this, timer](sim::Context& c) {
      if (active_) ApplyDispatcher(c, dispatcher_->OnTimer(c.LocalNow(), timer));
    };
    // A node's heartbeat expiry supersedes its previous one (the dispatcher ignores all but the
    // latest generation), so it is one slot re-armed in place: one event per expiry window
    // instead of one per heartbeat. The dispatcher sees the same live timer at the same instant.
    if (timer.kind == dispatcher::TimerKind::kHeartbeatExpiry) {
      loop_->ArmSlot(ctx, absl::StrCat("expiry/", timer.node_id), timer.deadline, std::move(fire));
    } else {
      loop_->At(ctx, timer.deadline, std::move(fire));
    }
  }
  for (const dispatcher::Note& note : out.notes) TraceDispatcherNote(ctx, note);
  CheckDispatcherInvariants(ctx);
  // The caller sees the stream end with a transport error; the dispatcher sees its stream
  // context cancelled, as when a proxying manager's connection to the leader breaks.
  for (InboundId call : broken) {
    if (!proxy_->Finish(ctx, call, sim::RpcStatus::Error(sim::StatusCode::kUnavailable,
                                                         "transport is closing"))) {
      continue;
    }
    if (active_) ApplyDispatcher(ctx, dispatcher_->CancelStream(ctx.LocalNow(), call));
  }
}

// The check is O(registered nodes). With up to kInvariantEveryStepNodes nodes (every cluster the
// library and explore use) it runs after every step, as in the dispatcher's test harness. Beyond
// that it runs after every ((nodes - kInvariantEveryStepNodes) / kInvariantNodesPerStep)-th step,
// so it costs about kInvariantNodesPerStep node checks per step whatever the cluster size (at 64
// per step it was 40% of a 1,000-worker run; at 2, a few per cent). A lasting violation is still
// caught; one that heals within that many steps may go unseen there (a simplification for large
// clusters; see README).
void Manager::CheckDispatcherInvariants(sim::Context& ctx) {
  constexpr uint64_t kInvariantEveryStepNodes = 16;
  constexpr uint64_t kInvariantNodesPerStep = 2;
  if (dispatcher_violation_traced_) return;
  ++dispatcher_steps_unchecked_;
  const uint64_t nodes = dispatcher_->registry().size();
  if (nodes > kInvariantEveryStepNodes &&
      dispatcher_steps_unchecked_ * kInvariantNodesPerStep < nodes - kInvariantEveryStepNodes) {
    return;
  }
  dispatcher_steps_unchecked_ = 0;
  const std::string violation = dispatcher_->InvariantViolation();
  if (violation.empty()) return;
  dispatcher_violation_traced_ = true;
  check::EmitDispatcherInvariant(
      [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
        ctx.Trace(kind, fields);
      },
      violation);
}

void Manager::TraceDispatcherNote(sim::Context& ctx, const dispatcher::Note& note) {
  auto sink = [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
    ctx.Trace(kind, fields);
  };
  switch (note.kind) {
    case dispatcher::NoteKind::kRegistrationAccepted:
      // The reason names a registration that Stop released (the checkers excuse those); the
      // detail of a plain acceptance (its deadline) is not part of the schema.
      check::EmitDispatcherRegistered(
          sink, note.node_id, note.session_id,
          note.detail == check::kReleasedByStop ? note.detail : std::string());
      return;
    case dispatcher::NoteKind::kRegistrationRefused:
      check::EmitDispatcherRefused(sink, note.node_id, note.detail);
      return;
    case dispatcher::NoteKind::kSessionEnded:
      check::EmitDispatcherSessionEnd(sink, note.node_id, note.session_id, note.detail);
      return;
    case dispatcher::NoteKind::kDispatcherStopped:
      return;  // dispatcher.stop {term} follows the whole stop.
    default:
      break;
  }
  const std::string name = dispatcher::NoteKindName(note.kind);
  const std::string kind =
      absl::StartsWith(name, "dispatcher.") ? name : absl::StrCat("dispatcher.", name);
  ctx.Trace(kind, {{"node", note.node_id}, {"session", note.session_id}, {"detail", note.detail}});
}

}  // namespace process
}  // namespace swarmsim
