// The worker-side agent (SwarmKit agent/agent.go, reference §1.2–1.9): the run loop as an
// event-driven state machine.
//
// Agent is pure. Its inputs are method calls carrying `now` (the host's clock); its outputs are
// AgentOutput values (RPCs to start, calls to cancel, timers, trace notes). It never reads a
// clock, never does I/O and draws randomness only from the sim::Prng stream it owns (backoff
// delays and manager selection, in that order for each new session). It owns one Session at a
// time, the Remotes, the Backoff, the Worker and the StatusReporter.
//
// Contract with the host:
//  * Start() once; then feed every fired TimerRequest back to OnTimer() unchanged, and every
//    reply / stream message / stream end of an RpcCall to the matching On...() with its CallId.
//  * After a call is cancelled (AgentOutput::cancels) the host should drop it; replies that
//    still arrive are ignored, as are replies for calls the agent no longer waits for.
//  * Session and Assignments are server streams: deliver each message, then exactly one end
//    (OK status = EOF). Heartbeat and UpdateTaskStatus are unary: exactly one reply.
#ifndef SWARMSIM_MODEL_AGENT_AGENT_H_
#define SWARMSIM_MODEL_AGENT_AGENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/agent/backoff.h"
#include "model/agent/config.h"
#include "model/agent/output.h"
#include "model/agent/remotes.h"
#include "model/agent/reporter.h"
#include "model/agent/session.h"
#include "model/agent/worker.h"
#include "model/proto/swarm.pb.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace swarmsim {
namespace agent {

class Agent {
 public:
  // `prng` is this agent's own stream (forked from its host's).
  Agent(AgentConfig config, sim::Prng prng);

  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Starts the node update ticker and the first session (no delay, empty session ID).
  // REQUIRES: not started.
  AgentOutput Start(sim::Time now);
  // Closes the session (its calls are cancelled) and ignores every later input.
  AgentOutput Stop(sim::Time now);
  // Drops every assignment; later assignments are ignored (SwarmKit Leave).
  AgentOutput Leave(sim::Time now);

  AgentOutput OnTimer(sim::Time now, const TimerRequest& timer);

  AgentOutput OnSessionMessage(sim::Time now, CallId call, const api::SessionMessage& msg);
  // The Session stream ended; OK = EOF. A failure to open it (e.g. ABORTED "dispatcher is
  // stopped", UNAVAILABLE rate limit) also arrives here.
  AgentOutput OnSessionStreamEnd(sim::Time now, CallId call, const absl::Status& status);
  AgentOutput OnHeartbeatReply(sim::Time now, CallId call,
                               const absl::StatusOr<api::HeartbeatResponse>& reply);
  AgentOutput OnAssignmentsMessage(sim::Time now, CallId call, const api::AssignmentsMessage& msg);
  AgentOutput OnAssignmentsStreamEnd(sim::Time now, CallId call, const absl::Status& status);
  AgentOutput OnUpdateTaskStatusReply(sim::Time now, CallId call, const absl::Status& status);

  // The connection broker's local connection (SwarmKit connectionbroker SetLocalConn), §10.3.
  // Setting it changes nothing now: the next session uses it. Clearing it closes the connection:
  // a session on it fails ("transport is closing", UNAVAILABLE; the backoff grows) and the next
  // one selects a remote manager with the same session ID; a status update in flight on it fails.
  AgentOutput SetLocalConnection(sim::Time now, bool set);

  // What the executor now describes. Picked up at the next node update tick while registered;
  // a change restarts the session without growing the backoff.
  AgentOutput SetDescription(sim::Time now, const api::NodeDescription& description);
  // Fault injection: a task's container fails.
  AgentOutput FailTask(sim::Time now, const std::string& task_id, const std::string& message);

  // --- Observers (tests, checkers, the host's trace) ---
  bool started() const { return started_; }
  bool stopped() const { return stopped_; }
  // The current session has received its first SessionMessage.
  bool registered() const { return session_ != nullptr && session_->registered(); }
  // Some session has registered (SwarmKit's Ready()).
  bool ready() const { return ready_; }
  absl::Duration backoff() const { return backoff_.current(); }
  const Session* session() const { return session_.get(); }
  // The ID the next Session RPC would send / the current session uses.
  std::string session_id() const;
  const Remotes& remotes() const { return remotes_; }
  const Worker& worker() const { return worker_; }
  const StatusReporter& reporter() const { return reporter_; }
  const std::optional<api::Node>& node() const { return node_; }
  const api::NodeDescription& description() const { return description_; }
  const AgentConfig& config() const { return config_; }
  bool local_connection() const { return local_conn_; }
  uint64_t sessions_created() const { return next_session_seq_ - 1; }

 private:
  // Applies what the session produced, in SwarmKit's order.
  void Dispatch(sim::Time now, SessionEvents events, Effects* fx);
  void HandleSessionMessage(const api::SessionMessage& msg, Effects* fx);
  void OnRegistered(sim::Time now, Effects* fx);
  void ApplyAssignments(sim::Time now, const api::AssignmentsMessage& msg, Effects* fx);
  // errs (grow=true) or a description change (grow=false): close, then build the next session.
  void EndSession(sim::Time now, const SessionFailure& why, bool grow_backoff, Effects* fx);
  void CloseSession(Effects* fx);
  // The in-flight status update fails with its connection (it is reported again later).
  void DropInFlightStatus(Effects* fx);
  void NewSession(sim::Time now, std::string session_id, Effects* fx);
  void OnNodeUpdateTick(sim::Time now, Effects* fx);
  void Report(const StatusChanges& changed);
  // Sends the next status batch if a registered session exists and none is in flight.
  void PumpReporter(Effects* fx);
  // Shared tail of every input: pump the reporter, check invariants, return the output.
  AgentOutput Finish(Effects& fx);
  void CheckInvariants() const;

  AgentConfig config_;
  sim::Prng prng_;
  IdCounters ids_;

  bool started_ = false;
  bool stopped_ = false;
  bool ready_ = false;
  bool left_ = false;
  bool local_conn_ = false;  // the broker holds a local connection

  Backoff backoff_;
  Remotes remotes_;
  Worker worker_;
  StatusReporter reporter_;
  std::unique_ptr<Session> session_;
  uint64_t next_session_seq_ = 1;
  // The session the in-flight UpdateTaskStatus was sent on (an error there ends that session).
  uint64_t status_call_session_seq_ = 0;
  // ...and whether it went over the local connection (which outlives its sessions).
  bool status_call_local_ = false;

  api::NodeDescription description_;          // what sessions register with
  api::NodeDescription described_;            // what the executor says now
  // described_ differs from description_ (kept by SetDescription and the node-update tick, the
  // only writers of either after construction).
  bool description_stale_ = false;
  std::optional<api::Node> node_;             // last node object from a SessionMessage
  uint64_t node_update_generation_ = 0;
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_AGENT_H_
