// RaftTransport: how a manager's Raft messages reach its peers over the sim RPC layer, in the
// manner of SwarmKit's manager/state/raft/transport (reference §4.7).
//
// One peer per remote member, each with one long-lived connection and a bounded FIFO queue sent
// strictly one RPC at a time (Raft.ProcessRaftMessage, a unary call with a send_timeout
// deadline: SwarmKit's sendProcessMessage watchdog, which cancels that message's stream only).
// A full queue refuses the message (the host reports the peer unreachable). Every send's outcome
// is handed back to the host (ReportUnreachable / ReportSnapshot / removal are the host's
// business). A peer is "active" after a successful health check at its start or a successful
// send, and inactive after a failed one; the time it became active is kept for LongestActive
// (the transfer target).
//
// Connections (reference §10.1): a failed or timed-out message never closes the connection and
// never drops the messages queued behind it; each is tried in turn on the same connection and
// fails (or times out) on its own. There is no keepalive, so a connection black-holed by a
// partition stays open, and after the heal its traffic resumes only when TCP next retransmits
// (sim/rpc.h). A connection that closes (reset by a restarted peer, refused, TCP giving up) is
// replaced by a fresh dial when the next message goes out, at once if one is queued.
//
// Messages travel as shared objects (sim::Payload holding a raft::Message) with an estimated
// serialized size; nothing is serialized. It never reads a clock but ctx.LocalNow(). Callbacks
// it registers with the kernel hold only a weak token: after Stop() or destruction they do
// nothing.
#ifndef SWARMSIM_MODEL_PROCESS_RAFT_TRANSPORT_H_
#define SWARMSIM_MODEL_PROCESS_RAFT_TRANSPORT_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "model/raft/types.h"
#include "sim/context.h"
#include "sim/rpc.h"
#include "sim/time.h"
#include "sim/types.h"

namespace swarmsim {
namespace process {

// Estimated protobuf size of a Raft message on the wire (what the network accounts).
int64_t RaftMessageSize(const raft::Message& message);
// The payload of a Raft.ProcessRaftMessage call.
sim::Payload RaftMessagePayload(raft::Message message);

struct RaftTransportOptions {
  uint64_t self = 0;
  absl::Duration send_timeout = absl::Seconds(2);
  uint64_t peer_queue_max = 4096;
  // Health checks (peer start, vote filter) use this deadline (SwarmKit: 2 s).
  absl::Duration health_timeout = absl::Seconds(2);
};

class RaftTransport {
 public:
  // The outcome of one send: `status` is the RPC's (OK, or why it failed).
  using SendResult = std::function<void(sim::Context&, const raft::Message& sent,
                                        const sim::RpcStatus& status)>;

  RaftTransport(RaftTransportOptions options, SendResult on_result);
  ~RaftTransport();
  RaftTransport(const RaftTransport&) = delete;
  RaftTransport& operator=(const RaftTransport&) = delete;

  // Starts (or re-targets) the peer for `id` at `host`: dials and health-checks it.
  void AddPeer(sim::Context& ctx, uint64_t id, sim::HostId host);
  // Stops the peer: queued messages are dropped, its connection closed (the only drop).
  void RemovePeer(sim::Context& ctx, uint64_t id);
  bool HasPeer(uint64_t id) const { return peers_.count(id) != 0; }
  // False when there is no such peer or its queue is full (the message is dropped).
  bool Send(sim::Context& ctx, raft::Message message);
  // One Health.Check of the peer; `done(true)` when it answered OK within health_timeout.
  void HealthCheck(sim::Context& ctx, uint64_t id, std::function<void(sim::Context&, bool)> done);

  bool Active(uint64_t id) const;
  // The active peer that has been active the longest (ties: lowest id), if any.
  std::optional<uint64_t> LongestActive() const;

  // Drops every queue and closes every connection; later callbacks do nothing.
  void Stop(sim::Context& ctx);

 private:
  struct Peer {
    sim::HostId host = sim::kNoHost;
    sim::ConnId conn = 0;
    bool has_conn = false;
    std::deque<raft::Message> queue;
    bool in_flight = false;
    bool active = false;
    sim::Time became_active;
    uint64_t generation = 0;  // Bumped by AddPeer/RemovePeer: stale callbacks are ignored.
  };

  sim::ConnId EnsureConn(sim::Context& ctx, Peer& peer);
  void Pump(sim::Context& ctx, uint64_t id);
  void OnSent(sim::Context& ctx, uint64_t id, uint64_t generation, const raft::Message& sent,
              const sim::RpcStatus& status);
  void SetActive(sim::Context& ctx, Peer& peer, bool active);

  RaftTransportOptions options_;
  SendResult on_result_;
  std::map<uint64_t, Peer> peers_;
  uint64_t next_generation_ = 1;
  // Callbacks registered with the kernel capture a weak copy; reset by Stop and destruction.
  std::shared_ptr<RaftTransport*> self_;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_RAFT_TRANSPORT_H_
