// Packet is the kernel-internal unit on the wire: a datagram, or one segment of an RPC
// connection. Packets live in the world's slab between send and delivery; model code never sees
// them (it sees Message, Payload and RPC callbacks).
#ifndef SWARMSIM_SIM_PACKET_H_
#define SWARMSIM_SIM_PACKET_H_

#include <cstdint>
#include <string>

#include "sim/payload.h"
#include "sim/rpc.h"
#include "sim/types.h"

namespace sim {

enum class PacketType : uint8_t {
  kDatagram,
  // Connection control, outside the ordered stream.
  kSyn,
  kSynAck,
  kRefused,  // The OS's answer to a SYN when no process listens.
  kRst,
  // Ordered segments of an established connection.
  kFin,
  kRequest,
  kResponse,
  kStreamMessage,
  kStreamEnd,
  kCancel,
  kPing,
  kPong,
};
const char* PacketTypeName(PacketType type);

// The local key of a connection side: the conn id for the client side, the id with this bit for
// the server side (ids come from a counter and never reach it).
inline constexpr ConnId kServerSide = ConnId{1} << 63;
// The key of the side that receives / sent a packet.
inline ConnId ReceiverKey(const Packet& p);
inline ConnId SenderKey(const Packet& p);

// Whether the packet travels in the connection's ordered stream (and so carries a dir_seq).
inline bool IsOrdered(PacketType type) { return type >= PacketType::kFin; }

struct Packet {
  PacketType type = PacketType::kDatagram;
  HostId from = kNoHost;
  HostId to = kNoHost;
  uint64_t from_incarnation = 0;
  // The receiving incarnation the sender's connection is bound to; 0 on a SYN (any).
  uint64_t to_incarnation = 0;
  ConnId conn = 0;
  uint64_t dir_seq = 0;
  CallId call = 0;
  uint32_t retransmits = 0;
  // On a kRequest: a server-streaming call.
  bool streaming = false;
  // Connection packets: travelling from the client side to the server side of `conn`. A host
  // may hold both sides of one conn (it dialed itself), so each side has its own local key.
  bool to_server = false;
  // A datagram's type.
  std::string name;
  // On a kRequest: the RPC method, interned (World::MethodName): no string per call. Its name
  // still travels on the wire: method_bytes counts it in the packet's size.
  uint32_t method = 0;
  uint32_t method_bytes = 0;
  Payload payload;
  RpcStatus status;

  // Wire size: payload plus a fixed header, so that empty control packets still count.
  int64_t size_bytes() const {
    return payload.size_bytes() + kHeaderBytes + static_cast<int64_t>(name.size()) +
           method_bytes;
  }
  static constexpr int64_t kHeaderBytes = 40;
};

inline ConnId ReceiverKey(const Packet& p) { return p.to_server ? (p.conn | kServerSide) : p.conn; }
inline ConnId SenderKey(const Packet& p) { return p.to_server ? p.conn : (p.conn | kServerSide); }

}  // namespace sim

#endif  // SWARMSIM_SIM_PACKET_H_
