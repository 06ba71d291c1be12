// Manager: the manager half of a SwarmKit node (reference §3): a RaftHost, the store replica it
// applies to, SwarmKit's leadership events and the leader-only subsystems they start and stop,
// the dispatcher hosted per its header's contract, and the server side of the raft proxy (what a
// raw Raft leader serves: Dispatcher.*, RaftMembership.Join, Control.*).
//
// Leader writes are serialised as SwarmKit's store update lock serialises them: one proposal in
// flight at a time for the whole manager, in the order the writers asked. Writers that compute
// from the store (orchestrator, scheduler, task reaper, control API, leader bootstrap) build their
// request when their turn comes, on a fresh view. Writers whose requests are built earlier (the
// dispatcher's status batches, the role manager's node updates) are rebased at their turn on the
// objects they own (task/node status and description; node role), which is what SwarmKit's
// transaction, built under the lock, would have written.
//
// A Manager lives for one run of the manager component: it is retired (never freed while the
// process lives) on demotion or stop, and every callback it left behind checks `active_`.
#ifndef SWARMSIM_MODEL_PROCESS_MANAGER_H_
#define SWARMSIM_MODEL_PROCESS_MANAGER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/dispatcher/dispatcher.h"
#include "model/process/host_loop.h"
#include "model/process/node_options.h"
#include "model/process/raft_host.h"
#include "model/process/raft_proxy.h"
#include "model/process/store_trace.h"
#include "model/process/wire.h"
#include "model/proto/swarm.pb.h"
#include "model/rolemanager/quorum.h"
#include "model/store/memory_store.h"
#include "sim/context.h"
#include "sim/prng.h"

namespace swarmsim {
namespace process {

class LeaderSubsystems;

// The ID of the cluster object the first leader creates.
inline constexpr char kDefaultClusterId[] = "default";
// raft.go Join's checkHealth: its timeout and the text its failure is wrapped in (§10.2).
inline constexpr absl::Duration kJoinHealthCheckTimeout = absl::Seconds(5);
inline constexpr char kErrJoinUnreachable[] =
    "could not connect to prospective new cluster member using its advertised address";
// What Join answers on a manager that is not the leader: ErrLostLeadership's text (raft.go).
// (kErrLostLeadership in raft_host.h carries the text of raft.go's log line instead.)
inline constexpr char kErrJoinLostLeadership[] =
    "raft: failed to process the request: node lost leader status";

// How late the fault points of model/faultpoints/catalog.h make things when they fire.
// dispatcher.heartbeat_reply_late: past the agent's 5 s dispatcher RPC deadline.
inline constexpr absl::Duration kHeartbeatReplyLateDelay = absl::Seconds(6);
inline constexpr absl::Duration kSlowRegisterDelay = absl::Seconds(1);
inline constexpr absl::Duration kStatusBatchLateDelay = absl::Milliseconds(500);

struct ManagerStart {
  uint64_t raft_id = 0;
  bool bootstrap = false;
  std::vector<api::RaftMember> members;
};

class Manager : public ProxyTarget {
 public:
  // One leader-side store write (see the file comment).
  struct Write {
    std::string source;
    // Runs when the write's turn comes; returns the requests to propose in order (none: done at
    // once with OK) or an error to hand to `done` without proposing.
    std::function<absl::StatusOr<std::vector<api::InternalRaftRequest>>(sim::Context&)> build;
    // Runs once: OK after the last request applied here, or the first error.
    std::function<void(sim::Context&, absl::Status)> done;
  };

  // `removed` runs (from a later event) when Raft reports this member removed.
  Manager(const NodeOptions& options, ManagerStart start, HostLoop* loop, RaftProxy* proxy,
          sim::Prng prng, std::string session_prefix, std::function<void(sim::Context&)> removed);
  ~Manager() override;

  void Start(sim::Context& ctx);
  // Stops the leader subsystems (the dispatcher ends its streams), fails queued writes and stops
  // Raft. The object stays, inert.
  void Shutdown(sim::Context& ctx);
  bool active() const { return active_; }

  // RaftHost timers.
  bool HandleTimer(sim::Context& ctx, sim::TimerKey key);

  // ProxyTarget.
  const RaftHost& raft_host() const override { return *raft_; }
  void ServeLocally(sim::Context& ctx, InboundId id) override;

