// Context is a process's only window on the world: its host's clock, PRNG stream, disk, timers,
// datagrams, RPCs, fault points and trace. One per host; valid for the duration of a callback
// (do not keep a pointer to it past the process's lifetime). Timers, sends and dials CHECK that
// the host is running. Outside callbacks (scenario steps, tests), world.host(id).context() acts
// as the running process would.
//
// Nothing done through a Context takes effect inline: sends, timers and RPC outcomes become
// events with fresh sequence numbers, so a process is never re-entered from its own call.
#ifndef SWARMSIM_SIM_CONTEXT_H_
#define SWARMSIM_SIM_CONTEXT_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sim/disk.h"
#include "sim/payload.h"
#include "sim/prng.h"
#include "sim/rpc.h"
#include "sim/time.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

class Host;
class World;

class Context {
 public:
  Context(World& world, Host& host) : world_(&world), host_(&host) {}

  HostId host_id() const;
  const std::string& host_name() const;
  // Starts at 1 and grows by one at every start of the host.
  uint64_t incarnation() const;

  // The host's local clock (offset and drift applied).
  Time LocalNow() const;
  Prng& prng();
  Disk& disk();

  // Timers. Setting a key again supersedes the earlier deadline. Pushing a deadline later costs
  // no event (the queued one moves itself when it comes up); pulling it earlier queues a new
  // one and the old one is skipped. Delays are measured on the local clock (drift applies).
  void SetTimer(TimerKey key, absl::Duration delay);
  void SetTimerAt(TimerKey key, Time local_deadline);
  void CancelTimer(TimerKey key);
  bool TimerPending(TimerKey key) const;

  // A datagram (loss, duplication, reordering apply). Delivered to Process::OnMessage.
  void Send(HostId to, absl::string_view type, Payload payload);

  // RPC client (see rpc.h for the failure table).
  ConnId Dial(HostId to, DialOptions options = DialOptions());
  ConnState GetConnState(ConnId conn) const;
  // Pending calls and streams end CANCELLED; the peer sees the conn close.
  void CloseConn(ConnId conn);
  // A zero or negative timeout means no deadline.
  CallId Call(ConnId conn, absl::string_view method, Payload request, absl::Duration timeout,
              UnaryCallback done);
  CallId OpenStream(ConnId conn, absl::string_view method, Payload request, absl::Duration timeout,
                    StreamCallbacks callbacks);
  // Ends a pending call or stream with CANCELLED (no-op when already done).
  void CancelCall(CallId call);

  // RPC server. Register in Start(); registrations die with the process instance.
  void Serve(absl::string_view method, CallHandler handler);
  void ServeStream(absl::string_view method, CallHandler handler);
  // False (and nothing sent) when the call is no longer open (cancelled, conn gone).
  bool Reply(ServerCallId call, const RpcStatus& status, Payload response = Payload());
  bool StreamSend(ServerCallId call, Payload message);
  bool StreamFinish(ServerCallId call, const RpcStatus& status);
  bool ServerCallOpen(ServerCallId call) const;
  // The calling host. REQUIRES: ServerCallOpen(call).
  HostId ServerCallPeer(ServerCallId call) const;
  // Runs once if the call is cancelled by the client or its conn goes away before it is answered.
  void OnServerCallCancelled(ServerCallId call, std::function<void(Context&)> on_cancel);

  // A named fault site (see fault_points.h).
  bool Buggify(absl::string_view site);

  // Bumps a named run counter (World::counters): statistics for benchmarks and reports, never
  // part of the trace, so counting changes no digest.
  void Count(absl::string_view name, uint64_t n = 1);

  // A trace record stamped with world time and this host.
  void Trace(absl::string_view kind, std::initializer_list<TraceField> fields);
  void Trace(absl::string_view kind, absl::Span<const TraceField> fields);

 private:
  // Acting (timers, sends, dials) on a host whose process is not running is a bug.
  void RequireRunning() const;

  World* world_;
  Host* host_;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_CONTEXT_H_
