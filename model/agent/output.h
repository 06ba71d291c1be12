// The agent's outputs as values: RPCs to start, calls to cancel, timers to set and trace notes.
//
// Nothing here performs I/O. The host (model/process) turns an AgentOutput into RPCs on the sim
// kernel, timers on the host's clock and trace records, then feeds replies back into the Agent
// with the CallId and the TimerRequest it was given. Effects is the builder the agent's parts use
// during one input; it hands out call ids and timer generations from counters the Agent owns, so
// every id is deterministic.
#ifndef SWARMSIM_MODEL_AGENT_OUTPUT_H_
#define SWARMSIM_MODEL_AGENT_OUTPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "model/proto/swarm.pb.h"
#include "sim/time.h"

namespace swarmsim {
namespace agent {

// Identifies one RPC (unary call or stream) for its whole life. 0 is never used.
using CallId = uint64_t;
constexpr CallId kNoCall = 0;

// Where a call goes: a remote manager chosen from Remotes, or the manager on this very host
// (a manager node's agent talks to its own manager through the local control socket).
struct ManagerTarget {
  bool local = false;
  std::string node_id;  // empty when local
  std::string addr;     // empty when local

  // "local" or the node ID: how notes name the manager.
  std::string Name() const { return local ? "local" : node_id; }
  bool operator==(const ManagerTarget& o) const {
    return local == o.local && node_id == o.node_id && addr == o.addr;
  }
};

enum class CallKind {
  kSession,           // server stream: SessionRequest → SessionMessage*
  kHeartbeat,         // unary: HeartbeatRequest → HeartbeatResponse
  kAssignments,       // server stream: AssignmentsRequest → AssignmentsMessage*
  kUpdateTaskStatus,  // unary: UpdateTaskStatusRequest → UpdateTaskStatusResponse
};
const char* CallKindName(CallKind kind);

// One alternative per CallKind, in CallKind's order (Effects checks that they agree).
using Request = std::variant<api::SessionRequest, api::HeartbeatRequest, api::AssignmentsRequest,
                             api::UpdateTaskStatusRequest>;

struct RpcCall {
  CallId id = kNoCall;
  CallKind kind = CallKind::kSession;
  ManagerTarget target;
  // The session (1, 2, ...) this call belongs to. SwarmKit dials one connection per session
  // (ConnBroker.Select) and closes it when the session closes: a host should do the same, keyed
  // by this number, except for the shared local connection.
  uint64_t session_seq = 0;
  // The instant after which the agent stops waiting. The agent sets its own timer for it (so it
  // does not depend on the RPC layer enforcing it); an RPC layer may pass it to the server as the
  // call's deadline. Absent for calls SwarmKit makes without a deadline (the Session stream, whose
  // 5 s init timeout is the agent's own timer, Assignments and UpdateTaskStatus).
  std::optional<sim::Time> deadline;
  Request request;
};

enum class TimerKind {
  kSessionStart,      // the drawn backoff delay elapsed: open the Session stream
  kNoRemotesError,    // no manager to select: the delayed error (moby#36683)
  kSessionInit,       // no first SessionMessage within dispatcher_rpc_timeout
  kHeartbeat,         // time for the next heartbeat
  kHeartbeatDeadline, // the heartbeat in flight exceeded dispatcher_rpc_timeout
  kNodeUpdate,        // the 20 s node description ticker
  kTaskStep,          // a task's simulated execution step finished (task_id set)
};
const char* TimerKindName(TimerKind kind);

// A deadline with a generation. The host fires it back unchanged at `at`; a fired timer whose
// generation is no longer the one the agent expects is ignored, so nothing is ever cancelled.
struct TimerRequest {
  TimerKind kind = TimerKind::kSessionStart;
  uint64_t generation = 0;
  sim::Time at;
  std::string task_id;  // kTaskStep only
};

enum class NoteKind {
  kBackoff,          // a new session: backoff and the delay drawn from it
  kManagerSelected,  // the manager the new session will use
  kNoRemotes,        // no manager to select; error after the delay
  kSessionStart,     // Session RPC sent (session_id = the ID being reused, may be empty)
  kRegistered,       // first SessionMessage: session_id is the dispatcher's
  kSessionEnded,     // code + reason; backoff = the backoff after this end
  kAssignmentsGap,   // applies_to != last results_in: stream re-opened
  kTaskState,        // a task moved to task_state on this worker
};
const char* NoteKindName(NoteKind kind);

// A trace note: flat, so the host can format it without knowing the agent's types.
struct Note {
  NoteKind kind = NoteKind::kBackoff;
  std::string manager;     // ManagerTarget::Name()
  std::string session_id;
  absl::Duration backoff = absl::ZeroDuration();
  absl::Duration delay = absl::ZeroDuration();
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string reason;
  std::string task_id;
  api::TaskState task_state = api::TASK_NEW;

  // Deterministic one-line text (integer nanoseconds, no floats): for tests and debugging.
  std::string ToString() const;
};

// Everything one input produced, in the order it was produced. The calls and timers are inline
// for the common sizes (a heartbeat: one call and two timers; its reply: one timer), so the
// agent's busiest outputs allocate nothing of their own.
struct AgentOutput {
  absl::InlinedVector<RpcCall, 1> calls;
  std::vector<CallId> cancels;  // close these streams / abandon these calls (gRPC cancel)
  // Sessions closed by this input: close the connection dialed for each (remote targets only;
  // the local connection is shared and stays open, as in SwarmKit's connectionbroker).
  std::vector<uint64_t> closed_sessions;
  absl::InlinedVector<TimerRequest, 2> timers;
  std::vector<Note> notes;
  // The node object changed (ignoring status and meta): SwarmKit's NotifyNodeChange, which the
  // node layer uses to react to desired-role changes.
  std::optional<api::Node> node_changed;

  bool empty() const {
    return calls.empty() && cancels.empty() && closed_sessions.empty() && timers.empty() &&
           notes.empty() && !node_changed.has_value();
  }
};

// Monotonic counters owned by the Agent: call ids and timer generations.
struct IdCounters {
  CallId next_call_id = 1;
  uint64_t next_timer_generation = 1;
};

// Builds one AgentOutput. Not a state machine: a scratch pad for the duration of one input.
class Effects {
 public:
  explicit Effects(IdCounters* counters) : counters_(counters) {}

  CallId Call(CallKind kind, const ManagerTarget& target, uint64_t session_seq,
              std::optional<sim::Time> deadline, Request request);
  // Reserves the id of a call about to be made (when the request must name it first), then
  // CallWithId makes it. REQUIRES: `id` came from ReserveCallId and is used once.
  CallId ReserveCallId() { return counters_->next_call_id++; }
  void CallWithId(CallId id, CallKind kind, const ManagerTarget& target, uint64_t session_seq,
                  std::optional<sim::Time> deadline, Request request);
  void SessionClosed(uint64_t session_seq) { out_.closed_sessions.push_back(session_seq); }
  void Cancel(CallId id);
  // Returns the generation to remember; the timer is current while it matches.
  uint64_t SetTimer(TimerKind kind, sim::Time at, std::string task_id = "");
  void AddNote(Note note) { out_.notes.push_back(std::move(note)); }
  void NodeChanged(const api::Node& node) { out_.node_changed = node; }

  AgentOutput Take() { return std::move(out_); }
  const AgentOutput& output() const { return out_; }

 private:
  IdCounters* counters_;
  AgentOutput out_;
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_OUTPUT_H_
