#include "sim/rpc_endpoint.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "sim/host.h"
#include "sim/packet.h"
#include "sim/world.h"

namespace sim {

// --- Client ---------------------------------------------------------------------------------

ConnId RpcEndpoint::Dial(HostId to, DialOptions options) {
  SIM_CHECK_LT(to, world_->host_count());
  const ConnId id = world_->next_id_++;
  Conn& c = conns_[id];
  c.is_client = true;
  c.peer = to;
  c.options = std::move(options);
  TraceConn(id, c, RpcStatus::Ok());
  world_->SendConnPacket(NewPacket(id, c, PacketType::kSyn));
  world_->PostToHost(*host_, c.options.dial_timeout, [this, id](Context&) {
    auto it = conns_.find(id);
    if (it == conns_.end() || it->second.state != ConnState::kConnecting) return;
    CloseLocal(id, RpcStatus::Error(StatusCode::kDeadlineExceeded, "dial timeout"),
               RpcStatus::Error(StatusCode::kUnavailable, "dial timeout"));
  });
  return id;
}

ConnState RpcEndpoint::GetConnState(ConnId conn) const {
  auto it = conns_.find(conn);
  return it == conns_.end() ? ConnState::kClosed : it->second.state;
}

void RpcEndpoint::CloseConn(ConnId conn) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  if (it->second.state == ConnState::kReady) {
    SendSegment(conn, it->second, NewPacket(conn, it->second, PacketType::kFin));
  }
  const RpcStatus closing = RpcStatus::Error(StatusCode::kCancelled, "connection closed by caller");
  CloseLocal(conn, closing, closing);
}

CallId RpcEndpoint::StartCall(ConnId conn, absl::string_view method, Payload request,
                              absl::Duration timeout, bool streaming, UnaryCallback done,
                              StreamCallbacks stream) {
  const CallId id = world_->next_id_++;
  ClientCall call;
  call.conn = conn;
  call.method = world_->InternMethod(method);
  call.streaming = streaming;
  call.request = std::move(request);
  call.done = std::move(done);
  call.stream = std::move(stream);
  auto cit = conns_.find(conn);
  if (cit == conns_.end()) {
    PostFailure(id, std::move(call),
                RpcStatus::Error(StatusCode::kUnavailable, "connection closed"));
    return id;
  }
  ClientCall& stored = calls_.emplace(id, std::move(call)).first->second;
  ++cit->second.calls;
  if (timeout > absl::ZeroDuration()) world_->ScheduleCallDeadline(*host_, timeout, id);
  if (cit->second.state == ConnState::kReady) {
    SendRequest(id, stored);
  } else {
    cit->second.queued.push_back(id);
  }
  return id;
}

bool RpcEndpoint::OnDeadline(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return false;
  ClientCall expired = TakeCall(it);
  CancelOnServer(id, expired);  // gRPC propagates the deadline to the server's call.
  Complete(id, std::move(expired),
           RpcStatus::Error(StatusCode::kDeadlineExceeded, "deadline exceeded"), Payload());
  return true;
}

void RpcEndpoint::CancelOnServer(CallId id, const ClientCall& call) {
  auto c = conns_.find(call.conn);
  if (!call.sent || c == conns_.end() || c->second.state != ConnState::kReady) return;
  const uint32_t slot = NewPacket(call.conn, c->second, PacketType::kCancel);
  world_->packet(slot).call = id;
  SendSegment(call.conn, c->second, slot);
}

void RpcEndpoint::SendRequest(CallId id, ClientCall& call) {
  Conn& c = conns_.at(call.conn);
  const uint32_t slot = NewPacket(call.conn, c, PacketType::kRequest);
  Packet& p = world_->packet(slot);
  p.call = id;
  p.method = call.method;
  p.method_bytes = static_cast<uint32_t>(world_->MethodName(call.method).size());
  p.streaming = call.streaming;
  p.payload = std::move(call.request);
  call.request = Payload();
  call.sent = true;
  SendSegment(call.conn, c, slot);
}

void RpcEndpoint::CancelCall(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  ClientCall call = TakeCall(it);
  CancelOnServer(id, call);
  PostFailure(id, std::move(call), RpcStatus::Error(StatusCode::kCancelled, "cancelled by caller"));
}

// --- Server ---------------------------------------------------------------------------------