  // Accessors.
  const RaftHost* raft() const { return raft_.get(); }
  RaftHost& mutable_raft() { return *raft_; }
  const store::MemoryStore& store() const { return store_; }
  // The dispatcher while it runs (started on this leader), else nullptr.
  const dispatcher::Dispatcher* running_dispatcher() const;
  bool leader_subsystems_running() const { return subsystems_ != nullptr; }
  const NodeOptions& options() const { return options_; }
  HostLoop& loop() { return *loop_; }
  uint64_t leader_epoch() const { return leader_epoch_; }

  // Leader-side services (LeaderSubsystems, control API, joins).
  void EnqueueWrite(sim::Context& ctx, Write write);
  rolemanager::RaftMembershipView MembershipView() const;
  sim::Prng& prng() { return prng_; }
  // A fresh ID, unique across leaders: "<prefix>.<node>.<term>.<n>".
  std::string NewId(const char* prefix);

 private:
  struct InFlight {
    std::vector<api::InternalRaftRequest> requests;
    size_t next = 0;
    std::string source;
    std::function<void(sim::Context&, absl::Status)> done;
  };

  // Raft callbacks.
  void OnApply(sim::Context& ctx, uint64_t index, const api::InternalRaftRequest& request);
  void OnRestore(sim::Context& ctx, uint64_t index, const api::StoreSnapshot& snapshot);
  void OnLeadership(sim::Context& ctx, bool is_leader);
  void OnMembership(sim::Context& ctx, const std::vector<api::RaftMember>& members);
  void AfterStoreEvents(sim::Context& ctx, const std::vector<store::Event>& events);

  // Leadership (manager_leadership.cc).
  absl::StatusOr<std::vector<api::InternalRaftRequest>> BuildBootstrap(sim::Context& ctx);
  void StartLeader(sim::Context& ctx);
  void StopLeader(sim::Context& ctx);

  // Writes (manager_writes.cc).
  void PumpWrites(sim::Context& ctx);
  void ProposeNext(sim::Context& ctx);
  void ProposeNow(sim::Context& ctx);
  void OnProposed(sim::Context& ctx, absl::Status status);
  void FailQueuedWrites(sim::Context& ctx, const absl::Status& status);

  // Dispatcher hosting (manager_dispatcher.cc).
  void ServeDispatcher(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in);
  void ApplyDispatcher(sim::Context& ctx, dispatcher::DispatcherOutput out);
  // Dispatcher.Session for an open inbound call (possibly after dispatcher.slow_register).
  void ServeSession(sim::Context& ctx, InboundId id);
  void TraceDispatcherNote(sim::Context& ctx, const dispatcher::Note& note);
  // The dispatcher's invariants after a step, on a budget (see the .cc); a violation is traced.
  void CheckDispatcherInvariants(sim::Context& ctx);

  // Control API and joins (manager_control.cc).
  void ServeControl(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in);
  void ServeJoin(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in);
  // Join after the joiner passed the health check.
  void AddJoiner(sim::Context& ctx, InboundId id, const RaftJoinRequest& join);
  // Join refused: the joiner's health check failed with `health`.
  void RefuseJoin(sim::Context& ctx, InboundId id, const RaftJoinRequest& join,
                  const sim::RpcStatus& health);
  void ServeNodeCertificate(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in);

  const NodeOptions& options_;
  HostLoop* loop_;
  RaftProxy* proxy_;
  sim::Prng prng_;
  sim::Prng dispatcher_prng_;
  std::function<void(sim::Context&)> removed_;
  ManagerStart start_;
  bool active_ = true;

  store::MemoryStore store_;
  StoreTracer tracer_;
  std::unique_ptr<RaftHost> raft_;
  std::unique_ptr<dispatcher::Dispatcher> dispatcher_;
  bool dispatcher_started_ = false;
  uint64_t dispatcher_term_ = 0;
  uint64_t dispatcher_steps_unchecked_ = 0;
  bool dispatcher_violation_traced_ = false;

  bool signalled_leader_ = false;
  uint64_t leader_epoch_ = 0;
  std::unique_ptr<LeaderSubsystems> subsystems_;
  std::vector<std::unique_ptr<LeaderSubsystems>> retired_subsystems_;

  std::deque<Write> writes_;
  bool write_in_flight_ = false;
  uint64_t write_generation_ = 0;  // Bumped per proposal: a late one checks it is still due.
  bool pumping_ = false;
  InFlight in_flight_;
  uint64_t next_id_ = 1;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_MANAGER_H_
