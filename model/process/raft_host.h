// RaftHost runs one manager's Raft node on a sim host, the way SwarmKit's manager/state/raft
// package runs etcd raft (swarmkit-behaviour.md §4): a ticker every TickInterval (1 s), durable
// state on the host's disk (persist before send), a transport over the sim RPC layer (one
// sequential queue per peer, a failed send reports the peer unreachable), the receive filter of
// §4.6, proposals that wait until applied locally, conf changes, leadership transfer, snapshots
// every SnapshotInterval applied entries, and SwarmKit's leadership signal: IsLeader only once
// every entry is applied (caughtUp), IsFollower only if IsLeader had been published, and waiting
// proposals cancelled with ErrLostLeadership when leadership goes.
//
// It is not a Process: the manager process owns it, forwards the Context, routes timer keys in
// [kRaftTimerBase, kRaftTimerBase + kRaftTimerSpan) to HandleTimer, and receives applied entries,
// snapshots and leadership events through Callbacks. It never reads a clock but ctx.LocalNow()
// and draws randomness only from the Prng it is given.
//
// HOW THE MANAGER PROCESS USES IT
//   Start(ctx) in Process::Start (after constructing it with a Prng forked per incarnation);
//   every OnTimer key in the Raft range → HandleTimer; OnStop → Stop(ctx). A crash destroys the
//   process (and this object) without Stop: nothing is called back, the disk keeps what was
//   synced, and the next Start recovers from it (raft.restart + raft.recovered traced).
//   To drop Raft while the process keeps running (demotion, removal), call Stop(ctx), then
//   destroy it from a later event (never from inside one of its callbacks); WipeState(ctx)
//   deletes the Raft files (SwarmKit's ClearData). With options.serve_rpcs (the default) Start
//   registers Raft.ProcessRaftMessage and Health.Check; a process that serves them itself (or
//   may host a second RaftHost in the same incarnation: the kernel refuses a second Serve) sets
//   it false and forwards the calls to HandleRaftMessageCall / HandleHealthCheckCall, e.g. with
//   the RaftRpcRouter below.
//   A removed member learns it either by applying its own removal or, since the leader stops
//   sending to removed members, when its next campaign (one election timeout later) is answered
//   NOT_FOUND kErrMemberRemoved.
//
// CALLBACK ORDER (one Ready at a time, SwarmKit's Run loop, reference §4.2):
//   persist (write, then sync: options.sync_latency later) → send → restore(snapshot) →
//   leadership(false) if leadership was lost, then every waiting proposal fails
//   kErrLostLeadership → for each committed entry in index order: apply(normal entry) then that
//   proposal's done(OK) / conf change → membership(...) then its done → own snapshot +
//   compaction → leadership(true) when leader and caught up → Advance → removed() when this
//   node's removal was applied (or a peer answered "member removed").
//   While a Ready's sync is in flight the node keeps stepping (etcd's node goroutine): incoming
//   messages and proposals are stepped at once and their effects (votes, appends, replies) go out
//   with the next Ready, after its own sync; ticks that fall inside the sync are taken when it
//   completes, at most one (SwarmKit's Run loop is blocked in saveToStorage; a Go ticker keeps
//   one tick). A crash before the sync completes loses the Ready's writes and nothing depending
//   on them was sent, traced (raft.append, raft.commit) or applied.
//   Callbacks may call ProposeValue and the other requests (they never re-enter the loop: the
//   work continues from a zero-delay timer) and may call Stop. Results that are known at once
//   (not leader, stopped, dropped) are also delivered from that timer, never inside the call.
#ifndef SWARMSIM_MODEL_PROCESS_RAFT_HOST_H_
#define SWARMSIM_MODEL_PROCESS_RAFT_HOST_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "model/proto/swarm.pb.h"
#include "sim/context.h"
#include "sim/disk.h"
#include "sim/payload.h"
#include "sim/prng.h"
#include "sim/rpc.h"
#include "sim/types.h"