void RpcEndpoint::Serve(absl::string_view method, CallHandler handler, bool streaming) {
  const uint32_t id = world_->InternMethod(method);
  SIM_CHECK_MSG(handlers_.find(id) == handlers_.end(), method);
  Handler h;
  h.streaming = streaming;
  h.fn = std::move(handler);
  handlers_.emplace(id, std::move(h));
}

bool RpcEndpoint::Reply(ServerCallId call, const RpcStatus& status, Payload response) {
  auto it = server_calls_.find(call);
  if (it == server_calls_.end()) return false;
  SIM_CHECK_MSG(!it->second.streaming, "Reply on a stream: use StreamFinish");
  const ServerCall sc = std::move(it->second);
  server_calls_.erase(it);
  Conn& c = conns_.at(sc.conn);
  c.server_calls.erase(sc.client_call);
  const uint32_t slot = NewPacket(sc.conn, c, PacketType::kResponse);
  Packet& p = world_->packet(slot);
  p.call = sc.client_call;
  p.status = status;
  p.payload = std::move(response);
  SendSegment(sc.conn, c, slot);
  return true;
}

bool RpcEndpoint::StreamSend(ServerCallId call, Payload message) {
  auto it = server_calls_.find(call);
  if (it == server_calls_.end()) return false;
  SIM_CHECK_MSG(it->second.streaming, "StreamSend on a unary call");
  Conn& c = conns_.at(it->second.conn);
  const uint32_t slot = NewPacket(it->second.conn, c, PacketType::kStreamMessage);
  Packet& p = world_->packet(slot);
  p.call = it->second.client_call;
  p.payload = std::move(message);
  SendSegment(it->second.conn, c, slot);
  return true;
}

bool RpcEndpoint::StreamFinish(ServerCallId call, const RpcStatus& status) {
  auto it = server_calls_.find(call);
  if (it == server_calls_.end()) return false;
  SIM_CHECK_MSG(it->second.streaming, "StreamFinish on a unary call: use Reply");
  const ServerCall sc = std::move(it->second);
  server_calls_.erase(it);
  Conn& c = conns_.at(sc.conn);
  c.server_calls.erase(sc.client_call);
  const uint32_t slot = NewPacket(sc.conn, c, PacketType::kStreamEnd);
  Packet& p = world_->packet(slot);
  p.call = sc.client_call;
  p.status = status;
  SendSegment(sc.conn, c, slot);
  return true;
}

HostId RpcEndpoint::ServerCallPeer(ServerCallId call) const {
  auto it = server_calls_.find(call);
  SIM_CHECK(it != server_calls_.end());
  return it->second.peer;
}

void RpcEndpoint::OnServerCallCancelled(ServerCallId call,
                                        std::function<void(Context&)> on_cancel) {
  auto it = server_calls_.find(call);
  if (it == server_calls_.end()) {
    // Already gone: run it from a later event, as if the cancellation arrived now.
    if (on_cancel) world_->PostToHost(*host_, absl::ZeroDuration(), std::move(on_cancel));
    return;
  }
  it->second.on_cancel = std::move(on_cancel);
}

// --- Packets --------------------------------------------------------------------------------

uint32_t RpcEndpoint::NewPacket(ConnId conn, const Conn& c, PacketType type) {
  const HostId peer = c.peer;
  const uint64_t peer_incarnation = c.peer_incarnation;
  const bool is_client = c.is_client;
  const uint32_t slot = world_->AllocPacket();
  Packet& p = world_->packet(slot);
  p.type = type;
  p.from = host_->id();
  p.to = peer;
  p.from_incarnation = host_->incarnation();
  p.to_incarnation = peer_incarnation;
  p.conn = conn & ~kServerSide;
  p.to_server = is_client;
  return slot;
}

void RpcEndpoint::SendSegment(ConnId conn, Conn& c, uint32_t slot) {
  (void)conn;
  world_->packet(slot).dir_seq = c.send_seq++;
  world_->SendConnPacket(slot);
}

