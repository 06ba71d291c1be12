#include "model/process/raft_proxy.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {
namespace {

bool IsControlMethod(absl::string_view method) { return absl::StartsWith(method, "Control."); }

}  // namespace

RaftProxy::RaftProxy(std::string node_id, HostLoop* loop, std::function<ProxyTarget*()> target,
                     std::function<sim::HostId(const std::string&)> resolve)
    : node_id_(std::move(node_id)),
      loop_(loop),
      target_(std::move(target)),
      resolve_(std::move(resolve)) {}

void RaftProxy::Serve(sim::Context& ctx) {
  struct Method {
    const char* name;
    bool streaming;
  };
  // Static: each handler captures only (this, &method), which std::function keeps inline, so the
  // copy the RPC layer makes of a handler per request allocates nothing.
  static constexpr Method kMethods[] = {
      {kSessionMethod, true},        {kAssignmentsMethod, true},
      {kHeartbeatMethod, false},     {kUpdateTaskStatusMethod, false},
      {kRaftJoinMethod, false},      {kCreateServiceMethod, false},
      {kUpdateServiceMethod, false}, {kRemoveServiceMethod, false},
      {kUpdateNodeMethod, false},    {kRemoveNodeMethod, false},
      {kNodeCertificateMethod, false},
  };
  for (const Method& m : kMethods) {
    const Method* method = &m;
    auto handler = [this, method](sim::Context& c, sim::ServerCallId call,
                                  const sim::Payload& request) {
      OnRemoteCall(c, method->name, method->streaming, call, request);
    };
    if (m.streaming) {
      ctx.ServeStream(m.name, handler);
    } else {
      ctx.Serve(m.name, handler);
    }
  }
}

absl::string_view RaftProxy::MethodName(absl::string_view method) {
  auto it = method_names_.find(method);
  if (it == method_names_.end()) it = method_names_.emplace(method).first;
  return *it;
}

void RaftProxy::OnRemoteCall(sim::Context& ctx, absl::string_view method, bool streaming,
                             sim::ServerCallId call, const sim::Payload& request) {
  if (!request.Holds<DispatcherCall>()) {
    const sim::RpcStatus bad =
        sim::RpcStatus::Error(sim::StatusCode::kInvalidArgument, "malformed request");
    if (streaming) {
      ctx.StreamFinish(call, bad);
    } else {
      ctx.Reply(call, bad);
    }
    return;
  }
  const InboundId id = next_id_++;
  Inbound& in = inbound_[id];
  in.method = MethodName(method);
  in.streaming = streaming;
  in.call = request.As<DispatcherCall>();
  in.deadline = DeadlineOf(ctx, in.call);
  in.local = false;
  in.server_call = call;
  ctx.OnServerCallCancelled(call, [this, id](sim::Context& c) {
    auto it = inbound_.find(id);
    if (it == inbound_.end()) return;
    std::function<void(sim::Context&)> on_cancel = std::move(it->second.on_cancel);
    Erase(id);
    if (on_cancel) on_cancel(c);
  });
  Route(ctx, id, /*first_attempt=*/true);
}

InboundId RaftProxy::CallLocal(sim::Context& ctx, absl::string_view method, bool streaming,
                               DispatcherCall call, LocalSink sink) {
  const InboundId id = next_id_++;
  Inbound& in = inbound_[id];
  in.method = MethodName(method);
  in.streaming = streaming;
  in.call = std::move(call);
  in.deadline = DeadlineOf(ctx, in.call);
  in.local = true;
  in.sink = std::move(sink);
  loop_->Post(ctx, [this, id](sim::Context& c) {
    if (IsOpen(id)) Route(c, id, /*first_attempt=*/true);
  });
  return id;
}

void RaftProxy::CancelLocal(sim::Context& ctx, InboundId id) {
  auto it = inbound_.find(id);
  if (it == inbound_.end()) return;
  std::function<void(sim::Context&)> on_cancel = std::move(it->second.on_cancel);
  Erase(id);
  if (on_cancel) on_cancel(ctx);
}

std::optional<sim::Time> RaftProxy::DeadlineOf(sim::Context& ctx, const DispatcherCall& call) {
  if (call.timeout <= absl::ZeroDuration()) return std::nullopt;
  return ctx.LocalNow() + call.timeout;
}

RaftProxy::LeaderConnResult RaftProxy::LeaderConn(const RaftHost& raft, bool first_attempt) {
  if (raft.IsLeader()) return {LeaderConnResult::kIsLeader, sim::kNoHost};
  const uint64_t leader = raft.Leader();
  if (leader != 0 && leader != raft.raft_id() && raft.PeerActive(leader)) {
    const std::optional<std::string> addr = raft.LeaderAddr();
    if (addr.has_value()) {
      if (resolved_host_ == sim::kNoHost || *addr != resolved_addr_) {
        resolved_addr_ = *addr;
        resolved_host_ = resolve_(*addr);
      }
      return {LeaderConnResult::kRemote, resolved_host_};
    }
  }
  if (first_attempt && raft.ticks_without_leader() > kLostQuorumTicks) {
    return {LeaderConnResult::kLostQuorum, sim::kNoHost};
  }
  return {LeaderConnResult::kWait, sim::kNoHost};
}

