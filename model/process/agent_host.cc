#include "model/process/agent_host.h"

#include <type_traits>
#include <iterator>
#include <utility>
#include <variant>

#include "absl/status/statusor.h"
#include "model/check/trace_emit.h"
#include "model/process/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {
namespace {

const char* MethodOf(agent::CallKind kind) {
  switch (kind) {
    case agent::CallKind::kSession:
      return kSessionMethod;
    case agent::CallKind::kHeartbeat:
      return kHeartbeatMethod;
    case agent::CallKind::kAssignments:
      return kAssignmentsMethod;
    case agent::CallKind::kUpdateTaskStatus:
      return kUpdateTaskStatusMethod;
  }
  return "?";
}

bool IsStream(agent::CallKind kind) {
  return kind == agent::CallKind::kSession || kind == agent::CallKind::kAssignments;
}

absl::Status ToAbsl(const sim::RpcStatus& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.code), status.message);
}

}  // namespace

AgentHost::AgentHost(agent::AgentConfig config, sim::Prng prng, HostLoop* loop, LocalLink local,
                     std::function<sim::HostId(const std::string&)> resolve,
                     NodeChanged node_changed)
    : agent_(std::move(config), prng),
      loop_(loop),
      local_(std::move(local)),
      resolve_(std::move(resolve)),
      node_changed_(std::move(node_changed)) {}

void AgentHost::Start(sim::Context& ctx) { Apply(ctx, agent_.Start(ctx.LocalNow())); }

void AgentHost::SetLocalConnection(sim::Context& ctx, bool set) {
  Apply(ctx, agent_.SetLocalConnection(ctx.LocalNow(), set));
}

void AgentHost::FailTask(sim::Context& ctx, const std::string& task_id,
                         const std::string& message) {
  Apply(ctx, agent_.FailTask(ctx.LocalNow(), task_id, message));
}

void AgentHost::Apply(sim::Context& ctx, agent::AgentOutput out) {
  for (agent::CallId id : out.cancels) Cancel(ctx, id);
  for (uint64_t seq : out.closed_sessions) {
    if (seq == latest_session_seq_) latest_session_seq_ = 0;
    auto it = session_conns_.find(seq);
    if (it == session_conns_.end()) continue;
    ctx.CloseConn(it->second);
    session_conns_.erase(it);
  }
  // A call still held back by a fault point dies with its session, as it would in flight.
  for (uint64_t seq : out.closed_sessions) {
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      it = it->second == seq ? delayed_.erase(it) : std::next(it);
    }
  }
  // The session arms its own heartbeat deadline beside the call's (SwarmKit has one: the call's
  // context deadline). For a call that crosses the network the RPC layer enforces that same
  // deadline and its event is posted first (calls start before timers), so the session's timer
  // could only ever fire stale: it is not armed. A local call (a manager's own agent) has no
  // transport deadline and keeps it.
  bool remote_heartbeat = false;
  for (const agent::RpcCall& call : out.calls) {
    if (call.kind == agent::CallKind::kHeartbeat && !call.target.local) remote_heartbeat = true;
    StartCall(ctx, call);
  }
  for (const agent::TimerRequest& timer : out.timers) {
    if (remote_heartbeat && timer.kind == agent::TimerKind::kHeartbeatDeadline) continue;
    loop_->At(ctx, timer.at, [this, timer](sim::Context& c) {
      if (StartFails(c, timer)) {
        Apply(c, agent_.FailTask(c.LocalNow(), timer.task_id, kStartFailedMessage));
        return;
      }
      Apply(c, agent_.OnTimer(c.LocalNow(), timer));
    });
  }
  for (const agent::Note& note : out.notes) TraceNote(ctx, note);
  if (out.node_changed.has_value() && node_changed_) node_changed_(ctx, *out.node_changed);
}

bool AgentHost::StartFails(sim::Context& ctx, const agent::TimerRequest& timer) {
  if (timer.kind != agent::TimerKind::kTaskStep) return false;
  const agent::WorkerTask* task = agent_.worker().Find(timer.task_id);
  // Only the step that ends STARTING (the container start), and only while it is current.
  if (task == nullptr || task->step_target != api::TASK_RUNNING ||
      task->step_generation != timer.generation) {
    return false;
  }
  return ctx.Buggify("worker.task_start_fails");
}

