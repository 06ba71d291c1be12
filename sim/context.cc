#include "sim/context.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "sim/host.h"
#include "sim/world.h"

namespace sim {

void Context::RequireRunning() const {
  // Only a running process acts (a paused one is not scheduled; OnStop runs as running).
  SIM_CHECK_MSG(host_->state() == HostState::kRunning,
                absl::StrCat(host_->name(), " is ", HostStateName(host_->state())));
}

HostId Context::host_id() const { return host_->id(); }
const std::string& Context::host_name() const { return host_->name(); }
uint64_t Context::incarnation() const { return host_->incarnation(); }

Time Context::LocalNow() const { return host_->clock().ToLocal(world_->now()); }
Prng& Context::prng() { return host_->prng(); }
Disk& Context::disk() { return host_->disk(); }

void Context::SetTimer(TimerKey key, absl::Duration delay) {
  RequireRunning();
  SIM_CHECK_MSG(delay >= absl::ZeroDuration(), absl::FormatDuration(delay));
  world_->SetTimer(*host_, key, world_->now() + host_->clock().WorldDelay(world_->now(), delay));
}

void Context::SetTimerAt(TimerKey key, Time local_deadline) {
  RequireRunning();
  world_->SetTimer(*host_, key, host_->clock().ToWorld(local_deadline));
}

void Context::CancelTimer(TimerKey key) {
  // No search in the queue: forgetting the timer makes its queued event stale.
  host_->ForgetTimer(key);
}

bool Context::TimerPending(TimerKey key) const { return host_->TimerGeneration(key) != 0; }

void Context::Send(HostId to, absl::string_view type, Payload payload) {
  RequireRunning();
  world_->SendDatagram(*host_, to, type, std::move(payload));
}

ConnId Context::Dial(HostId to, DialOptions options) {
  RequireRunning();
  return host_->rpc().Dial(to, std::move(options));
}

ConnState Context::GetConnState(ConnId conn) const { return host_->rpc().GetConnState(conn); }

void Context::CloseConn(ConnId conn) { host_->rpc().CloseConn(conn); }

CallId Context::Call(ConnId conn, absl::string_view method, Payload request, absl::Duration timeout,
                     UnaryCallback done) {
  return host_->rpc().StartCall(conn, method, std::move(request), timeout, /*streaming=*/false,
                                std::move(done), StreamCallbacks());
}

CallId Context::OpenStream(ConnId conn, absl::string_view method, Payload request,
                           absl::Duration timeout, StreamCallbacks callbacks) {
  return host_->rpc().StartCall(conn, method, std::move(request), timeout, /*streaming=*/true,
                                UnaryCallback(), std::move(callbacks));
}

void Context::CancelCall(CallId call) { host_->rpc().CancelCall(call); }

void Context::Serve(absl::string_view method, CallHandler handler) {
  host_->rpc().Serve(method, std::move(handler), /*streaming=*/false);
}

void Context::ServeStream(absl::string_view method, CallHandler handler) {
  host_->rpc().Serve(method, std::move(handler), /*streaming=*/true);
}

bool Context::Reply(ServerCallId call, const RpcStatus& status, Payload response) {
  return host_->rpc().Reply(call, status, std::move(response));
}

bool Context::StreamSend(ServerCallId call, Payload message) {
  return host_->rpc().StreamSend(call, std::move(message));
}

bool Context::StreamFinish(ServerCallId call, const RpcStatus& status) {
  return host_->rpc().StreamFinish(call, status);
}

bool Context::ServerCallOpen(ServerCallId call) const { return host_->rpc().ServerCallOpen(call); }

HostId Context::ServerCallPeer(ServerCallId call) const {
  return host_->rpc().ServerCallPeer(call);
}

void Context::OnServerCallCancelled(ServerCallId call, std::function<void(Context&)> on_cancel) {
  host_->rpc().OnServerCallCancelled(call, std::move(on_cancel));
}

bool Context::Buggify(absl::string_view site) {
  const bool fire = world_->fault_points().Buggify(site);
  if (fire) Trace("buggify", {{"site", site}});
  return fire;
}

void Context::Count(absl::string_view name, uint64_t n) { world_->Count(name, n); }

void Context::Trace(absl::string_view kind, std::initializer_list<TraceField> fields) {
  world_->trace().Append(world_->now(), host_->id(), kind, fields);
}

void Context::Trace(absl::string_view kind, absl::Span<const TraceField> fields) {
  world_->trace().Append(world_->now(), host_->id(), kind, fields);
}

}  // namespace sim
