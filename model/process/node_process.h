// NodeProcess: one SwarmKit node on a sim host (reference §1, §3): an agent on every node and, on
// a manager, a Manager (Raft, store replica, leadership, dispatcher and leader-only subsystems)
// behind this node's raft proxy.
//
// The manager's own agent uses the LOCAL connection: the kernel cannot dial a host's own id (the
// RPC endpoint keys both halves of a connection by one id, so a SYN to oneself is dropped), so
// local calls go in-process to the raft proxy's entry points and every reply comes back from a
// later event (HostLoop::Post), never inline. Local calls are never down-weighted (the agent's
// rule).
//
// One agent lives for the whole run of the process, across role changes (reference §10.3). Its
// connection broker's LOCAL connection is set once this node's manager reports its control API
// healthy (polled at the manager's start, then every 500 ms, as initManagerConnection) and
// cleared when the manager stops; a session on it then fails and the next goes to a remote
// manager with the same session ID (the leader's dispatcher takes the reuse path).
//
// Role changes (§3.4, §10.2, §10.3): the node's role is its certificate's. A change of the
// desired role in the node object the agent sees (edge-triggered against the last one seen,
// which starts as the certificate's role) renews the certificate: after 500 ms, a CA round trip
// through the leader (NodeCA.IssueNodeCertificate, over the broker's connection) returns the
// observed role in the leader's store; a role other than the desired one is retried with
// SwarmKit's renewal backoff (uniform in [0, 5 s + 5 s·2^(n-1)), at most 1 h). With a manager
// certificate and no manager here the node JOINS: it asks a manager chosen weighted-random from
// its remotes (excluding itself) to add it to Raft, proxied to the leader, which first checks
// that it can reach the joiner (Health.Check, 5 s); it then starts its Manager with
// bootstrap = false. A failed join is retried after kJoinRetry. When Raft reports the node
// removed, or the certificate turns to worker, the manager is stopped and its Raft state wiped.
// After a removal with a manager certificate, the node waits roleChangeTimeout (16 s) for the
// worker role, forces a renewal and waits another 16 s, then assumes a re-promotion and joins
// again (SwarmKit superviseManager). The role and Raft ID are persisted on the disk (file
// "node/role") so a restart comes back right.
//
// Simplification (named): the joiner serves Health.Check as SERVING from the moment it sends
// Join (SwarmKit sets its Raft health SERVING in manager.Run just before JoinAndStart), and it
// starts its Manager only with the Join answer in hand (SwarmKit starts it first and Joins from
// inside); the join retry period is ours (SwarmKit's node exits on a failed join and is
// restarted by its supervisor).
#ifndef SWARMSIM_MODEL_PROCESS_NODE_PROCESS_H_
#define SWARMSIM_MODEL_PROCESS_NODE_PROCESS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/agent/agent.h"
#include "model/dispatcher/dispatcher.h"
#include "model/process/agent_host.h"
#include "model/process/host_loop.h"
#include "model/process/manager.h"
#include "model/process/node_options.h"
#include "model/process/raft_host.h"
#include "model/process/raft_proxy.h"
#include "model/store/memory_store.h"
#include "sim/process.h"

namespace swarmsim {
namespace process {

inline constexpr char kRoleFile[] = "node/role";
// SwarmKit's join request timeout (reqTimeout) and our retry period after a failed join.
inline constexpr absl::Duration kJoinTimeout = absl::Seconds(25);
inline constexpr absl::Duration kJoinRetry = absl::Seconds(5);
// initManagerConnection's health poll period.
inline constexpr absl::Duration kControlHealthPoll = absl::Milliseconds(500);
// ca/renewer.go: a forced renewal waits this long (to let the role manager set Role first).
inline constexpr absl::Duration kRenewDelay = absl::Milliseconds(500);
// RenewTLSExponentialBackoff: base 5 s, factor 5 s, max 1 h.
inline constexpr absl::Duration kRenewBackoffBase = absl::Seconds(5);
inline constexpr absl::Duration kRenewBackoffFactor = absl::Seconds(5);
inline constexpr absl::Duration kRenewBackoffMax = absl::Hours(1);
// Our deadline for one CA round trip (SwarmKit's renewal has no single one).
inline constexpr absl::Duration kRenewTimeout = absl::Seconds(5);
// node/node.go roleChangeTimeout.
inline constexpr absl::Duration kRoleChangeTimeout = absl::Seconds(16);

class NodeProcess : public sim::Process {
 public:
  explicit NodeProcess(NodeOptions options);
  ~NodeProcess() override;
  static sim::ProcessFactory Factory(NodeOptions options);

  void Start(sim::Context& ctx) override;
  void OnTimer(sim::Context& ctx, sim::TimerKey key) override;
  void OnStop(sim::Context& ctx) override;

  // --- Read-only accessors for the scenario runner (between events) ---
  const agent::Agent& agent() const;
  // The manager component is running.
  bool is_manager() const;
  // nullptr when not a manager.
  const RaftHost* raft() const;
  const store::MemoryStore* store() const;
  // nullptr unless the dispatcher runs here (this node is the leader).
  const dispatcher::Dispatcher* dispatcher() const;
  const NodeOptions& options() const { return options_; }
  const RaftProxy& proxy() const { return *proxy_; }
  bool joining() const { return joining_; }
  // The role in this node's certificate.
  bool manager_certificate() const { return cert_manager_; }
  // The agent's connection broker holds the local connection.
  bool local_connection() const { return local_conn_; }

