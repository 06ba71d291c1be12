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
// Role changes (issue 5): when the agent sees its node object with desired role and observed role
// MANAGER while no manager runs here, the node JOINS: it asks the leader, through a manager it
// knows (proxied), to add it to Raft, then starts its Manager with bootstrap = false. When Raft
// reports the node removed, the Manager is stopped and its Raft state wiped from the disk. The
// role and Raft ID are persisted on the disk (file "node/role") so a restart comes back right.
// The agent's local/remote mode is fixed per agent::Agent (AgentConfig::local_manager), so on a
// role change the node replaces its agent by one in the other mode, only at a moment when the
// agent is registered with a zero backoff (so the backoff sequence goes on from zero, as after a
// registration). What changes is the session: the new agent registers again, and its tasks come
// back from the COMPLETE assignment set with their stored statuses. Simplification (named): until then a demoted manager's agent keeps its local
// connection, which this node RELAYS to a remote manager picked from the agent's remotes by
// weight (SwarmKit swaps the connection broker's local connection and keeps the agent); a
// promoted worker's agent keeps using remote managers.
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

  // --- Scenario steps ---
  // A control API call as a real client makes it: the local socket, proxied to the leader.
  // REQUIRES: callable on any node; fails UNAVAILABLE on a node without a running manager.
  void SubmitControl(sim::Context& ctx, ControlRequest request,
                     std::function<void(sim::Context&, absl::Status)> done);
  // REQUIRES: this node is the leader (else FAILED_PRECONDITION).
  void TransferLeadership(sim::Context& ctx, uint64_t to_raft_id,
                          std::function<void(sim::Context&, absl::Status)> done);
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
  void StartManager(sim::Context& ctx, ManagerStart start);
  void StopManager(sim::Context& ctx, const std::string& reason, bool clear_data);
  void StartAgent(sim::Context& ctx, bool local, std::vector<std::string> remotes);
  // Replaces the agent by one in the other mode when that is safe (see the file comment).
  void SwitchAgentMode(sim::Context& ctx, bool local);
  // The agent's local connection: this node's manager, or the relay to a remote manager.
  uint64_t LocalCall(sim::Context& ctx, const std::string& method, bool streaming,
                     DispatcherCall call, uint64_t session_seq, LocalSink sink);
  void LocalCancel(sim::Context& ctx, uint64_t handle);
  void OnNodeChanged(sim::Context& ctx, const api::Node& node);
  void Join(sim::Context& ctx);
  void OnJoined(sim::Context& ctx, const RaftJoinResponse& response);
  void OnRemoved(sim::Context& ctx);
  ProxyTarget* CurrentManager();

  NodeOptions options_;
  HostLoop loop_;
  std::unique_ptr<RaftProxy> proxy_;
  std::unique_ptr<Manager> manager_;
  std::vector<std::unique_ptr<Manager>> retired_managers_;
  std::unique_ptr<AgentHost> agent_;
  std::vector<std::unique_ptr<AgentHost>> retired_agents_;
  // Local calls in progress: a proxied inbound call, or a relayed sim call.
  struct LocalRoute {
    bool relayed = false;
    InboundId inbound = 0;
    sim::CallId sim_call = 0;
  };
  std::map<uint64_t, LocalRoute> local_routes_;
  uint64_t next_local_ = 1;
  std::map<uint64_t, sim::ConnId> relay_conns_;  // by agent session
  std::unique_ptr<sim::Prng> relay_prng_;
  // Managers this node knew when its manager stopped (the relay's fallback when the agent has
  // learnt none: SwarmKit's node keeps them in state.json).
  std::vector<std::string> known_managers_;
  bool switch_posted_ = false;
  uint64_t incarnation_ = 0;
  uint64_t manager_seq_ = 0;
  uint64_t agent_seq_ = 0;
  bool joining_ = false;
  uint64_t join_attempt_ = 0;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_NODE_PROCESS_H_
