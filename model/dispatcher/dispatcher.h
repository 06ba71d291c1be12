// Dispatcher is SwarmKit's leader-side dispatcher (manager/dispatcher) as a pure state machine:
// node registration and sessions, heartbeats and their expiry to DOWN, UNKNOWN marking at leader
// start, batched task/node status writes, the Assignments stream, and Stop on leadership loss.
//
// It never reads a clock, never draws entropy of its own (heartbeat periods come from the Prng it
// is given), never does I/O and never writes the store: it reads a const MemoryStore and returns
// every effect as a value (outputs.h). Every input takes `now`. Containers that are iterated are
// ordered by node ID, task ID or CallId, which is where this model fixes the order that SwarmKit
// leaves to Go map iteration and goroutine scheduling.
//
// Hosting contract (model/process):
//  - Construct once per manager; Start() on becoming leader, Stop() on losing it (SwarmKit creates
//    the dispatcher once and runs it per term).
//  - After every MemoryStore::Apply/Restore on this manager, call OnStoreEvents with the events it
//    returned, before any other input. Then, for a proposal the dispatcher made, call
//    OnProposalResult(id, OK) once its entry is applied, or with the error when it fails
//    (lost leadership, ...).
//  - Propose the returned proposals in order (SwarmKit holds the store lock across a proposal's
//    round trip, so one writer's proposals never overlap).
//  - Arm every returned timer; feed it back through OnTimer when it fires (stale ones are ignored).
//  - Deliver the envelopes in order. A stream ends only with a kStreamEnd envelope or by
//    CancelStream (the client went away).
//  - On Raft membership changes while leader, call OnMembershipChange.
#ifndef SWARMSIM_MODEL_DISPATCHER_DISPATCHER_H_
#define SWARMSIM_MODEL_DISPATCHER_DISPATCHER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "model/dispatcher/assignment_set.h"
#include "model/dispatcher/config.h"
#include "model/dispatcher/down_nodes.h"
#include "model/dispatcher/node_registry.h"
#include "model/dispatcher/outputs.h"
#include "model/proto/swarm.pb.h"
#include "model/store/event.h"
#include "model/store/memory_store.h"
#include "model/store/write_tx.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace swarmsim {
namespace dispatcher {

class Dispatcher {
 public:
  enum class State {
    kStopped,   // follower, or not started: every RPC → ABORTED "dispatcher is stopped"
    kStarting,  // markNodesUnknown's batch is being committed; RPCs still refused
    kRunning,
  };

  // `leader_node_id`: this manager's node ID (stamped as TaskStatus.applied_by).
  // `session_prefix`: makes session IDs unique across dispatchers and host incarnations
  // ("<prefix>/<node>/<n>"); the host picks it (e.g. "m1.0" for manager m1, first boot).
  // `store` and `prng` must outlive the dispatcher; `prng` is this dispatcher's own stream.
  Dispatcher(const DispatcherConfig& config, std::string leader_node_id, std::string session_prefix,
             const store::MemoryStore* store, sim::Prng* prng);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // --- Lifecycle -------------------------------------------------------------------------------
  // Leadership acquired: reset every queue (PR #2091), take the heartbeat period from the cluster
  // object, mark every non-DOWN node UNKNOWN (one store batch) and start serving once that batch
  // has committed. `members` is the current Raft membership (manager list, weight 10 each).
  // REQUIRES: state() == kStopped.
  DispatcherOutput Start(sim::Time now, const std::vector<api::RaftMember>& members);
  // Leadership lost: every Session stream gets one last message then ABORTED "node must
  // disconnect"; Assignments streams end CANCELLED; registry, down nodes, queued writes and
  // in-flight batches are dropped; nothing is written. A Session still waiting for its batch is
  // woken by Stop as in SwarmKit: it gets its session ID and first message, then the last message
  // and ABORTED (note kRegistrationAccepted with detail "released by stop"). No-op when stopped.
  DispatcherOutput Stop(sim::Time now);

  // --- RPCs (node_id is the caller's authenticated identity) -------------------------------------
  // Session stream. Reuses a valid session ID or registers (rate limit, node must exist in the
  // store); either way waits for the next status batch to commit, then sends the first message.
  DispatcherOutput Session(sim::Time now, CallId call, const std::string& node_id,
                           const std::string& remote_addr, const api::SessionRequest& request);
  DispatcherOutput Heartbeat(sim::Time now, CallId call, const std::string& node_id,
                             const api::HeartbeatRequest& request);
  DispatcherOutput UpdateTaskStatus(sim::Time now, CallId call, const std::string& node_id,
                                    const api::UpdateTaskStatusRequest& request);
  DispatcherOutput Assignments(sim::Time now, CallId call, const std::string& node_id,
                               const api::AssignmentsRequest& request);
  // The client side of a stream went away: forget it, change nothing (SwarmKit returns on
  // stream ctx done without touching node state).
  DispatcherOutput CancelStream(sim::Time now, CallId call);