void RaftProxy::Route(sim::Context& ctx, InboundId id, bool first_attempt) {
  auto it = inbound_.find(id);
  if (it == inbound_.end()) return;
  Inbound& in = it->second;
  ProxyTarget* target = target_();
  if (target == nullptr) {
    // A worker serves none of these; a local caller finds its manager gone.
    Fail(ctx, id,
         in.local ? sim::RpcStatus::Error(sim::StatusCode::kUnavailable, "manager is not running")
                  : sim::RpcStatus::Error(sim::StatusCode::kUnimplemented, "unknown service"));
    return;
  }
  // Control on the remote server is registered directly (not proxied): served wherever it lands.
  if (!in.local && IsControlMethod(in.method)) {
    target->ServeLocally(ctx, id);
    return;
  }
  // LeaderConn's wait ends with the caller's context.
  if (!first_attempt && FailIfExpired(ctx, id)) return;
  const LeaderConnResult conn = LeaderConn(target->raft_host(), first_attempt);
  switch (conn.kind) {
    case LeaderConnResult::kIsLeader:
      target->ServeLocally(ctx, id);
      return;
    case LeaderConnResult::kRemote:
      // The remote context modifier (redirectChecker) runs once a leader conn is in hand.
      if (in.call.forwarded) {
        Fail(ctx, id,
             sim::RpcStatus::Error(
                 sim::StatusCode::kResourceExhausted,
                 absl::StrCat("more than one redirect to leader from: ", in.call.node_id)));
        return;
      }
      Forward(ctx, id, conn.leader);
      return;
    case LeaderConnResult::kLostQuorum:
      // errLostQuorum is a plain Go error: gRPC reports it as UNKNOWN (reference §10.4).
      ++lost_quorum_errors_;
      Fail(ctx, id, sim::RpcStatus::Error(sim::StatusCode::kUnknown, kErrLostQuorum));
      return;
    case LeaderConnResult::kWait:
      break;
  }
  // Look again every second, or give up when the caller's deadline passes first.
  if (FailIfExpired(ctx, id)) return;
  loop_->After(ctx, UntilNextLook(ctx, in, kLeaderConnPoll), [this, id](sim::Context& c) {
    if (IsOpen(id)) Route(c, id, /*first_attempt=*/false);
  });
}

bool RaftProxy::FailIfExpired(sim::Context& ctx, InboundId id) {
  const Inbound* in = Find(id);
  if (in == nullptr || !in->deadline.has_value() || ctx.LocalNow() < *in->deadline) return false;
  Fail(ctx, id, sim::RpcStatus::Error(sim::StatusCode::kDeadlineExceeded, kContextDeadline));
  return true;
}

absl::Duration RaftProxy::UntilNextLook(sim::Context& ctx, const Inbound& in,
                                        absl::Duration poll) {
  if (!in.deadline.has_value()) return poll;
  return std::min(poll, *in.deadline - ctx.LocalNow());
}

void RaftProxy::Forward(sim::Context& ctx, InboundId id, sim::HostId leader) {
  Inbound& in = inbound_.at(id);
  // The forwarded call runs in the caller's context: it carries what is left of its deadline.
  absl::Duration timeout = absl::ZeroDuration();
  if (in.deadline.has_value()) {
    if (FailIfExpired(ctx, id)) return;
    timeout = *in.deadline - ctx.LocalNow();
  }
  ++forwarded_calls_;
  const sim::ConnId conn = ConnTo(ctx, leader);
  sim::Payload payload = ForwardedPayload(in.call, timeout);
  if (in.streaming) {
    sim::StreamCallbacks callbacks;
    callbacks.on_message = [this, id](sim::Context& c, const sim::Payload& message) {
      Send(c, id, message);
    };
    callbacks.on_done = [this, id](sim::Context& c, const sim::RpcStatus& status) {
      Finish(c, id, status);
    };
    const sim::CallId forwarded =
        ctx.OpenStream(conn, in.method, std::move(payload), timeout, std::move(callbacks));
    SetOnCancel(id, [forwarded](sim::Context& c) { c.CancelCall(forwarded); });
    return;
  }
  const sim::CallId forwarded = ctx.Call(
      conn, in.method, std::move(payload), timeout,
      [this, id](sim::Context& c, const sim::RpcStatus& reply, const sim::Payload& response) {
        auto it = inbound_.find(id);
        if (it == inbound_.end()) return;
        it->second.on_cancel = nullptr;
        // Fault point: the connection breaks after the leader served the call, so its reply is
        // lost and the call is retried (the leader may serve it twice, as in SwarmKit).
        const sim::RpcStatus status =
            reply.ok() && !it->second.retried && absl::StartsWith(it->second.method, "Dispatcher.") &&
                    c.Buggify("raftproxy.forward_reply_lost")
                ? sim::RpcStatus::Error(sim::StatusCode::kUnavailable, "connection reset")
                : reply;
        if (!status.ok() && IsConnectionError(status) && !it->second.retried) {
          it->second.retried = true;
          PollNewLeader(c, id);
          return;
        }
        Reply(c, id, status, response);
      });
  SetOnCancel(id, [forwarded](sim::Context& c) { c.CancelCall(forwarded); });
}