void RpcEndpoint::OnPacket(uint32_t slot) {
  const Packet& p = world_->packet(slot);
  switch (p.type) {
    case PacketType::kSyn:
      HandleSyn(p);
      world_->FreePacket(slot);
      return;
    case PacketType::kSynAck:
      HandleSynAck(p);
      world_->FreePacket(slot);
      return;
    case PacketType::kRefused: {
      const ConnId conn = ReceiverKey(p);
      world_->FreePacket(slot);
      auto it = conns_.find(conn);
      if (it == conns_.end() || it->second.state != ConnState::kConnecting) return;
      const RpcStatus refused = RpcStatus::Error(StatusCode::kUnavailable, "connection refused");
      CloseLocal(conn, refused, refused);
      return;
    }
    case PacketType::kRst: {
      const ConnId conn = ReceiverKey(p);
      world_->FreePacket(slot);
      const RpcStatus reset = RpcStatus::Error(StatusCode::kUnavailable, "connection reset");
      CloseLocal(conn, reset, reset);
      return;
    }
    default:
      HandleSegment(ReceiverKey(p), slot);
  }
}

void RpcEndpoint::HandleSyn(const Packet& p) {
  const ConnId id = ReceiverKey(p);
  world_->AckConn(id ^ kServerSide);
  if (conns_.count(id) != 0) return;
  Conn& c = conns_[id];
  c.is_client = false;
  c.peer = p.from;
  c.peer_incarnation = p.from_incarnation;
  c.state = ConnState::kReady;
  TraceConn(id, c, RpcStatus::Ok());
  // The SYN-ACK is retransmitted like data until it arrives (or the client is gone).
  world_->SendConnPacket(NewPacket(id, c, PacketType::kSynAck));
}

void RpcEndpoint::HandleSynAck(const Packet& p) {
  world_->AckConn(ReceiverKey(p) ^ kServerSide);
  auto it = conns_.find(ReceiverKey(p));
  if (it == conns_.end() || it->second.state != ConnState::kConnecting) {
    // The dial was given up here: tell the server to forget its half.
    world_->ReplyControl(p, PacketType::kRst);
    return;
  }
  const ConnId id = ReceiverKey(p);
  Conn& c = it->second;
  c.state = ConnState::kReady;
  c.peer_incarnation = p.from_incarnation;
  TraceConn(id, c, RpcStatus::Ok());
  std::vector<CallId> queued;
  queued.swap(c.queued);
  for (CallId call : queued) {
    auto cit = calls_.find(call);
    if (cit != calls_.end()) SendRequest(call, cit->second);
  }
  if (c.options.keepalive_time > absl::ZeroDuration()) {
    world_->PostToHost(*host_, c.options.keepalive_time, [this, id](Context&) { SendPing(id); });
  }
  // Last: the callback may close the conn.
  auto on_state = c.options.on_state;
  if (on_state) on_state(host_->context(), ConnState::kReady, RpcStatus::Ok());
}

void RpcEndpoint::HandleSegment(ConnId conn, uint32_t slot) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) {
    world_->ReplyControl(world_->packet(slot), PacketType::kRst);
    world_->FreePacket(slot);
    return;
  }
  const uint64_t seq = world_->packet(slot).dir_seq;
  if (seq != it->second.recv_expected) {
    // Arrived ahead of a retransmitted segment: hold it, as TCP's receive buffer does.
    SIM_CHECK_GT(seq, it->second.recv_expected);
    it->second.out_of_order.emplace(seq, slot);
    return;
  }
  uint32_t next = slot;
  for (;;) {
    ++it->second.recv_expected;
    world_->AckConn(conn ^ kServerSide);
    Packet p = std::move(world_->packet(next));
    world_->FreePacket(next);
    switch (p.type) {
      case PacketType::kFin:
        CloseLocal(conn, RpcStatus::Error(StatusCode::kUnavailable, "connection closed by peer"),
                   RpcStatus::Error(StatusCode::kUnavailable, "connection closed"));
        break;
      case PacketType::kRequest:
        HandleRequest(conn, p);
        break;
      case PacketType::kCancel:
        HandleCancel(conn, p.call);
        break;
      case PacketType::kResponse:
      case PacketType::kStreamMessage:
      case PacketType::kStreamEnd:
        HandleClientReply(p);
        break;
      case PacketType::kPing: {
        Conn& c = it->second;
        const uint32_t pong = NewPacket(conn, c, PacketType::kPong);
        world_->packet(pong).call = p.call;
        SendSegment(conn, c, pong);
        break;
      }
      case PacketType::kPong:
        if (p.call > it->second.pings_acked) it->second.pings_acked = p.call;
        break;
      default:
        SIM_CHECK_MSG(false, PacketTypeName(p.type));
    }
    // A handler may have closed the conn; otherwise drain what was waiting behind this one.
    it = conns_.find(conn);
    if (it == conns_.end()) return;
    auto held = it->second.out_of_order.find(it->second.recv_expected);
    if (held == it->second.out_of_order.end()) return;
    next = held->second;
    it->second.out_of_order.erase(held);
  }
}

