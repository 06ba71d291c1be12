// One agent session: one registration with one manager connection (SwarmKit agent/session.go,
// reference §1.4–1.5).
//
// Session is a pure state machine driven by the Agent. It never reads a clock, never draws
// randomness (the Agent draws the delay and selects the manager before creating it) and never
// touches Remotes, the backoff or the worker: it reports what happened as SessionEvents and the
// Agent's loop decides. Life:
//   kDelaying   wait the drawn delay (a kSessionStart timer; with no manager, a kNoRemotesError
//               timer whose firing is the failure "no remote hosts provided", moby#36683);
//   kStarting   Session RPC sent with the previous session ID; the first SessionMessage must
//               arrive within dispatcher_rpc_timeout, else "session initiation timed out";
//   kRegistered heartbeat loop (first beat at once, then after each response's period), the
//               Assignments stream (re-opened on a gap) and the Session stream (any end, EOF
//               included, fails the session);
//   kClosed     after Close(): every open call cancelled, every input ignored.
// Only the first failure is reported; the Agent closes the session at once when it sees it.
#ifndef SWARMSIM_MODEL_AGENT_SESSION_H_
#define SWARMSIM_MODEL_AGENT_SESSION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/agent/output.h"
#include "model/proto/swarm.pb.h"
#include "sim/time.h"

namespace swarmsim {
namespace agent {

// Why a session ended. code is absl's (numerically gRPC's); kOk for EOF and local errors.
struct SessionFailure {
  absl::StatusCode code = absl::StatusCode::kUnknown;
  std::string message;
};

// What one input produced for the agent loop, in SwarmKit's order: the first SessionMessage is
// handled before `registered` fires.
struct SessionEvents {
  std::vector<api::SessionMessage> messages;
  bool registered = false;
  std::vector<api::AssignmentsMessage> assignments;
  std::optional<SessionFailure> failure;
};

class Session {
 public:
  enum class Phase { kDelaying, kStarting, kRegistered, kClosed };

  // `seq` numbers sessions within the agent (1, 2, ...). `target` is empty when no manager could
  // be selected. `session_id` is the previous session's ID, reused on reconnect.
  Session(uint64_t seq, std::optional<ManagerTarget> target, std::string session_id,
          api::NodeDescription description, absl::Duration rpc_timeout);

  // Schedules the start (or the no-remotes error) `delay` from now.
  void Begin(sim::Time now, absl::Duration delay, Effects* fx);

  // REQUIRES: timer.kind is one of the session's kinds. Stale generations are ignored.
  SessionEvents OnTimer(sim::Time now, const TimerRequest& timer, Effects* fx);
  SessionEvents OnSessionMessage(sim::Time now, CallId call, const api::SessionMessage& msg,
                                 Effects* fx);
  // `status` OK means the stream ended cleanly (io.EOF), which still fails the session.
  SessionEvents OnSessionStreamEnd(sim::Time now, CallId call, const absl::Status& status);
  SessionEvents OnHeartbeatReply(sim::Time now, CallId call,
                                 const absl::StatusOr<api::HeartbeatResponse>& reply, Effects* fx);
  SessionEvents OnAssignmentsMessage(sim::Time now, CallId call,
                                     const api::AssignmentsMessage& msg, Effects* fx);
  SessionEvents OnAssignmentsStreamEnd(sim::Time now, CallId call, const absl::Status& status);

  // Cancels every open call. Idempotent.
  void Close(Effects* fx);

  static bool IsSessionTimer(TimerKind kind);

  uint64_t seq() const { return seq_; }
  Phase phase() const { return phase_; }
  bool registered() const { return phase_ == Phase::kRegistered; }
  bool closed() const { return phase_ == Phase::kClosed; }
  const std::optional<ManagerTarget>& target() const { return target_; }
  const std::string& session_id() const { return session_id_; }
  const api::NodeDescription& description() const { return description_; }
  // The period the last heartbeat response asked for (zero before the first).
  absl::Duration heartbeat_period() const { return heartbeat_period_; }
  CallId session_call() const { return session_call_; }
  CallId heartbeat_call() const { return heartbeat_call_; }
  CallId assignments_call() const { return assignments_call_; }

 private:
  SessionEvents Failed(absl::StatusCode code, std::string message);
  void Start(sim::Time now, Effects* fx);
  void SendHeartbeat(sim::Time now, Effects* fx);
  void OpenAssignments(Effects* fx);

  const uint64_t seq_;
  const std::optional<ManagerTarget> target_;
  std::string session_id_;
  const api::NodeDescription description_;
  const absl::Duration rpc_timeout_;

  Phase phase_ = Phase::kDelaying;
  bool failed_ = false;  // a failure was reported; nothing more is

  // Generations of the timers this session currently expects (0 = none).
  uint64_t start_generation_ = 0;
  uint64_t init_generation_ = 0;
  uint64_t heartbeat_generation_ = 0;
  uint64_t heartbeat_deadline_generation_ = 0;

  CallId session_call_ = kNoCall;
  CallId heartbeat_call_ = kNoCall;  // only while a heartbeat is in flight
  CallId assignments_call_ = kNoCall;
  // The last ResultsIn seen on the current Assignments stream ("" on a fresh stream).
  std::string stream_reference_;
  absl::Duration heartbeat_period_ = absl::ZeroDuration();
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_SESSION_H_
