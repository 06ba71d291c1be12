// RaftProxy: SwarmKit's generated raft proxies (reference §3.3) for one node: every call that
// reaches this node's manager services (Dispatcher.*, RaftMembership.Join, and Control.* from the
// local socket) is an Inbound call, served here when this manager is the raw Raft leader
// (RaftHost::IsLeader, not the signalled leadership), or forwarded to the leader it knows
// (LeaderConn, then the remote context modifiers):
//   - no leader known (or its transport peer inactive): fail UNKNOWN with errLostQuorum's text
//     (a plain Go error, reference §10.4) at once when the node has seen more than 10 ticks
//     without a leader, else look again every 1 s until the caller goes away or its deadline
//     passes (DEADLINE_EXCEEDED);
//   - a leader found, but the call was already forwarded by a manager: fail RESOURCE_EXHAUSTED
//     "more than one redirect to leader from: <caller>" (at most one hop);
//   - a forwarded call runs in the caller's context: it carries the caller's deadline
//     (DispatcherCall::timeout, gRPC's grpc-timeout; what is left of it when forwarded), so it
//     ends at that deadline even when the caller can no longer cancel it (reference §10.4);
//   - streams are piped message by message and end with the leader's status;
//   - a unary call that fails with a connection error is retried once after pollNewLeaderConn:
//     500 ms, then LeaderConn again (locally if this node became the leader, errLostQuorum past
//     10 leaderless ticks). Simplification: the Health.Check("Raft") of the new leader's conn
//     is not made (a peer the transport marks active answers it).
// Fault point raftproxy.forward_reply_lost: a forwarded unary call's OK reply is lost as if the
// connection broke after the leader served it, so the retry above runs (the leader may serve
// the call twice, as in SwarmKit).
// Remote calls arrive as sim server calls; local ones (the manager's own agent, scenario control
// steps) arrive in-process and get their replies from later events (HostLoop::Post), never
// inline. The proxy owns the table of inbound calls: whoever serves one answers through it.
#ifndef SWARMSIM_MODEL_PROCESS_RAFT_PROXY_H_
#define SWARMSIM_MODEL_PROCESS_RAFT_PROXY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "model/process/host_loop.h"
#include "model/process/raft_host.h"
#include "model/process/wire.h"
#include "sim/context.h"
#include "sim/payload.h"
#include "sim/rpc.h"
#include "sim/time.h"

namespace swarmsim {
namespace process {

// SwarmKit's errLostQuorum text (manager/state/raft/raft.go).
inline constexpr char kErrLostQuorum[] =
    "The swarm does not have a leader. It's possible that too few managers are online. Make sure "
    "more than half of the managers are online.";
inline constexpr int kLostQuorumTicks = 10;
inline constexpr absl::Duration kLeaderConnPoll = absl::Seconds(1);
inline constexpr absl::Duration kPollNewLeaderConn = absl::Milliseconds(500);
// Go's context.DeadlineExceeded text: a call whose deadline passed while the proxy waited.
inline constexpr char kContextDeadline[] = "context deadline exceeded";

using InboundId = uint64_t;

// Where a local call's replies go: each stream message (end = false) and the final status with
// the unary response (end = true). Invoked from a later event than the reply.
using LocalSink = std::function<void(sim::Context&, bool end, const sim::RpcStatus& status,
                                     const sim::Payload& payload)>;

// What the proxy needs of the manager running on this node.
class ProxyTarget {
 public:
  virtual ~ProxyTarget() = default;
  virtual const RaftHost& raft_host() const = 0;
  // Serve an inbound call on this manager (the raw Raft leader, or a Control call that arrived
  // from another manager). The server answers through RaftProxy::Reply/Send/Finish.
  virtual void ServeLocally(sim::Context& ctx, InboundId id) = 0;
};

class RaftProxy {
 public:
  struct Inbound {
    absl::string_view method;  // RaftProxy::MethodName: lives as long as the proxy
    bool streaming = false;
    DispatcherCall call;  // caller identity, redirect flag, timeout, request
    // The caller's deadline on this host's clock: arrival + call.timeout (none without timeout).
    std::optional<sim::Time> deadline;
    bool local = false;
    sim::ServerCallId server_call = 0;  // remote only
    LocalSink sink;                     // local only
    bool retried = false;               // unary: retried once after a connection error
    // Run once if the caller goes away before the call is answered.
    std::function<void(sim::Context&)> on_cancel;
  };