void RpcEndpoint::HandleRequest(ConnId conn, Packet& p) {
  auto h = handlers_.find(p.method);
  if (h == handlers_.end() || h->second.streaming != p.streaming) {
    Conn& c = conns_.at(conn);
    const uint32_t slot =
        NewPacket(conn, c, p.streaming ? PacketType::kStreamEnd : PacketType::kResponse);
    Packet& reply = world_->packet(slot);
    reply.call = p.call;
    reply.status = RpcStatus::Error(StatusCode::kUnimplemented, absl::StrCat("unknown method ", world_->MethodName(p.method)));
    SendSegment(conn, c, slot);
    return;
  }
  const ServerCallId id = world_->next_id_++;
  ServerCall& sc = server_calls_[id];
  sc.conn = conn;
  sc.client_call = p.call;
  sc.peer = p.from;
  sc.streaming = p.streaming;
  conns_.at(conn).server_calls[p.call] = id;
  // A copy: the handler may register or replace handlers.
  CallHandler fn = h->second.fn;
  fn(host_->context(), id, p.payload);
}

void RpcEndpoint::HandleCancel(ConnId conn, CallId client_call) {
  auto cit = conns_.find(conn);
  if (cit == conns_.end()) return;
  auto idx = cit->second.server_calls.find(client_call);
  if (idx == cit->second.server_calls.end()) return;
  const ServerCallId id = idx->second;
  cit->second.server_calls.erase(idx);
  auto it = server_calls_.find(id);
  std::function<void(Context&)> on_cancel = std::move(it->second.on_cancel);
  server_calls_.erase(it);
  if (on_cancel) on_cancel(host_->context());
}

void RpcEndpoint::HandleClientReply(Packet& p) {
  auto it = calls_.find(p.call);
  if (it == calls_.end()) return;  // Already ended here (deadline, cancel): the reply is dropped.
  if (p.type == PacketType::kStreamMessage) {
    SIM_CHECK(it->second.streaming);
    // A copy: the callback may cancel the call and destroy the stored one.
    auto on_message = it->second.stream.on_message;
    if (on_message) on_message(host_->context(), p.payload);
    return;
  }
  ClientCall call = TakeCall(it);
  Complete(p.call, std::move(call), p.status, p.payload);
}

void RpcEndpoint::SendPing(ConnId conn) {
  auto it = conns_.find(conn);
  if (it == conns_.end() || it->second.state != ConnState::kReady) return;
  Conn& c = it->second;
  const uint64_t ping = ++c.pings_sent;
  const uint32_t slot = NewPacket(conn, c, PacketType::kPing);
  world_->packet(slot).call = ping;
  SendSegment(conn, c, slot);
  world_->PostToHost(*host_, c.options.keepalive_timeout, [this, conn, ping](Context&) {
    auto cit = conns_.find(conn);
    if (cit == conns_.end() || cit->second.pings_acked >= ping) return;
    const RpcStatus dead = RpcStatus::Error(StatusCode::kUnavailable, "keepalive timeout");
    CloseLocal(conn, dead, dead);
  });
  world_->PostToHost(*host_, c.options.keepalive_time, [this, conn](Context&) { SendPing(conn); });
}

// --- Endings --------------------------------------------------------------------------------

void RpcEndpoint::OnGiveUp(ConnId conn) {
  const RpcStatus timed_out = RpcStatus::Error(StatusCode::kUnavailable, "connection timed out");
  CloseLocal(conn, timed_out, timed_out);
}

