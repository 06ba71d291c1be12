// A tiny deterministic world for agent tests: one Agent, simulated time, one event queue
// ordered by (at, seq), and scripted fake dispatchers, one per manager ("local" for the
// manager on the agent's own host). Replies take `latency` to come back. Not a model of the
// dispatcher: just enough behaviour to drive the agent through the cases SwarmKit's tests use.
#ifndef SWARMSIM_MODEL_AGENT_FAKE_CLUSTER_H_
#define SWARMSIM_MODEL_AGENT_FAKE_CLUSTER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/agent/agent.h"

namespace swarmsim {
namespace agent {

struct FakeDispatcher {
  // Stopped gracefully: every call fails UNAVAILABLE (connection refused / closed).
  bool dead = false;
  // Powered off: calls are never answered.
  bool hung = false;
  // Session calls that fail at once with UNKNOWN "terminate immediately" / never send anything.
  int session_errors_left = 0;
  int session_hangs_left = 0;
  // Heartbeat periods to return, in order; the last one repeats. Default 5 s.
  std::vector<absl::Duration> heartbeat_periods = {absl::Seconds(5)};
  // Heartbeat errors to return, in order, before answering normally again.
  std::deque<absl::Status> heartbeat_errors;
  // UpdateTaskStatus errors to return, in order, before answering OK again.
  std::deque<absl::Status> update_status_errors;
  // Listed in every SessionMessage (default: the agent's initial remotes).
  std::vector<api::WeightedPeer> managers;
  // Sent as the COMPLETE set when an Assignments stream opens.
  std::vector<api::Task> tasks;

  // --- State the fake keeps ---
  std::string session_id;          // the session it considers current for the node
  int sessions_opened = 0;         // Session calls answered with a first message
  int session_calls = 0;           // Session calls received
  std::vector<std::string> requested_session_ids;  // SessionRequest.session_id, in order
  int heartbeats = 0;
  int assignments_opened = 0;
  std::vector<api::TaskStatusUpdate> status_updates;  // received, in order
  std::vector<sim::Time> status_update_times;
};

class FakeCluster {
 public:
  FakeCluster(AgentConfig config, uint64_t seed);

  Agent& agent() { return agent_; }
  sim::Time now() const { return now_; }
  absl::Duration latency = absl::Milliseconds(1);

  FakeDispatcher& dispatcher(const std::string& name) { return dispatchers_[name]; }

  void Start();
  void RunUntil(sim::Time until);
  void RunFor(absl::Duration d) { RunUntil(now_ + d); }
  // Runs `fn` at `at` as an event (fn may call the agent through Apply).
  void At(sim::Time at, std::function<void()> fn);
  void Apply(AgentOutput out);

  // Server-side pushes on open streams (delivered after `latency`).
  void PushSessionMessage(CallId call, api::SessionMessage msg);
  void PushAssignments(CallId call, api::AssignmentsMessage msg);
  void EndStream(CallId call, absl::Status status);
  // A graceful stop of a manager: open streams and calls to it end UNAVAILABLE, later calls too.
  void KillDispatcher(const std::string& name);

  // The most recent call of `kind` that is still open (not cancelled, not finished).
  std::optional<CallId> OpenCall(CallKind kind) const;

  struct CallRecord {
    sim::Time at;
    RpcCall call;
    bool open = true;
  };
  struct NoteRecord {
    sim::Time at;
    Note note;
  };
  const std::vector<CallRecord>& calls() const { return calls_; }
  const std::vector<NoteRecord>& notes() const { return notes_; }
  std::vector<NoteRecord> NotesOf(NoteKind kind) const;
  std::vector<CallRecord> CallsOf(CallKind kind) const;
  std::string session_counter_prefix = "s";

  // Builds a SessionMessage as a dispatcher would: its session ID and manager list.
  api::SessionMessage MessageFrom(const std::string& name);
  static api::WeightedPeer Manager(const std::string& node_id);

 private:
  struct Event {
    sim::Time at;
    uint64_t seq;
    std::function<void()> fn;
  };
  void Serve(const RpcCall& call);
  void Reply(CallId call, std::function<void()> deliver);
  bool IsOpen(CallId call) const;
  void MarkDone(CallId call);
  CallRecord* Find(CallId call);
  std::string NameOf(const ManagerTarget& target) const { return target.Name(); }

  Agent agent_;
  sim::Time now_;
  uint64_t next_seq_ = 0;
  uint64_t next_session_ = 1;
  std::vector<Event> queue_;
  std::map<std::string, FakeDispatcher> dispatchers_;
  std::vector<CallRecord> calls_;
  std::vector<NoteRecord> notes_;
  std::map<CallId, int> assignments_seq_;  // per Assignments stream: last ResultsIn
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_FAKE_CLUSTER_H_