namespace swarmsim {
namespace process {

// Timer keys owned by RaftHost (the manager process routes them here).
inline constexpr sim::TimerKey kRaftTimerBase = sim::TimerKey{1} << 56;
inline constexpr sim::TimerKey kRaftTimerSpan = sim::TimerKey{1} << 48;

// SwarmKit's ErrLostLeadership text; proposals fail with absl::UnknownError(kErrLostLeadership)
// (a plain Go error reaches gRPC callers as UNKNOWN).
inline constexpr char kErrLostLeadership[] = "node is no longer leader, aborting propose";
// ErrStopped: pending and new requests of a stopped (or removed) node fail UNKNOWN with it.
inline constexpr char kErrStopped[] = "raft: failed to process the request: node is stopped";
// ErrMemberRemoved: NOT_FOUND answer to a message from a removed member; a sender receiving it
// treats itself as removed.
inline constexpr char kErrMemberRemoved[] = "raft: member was removed from the cluster";
// ErrCannotRemoveMember (RemoveMember refused by CanRemoveMember), FAILED_PRECONDITION.
inline constexpr char kErrCannotRemoveMember[] =
    "can't remove member from the raft: this would result in a loss of quorum";

struct RaftHostOptions {
  uint64_t raft_id = 0;       // this member's Raft ID (non-zero)
  std::string node_id;        // SwarmKit node ID (the host name, e.g. "m1")
  std::string addr;           // advertised address (the host name)
  // When the disk holds no Raft state: creates a new cluster whose members are initial_members
  // plus this node (SwarmKit's first manager: initial_members empty), by writing one committed
  // AddNode entry per member at term 1 (context: its RaftMember), the same on every member
  // bootstrapped together. Otherwise (or when false) the node starts from its disk, or empty and
  // waiting to be contacted by a leader (a joiner: initial_members = the Join answer's members).
  bool bootstrap = false;
  // Members known at first start (a cluster created with several members at once, or the
  // members a joiner was given). Ignored when the disk holds a snapshot.
  std::vector<swarmsim::api::RaftMember> initial_members;
  absl::Duration tick_interval = absl::Seconds(1);
  int election_tick = 10;
  int heartbeat_tick = 1;
  bool check_quorum = true;
  bool pre_vote = false;
  uint64_t max_size_per_msg = 65535;
  uint64_t max_inflight_msgs = 256;
  uint64_t snapshot_interval = 10000;
  uint64_t log_entries_for_slow_followers = 500;
  absl::Duration send_timeout = absl::Seconds(2);
  uint64_t peer_queue_max = 4096;
  // Time one WAL fsync takes (>= 0). A Ready that must be durable (new entries, a term or vote
  // change, a snapshot) is written at once and synced this long after; its messages leave and its
  // committed entries apply only then. Zero: synced within the Ready, no simulated time passes.
  absl::Duration sync_latency = sim::kDefaultSyncLatency;
  // Resolves a member's address to the host to dial (kNoHost: unknown, not dialled).
  std::function<sim::HostId(const std::string& addr)> resolve;
  // Start() registers Raft.ProcessRaftMessage and Health.Check (see the top comment).
  bool serve_rpcs = true;
  // §4.6: a MsgVote is stepped only if a Health.Check of the candidate succeeds (SwarmKit).
  bool vote_health_check = true;
};

class RaftHost {
 public:
  struct Callbacks {
    // A committed normal entry, in index order, exactly once per index per incarnation (entries
    // replayed from disk after a restart are delivered again, from the snapshot on).
    std::function<void(sim::Context&, uint64_t index, const swarmsim::api::InternalRaftRequest&)> apply;
    // A snapshot was installed (from disk at start, or sent by the leader): replace the store.
    std::function<void(sim::Context&, uint64_t index, const swarmsim::api::StoreSnapshot&)> restore;
    // The store's contents for a snapshot at the current applied index.
    std::function<swarmsim::api::StoreSnapshot()> save;
    // SwarmKit's leadership events (§4.3): true = IsLeader, false = IsFollower.
    std::function<void(sim::Context&, bool is_leader)> leadership;
    // After every membership change is applied (and once at start).
    std::function<void(sim::Context&, const std::vector<swarmsim::api::RaftMember>&)> membership;
    // This node was removed from the cluster (RemovedFromRaft).
    std::function<void(sim::Context&)> removed;
  };

  RaftHost(RaftHostOptions options, Callbacks callbacks, sim::Prng prng);
  ~RaftHost();
  RaftHost(const RaftHost&) = delete;
  RaftHost& operator=(const RaftHost&) = delete;

  // Recovers from the disk (tracing raft.restart / raft.recovered / raft.state), bootstraps when
  // asked and the disk is empty, serves Raft.ProcessRaftMessage and Health.Check (serve_rpcs),
  // calls restore (snapshot on disk) and membership once, starts the ticker.
  void Start(sim::Context& ctx);
  // Graceful stop: stop ticking and sending; close the peers' connections; every waiting
  // request's done runs now with UNKNOWN kErrStopped (inside Stop). No leadership callback is
  // made; IsLeader/SignalledLeader become false, Leader() 0, and if the trace showed this node
  // leading (or following a leader) a raft.state {role follower, lead 0} is emitted. Idempotent.
  void Stop(sim::Context& ctx);
  // Returns false when `key` is not one of RaftHost's timers.
  bool HandleTimer(sim::Context& ctx, sim::TimerKey key);
  // For a process that serves the methods itself (options.serve_rpcs == false).
  void HandleRaftMessageCall(sim::Context& ctx, sim::ServerCallId call, const sim::Payload& request);
  void HandleHealthCheckCall(sim::Context& ctx, sim::ServerCallId call, const sim::Payload& request);
  // Deletes the Raft state from the host's disk and traces raft.wipe. REQUIRES: no RaftHost of
  // this host is running (call after Stop, before the next Start).
  static void WipeState(sim::Context& ctx, absl::string_view reason);

