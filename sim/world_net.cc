// The world's transport: datagrams, and the TCP-like carriage of connection packets
// (retransmission with backoff, resets and refusals from the receiving OS). The RPC semantics on
// top live in rpc_endpoint.cc; the link model in network.cc.
#include <algorithm>
#include <utility>

#include "sim/check.h"
#include "sim/world.h"

namespace sim {
namespace {
// Linux: the minimum retransmission timeout is 200 ms (TCP_RTO_MIN), it doubles per try up to
// 120 s (TCP_RTO_MAX), and tcp_retries2 = 15 gives up after about 15 minutes (reference §10.1).
constexpr int64_t kRtoInitialNs = 200 * 1000 * 1000;
constexpr int64_t kRtoMaxNs = int64_t{120} * 1000 * 1000 * 1000;
constexpr uint32_t kRetransmitMax = 15;

const char* FateName(Routing::Fate fate) {
  switch (fate) {
    case Routing::Fate::kDelivered:
      return "delivered";
    case Routing::Fate::kLost:
      return "loss";
    case Routing::Fate::kUnreachable:
      return "unreachable";
  }
  return "?";
}
}  // namespace

const char* PacketTypeName(PacketType type) {
  switch (type) {
    case PacketType::kDatagram:
      return "datagram";
    case PacketType::kSyn:
      return "syn";
    case PacketType::kSynAck:
      return "synack";
    case PacketType::kRefused:
      return "refused";
    case PacketType::kRst:
      return "rst";
    case PacketType::kFin:
      return "fin";
    case PacketType::kRequest:
      return "request";
    case PacketType::kResponse:
      return "response";
    case PacketType::kStreamMessage:
      return "stream_message";
    case PacketType::kStreamEnd:
      return "stream_end";
    case PacketType::kCancel:
      return "cancel";
    case PacketType::kPing:
      return "ping";
    case PacketType::kPong:
      return "pong";
  }
  return "?";
}

uint32_t World::AllocPacket() {
  if (free_packets_.empty()) {
    packets_.emplace_back();
    return static_cast<uint32_t>(packets_.size() - 1);
  }
  const uint32_t slot = free_packets_.back();
  free_packets_.pop_back();
  return slot;
}

void World::FreePacket(uint32_t slot) {
  // Field by field: keeps the name's buffer for the slot's next packet.
  Packet& p = packets_[slot];
  p.type = PacketType::kDatagram;
  p.from = kNoHost;
  p.to = kNoHost;
  p.from_incarnation = 0;
  p.to_incarnation = 0;
  p.conn = 0;
  p.dir_seq = 0;
  p.call = 0;
  p.retransmits = 0;
  p.streaming = false;
  p.to_server = false;
  p.name.clear();
  p.method = 0;
  p.method_bytes = 0;
  p.payload = Payload();
  if (!p.status.ok() || !p.status.message.empty()) p.status = RpcStatus();
  free_packets_.push_back(slot);
}

void World::SendDatagram(Host& from, HostId to, absl::string_view type, Payload payload) {
  SIM_CHECK_LT(to, hosts_.size());
  const uint32_t slot = AllocPacket();
  {
    Packet& p = packets_[slot];
    p.type = PacketType::kDatagram;
    p.from = from.id_;
    p.to = to;
    p.from_incarnation = from.incarnation_;
    p.name.assign(type.data(), type.size());
    p.payload = std::move(payload);
  }
  const int64_t size = packets_[slot].size_bytes();
  const Routing routing = network_.RouteDatagram(from.id_, to, now_, size);
  if (routing.fate != Routing::Fate::kDelivered) {
    if (options_.trace_messages) {
      trace_.Append(now_, from.id_, "net.drop",
                    {{"to", to}, {"type", type}, {"reason", FateName(routing.fate)}});
    }
    FreePacket(slot);
    return;
  }
  Schedule(routing.arrival, kDeliverEvent, to, slot, 0);
  if (routing.duplicated) {
    const uint32_t copy = AllocPacket();
    packets_[copy] = packets_[slot];
    if (options_.trace_messages) {
      trace_.Append(now_, from.id_, "net.dup", {{"to", to}, {"type", type}});
    }
    Schedule(routing.duplicate_arrival, kDeliverEvent, to, copy, 0);
  }
}

void World::Deliver(Host& host, uint32_t slot) {
  if (packets_[slot].type != PacketType::kDatagram) {
    DeliverConnPacket(host, slot);
    return;
  }
  if (host.state_ != HostState::kRunning) {
    ++network_.stats().dropped_host_down;
    if (options_.trace_messages) {
      trace_.Append(
          now_, host.id_, "net.drop",
          {{"from", packets_[slot].from}, {"type", packets_[slot].name}, {"reason", "host_down"}});
    }
    FreePacket(slot);
    return;
  }
  Packet& p = packets_[slot];
  ++network_.stats().packets_delivered;
  network_.stats().bytes_delivered += static_cast<uint64_t>(p.size_bytes());
  Message message;
  message.from = p.from;
  message.type = std::move(p.name);
  message.payload = std::move(p.payload);
  FreePacket(slot);
  if (options_.trace_messages) {
    trace_.Append(
        now_, host.id_, "net.deliver",
        {{"from", message.from}, {"type", message.type}, {"size", message.payload.size_bytes()}});
  }
  host.process_->OnMessage(host.context_, message);
}

void World::SendConnPacket(uint32_t slot) {
  const Packet& p = packets_[slot];
  if (IsOrdered(p.type) && !retransmit_clocks_.empty()) {
    // While its retransmission timer backs off, TCP sends nothing new (the congestion window is
    // one segment, taken by the lost one): a segment written now leaves with the connection's
    // next retransmission. So after a long outage a connection stays silent until then, and a
    // restarted peer sees (and resets) it only then.
    auto clock = retransmit_clocks_.find(SenderKey(p));
    if (clock != retransmit_clocks_.end() && clock->second.next > now_) {
      Schedule(clock->second.next, kRetransmitEvent, p.from, slot, 0);
      return;
    }
  }
  const Routing routing = network_.RouteConnection(p.from, p.to, now_, p.size_bytes());
  if (routing.fate == Routing::Fate::kDelivered) {
    Schedule(routing.arrival, kDeliverEvent, p.to, slot, 0);
  } else {
    ScheduleRetransmit(slot, now_);
  }
}

void World::SendControl(uint32_t slot) {
  const Packet& p = packets_[slot];
  const Routing routing = network_.RouteConnection(p.from, p.to, now_, p.size_bytes());
  if (routing.fate == Routing::Fate::kDelivered) {
    Schedule(routing.arrival, kDeliverEvent, p.to, slot, 0);
  } else {
    FreePacket(slot);
  }
}

void World::ScheduleRetransmit(uint32_t slot, Time from_time) {
  // One timer per connection side, as TCP's: every lost segment waits for the same timer, and a
  // segment lost again after it fired starts the next, doubled, interval.
  RetransmitClock& clock = retransmit_clocks_[SenderKey(packets_[slot])];
  if (clock.next <= from_time) {
    int64_t rto = kRtoInitialNs;
    for (uint32_t i = 0; i < clock.backoffs && rto < kRtoMaxNs; ++i) rto *= 2;
    rto = std::min(rto, kRtoMaxNs);
    clock.next = Time::FromNanos(from_time.nanos() + rto);
    ++clock.backoffs;
  }
  Schedule(clock.next, kRetransmitEvent, packets_[slot].from, slot, 0);
}

void World::Retransmit(uint32_t slot) {
  Packet& p = packets_[slot];
  Host& sender = *hosts_[p.from];
  // A crashed or restarted sender has no kernel state left; a stopped one only finishes its FINs.
  bool alive = sender.incarnation_ == p.from_incarnation && sender.state_ != HostState::kCrashed;
  if (alive && sender.state_ == HostState::kStopped) alive = p.type == PacketType::kFin;
  if (alive && p.type != PacketType::kFin && !sender.rpc_.HasConn(SenderKey(p))) alive = false;
  if (!alive) {
    retransmit_clocks_.erase(SenderKey(p));
    FreePacket(slot);
    return;
  }
  if (++p.retransmits > kRetransmitMax) {
    const ConnId conn = SenderKey(p);
    retransmit_clocks_.erase(conn);
    FreePacket(slot);
    if (sender.state_ == HostState::kStopped) return;
    // Through a host action: the process may be paused, and must not be entered from here.
    PostToHost(sender, absl::ZeroDuration(),
               [&sender, conn](Context&) { sender.rpc().OnGiveUp(conn); });
    return;
  }
  ++network_.stats().retransmitted;
  SendConnPacket(slot);
}

void World::ReplyControl(const Packet& to_packet, PacketType type) {
  const HostId from = to_packet.to;
  const HostId to = to_packet.from;
  const uint64_t to_incarnation = to_packet.from_incarnation;
  const ConnId conn = to_packet.conn;
  const bool to_server = !to_packet.to_server;
  const uint32_t slot = AllocPacket();  // May move the slab: fields copied above.
  Packet& p = packets_[slot];
  p.type = type;
  p.from = from;
  p.to = to;
  p.from_incarnation = hosts_[from]->incarnation_;
  p.to_incarnation = to_incarnation;
  p.conn = conn;
  p.to_server = to_server;
  SendControl(slot);
}

void World::DeliverConnPacket(Host& host, uint32_t slot) {
  const PacketType type = packets_[slot].type;
  const bool is_control = type == PacketType::kRst || type == PacketType::kRefused;
  switch (host.state_) {
    case HostState::kCrashed:
      // Powered off: no answer. The sender's kernel will retransmit (it saw no ACK).
      ++network_.stats().dropped_host_down;
      if (is_control) {
        FreePacket(slot);
      } else {
        ScheduleRetransmit(slot, now_);
      }
      return;
    case HostState::kStopped:
      // The OS is up but nothing listens: refuse connections, reset everything else.
      if (type == PacketType::kSyn) {
        ReplyControl(packets_[slot], PacketType::kRefused);
      } else if (!is_control) {
        ReplyControl(packets_[slot], PacketType::kRst);
      }
      FreePacket(slot);
      return;
    case HostState::kPaused:
      SIM_CHECK_MSG(false, "paused hosts hold their deliveries");
      return;
    case HostState::kRunning:
      break;
  }
  if (type != PacketType::kSyn && packets_[slot].to_incarnation != host.incarnation_) {
    // A connection of an earlier incarnation: the new OS knows nothing of it.
    if (!is_control) ReplyControl(packets_[slot], PacketType::kRst);
    FreePacket(slot);
    return;
  }
  ++network_.stats().packets_delivered;
  network_.stats().bytes_delivered += static_cast<uint64_t>(packets_[slot].size_bytes());
  host.rpc_.OnPacket(slot);
}

}  // namespace sim
