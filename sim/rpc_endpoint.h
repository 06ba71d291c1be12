// RpcEndpoint is one host's half of the RPC layer: its connections (as client and as server),
// its pending client calls, its open server calls and its registered handlers. It lives as long
// as its host, but its state belongs to one incarnation: Stop() and Crash() clear it.
//
// It never invokes a callback inline from a Context call (outcomes are posted as host actions),
// and it iterates only ordered maps keyed by ids (or hashed ones through their sorted ids), so
// callback order is deterministic. Semantics
// and the failure table are in rpc.h.
#ifndef SWARMSIM_SIM_RPC_ENDPOINT_H_
#define SWARMSIM_SIM_RPC_ENDPOINT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sim/payload.h"
#include "sim/rpc.h"
#include "sim/types.h"

namespace sim {

class Host;
class World;
struct Packet;
enum class PacketType : uint8_t;

class RpcEndpoint {
 public:
  RpcEndpoint(World& world, Host& host) : world_(&world), host_(&host) {}

  // Client.
  ConnId Dial(HostId to, DialOptions options);
  ConnState GetConnState(ConnId conn) const;
  void CloseConn(ConnId conn);
  CallId StartCall(ConnId conn, absl::string_view method, Payload request, absl::Duration timeout,
                   bool streaming, UnaryCallback done, StreamCallbacks stream);
  void CancelCall(CallId call);

  // Server.
  void Serve(absl::string_view method, CallHandler handler, bool streaming);
  bool Reply(ServerCallId call, const RpcStatus& status, Payload response);
  bool StreamSend(ServerCallId call, Payload message);
  bool StreamFinish(ServerCallId call, const RpcStatus& status);
  bool ServerCallOpen(ServerCallId call) const { return server_calls_.count(call) != 0; }
  HostId ServerCallPeer(ServerCallId call) const;
  void OnServerCallCancelled(ServerCallId call, std::function<void(Context&)> on_cancel);

  // Called by the world.
  // A connection packet for this incarnation (SYN included), in wire order.
  void OnPacket(uint32_t slot);
  // The deadline of client call `call` has come (World::ScheduleCallDeadline): the call fails
  // DEADLINE_EXCEEDED and the server's side is cancelled. False when the call has already ended.
  bool OnDeadline(CallId call);
  // A packet of `conn` could not be delivered after every retransmission.
  void OnGiveUp(ConnId conn);
  bool HasConn(ConnId conn) const { return conns_.count(conn) != 0; }
  // Graceful stop: FIN on every connection, then forget everything without callbacks.
  void Stop();
  // Crash: forget everything without a word.
  void Crash();

  std::size_t conn_count() const { return conns_.size(); }

 private:
  struct Conn {
    bool is_client = true;
    HostId peer = kNoHost;
    uint64_t peer_incarnation = 0;
    ConnState state = ConnState::kConnecting;
    DialOptions options;
    uint64_t send_seq = 0;
    uint64_t recv_expected = 0;
    // Ordered segments that arrived ahead of a retransmitted one, by dir_seq.
    std::map<uint64_t, uint32_t> out_of_order;
    // Client calls waiting for the handshake, in call order.
    std::vector<CallId> queued;
    uint64_t pings_sent = 0;
    uint64_t pings_acked = 0;
    // Client calls on this conn still in calls_: closing a conn without any (an agent's conn to
    // a follower, server side) scans nothing, where a follower's conn to the leader carries one
    // forwarded call per agent.
    uint64_t calls = 0;
    // Server side: this conn's open server calls, by the client's call id (a cancel names the
    // client's id; a closing conn cancels its own, not a scan of every server call). Hashed: only
    // looked up, and a closing conn sorts what it collects (an ordered map cost a node
    // allocation per request).
    absl::flat_hash_map<CallId, ServerCallId> server_calls;
  };
  struct ClientCall {
    ConnId conn = 0;
    uint32_t method = 0;  // World::InternMethod
    bool streaming = false;
    bool sent = false;
    Payload request;  // Kept only until sent.
    UnaryCallback done;
    StreamCallbacks stream;
  };
  struct ServerCall {
    ConnId conn = 0;
    CallId client_call = 0;
    HostId peer = kNoHost;
    bool streaming = false;
    std::function<void(Context&)> on_cancel;
  };
  struct Handler {
    bool streaming = false;
    CallHandler fn;
  };

  // Allocates an ordered segment on `conn` and sends it.
  void SendSegment(ConnId conn, Conn& c, uint32_t slot);
  uint32_t NewPacket(ConnId conn, const Conn& c, PacketType type);
  void SendRequest(CallId id, ClientCall& call);
  // A client call ended here (deadline, cancel): tell the server to cancel its side, if the
  // request went out on a connection that is still up.
  void CancelOnServer(CallId id, const ClientCall& call);
  void HandleSyn(const Packet& p);
  void HandleSegment(ConnId conn, uint32_t slot);
  void HandleSynAck(const Packet& p);
  void HandleRequest(ConnId conn, Packet& p);
  void HandleCancel(ConnId conn, CallId client_call);
  void HandleClientReply(Packet& p);
  void SendPing(ConnId conn);
  // Closes a connection here: removes it and its calls, then runs on_state(kClosed,
  // conn_status), client callbacks with call_status, and server on-cancel callbacks.
  void CloseLocal(ConnId conn, const RpcStatus& conn_status, const RpcStatus& call_status);
  // Removes an ended client call (from calls_ and its conn's count). Its deadline event, if any,
  // will find it gone.
  ClientCall TakeCall(std::map<CallId, ClientCall>::iterator it);
  void Complete(CallId id, ClientCall call, const RpcStatus& status, const Payload& response);
  void PostFailure(CallId id, ClientCall call, RpcStatus status);
  void TraceConn(ConnId conn, const Conn& c, const RpcStatus& status);

  // conns_ in ConnId order (Stop and Crash walk them so).
  std::vector<ConnId> SortedConnIds() const;

  World* world_;
  Host* host_;
  // Hashed where only looked up (every packet finds its conn, every reply its server call: on a
  // leader with 10,000 agents an ordered map was a tree walk of cache misses each); a walk goes
  // through SortedConnIds. node_hash_map: a Conn& or ServerCall& stays valid while others are
  // added, as with std::map.
  absl::node_hash_map<ConnId, Conn> conns_;
  std::map<CallId, ClientCall> calls_;  // Walked in CallId order when a conn closes.
  absl::node_hash_map<ServerCallId, ServerCall> server_calls_;  // Indexed per conn: Conn.
  absl::flat_hash_map<uint32_t, Handler> handlers_;  // By World::InternMethod id.
};

}  // namespace sim

#endif  // SWARMSIM_SIM_RPC_ENDPOINT_H_