  // Proposes a store write. `done` runs once: OK after the entry is applied here (after the apply
  // callback for it); UNKNOWN kErrLostLeadership when this node is not the signalled leader or
  // loses leadership first; UNKNOWN kErrStopped when stopped. RaftHost sets request.id (a fresh
  // id: raft id, incarnation and a counter). Proposals never time out (SwarmKit proposes with
  // context.Background()).
  void ProposeValue(sim::Context& ctx, swarmsim::api::InternalRaftRequest request,
                    std::function<void(sim::Context&, absl::Status)> done);
  // Conf changes (leader only; FAILED_PRECONDITION otherwise). `done` after apply, or
  // DEADLINE_EXCEEDED after reqTimeout (25 s) when the change never applies (a second change
  // proposed while one is pending becomes an empty entry, as in etcd).
  void AddMember(sim::Context& ctx, const swarmsim::api::RaftMember& member,
                 std::function<void(sim::Context&, absl::Status)> done);
  // FAILED_PRECONDITION "can't remove member from the raft: this would result in a loss of
  // quorum" when !CanRemoveMember(raft_id).
  void RemoveMember(sim::Context& ctx, uint64_t raft_id,
                    std::function<void(sim::Context&, absl::Status)> done);
  // Hands leadership to the longest-active peer, or to `to` when non-zero. `done` once the
  // leader is someone else, or with DEADLINE_EXCEEDED after 25 s (reqTimeout).
  void TransferLeadership(sim::Context& ctx, uint64_t to,
                          std::function<void(sim::Context&, absl::Status)> done);

  // Predicates (§4.3), kept distinct as SwarmKit keeps them. Safe to call before Start / after Stop.
  bool IsLeader() const;          // raw Raft: lead == self
  bool SignalledLeader() const;   // ReadyForProposals: IsLeader event published
  uint64_t Leader() const;        // raft id of the leader this node knows, 0 if none
  std::optional<std::string> LeaderAddr() const;
  uint64_t term() const;
  uint64_t commit() const;
  uint64_t applied() const;
  uint64_t last_index() const;       // of the log on disk
  uint64_t snapshot_index() const;   // of the latest snapshot (own or installed), 0 if none
  uint64_t raft_id() const;
  // Ticks in a row without a known leader (the raft proxy's errLostQuorum after > 10).
  int ticks_without_leader() const;
  // A slower (or faster) disk from now on: every fsync started after this takes `latency` (a
  // scenario's set_disk step). A sync already under way completes on its original timer.
  void SetSyncLatency(absl::Duration latency);
  std::vector<swarmsim::api::RaftMember> Members() const;  // sorted by raft_id
  bool IsMember(uint64_t raft_id) const;
  // Transport's view of a peer (last send succeeded / health check passed).
  bool PeerActive(uint64_t raft_id) const;
  // §4.5: self + active peers, excluding `raft_id`, >= (members - 1) / 2 + 1.
  bool CanRemoveMember(uint64_t raft_id) const;
  bool removed() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Serves Raft.ProcessRaftMessage and Health.Check once per process incarnation and routes them
// to the current RaftHost (none: UNAVAILABLE kErrStopped). For a process that may run several
// RaftHosts one after another (demotion then promotion): build them with serve_rpcs = false,
// call Serve(ctx) in Process::Start, and set_target as they come and go. It must outlive the
// process's incarnation (a member of the Process is right).
class RaftRpcRouter {
 public:
  void Serve(sim::Context& ctx);
  void set_target(RaftHost* target) { target_ = target; }
  RaftHost* target() const { return target_; }
  // Health.Check answers SERVING while no RaftHost runs (a joiner: SwarmKit's manager reports
  // Raft SERVING before it calls Join, §10.2).
  void set_serving_without_target(bool serving) { serving_without_target_ = serving; }

 private:
  RaftHost* target_ = nullptr;
  bool serving_without_target_ = false;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_RAFT_HOST_H_