void AgentHost::StartCall(sim::Context& ctx, const agent::RpcCall& call) {
  // Fault point: the status reporter stalls before the call leaves.
  if (call.kind == agent::CallKind::kUpdateTaskStatus &&
      ctx.Buggify("agent.task_status_report_late")) {
    delayed_[call.id] = call.session_seq;
    loop_->After(ctx, kStatusReportLateDelay, [this, call](sim::Context& c) {
      if (delayed_.erase(call.id) != 0) SendCall(c, call);
    });
    return;
  }
  SendCall(ctx, call);
}

void AgentHost::SendCall(sim::Context& ctx, const agent::RpcCall& call) {
  const agent::CallId id = call.id;
  // Benchmarks report events per heartbeat (//tests/bench:cluster_bench).
  if (call.kind == agent::CallKind::kHeartbeat) ctx.Count("agent.heartbeat");
  DispatcherCall wrapped;
  wrapped.node_id = agent_.config().node_id;
  wrapped.forwarded = false;
  wrapped.request = std::visit(
      [](const auto& request) -> sim::Payload { return MessagePayload(request); }, call.request);
  absl::Duration timeout = absl::ZeroDuration();
  if (call.deadline.has_value()) {
    timeout = *call.deadline - ctx.LocalNow();
    if (timeout <= absl::ZeroDuration()) timeout = absl::Nanoseconds(1);
  }
  wrapped.timeout = timeout;  // gRPC sends the deadline along (grpc-timeout); proxies forward it.
  OpenCall open;
  open.kind = call.kind;
  open.local = call.target.local;
  open.session_seq = call.session_seq;
  const char* const method = MethodOf(call.kind);
  const bool stream = IsStream(call.kind);
  if (call.target.local) {
    open.local_handle =
        local_.call(ctx, method, stream, std::move(wrapped), call.session_seq,
                    [this, id](sim::Context& c, bool end, const sim::RpcStatus& status,
                               const sim::Payload& payload) {
                      Deliver(c, id, end, status, payload);
                    });
    calls_[id] = open;
    return;
  }
  const sim::ConnId conn = SessionConn(ctx, call);
  const int64_t size = static_cast<int64_t>(wrapped.request.size_bytes()) +
                       static_cast<int64_t>(wrapped.node_id.size()) + 8;
  sim::Payload payload = sim::Payload::Make<DispatcherCall>(std::move(wrapped), size);
  if (stream) {
    sim::StreamCallbacks callbacks;
    callbacks.on_message = [this, id](sim::Context& c, const sim::Payload& message) {
      Deliver(c, id, false, sim::RpcStatus::Ok(), message);
    };
    callbacks.on_done = [this, id](sim::Context& c, const sim::RpcStatus& status) {
      Deliver(c, id, true, status, sim::Payload());
    };
    open.sim_call = ctx.OpenStream(conn, method, std::move(payload), timeout, std::move(callbacks));
  } else {
    open.sim_call = ctx.Call(
        conn, method, std::move(payload), timeout,
        [this, id](sim::Context& c, const sim::RpcStatus& status, const sim::Payload& response) {
          Deliver(c, id, true, status, response);
        });
  }
  calls_[id] = open;
}

sim::ConnId AgentHost::SessionConn(sim::Context& ctx, const agent::RpcCall& call) {
  if (call.session_seq != 0 && call.session_seq == latest_session_seq_) return latest_conn_;
  auto it = session_conns_.find(call.session_seq);
  if (it != session_conns_.end()) {
    latest_session_seq_ = call.session_seq;
    latest_conn_ = it->second;
    return it->second;
  }
  const sim::ConnId conn = ctx.Dial(resolve_(call.target.addr));
  session_conns_[call.session_seq] = conn;
  latest_session_seq_ = call.session_seq;
  latest_conn_ = conn;
  return conn;
}

