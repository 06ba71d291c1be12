// Test-only host for a Dispatcher: a real MemoryStore, an event queue of timers and proposal
// commits ordered by (time, seq), and a record of every envelope and note with the simulated time
// it was produced. Proposals commit `commit_latency` after they are proposed (instantly by
// default) unless proposals are set to fail. Invariants of store and dispatcher are checked after
// every step. Not a model of Raft or of the network.
#ifndef SWARMSIM_MODEL_DISPATCHER_DISPATCHER_HARNESS_H_
#define SWARMSIM_MODEL_DISPATCHER_DISPATCHER_HARNESS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "model/dispatcher/dispatcher.h"
#include "model/store/memory_store.h"
#include "model/store/write_tx.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace swarmsim {
namespace dispatcher {

struct Sent {
  sim::Time at;
  Envelope envelope;
};

struct Noted {
  sim::Time at;
  Note note;
};

class DispatcherHarness {
 public:
  explicit DispatcherHarness(const DispatcherConfig& config = DispatcherConfig(),
                             uint64_t seed = 1);

  store::MemoryStore& store() { return store_; }
  Dispatcher& dispatcher() { return *dispatcher_; }
  sim::Time now() const { return now_; }
  uint64_t raft_index() const { return raft_index_; }

  // Proposal behaviour from now on.
  void set_commit_latency(absl::Duration latency) { commit_latency_ = latency; }
  void set_fail_proposals(bool fail) { fail_proposals_ = fail; }

  // A committed write by some other leader component (orchestrator, control API): built and
  // applied at once, events delivered to the dispatcher.
  void Write(const std::function<absl::Status(store::WriteTx&)>& write);
  void AddNode(const std::string& node_id, api::NodeStatus::State state = api::NodeStatus::UNKNOWN);
  void AddTask(const std::string& task_id, const std::string& node_id, api::TaskState state);
  void SetTaskState(const std::string& task_id, api::TaskState state);
  void SetTaskDesiredState(const std::string& task_id, api::TaskState state);
  void RemoveTask(const std::string& task_id);

  // Dispatcher inputs at the current time; outputs are recorded and scheduled.
  void Start(std::vector<api::RaftMember> members = {});
  void Stop();
  void Session(CallId call, const std::string& node_id, const std::string& session_id = "");
  void Heartbeat(CallId call, const std::string& node_id, const std::string& session_id);
  void UpdateTaskStatus(CallId call, const std::string& node_id, const std::string& session_id,
                        const std::vector<std::pair<std::string, api::TaskState>>& updates);
  void Assignments(CallId call, const std::string& node_id, const std::string& session_id);
  void MembershipChange(std::vector<api::RaftMember> members);
  void CancelStream(CallId call);

  // Records and schedules the output of a direct call to dispatcher() (for inputs not wrapped
  // above); does not advance time.
  void Process(DispatcherOutput out);

  // Runs every event due up to `t` (each at its own time), then sets the clock to `t`.
  void AdvanceTo(sim::Time t);
  void AdvanceBy(absl::Duration d) { AdvanceTo(now_ + d); }

  // Starts a session and runs until its first message; returns the session ID ("" on failure).
  std::string Register(CallId call, const std::string& node_id, const std::string& session_id = "");

  // Recorded traffic.
  std::vector<Sent> SentTo(CallId call) const;
  const Sent* LastSentTo(CallId call) const;
  std::vector<Noted> NotesOf(NoteKind kind) const;
  const std::vector<Sent>& sent() const { return sent_; }
  size_t proposals_made() const { return proposals_made_; }

 private:
  struct Pending {
    bool is_timer = false;
    TimerRequest timer;
    Proposal proposal;
  };

  void Commit(const Proposal& proposal);
  void Check();

  store::MemoryStore store_;
  sim::Prng prng_;
  std::unique_ptr<Dispatcher> dispatcher_;
  sim::Time now_;
  uint64_t raft_index_ = 0;
  uint64_t seq_ = 0;
  absl::Duration commit_latency_ = absl::ZeroDuration();
  bool fail_proposals_ = false;
  size_t proposals_made_ = 0;
  std::map<std::pair<int64_t, uint64_t>, Pending> queue_;
  std::vector<Sent> sent_;
  std::vector<Noted> notes_;
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_DISPATCHER_HARNESS_H_