void RpcEndpoint::CloseLocal(ConnId conn, const RpcStatus& conn_status,
                             const RpcStatus& call_status) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  Conn c = std::move(it->second);
  conns_.erase(it);
  for (const auto& [seq, slot] : c.out_of_order) world_->FreePacket(slot);
  c.state = ConnState::kClosed;
  TraceConn(conn, c, conn_status);
  // Every outcome runs from a later event: CloseLocal may be reached from a Context call.
  if (c.options.on_state) {
    auto on_state = c.options.on_state;
    world_->PostToHost(*host_, absl::ZeroDuration(), [on_state, conn_status](Context& ctx) {
      on_state(ctx, ConnState::kClosed, conn_status);
    });
  }
  // In CallId order. A conn without client calls (most conns that close) scans nothing.
  for (auto cit = calls_.begin(); c.calls > 0 && cit != calls_.end();) {
    if (cit->second.conn != conn) {
      ++cit;
      continue;
    }
    const CallId id = cit->first;
    --c.calls;  // The conn is already out of conns_: TakeCall cannot count it down.
    PostFailure(id, TakeCall(cit++), call_status);
  }
  SIM_CHECK_EQ(c.calls, 0u);
  // The conn's server calls come from its own index, not a scan of every call: a leader holds
  // one open stream per agent. They are cancelled in ServerCallId order, as a scan would.
  std::vector<ServerCallId> closing;
  closing.reserve(c.server_calls.size());
  // forbidden-apis: allow(collected, then sorted: the hash order never shows)
  for (const auto& [client_call, id] : c.server_calls) closing.push_back(id);
  std::sort(closing.begin(), closing.end());
  for (ServerCallId id : closing) {
    auto sit = server_calls_.find(id);
    SIM_CHECK(sit != server_calls_.end());
    std::function<void(Context&)> on_cancel = std::move(sit->second.on_cancel);
    server_calls_.erase(sit);
    if (on_cancel) world_->PostToHost(*host_, absl::ZeroDuration(), std::move(on_cancel));
  }
}

RpcEndpoint::ClientCall RpcEndpoint::TakeCall(std::map<CallId, ClientCall>::iterator it) {
  ClientCall call = std::move(it->second);
  calls_.erase(it);
  auto conn = conns_.find(call.conn);
  if (conn != conns_.end()) --conn->second.calls;
  return call;
}

void RpcEndpoint::Complete(CallId id, ClientCall call, const RpcStatus& status,
                           const Payload& response) {
  if (world_->options_.trace_messages) {
    world_->trace_.Append(
        world_->now_, host_->id(), "rpc.done",
        {{"call", id}, {"method", world_->MethodName(call.method)}, {"code", StatusCodeName(status.code)}});
  }
  if (call.streaming) {
    if (call.stream.on_done) call.stream.on_done(host_->context(), status);
  } else if (call.done) {
    call.done(host_->context(), status, response);
  }
}

void RpcEndpoint::PostFailure(CallId id, ClientCall call, RpcStatus status) {
  // shared_ptr: std::function needs a copyable target, and ClientCall holds callbacks.
  auto pending = std::make_shared<ClientCall>(std::move(call));
  world_->PostToHost(*host_, absl::ZeroDuration(), [this, id, pending, status](Context&) {
    Complete(id, std::move(*pending), status, Payload());
  });
}

void RpcEndpoint::TraceConn(ConnId conn, const Conn& c, const RpcStatus& status) {
  if (!world_->options_.trace_messages) return;
  world_->trace_.Append(world_->now_, host_->id(), "rpc.conn",
                        {{"conn", conn & ~kServerSide},
                         {"peer", c.peer},
                         {"client", c.is_client ? 1 : 0},
                         {"state", ConnStateName(c.state)},
                         {"code", StatusCodeName(status.code)}});
}

std::vector<ConnId> RpcEndpoint::SortedConnIds() const {
  std::vector<ConnId> ids;
  ids.reserve(conns_.size());
  // forbidden-apis: allow(collected, then sorted: the hash order never shows)
  for (const auto& [id, c] : conns_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void RpcEndpoint::Stop() {
  for (ConnId id : SortedConnIds()) {
    Conn& c = conns_.at(id);
    if (c.state == ConnState::kReady) SendSegment(id, c, NewPacket(id, c, PacketType::kFin));
  }
  Crash();
}

void RpcEndpoint::Crash() {
  for (ConnId id : SortedConnIds()) {
    for (const auto& [seq, slot] : conns_.at(id).out_of_order) world_->FreePacket(slot);
  }
  conns_.clear();
  calls_.clear();
  server_calls_.clear();
  handlers_.clear();
}

}  // namespace sim
