// AgentHost runs one agent::Agent on a node process, following the host rules of agent.h and
// output.h: remote calls go over one sim connection per session (dialed on the session's first
// call, closed when the agent reports the session closed); local calls (a manager node's agent)
// go to the node's LocalLink (its raft proxy in-process, whose replies come back from later
// events); cancels become sim cancels (local ones go through the LocalLink); every TimerRequest
// is armed on the host loop and fed back unchanged; status codes map by cast (sim::StatusCode and
// absl::StatusCode both number gRPC's codes). Agent notes become trace records: agent.backoff,
// agent.registered and task.state (trace_schema.h), and agent.manager_selected {manager},
// agent.no_remotes {reason}, agent.session_start {manager, session}, agent.session_end {manager,
// session, code, reason, backoff_ns}, agent.assignments_gap {session}.
//
// One AgentHost lives as long as its process, across role changes (reference §10.3: SwarmKit
// keeps its agent and only sets or clears its connection broker's local connection). The node
// calls SetLocalConnection when its manager's control API becomes healthy and when the manager
// stops; local calls go through the LocalLink, which the node only uses while it runs a manager.
//
// Fault points (model/faultpoints/catalog.h): agent.task_status_report_late holds an
// UpdateTaskStatus call back before it leaves (a cancel or the session's end drops it), and
// worker.task_start_fails fails a container start in place of the step that ends STARTING.
#ifndef SWARMSIM_MODEL_PROCESS_AGENT_HOST_H_
#define SWARMSIM_MODEL_PROCESS_AGENT_HOST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "model/agent/agent.h"
#include "model/agent/config.h"
#include "model/agent/output.h"
#include "model/process/host_loop.h"
#include "model/process/raft_proxy.h"
#include "sim/context.h"
#include "sim/prng.h"

namespace swarmsim {
namespace process {

// Where a manager node's agent's local calls go: its own manager (through the raft proxy). `call` returns a handle for `cancel`; the sink is invoked from later events.
struct LocalLink {
  std::function<uint64_t(sim::Context&, const std::string& method, bool streaming,
                         DispatcherCall call, uint64_t session_seq, LocalSink sink)>
      call;
  std::function<void(sim::Context&, uint64_t handle)> cancel;
};

// How late agent.task_status_report_late sends a status report, and what
// worker.task_start_fails says (the wrapping of a failed container start in SwarmKit).
inline constexpr absl::Duration kStatusReportLateDelay = absl::Seconds(2);
inline constexpr char kStartFailedMessage[] = "starting container failed";

class AgentHost {
 public:
  using NodeChanged = std::function<void(sim::Context&, const api::Node&)>;

  AgentHost(agent::AgentConfig config, sim::Prng prng, HostLoop* loop, LocalLink local,
            std::function<sim::HostId(const std::string&)> resolve, NodeChanged node_changed);

  void Start(sim::Context& ctx);
  // The connection broker's local connection (agent::Agent::SetLocalConnection).
  void SetLocalConnection(sim::Context& ctx, bool set);

  const agent::Agent& agent() const { return agent_; }

  // Fault injection: a task's container fails on this worker.
  void FailTask(sim::Context& ctx, const std::string& task_id, const std::string& message);

 private:
  struct OpenCall {
    agent::CallKind kind = agent::CallKind::kSession;
    bool local = false;
    uint64_t session_seq = 0;
    sim::CallId sim_call = 0;   // remote
    uint64_t local_handle = 0;  // local
  };

  void Apply(sim::Context& ctx, agent::AgentOutput out);
  void StartCall(sim::Context& ctx, const agent::RpcCall& call);
  void SendCall(sim::Context& ctx, const agent::RpcCall& call);
  // True when the worker.task_start_fails fault point fails this container start.
  bool StartFails(sim::Context& ctx, const agent::TimerRequest& timer);
  void Cancel(sim::Context& ctx, agent::CallId id);
  sim::ConnId SessionConn(sim::Context& ctx, const agent::RpcCall& call);
  // A message (end = false) or the end / unary reply (end = true) of one of the agent's calls.
  void Deliver(sim::Context& ctx, agent::CallId id, bool end, const sim::RpcStatus& status,
               const sim::Payload& payload);
  void TraceNote(sim::Context& ctx, const agent::Note& note);

  agent::Agent agent_;
  HostLoop* loop_;
  LocalLink local_;
  std::function<sim::HostId(const std::string&)> resolve_;
  NodeChanged node_changed_;
  std::map<agent::CallId, OpenCall> calls_;
  std::map<uint64_t, sim::ConnId> session_conns_;  // by session_seq
  // The entry of session_conns_ used last (0: none): nearly every call goes to the current
  // session's connection, so it is found without a walk of the map (a cache miss per call with
  // 10,000 agents).
  uint64_t latest_session_seq_ = 0;
  sim::ConnId latest_conn_ = 0;
  // Calls agent.task_status_report_late holds back: id -> session_seq.
  std::map<agent::CallId, uint64_t> delayed_;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_AGENT_HOST_H_
