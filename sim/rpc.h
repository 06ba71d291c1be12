// The gRPC-like RPC layer's vocabulary: status codes, ids, dial options and callback types.
// The machinery lives in rpc_endpoint.h (one endpoint per host); processes use it through
// sim::Context (Dial, Call, OpenStream, Serve, Reply, StreamSend, ...).
//
// Model: a connection is a TCP-like ordered, reliable byte stream between two host incarnations.
// Packets on it are never duplicated and arrive in order; a packet that is lost, hits a partition
// or reaches a powered-off host is retransmitted with exponential backoff (200 ms doubling to
// 120 s; after 15 retransmissions the sender resets the connection). As in Linux, the timer is
// one per connection side: while it backs off nothing new is sent (new segments leave with the
// next retransmission), and a segment taken in order by the receiver (the ACK) resets it. Connections never reconnect
// by themselves: once closed, model code dials again (as SwarmKit picks another manager).
// Callbacks never run inside the call that caused them: they run from later events.
//
// RPC FAILURE TABLE: what the caller (client) sees.
// | situation                            | caller sees                                            |
// |--------------------------------------|--------------------------------------------------------|
// | peer stops gracefully (StopHost)     | at once (one link delay): pending unary calls fail     |
// |                                      | UNAVAILABLE "connection closed", open streams end      |
// |                                      | UNAVAILABLE; the conn goes kClosed.                    |
// | peer crashes (power off)             | nothing: each call ends DEADLINE_EXCEEDED at its       |
// |                                      | deadline; with keepalive on, the conn closes with      |
// |                                      | UNAVAILABLE "keepalive timeout" after keepalive_time + |
// |                                      | keepalive_timeout.                                     |
// | peer restarts (crash, then start)    | the first packet of the old conn that reaches the new  |
// |                                      | incarnation (new call, retransmission, ping; while the |
// |                                      | conn backs off, only its next retransmission) is       |
// |                                      | answered by a reset: UNAVAILABLE "connection reset"    |
// |                                      | for every call and stream on the conn.                 |
// | peer partitioned / cut / isolated    | packets are retransmitted: DEADLINE_EXCEEDED at the    |
// |                                      | deadline if the fault outlasts it, else a late OK;     |
// |                                      | keepalive (if on) closes the conn UNAVAILABLE.         |
// |                                      | Clogged: late OK.                                      |
// | ... then healed, keepalive off       | the conn stays open; its traffic (new calls included)  |
// |                                      | waits for the conn's next retransmission (tens of      |
// |                                      | seconds after a one-minute outage), then arrives in    |
// |                                      | order.                                                 |
// | fault outlasts 15 retransmissions    | UNAVAILABLE "connection timed out" for every call on   |
// |                                      | the conn (about 15 minutes: Linux's tcp_retries2).     |
// | peer paused (^Z)                     | late answers: requests wait until resume; a reply      |
// |                                      | after the deadline is dropped (DEADLINE_EXCEEDED).     |
// | dial a host stopped but reachable    | UNAVAILABLE "connection refused" after one round trip  |
// |                                      | (the dial fails; queued calls fail likewise).          |
// | dial a host crashed or unreachable   | no answer: the dial fails DEADLINE_EXCEEDED at         |
// |                                      | dial_timeout; queued calls fail UNAVAILABLE (or        |
// |                                      | DEADLINE_EXCEEDED if their own deadline is sooner).    |
// | call on a conn already closed        | UNAVAILABLE at once (from a later event).              |
// | method not served by the peer        | StatusCode::kUnimplemented.                            |
// | caller cancels (CancelCall)          | CANCELLED; the server's on-cancel callback runs.       |
// | caller closes the conn (CloseConn)   | CANCELLED for its pending calls and streams; the       |
// |                                      | server sees the conn close (its calls cancelled).      |
// | server's stream finishes             | on_done with the server's status.                      |
// Server side: when the client's conn closes, resets or the client cancels (also on deadline),
// the server call is cancelled: its on-cancel callback runs, Reply/StreamSend return false.
#ifndef SWARMSIM_SIM_RPC_H_
#define SWARMSIM_SIM_RPC_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"
#include "sim/payload.h"

namespace sim {

class Context;

// gRPC's codes, with gRPC's numbers.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "OK", "CANCELLED", "DEADLINE_EXCEEDED", ... as gRPC spells them.
const char* StatusCodeName(StatusCode code);

struct RpcStatus {
  StatusCode code = StatusCode::kOk;
  std::string message;

  static RpcStatus Ok() { return RpcStatus(); }
  static RpcStatus Error(StatusCode code, std::string message) {
    RpcStatus s;
    s.code = code;
    s.message = std::move(message);
    return s;
  }
  bool ok() const { return code == StatusCode::kOk; }
  // "UNAVAILABLE: connection refused".
  std::string ToString() const;
};

// Unique per world (counters), so they can be traced.
using ConnId = uint64_t;
using CallId = uint64_t;        // A client call or stream.
using ServerCallId = uint64_t;  // The server's handle on an incoming call.

enum class ConnState { kConnecting, kReady, kClosed };
const char* ConnStateName(ConnState state);

struct DialOptions {
  // The dial fails DEADLINE_EXCEEDED when the handshake has not completed by then (gRPC's
  // default minimum connect timeout is 20 s).
  absl::Duration dial_timeout = absl::Seconds(20);
  // Zero turns keepalive off (gRPC's default). Otherwise a ping every keepalive_time; no answer
  // within keepalive_timeout closes the conn UNAVAILABLE.
  absl::Duration keepalive_time = absl::ZeroDuration();
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Called on kReady and on kClosed (with the reason). Optional.
  std::function<void(Context&, ConnState, const RpcStatus&)> on_state;
};

// Client side.
using UnaryCallback = std::function<void(Context&, const RpcStatus&, const Payload& response)>;
struct StreamCallbacks {
  std::function<void(Context&, const Payload& message)> on_message;
  std::function<void(Context&, const RpcStatus&)> on_done;
};

// Server side: the handler may answer at once or keep `call` and answer from a later event
// (Context::Reply for unary; Context::StreamSend / StreamFinish for streams).
using CallHandler = std::function<void(Context&, ServerCallId call, const Payload& request)>;

}  // namespace sim

#endif  // SWARMSIM_SIM_RPC_H_
