// NodeOptions: everything a NodeProcess needs to host one SwarmKit node (reference §3.1): its
// identity, its role at the first start of a scenario cluster, the configuration of each component
// it runs, and the runner's hooks on the replicated store.
#ifndef SWARMSIM_MODEL_PROCESS_NODE_OPTIONS_H_
#define SWARMSIM_MODEL_PROCESS_NODE_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "model/agent/config.h"
#include "model/dispatcher/config.h"
#include "model/orchestrator/replicated_orchestrator.h"
#include "model/orchestrator/task_reaper.h"
#include "model/process/raft_host.h"
#include "model/proto/swarm.pb.h"
#include "sim/types.h"

namespace swarmsim {
namespace process {

struct NodeOptions {
  // The SwarmKit node ID; also the host name and the advertised address.
  std::string node_id;
  // Role at the first start (a restart reads the role persisted on the disk instead).
  bool manager = false;
  // Raft ID of an initial manager (m_i -> i). Joined managers get theirs from the leader.
  uint64_t raft_id = 0;
  // Every initial manager. Simplification (named): a scenario cluster's managers start as one
  // Raft cluster, each bootstrapping with this membership, with no join dance at t = 0.
  std::vector<api::RaftMember> initial_members;
  // Worker node IDs of the scenario. Simplification (named): the first leader creates their Node
  // objects with the cluster object (SwarmKit creates a node object when the node joins).
  std::vector<std::string> initial_workers;
  // Managers a worker's agent knows before its first session (state.json / join address). Its
  // agent then learns the list from SessionMessages.
  std::vector<std::string> initial_remotes;

  // Raft configuration. raft_id, node_id, addr, bootstrap, initial_members, resolve and
  // serve_rpcs (false: the process routes the Raft methods) are set by the process; the rest
  // (ticks, intervals, limits, and raft.sync_latency: this host's WAL fsync time, the disk's
  // property) is taken as given.
  RaftHostOptions raft;
  dispatcher::DispatcherConfig dispatcher;
  // node_id, local_manager and initial_remotes are set by the process.
  agent::AgentConfig agent;
  orchestrator::OrchestratorOptions orchestrator;
  int64_t task_history_retention_limit = orchestrator::kDefaultTaskHistoryRetentionLimit;

  // Resolves an address (a host name) to the host to dial.
  std::function<sim::HostId(const std::string& addr)> resolve;
  // Called on a manager after its store applied the committed entry at `index` / was restored
  // from a snapshot at `index` (the runner keeps "the store as committed" from these).
  std::function<void(uint64_t index, const api::InternalRaftRequest&)> on_apply;
  std::function<void(uint64_t index, const api::StoreSnapshot&)> on_restore;
};

// The control API requests a scenario step can make.
using ControlRequest =
    std::variant<api::CreateServiceRequest, api::UpdateServiceRequest, api::RemoveServiceRequest,
                 api::UpdateNodeRequest, api::RemoveNodeRequest>;

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_NODE_OPTIONS_H_