void AgentHost::Cancel(sim::Context& ctx, agent::CallId id) {
  if (delayed_.erase(id) != 0) return;
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  const OpenCall call = it->second;
  calls_.erase(it);
  if (call.local) {
    local_.cancel(ctx, call.local_handle);
  } else {
    ctx.CancelCall(call.sim_call);
  }
}

void AgentHost::Deliver(sim::Context& ctx, agent::CallId id, bool end, const sim::RpcStatus& status,
                        const sim::Payload& payload) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  const agent::CallKind kind = it->second.kind;
  if (end) calls_.erase(it);
  const sim::Time now = ctx.LocalNow();
  switch (kind) {
    case agent::CallKind::kSession:
      if (!end) {
        if (payload.Holds<api::SessionMessage>()) {
          Apply(ctx, agent_.OnSessionMessage(now, id, payload.As<api::SessionMessage>()));
        }
      } else {
        Apply(ctx, agent_.OnSessionStreamEnd(now, id, ToAbsl(status)));
      }
      return;
    case agent::CallKind::kAssignments:
      if (!end) {
        if (payload.Holds<api::AssignmentsMessage>()) {
          Apply(ctx, agent_.OnAssignmentsMessage(now, id, payload.As<api::AssignmentsMessage>()));
        }
      } else {
        Apply(ctx, agent_.OnAssignmentsStreamEnd(now, id, ToAbsl(status)));
      }
      return;
    case agent::CallKind::kHeartbeat: {
      absl::StatusOr<api::HeartbeatResponse> reply = payload.Holds<api::HeartbeatResponse>()
                                                         ? payload.As<api::HeartbeatResponse>()
                                                         : api::HeartbeatResponse();
      if (!status.ok()) reply = ToAbsl(status);
      Apply(ctx, agent_.OnHeartbeatReply(now, id, reply));
      return;
    }
    case agent::CallKind::kUpdateTaskStatus:
      Apply(ctx, agent_.OnUpdateTaskStatusReply(now, id, ToAbsl(status)));
      return;
  }
}

void AgentHost::TraceNote(sim::Context& ctx, const agent::Note& note) {
  auto sink = [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
    ctx.Trace(kind, fields);
  };
  const agent::AgentConfig& config = agent_.config();
  switch (note.kind) {
    case agent::NoteKind::kBackoff:
      check::EmitAgentBackoff(sink, note.backoff, note.delay, config.backoff.initial,
                              config.backoff.max);
      return;
    case agent::NoteKind::kRegistered:
      check::EmitAgentRegistered(sink, note.session_id);
      return;
    case agent::NoteKind::kTaskState: {
      const agent::WorkerTask* task = agent_.worker().Find(note.task_id);
      const std::string service = task != nullptr ? task->task.service_id() : std::string();
      const uint64_t slot = task != nullptr ? task->task.slot() : 0;
      check::EmitTaskState(sink, note.task_id, service, slot, config.node_id,
                           api::TaskState_Name(note.task_state));
      return;
    }
    case agent::NoteKind::kManagerSelected:
      ctx.Trace("agent.manager_selected", {{"manager", note.manager}});
      return;
    case agent::NoteKind::kNoRemotes:
      ctx.Trace("agent.no_remotes", {{"reason", note.reason}});
      return;
    case agent::NoteKind::kSessionStart:
      ctx.Trace("agent.session_start", {{"manager", note.manager}, {"session", note.session_id}});
      return;
    case agent::NoteKind::kSessionEnded:
      ctx.Trace("agent.session_end",
                {{"manager", note.manager},
                 {"session", note.session_id},
                 {"code", sim::StatusCodeName(static_cast<sim::StatusCode>(note.code))},
                 {"reason", note.reason},
                 {"backoff_ns", absl::ToInt64Nanoseconds(note.backoff)}});
      return;
    case agent::NoteKind::kAssignmentsGap:
      ctx.Trace("agent.assignments_gap", {{"session", note.session_id}});
      return;
  }
}

}  // namespace process
}  // namespace swarmsim
