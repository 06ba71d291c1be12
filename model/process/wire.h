// The wire between hosts: RPC method names and the payload each carries. A contract shared by
// the agent side (worker and manager hosts) and the manager side (dispatcher, raft proxy,
// control API, raft transport). Payloads are protobuf messages carried as shared objects
// (sim::Payload::Make) with their serialized size, so nothing is serialized on the hot path
// while the network still accounts for the real byte counts.
#ifndef SWARMSIM_MODEL_PROCESS_WIRE_H_
#define SWARMSIM_MODEL_PROCESS_WIRE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "model/proto/swarm.pb.h"
#include "sim/payload.h"

namespace swarmsim {
namespace process {

// Dispatcher service (SwarmKit api/dispatcher.proto), served by every manager behind the raft
// proxy. Request payload: DispatcherCall whose `request` holds the api:: message named.
inline constexpr char kSessionMethod[] = "Dispatcher.Session";          // stream: SessionRequest -> SessionMessage*
inline constexpr char kHeartbeatMethod[] = "Dispatcher.Heartbeat";      // HeartbeatRequest -> HeartbeatResponse
inline constexpr char kUpdateTaskStatusMethod[] = "Dispatcher.UpdateTaskStatus";  // -> UpdateTaskStatusResponse
inline constexpr char kAssignmentsMethod[] = "Dispatcher.Assignments";  // stream: AssignmentsRequest -> AssignmentsMessage*

// Control API (api/control.proto), reached by scenario steps through a manager.
// Request payload: DispatcherCall (caller identity) around the api:: request.
inline constexpr char kCreateServiceMethod[] = "Control.CreateService";
inline constexpr char kUpdateServiceMethod[] = "Control.UpdateService";
inline constexpr char kRemoveServiceMethod[] = "Control.RemoveService";
inline constexpr char kUpdateNodeMethod[] = "Control.UpdateNode";
inline constexpr char kRemoveNodeMethod[] = "Control.RemoveNode";

// Raft membership (api/raft.proto RaftMembership), served by every manager behind the raft proxy
// (proxied to the leader). Request payload: DispatcherCall around a RaftJoinRequest; reply payload:
// RaftJoinResponse.
inline constexpr char kRaftJoinMethod[] = "RaftMembership.Join";

// NodeCA (api/ca.proto), served by every manager behind the raft proxy (proxied to the leader):
// a certificate renewal reduced to what the control plane needs, the role the CA writes into
// the certificate (the node object's observed Role). Request payload: DispatcherCall around a
// NodeCertificateRequest; reply payload: NodeCertificateResponse.
inline constexpr char kNodeCertificateMethod[] = "NodeCA.IssueNodeCertificate";

// Raft transport between managers (never proxied). Payload: the raft wire message.
inline constexpr char kRaftMessageMethod[] = "Raft.ProcessRaftMessage";
// Health (grpc.health.v1): request payload empty, reply OK when the named service is SERVING.
inline constexpr char kHealthMethod[] = "Health.Check";

// What a proxied call carries besides its request: the caller's identity (SwarmKit takes it from
// the TLS certificate, and a proxying manager forwards it in metadata), whether a manager
// already forwarded the call (SwarmKit's "redirect" metadata: at most one hop), and the caller's
// deadline as gRPC sends it (the grpc-timeout header: the time left when the call was sent; zero
// for a call without deadline). The receiver's deadline is its arrival time plus `timeout`.
struct DispatcherCall {
  std::string node_id;
  bool forwarded = false;
  absl::Duration timeout = absl::ZeroDuration();
  sim::Payload request;
};

// RaftMembership.Join: the joiner's node ID and advertised address (the host name).
struct RaftJoinRequest {
  std::string node_id;
  std::string addr;
};
// The Raft ID the leader chose for the joiner and the membership after adding it.
struct RaftJoinResponse {
  uint64_t raft_id = 0;
  std::vector<swarmsim::api::RaftMember> members;
};

// NodeCA.IssueNodeCertificate: the caller's identity (DispatcherCall::node_id) says which node.
struct NodeCertificateRequest {};
struct NodeCertificateResponse {
  bool manager = false;
};

// Wraps an api:: message as a payload with its serialized size.
template <typename Message>
sim::Payload MessagePayload(Message message) {
  const int64_t size = static_cast<int64_t>(message.ByteSizeLong());
  return sim::Payload::Make<Message>(std::move(message), size);
}

// A DispatcherCall around `message`, sized as the message plus a small header. Pass the call's
// timeout when it has one, so that a proxy forwards the caller's deadline.
template <typename Message>
sim::Payload CallPayload(const std::string& node_id, bool forwarded, Message message,
                         absl::Duration timeout = absl::ZeroDuration()) {
  DispatcherCall call;
  call.node_id = node_id;
  call.forwarded = forwarded;
  call.timeout = timeout;
  call.request = MessagePayload(std::move(message));
  const int64_t size = call.request.size_bytes() + static_cast<int64_t>(node_id.size()) + 8;
  return sim::Payload::Make<DispatcherCall>(std::move(call), size);
}

// The same call, re-wrapped by a proxying manager (redirect metadata set) with what is left of
// the caller's deadline (zero: none).
inline sim::Payload ForwardedPayload(const DispatcherCall& call, absl::Duration timeout) {
  DispatcherCall forwarded;
  forwarded.node_id = call.node_id;
  forwarded.forwarded = true;
  forwarded.timeout = timeout;
  forwarded.request = call.request;
  const int64_t size =
      forwarded.request.size_bytes() + static_cast<int64_t>(call.node_id.size()) + 8;
  return sim::Payload::Make<DispatcherCall>(std::move(forwarded), size);
}

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_WIRE_H_
