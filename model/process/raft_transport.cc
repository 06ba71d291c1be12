#include "model/process/raft_transport.h"

#include <utility>

#include "model/process/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {

namespace {

// Protobuf-like accounting: a few bytes per scalar field, the payloads in full.
int64_t EntrySize(const raft::Entry& e) { return 12 + static_cast<int64_t>(e.data.size()); }

}  // namespace

int64_t RaftMessageSize(const raft::Message& m) {
  int64_t size = 24 + static_cast<int64_t>(m.context.size());
  for (const raft::Entry& e : m.entries) size += EntrySize(e);
  if (m.type == raft::MessageType::kSnap) {
    size += 16 + static_cast<int64_t>(m.snapshot.data.size()) +
            4 * static_cast<int64_t>(m.snapshot.metadata.conf_state.voters.size());
  }
  return size;
}

sim::Payload RaftMessagePayload(raft::Message message) {
  const int64_t size = RaftMessageSize(message);
  return sim::Payload::Make<raft::Message>(std::move(message), size);
}

RaftTransport::RaftTransport(RaftTransportOptions options, SendResult on_result)
    : options_(std::move(options)),
      on_result_(std::move(on_result)),
      self_(std::make_shared<RaftTransport*>(this)) {}

RaftTransport::~RaftTransport() { *self_ = nullptr; }

void RaftTransport::AddPeer(sim::Context& ctx, uint64_t id, sim::HostId host) {
  SIM_CHECK_NE(id, options_.self);
  SIM_CHECK_NE(host, sim::kNoHost);
  auto it = peers_.find(id);
  if (it != peers_.end()) {
    if (it->second.host == host) return;
    RemovePeer(ctx, id);
  }
  Peer& peer = peers_[id];
  peer.host = host;
  peer.generation = next_generation_++;
  // SwarmKit's peer.run starts with a health check: the peer is active once it answers.
  HealthCheck(ctx, id, [this, id, generation = peer.generation](sim::Context& c, bool ok) {
    auto p = peers_.find(id);
    if (p == peers_.end() || p->second.generation != generation) return;
    if (ok) SetActive(c, p->second, true);
  });
}

void RaftTransport::RemovePeer(sim::Context& ctx, uint64_t id) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  // Pending calls end CANCELLED; their callbacks see a stale generation.
  if (it->second.has_conn) ctx.CloseConn(it->second.conn);
  peers_.erase(it);
}

sim::ConnId RaftTransport::EnsureConn(sim::Context& ctx, Peer& peer) {
  if (peer.has_conn && ctx.GetConnState(peer.conn) != sim::ConnState::kClosed) return peer.conn;
  // gRPC's ClientConn reconnects as soon as its transport closes; here the next message (sent
  // at once when one is queued) dials. No keepalive (SwarmKit sets none, §10.1).
  sim::DialOptions dial;
  // A dial that cannot complete fails after a few send timeouts; the next send dials again.
  dial.dial_timeout = 4 * options_.send_timeout;
  peer.conn = ctx.Dial(peer.host, dial);
  peer.has_conn = true;
  return peer.conn;
}

bool RaftTransport::Send(sim::Context& ctx, raft::Message message) {
  auto it = peers_.find(message.to);
  if (it == peers_.end()) return false;
  Peer& peer = it->second;
  if (peer.queue.size() >= options_.peer_queue_max) return false;
  const uint64_t to = message.to;
  peer.queue.push_back(std::move(message));
  if (!peer.in_flight) Pump(ctx, to);
  return true;
}

void RaftTransport::Pump(sim::Context& ctx, uint64_t id) {
  Peer& peer = peers_.at(id);
  if (peer.in_flight || peer.queue.empty()) return;
  sim::Payload payload = RaftMessagePayload(std::move(peer.queue.front()));
  peer.queue.pop_front();
  std::shared_ptr<const raft::Message> sent = payload.Share<raft::Message>();
  peer.in_flight = true;
  const sim::ConnId conn = EnsureConn(ctx, peer);
  std::weak_ptr<RaftTransport*> weak = self_;
  const uint64_t generation = peer.generation;
  ctx.Call(conn, kRaftMessageMethod, std::move(payload), options_.send_timeout,
           [weak, id, generation, sent](sim::Context& c, const sim::RpcStatus& status,
                                        const sim::Payload&) {
             std::shared_ptr<RaftTransport*> self = weak.lock();
             if (self == nullptr || *self == nullptr) return;
             (*self)->OnSent(c, id, generation, *sent, status);
           });
}

void RaftTransport::OnSent(sim::Context& ctx, uint64_t id, uint64_t generation,
                           const raft::Message& sent, const sim::RpcStatus& status) {
  auto it = peers_.find(id);
  if (it == peers_.end() || it->second.generation != generation) return;
  Peer& peer = it->second;
  peer.in_flight = false;
  SetActive(ctx, peer, status.ok());
  // A failed message is this message's failure only (SwarmKit's peer.run: ReportUnreachable,
  // setInactive, next message). The connection is kept: a black-holed one is still READY to gRPC
  // (no keepalive), so the next message is tried on it and times out on its own; and nothing
  // queued is dropped. Only a connection that closed (reset by a restarted peer, refused, TCP
  // gave up) is replaced, at once, by EnsureConn when the next message goes out.
  // The host may remove this peer (or stop everything) from inside the callback.
  std::weak_ptr<RaftTransport*> weak = self_;
  on_result_(ctx, sent, status);
  std::shared_ptr<RaftTransport*> self = weak.lock();
  if (self == nullptr || *self == nullptr) return;
  auto again = peers_.find(id);
  if (again == peers_.end() || again->second.generation != generation) return;
  Pump(ctx, id);
}

void RaftTransport::SetActive(sim::Context& ctx, Peer& peer, bool active) {
  if (active && !peer.active) peer.became_active = ctx.LocalNow();
  peer.active = active;
}

void RaftTransport::HealthCheck(sim::Context& ctx, uint64_t id,
                                std::function<void(sim::Context&, bool)> done) {
  auto it = peers_.find(id);
  if (it == peers_.end()) {
    done(ctx, false);
    return;
  }
  const sim::ConnId conn = EnsureConn(ctx, it->second);
  std::weak_ptr<RaftTransport*> weak = self_;
  ctx.Call(conn, kHealthMethod, sim::Payload(), options_.health_timeout,
           [weak, done = std::move(done)](sim::Context& c, const sim::RpcStatus& status,
                                          const sim::Payload&) {
             std::shared_ptr<RaftTransport*> self = weak.lock();
             if (self == nullptr || *self == nullptr) return;
             done(c, status.ok());
           });
}

bool RaftTransport::Active(uint64_t id) const {
  auto it = peers_.find(id);
  return it != peers_.end() && it->second.active;
}

std::optional<uint64_t> RaftTransport::LongestActive() const {
  std::optional<uint64_t> best;
  sim::Time best_since;
  for (const auto& [id, peer] : peers_) {
    if (!peer.active) continue;
    if (!best.has_value() || peer.became_active < best_since) {
      best = id;
      best_since = peer.became_active;
    }
  }
  return best;
}

void RaftTransport::Stop(sim::Context& ctx) {
  for (auto& [id, peer] : peers_) {
    if (peer.has_conn) ctx.CloseConn(peer.conn);
  }
  peers_.clear();
  *self_ = nullptr;
  self_ = std::make_shared<RaftTransport*>(nullptr);
}

}  // namespace process
}  // namespace swarmsim