void RaftProxy::PollNewLeader(sim::Context& ctx, InboundId id) {
  // pollNewLeaderConn: after 500 ms, LeaderConn again (errLostQuorum at once past 10 leaderless
  // ticks, else its 1 s wait), all within the caller's deadline.
  if (FailIfExpired(ctx, id)) return;
  loop_->After(ctx, UntilNextLook(ctx, inbound_.at(id), kPollNewLeaderConn),
               [this, id](sim::Context& c) {
                 if (!IsOpen(id) || FailIfExpired(c, id)) return;
                 Route(c, id, /*first_attempt=*/true);
               });
}

sim::ConnId RaftProxy::ConnTo(sim::Context& ctx, sim::HostId host) {
  auto it = conns_.find(host);
  if (it != conns_.end() && ctx.GetConnState(it->second) != sim::ConnState::kClosed) {
    return it->second;
  }
  const sim::ConnId conn = ctx.Dial(host);
  conns_[host] = conn;
  return conn;
}

bool RaftProxy::IsConnectionError(const sim::RpcStatus& status) {
  // What the sim's transport reports (rpc.h), standing for gRPC's "connection error", "is
  // closing" and "the connection is unavailable". Application errors never use these words.
  if (status.code != sim::StatusCode::kUnavailable) return false;
  return absl::StrContains(status.message, "connection") ||
         absl::StrContains(status.message, "dial timeout") ||
         absl::StrContains(status.message, "keepalive");
}

const RaftProxy::Inbound* RaftProxy::Find(InboundId id) const {
  auto it = inbound_.find(id);
  return it == inbound_.end() ? nullptr : &it->second;
}

std::size_t RaftProxy::OpenCallsFrom(const std::string& node_id) const {
  std::size_t n = 0;
  for (const auto& [id, in] : inbound_) {
    if (in.call.node_id == node_id) ++n;
  }
  return n;
}

void RaftProxy::SetOnCancel(InboundId id, std::function<void(sim::Context&)> on_cancel) {
  auto it = inbound_.find(id);
  if (it != inbound_.end()) it->second.on_cancel = std::move(on_cancel);
}

void RaftProxy::Erase(InboundId id) { inbound_.erase(id); }

bool RaftProxy::Reply(sim::Context& ctx, InboundId id, const sim::RpcStatus& status,
                      sim::Payload response) {
  auto it = inbound_.find(id);
  if (it == inbound_.end()) return false;
  // Only what the answer needs leaves the table (not the whole Inbound).
  if (!it->second.local) {
    const sim::ServerCallId server_call = it->second.server_call;
    inbound_.erase(it);
    return ctx.Reply(server_call, status, std::move(response));
  }
  LocalSink sink = std::move(it->second.sink);
  inbound_.erase(it);
  loop_->Post(ctx, [sink, status, response](sim::Context& c) { sink(c, true, status, response); });
  return true;
}

bool RaftProxy::Send(sim::Context& ctx, InboundId id, sim::Payload message) {
  auto it = inbound_.find(id);
  if (it == inbound_.end()) return false;
  Inbound& in = it->second;
  if (!in.local) return ctx.StreamSend(in.server_call, std::move(message));
  LocalSink sink = in.sink;
  loop_->Post(ctx,
              [sink, message](sim::Context& c) { sink(c, false, sim::RpcStatus::Ok(), message); });
  return true;
}

bool RaftProxy::Finish(sim::Context& ctx, InboundId id, const sim::RpcStatus& status) {
  auto it = inbound_.find(id);
  if (it == inbound_.end()) return false;
  Inbound in = std::move(it->second);
  Erase(id);
  if (!in.local) return ctx.StreamFinish(in.server_call, status);
  LocalSink sink = std::move(in.sink);
  loop_->Post(ctx, [sink, status](sim::Context& c) { sink(c, true, status, sim::Payload()); });
  return true;
}

void RaftProxy::Fail(sim::Context& ctx, InboundId id, const sim::RpcStatus& status) {
  const Inbound* in = Find(id);
  if (in == nullptr) return;
  if (in->streaming) {
    Finish(ctx, id, status);
  } else {
    Reply(ctx, id, status);
  }
}

}  // namespace process
}  // namespace swarmsim