  // --- Scenario steps ---
  // A control API call as a real client makes it: the local socket, proxied to the leader.
  // REQUIRES: callable on any node; fails UNAVAILABLE on a node without a running manager.
  void SubmitControl(sim::Context& ctx, ControlRequest request,
                     std::function<void(sim::Context&, absl::Status)> done);
  // REQUIRES: this node is the leader (else FAILED_PRECONDITION).
  void TransferLeadership(sim::Context& ctx, uint64_t to_raft_id,
                          std::function<void(sim::Context&, absl::Status)> done);
  // Fault injection: the host's disk now takes `latency` per fsync, for the running manager's
  // Raft and for any manager this process starts later (promotion). A new process of the host
  // (restart) takes its options from whoever builds it.
  void SetSyncLatency(absl::Duration latency);
  // Fault injection: a task's container fails on this node.
  void FailTask(sim::Context& ctx, const std::string& task_id, const std::string& message);

 private:
  struct PersistedRole {
    bool manager = false;
    uint64_t raft_id = 0;
    std::vector<api::RaftMember> members;  // joined managers: the membership at join
  };

  PersistedRole LoadRole(sim::Context& ctx) const;
  void PersistRole(sim::Context& ctx, const PersistedRole& role);
  // Raft.ProcessRaftMessage and Health.Check go to the running manager's Raft, if any.
  void ServeRaft(sim::Context& ctx);
  void StartManager(sim::Context& ctx, ManagerStart start);
  void StopManager(sim::Context& ctx, const std::string& reason, bool clear_data);
  void StartAgent(sim::Context& ctx, std::vector<std::string> remotes);
  // initManagerConnection: set the local connection once the manager's control API is healthy.
  void PollControlHealth(sim::Context& ctx, uint64_t generation);
  void SetLocalConnection(sim::Context& ctx, bool set);
  // The agent's local connection: this node's manager, through its raft proxy.
  uint64_t LocalCall(sim::Context& ctx, const std::string& method, bool streaming,
                     DispatcherCall call, uint64_t session_seq, LocalSink sink);
  void LocalCancel(sim::Context& ctx, uint64_t handle);
  // A unary call through the connection broker: the local connection when set, else a remote
  // manager chosen weighted-random. The reply comes from a later event.
  void BrokerCall(sim::Context& ctx, const char* method, sim::Payload request,
                  absl::Duration timeout,
                  std::function<void(sim::Context&, const sim::RpcStatus&, const sim::Payload&)>
                      done);

  // --- Role changes (node_roles.cc) ---
  void OnNodeChanged(sim::Context& ctx, const api::Node& node);
  // A renewal `delay` from now (a forced one waits kRenewDelay).
  void Renew(sim::Context& ctx, absl::Duration delay);
  void OnCertificate(sim::Context& ctx, uint64_t attempt, const sim::RpcStatus& status,
                     const sim::Payload& response);
  // The certificate's role changed (or was confirmed): start or stop the manager.
  void OnCertificateRole(sim::Context& ctx);
  void Join(sim::Context& ctx);
  void OnJoined(sim::Context& ctx, const RaftJoinResponse& response);
  void OnRemoved(sim::Context& ctx);
  // superviseManager after a stop without a role change: wait roleChangeTimeout (twice).
  void WaitForWorkerRole(sim::Context& ctx, uint64_t generation, bool renewal_forced);
  ProxyTarget* CurrentManager();

  NodeOptions options_;
  HostLoop loop_;
  std::unique_ptr<RaftProxy> proxy_;
  RaftRpcRouter raft_router_;
  std::unique_ptr<Manager> manager_;
  std::vector<std::unique_ptr<Manager>> retired_managers_;
  std::unique_ptr<AgentHost> agent_;
  // Local calls in progress: a proxied inbound call.
  std::map<uint64_t, InboundId> local_routes_;
  uint64_t next_local_ = 1;
  bool local_conn_ = false;
  uint64_t control_poll_generation_ = 0;
  // Join targets and remote CA calls (weighted-random selections), and renewal backoff draws.
  std::unique_ptr<sim::Prng> node_prng_;
  uint64_t incarnation_ = 0;
  uint64_t manager_seq_ = 0;
  bool joining_ = false;
  uint64_t join_attempt_ = 0;
  // The certificate: its role, the role a renewal expects, the last desired role seen.
  bool cert_manager_ = false;
  bool expected_manager_ = false;
  bool last_desired_manager_ = false;
  uint64_t renew_attempt_ = 0;
  uint64_t renew_failures_ = 0;
  uint64_t role_wait_generation_ = 0;
  // superviseManager is in its roleChangeTimeout wait (after a removal, before the worker role or
  // the restart): a manager certificate does not start the manager meanwhile.
  bool waiting_for_worker_role_ = false;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_NODE_PROCESS_H_