  // `target` returns the manager running on this node, or nullptr.
  RaftProxy(std::string node_id, HostLoop* loop, std::function<ProxyTarget*()> target,
            std::function<sim::HostId(const std::string&)> resolve);

  // Registers the proxied services on the host. Call from Process::Start.
  void Serve(sim::Context& ctx);

  // A call from this node itself (its agent's local connection, a scenario control step):
  // routed from a later event. Returns the id to cancel it with.
  InboundId CallLocal(sim::Context& ctx, absl::string_view method, bool streaming,
                      DispatcherCall call, LocalSink sink);
  // The local caller went away (agent cancel). No-op when already answered.
  void CancelLocal(sim::Context& ctx, InboundId id);

  // Answers. Each returns false when the call is no longer open.
  bool Reply(sim::Context& ctx, InboundId id, const sim::RpcStatus& status,
             sim::Payload response = sim::Payload());
  bool Send(sim::Context& ctx, InboundId id, sim::Payload message);
  bool Finish(sim::Context& ctx, InboundId id, const sim::RpcStatus& status);
  // Ends a call with `status`, as a stream end or a unary reply.
  void Fail(sim::Context& ctx, InboundId id, const sim::RpcStatus& status);

  const Inbound* Find(InboundId id) const;
  bool IsOpen(InboundId id) const { return inbound_.count(id) != 0; }
  // Who cancels the call when the caller goes away (replaces any earlier hook).
  void SetOnCancel(InboundId id, std::function<void(sim::Context&)> on_cancel);

  // Calls that ended with "the swarm does not have a leader" (tests and traces).
  uint64_t lost_quorum_errors() const { return lost_quorum_errors_; }
  uint64_t forwarded_calls() const { return forwarded_calls_; }
  // Calls from `node_id` not yet answered (waiting for a leader, forwarded, or being served).
  std::size_t OpenCallsFrom(const std::string& node_id) const;

 private:
  // The proxy's own copy of a method name (one per name, kept for the proxy's life), so an
  // inbound call holds a view instead of a string of its own.
  absl::string_view MethodName(absl::string_view method);
  void OnRemoteCall(sim::Context& ctx, absl::string_view method, bool streaming,
                    sim::ServerCallId call, const sim::Payload& request);
  // SwarmKit's Node.LeaderConn: this node leads, a remote leader with an active peer, or none;
  // errLostQuorum only on a first attempt (the 1 s retries wait for a leader or the deadline).
  struct LeaderConnResult {
    enum Kind { kIsLeader, kRemote, kLostQuorum, kWait } kind;
    sim::HostId leader;  // kRemote only
  };
  LeaderConnResult LeaderConn(const RaftHost& raft, bool first_attempt);
  static std::optional<sim::Time> DeadlineOf(sim::Context& ctx, const DispatcherCall& call);
  // Ends the call DEADLINE_EXCEEDED when the caller's deadline has passed; true if it did.
  bool FailIfExpired(sim::Context& ctx, InboundId id);
  // The next look for a leader: after `poll`, or at the caller's deadline if that comes first.
  static absl::Duration UntilNextLook(sim::Context& ctx, const Inbound& in, absl::Duration poll);
  // Routes an open call: serve here, forward, or wait for a leader.
  void Route(sim::Context& ctx, InboundId id, bool first_attempt);
  void Forward(sim::Context& ctx, InboundId id, sim::HostId leader);
  void PollNewLeader(sim::Context& ctx, InboundId id);
  sim::ConnId ConnTo(sim::Context& ctx, sim::HostId host);
  void Erase(InboundId id);
  static bool IsConnectionError(const sim::RpcStatus& status);

  std::string node_id_;
  HostLoop* loop_;
  std::function<ProxyTarget*()> target_;
  std::function<sim::HostId(const std::string&)> resolve_;
  InboundId next_id_ = 1;
  std::map<InboundId, Inbound> inbound_;
  std::set<std::string, std::less<>> method_names_;
  std::map<sim::HostId, sim::ConnId> conns_;  // to leaders, reused while open
  // The last leader address resolved, and its host: a name always resolves to the same host,
  // and the leader rarely changes, so a forwarded call does not look it up again.
  std::string resolved_addr_;
  sim::HostId resolved_host_ = sim::kNoHost;
  uint64_t lost_quorum_errors_ = 0;
  uint64_t forwarded_calls_ = 0;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_RAFT_PROXY_H_