  // --- Notifications -----------------------------------------------------------------------------
  DispatcherOutput OnStoreEvents(sim::Time now, const std::vector<store::Event>& events);
  DispatcherOutput OnProposalResult(sim::Time now, uint64_t proposal_id,
                                    const absl::Status& status);
  DispatcherOutput OnMembershipChange(sim::Time now, const std::vector<api::RaftMember>& members);
  DispatcherOutput OnTimer(sim::Time now, const TimerRequest& timer);

  // --- Introspection (tests, checkers, traces) --------------------------------------------------
  State state() const { return state_; }
  bool running() const { return state_ == State::kRunning; }
  const NodeRegistry& registry() const { return registry_; }
  const DownNodes& down_nodes() const { return down_nodes_; }
  size_t queued_task_updates() const { return task_updates_.size(); }
  size_t queued_node_updates() const { return node_updates_.size(); }
  size_t open_sessions() const;
  size_t pending_sessions() const;
  size_t open_assignments() const { return assignments_.size(); }
  const std::vector<api::WeightedPeer>& managers() const { return managers_; }
  // Internal consistency (at most one status batch in flight, registry entries well formed, ...).
  // InvariantViolation returns "" when every invariant holds, else "<invariant>: <detail>" for the
  // first one broken (names such as one_status_batch_at_a_time, sessions_indexed); CheckInvariants
  // aborts with it. O(registered nodes): the process layer runs it after dispatcher steps on a
  // budget (manager_dispatcher.cc) and traces a violation as dispatcher.invariant; the test
  // harness runs it after every step. It walks each container once in order (invariants.cc);
  // only when something is broken does it run the walk with a lookup per entry that names it.
  std::string InvariantViolation() const;
  // Aborts with InvariantViolation() unless it is empty; also runs the full walk and aborts if
  // it finds what the cheap one did not (for tests: twice the cost of InvariantViolation).
  void CheckInvariants() const;

 private:
  friend class DispatcherInvariantsPeer;  // dispatcher_invariants_test.cc breaks indexes on purpose

  // A queued node status write (SwarmKit nodeUpdate).
  struct NodeUpdate {
    bool has_status = false;
    api::NodeStatus status;
    std::optional<api::NodeDescription> description;
  };

  // A by-node index of a stream table: (node ID, call) for each stream, ordered by node then
  // call. One flat B-tree instead of a map of sets: a stream is one entry in a node of many, so
  // the invariant walk over 10,000 streams reads a few thousand cache lines, not 20,000 tree
  // nodes.
  using NodeCallIndex = absl::btree_set<std::pair<std::string, CallId>>;

  struct SessionStream {
    std::string node_id;
    std::string session_id;  // empty while a registration is pending
    bool open = false;       // first message sent
    bool registering = false;
    // The node object as the stream last saw it (read at start, then from update events).
    api::Node node;
  };

  struct AssignmentsStream {
    std::string node_id;
    std::string session_id;
    AssignmentSet set;
    int64_t sequence = 0;
    std::string applies_to;
    size_t modifications = 0;
    uint64_t timer_generation = 0;  // 0: no batching timer armed
  };

  // A store batch written one proposal at a time, each cut built against the store as it is when
  // the previous one has committed (SwarmKit's store.Batch yields the lock between proposals).
  enum class JobKind { kMarkUnknown, kProcessUpdates, kOrphanTasks };
  struct JobItem {
    enum Kind { kMarkUnknown, kTaskStatus, kNodeStatus, kOrphanTask } kind = kMarkUnknown;
    std::string id;
    api::TaskStatus task_status;
    NodeUpdate node_update;
  };
  struct Job {
    JobKind kind = JobKind::kProcessUpdates;
    std::string node_id;  // kOrphanTasks
    std::vector<JobItem> items;
    size_t next = 0;
  };

  // Invariants (invariants.cc). StateViolation: term state and jobs. IndexesConsistent: the
  // stream tables, their indexes and the registry, in one ordered walk each; IndexViolation: the
  // same checks with a lookup per entry, naming the first broken one. IndexesConsistent() ==
  // IndexViolation().empty() always.
  std::string StateViolation() const;
  bool IndexesConsistent() const;
  std::string IndexViolation() const;
  static bool SessionLacksId(const SessionStream& stream);
  bool RegistryEntryMalformed(const RegisteredNode& entry, bool filed_under_own_id) const;

  // Output under construction; every public input returns it through TakeOutput().
  DispatcherOutput TakeOutput();
  void Emit(Envelope envelope) { out_.envelopes.push_back(std::move(envelope)); }
  void NoteThat(NoteKind kind, const std::string& node_id, const std::string& session_id,
                std::string detail);
  uint64_t NextGeneration() { return ++generation_; }
  void ArmTimer(TimerKind kind, const std::string& node_id, CallId call, uint64_t generation,
                sim::Time deadline);

  // Lifecycle.
  void BecomeRunning(sim::Time now);
  void SetManagers(const std::vector<api::RaftMember>& members);
  absl::Duration ClusterHeartbeatPeriod() const;
  // Empties everything that belongs to one term: down nodes, queued status writes, batch jobs.
  void ResetTermState();

  // Jobs (batch_jobs.cc).
  void StartJob(sim::Time now, Job job);
  void ContinueJob(sim::Time now, Job job);
  void FinishJob(sim::Time now, const Job& job);
  absl::Status ApplyItem(sim::Time now, store::WriteTx& tx, const JobItem& item);
  void StartProcessUpdates(sim::Time now);
  void ArmBatchTimer(sim::Time now);
  void MaybeTriggerFlush(sim::Time now);

  // Node status (node_status.cc).
  void MarkNodeReady(sim::Time now, const std::string& node_id,
                     const std::optional<api::NodeDescription>& description,
                     const std::string& addr);
  absl::Status MarkNodeNotReady(sim::Time now, const std::string& node_id,
                                api::NodeStatus::State state, const std::string& message);
  void OnHeartbeatExpiry(sim::Time now, const TimerRequest& timer);
  void OnDownNodeExpiry(sim::Time now, const TimerRequest& timer);

  // Stream tables and their by-node indexes (streams.cc).
  void InsertSession(CallId call, SessionStream stream);
  void EraseSession(CallId call);
  void MarkSessionOpen(CallId call);
  void InsertAssignments(CallId call, AssignmentsStream stream);
  void EraseAssignments(CallId call);
  std::vector<CallId> CallsOf(const NodeCallIndex& index, const std::string& node_id) const;

  // Sessions (sessions.cc).
  void ReleaseWaitingSessions(sim::Time now);
  void CompleteSession(sim::Time now, CallId call, SessionStream& stream);
  // Sends a full session message, then re-checks the session like SwarmKit's loop does after
  // every send; returns false (and ends the stream) when the check fails.
  bool SendSessionMessage(CallId call, const SessionStream& stream);
  void EndSession(CallId call, const SessionStream& stream, const absl::Status& status);
  void OnNodeUpdated(sim::Time now, const api::Node& node);
  void BroadcastSessionMessages(sim::Time now);

  // Assignments (assignments_stream.cc).
  void OnTaskEvent(sim::Time now, const store::Event& event);
  // Sends the pending INCREMENTAL message if any; false when the stream ended (and was erased).
  bool FlushAssignments(CallId call);
  void SendAssignments(CallId call, AssignmentsStream& stream, api::AssignmentsMessage::Type type,
                       std::vector<api::AssignmentChange> changes);
  void EndAssignments(CallId call, const AssignmentsStream& stream, const absl::Status& status);

  DispatcherConfig config_;
  std::string leader_node_id_;
  std::string session_prefix_;
  const store::MemoryStore* store_;
  sim::Prng* prng_;

  State state_ = State::kStopped;
  NodeRegistry registry_;
  DownNodes down_nodes_;
  std::vector<api::WeightedPeer> managers_;

  // processUpdates queues, last writer wins per ID.
  std::map<std::string, api::TaskStatus> task_updates_;
  std::map<std::string, NodeUpdate> node_updates_;
  bool process_updates_in_flight_ = false;
  bool flush_triggered_ = false;
  uint64_t batch_timer_generation_ = 0;

  // Jobs waiting for their outstanding proposal, by proposal id.
  std::map<uint64_t, Job> jobs_;
  uint64_t next_proposal_id_ = 1;

  // The stream tables, ordered by call. B-trees (several streams per node, read in order by the
  // invariant walk and by Stop) rather than a tree node per stream. A reference into a table
  // lives only until the next insertion into or erasure from it: every method takes one with
  // at()/find() and erases that stream, if at all, after its last use.
  absl::btree_map<CallId, SessionStream> sessions_;
  absl::btree_map<CallId, AssignmentsStream> assignments_;
  // Indexes, so that a store event costs O(streams of that node), not O(all streams).
  std::set<CallId> waiting_sessions_;
  NodeCallIndex sessions_by_node_;
  NodeCallIndex assignments_by_node_;

  uint64_t generation_ = 0;
  uint64_t session_counter_ = 0;
  DispatcherOutput out_;
  // IndexesConsistent's working space, kept between checks: a by-node index as (call, node).
  // Allocated once (a 10,000-entry vector freed per check would make malloc consolidate).
  mutable std::vector<std::pair<CallId, const std::string*>> index_scratch_;
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_DISPATCHER_H_
