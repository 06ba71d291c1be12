// The trace vocabulary the invariant checkers read: kind names, field keys and, per kind, when
// it must be emitted and what each field means. This header is the contract between the process
// adapters (model/process), which emit these records, and the checkers (model/check), which read
// them. Emit through trace_emit.h rather than spelling names by hand, so the two cannot disagree.
//
// Conventions for every kind below:
//   - The record's host is the sim host the event happened on (never sim::kNoHost).
//   - Integers are int64 in the trace. Raft indexes and terms are non-negative ("count" fields);
//     digests are uint64 values stored bit for bit as int64.
//   - Strings are SwarmKit's names: node/task/service IDs as the store holds them, node states as
//     api::NodeStatus::State_Name ("READY"), task states as api::TaskState_Name ("TASK_RUNNING").
//   - "Durably" means written and synced on the host's sim disk: a record that claims durability
//     is emitted after the sync, in the same event, so a crash cannot fall between the two.
//
// Order within one Raft Ready, as the adapter handles it (etcd's contract, ready.h):
//   raft.state (if term/role/leader changed), raft.snapshot (if any), raft.append (each entry),
//   raft.commit (if the hard state's commit rose), raft.apply (each committed entry),
//   store.apply / node.status (as the store applies), raft.compact (if the host compacted).
// raft.state before the appends matters: a leader that steps down and then accepts a new
// leader's entries in one Ready must no longer be seen as leader when its log is truncated.
#ifndef SWARMSIM_MODEL_CHECK_TRACE_SCHEMA_H_
#define SWARMSIM_MODEL_CHECK_TRACE_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace swarmsim {
namespace check {

namespace kind {

// --- Emitted by the kernel (sim/world.cc); listed so that checkers name them in one place. ---
// host.start {incarnation}: a host's process was (re)started. host.stop {incarnation}: graceful
// stop. host.crash {incarnation, lost_bytes}: power off; unsynced writes are lost. A stopped or
// crashed host runs no dispatcher, leads nothing and executes no task.
inline constexpr char kHostStart[] = "host.start";
inline constexpr char kHostStop[] = "host.stop";
inline constexpr char kHostCrash[] = "host.crash";
// host.clock {offset_ns, drift_ppm}: a step set the host's clock (World::SetClock); from now on
// its local time runs with this offset and drift.
inline constexpr char kHostClock[] = "host.clock";

// --- Raft (manager adapters) ---------------------------------------------------------------
// raft.state {node, term, role, lead}: whenever the node's term, role or known leader changes
// (Ready's soft state or hard-state term), and once after raft.restart. node = this member's Raft
// ID; term = current term; role = RaftRoleName ("follower", "candidate", "pre-candidate",
// "leader"); lead = the Raft ID of the leader it knows, 0 for none.
inline constexpr char kRaftState[] = "raft.state";
// raft.append {index, term, digest}: one per entry durably written to the log (Ready.entries),
// in index order. An entry at index i replaces the entry at i and drops every entry after it
// (etcd's truncate-and-append). digest = EntryDigest(entry data).
inline constexpr char kRaftAppend[] = "raft.append";
// raft.snapshot {index, term}: the host durably installed a snapshot received from the leader
// (Ready.snapshot). Its log is now empty after `index`; its state machine restarts from it.
inline constexpr char kRaftSnapshot[] = "raft.snapshot";
// raft.compact {index, term}: the host compacted its own log through `index` (after taking its
// own snapshot): entries <= index leave the log; term = the term of the entry at `index`.
inline constexpr char kRaftCompact[] = "raft.compact";
// raft.commit {index, term}: the host persisted a hard state whose commit index rose to `index`
// (after the entries of the same Ready; a sync is not required, as etcd's MustSync ignores the
// commit index); term = that hard state's term. Entries up to `index` are what the host
// acknowledges as committed: they must be in its log after any crash and restart.
inline constexpr char kRaftCommit[] = "raft.commit";
// raft.apply {index, term, digest}: the host applied the committed entry at `index` to its state
// machine. Every committed entry, including a leader's empty entry and conf changes, in index
// order, starting after the snapshot it restored from (raft.restart / raft.snapshot).
inline constexpr char kRaftApply[] = "raft.apply";
// raft.restart {term, vote, commit, snapshot_index, snapshot_term, last_index}: on every start of a
// manager's Raft (first start included: all zero), once its durable state is loaded and before any
// other Raft record: the hard state, the snapshot's metadata and the last log index recovered.
// Immediately followed by one raft.recovered per log entry in (snapshot_index, last_index].
inline constexpr char kRaftRestart[] = "raft.restart";
// raft.recovered {index, term, digest}: one recovered log entry (see raft.restart), ascending.
inline constexpr char kRaftRecovered[] = "raft.recovered";
// raft.wipe {reason}: the host deliberately deleted its Raft state (removed from the cluster,
// demoted); nothing it held before is expected to survive. It rejoins as a fresh member.
inline constexpr char kRaftWipe[] = "raft.wipe";
// raft.vote {term, candidate, granted, pre_vote}: the node answers a vote or pre-vote request, at
// the moment the answer is handed to the transport (after the Ready that holds it is durably
// synced, as etcd requires: a granted vote is persisted before it leaves). term = the answer's
// term; candidate = the Raft ID of the requester; granted = 1 when the vote is given; pre_vote = 1
// for a pre-vote answer. Scenario triggers use it ("crash right after it votes").
inline constexpr char kRaftVote[] = "raft.vote";

// --- Dispatcher (manager adapters) -----------------------------------------------------------
// dispatcher.start {term}: the dispatcher was started (leadership gained; Dispatcher::Start), as
// the leader of Raft term `term`.
inline constexpr char kDispatcherStart[] = "dispatcher.start";
// dispatcher.stop {term}: the dispatcher finished stopping, after every record its Stop produced
// (a registration released by the stop is part of stopping and is traced before this record).
inline constexpr char kDispatcherStop[] = "dispatcher.stop";
// dispatcher.register {node, session, accepted, reason}: a registration (a Session call without a
// session ID the dispatcher knows) was decided. accepted = 1 with the newly issued session ID
// (reason empty, or a note such as "released by stop"), or 0 with session "" and reason = the
// error. A reused session is not a registration.
inline constexpr char kDispatcherRegister[] = "dispatcher.register";
// dispatcher.session_end {node, session, reason}: a node's session stream ended (reason = status).
inline constexpr char kDispatcherSessionEnd[] = "dispatcher.session_end";
// dispatcher.invariant {violation}: the hosting manager found the dispatcher's internal state
// inconsistent after a step (Dispatcher::InvariantViolation: "<invariant>: <detail>"). Emitted
// only on a violation, at most once per manager process.
inline constexpr char kDispatcherInvariant[] = "dispatcher.invariant";

// dispatcher.starting {detail}: the dispatcher was started and marks every node UNKNOWN; detail =
// "heartbeat_period=<absl duration>", the heartbeat period its registry uses from then on.
// dispatcher.node.unknown {node, detail}: the starting dispatcher put `node` in UNKNOWN and armed
// its expiry (SwarmKit's markNodesUnknown); detail = "deadline_ns=<local deadline>".
// dispatcher.heartbeat.expired {node, detail}: the node's heartbeat deadline passed and it is
// being marked DOWN; detail = the status message ("heartbeat failure", or 'heartbeat failure for
// node in "unknown" state' when it never heartbeated since it was put in UNKNOWN).
// These three are the dispatcher's own notes (Manager::TraceDispatcherNote), listed here because
// dispatcher.unknown_grace reads them.
inline constexpr char kDispatcherStarting[] = "dispatcher.starting";
inline constexpr char kDispatcherNodeUnknown[] = "dispatcher.node.unknown";
inline constexpr char kDispatcherHeartbeatExpired[] = "dispatcher.heartbeat.expired";

// --- Agent (worker and manager adapters, for the agent on that host) --------------------------
// agent.backoff {backoff_ns, delay_ns, initial_ns, max_ns}: every time the agent begins a new
// session: the current session-failure backoff, the delay drawn from it, and the configured
// initial and max backoff.
inline constexpr char kAgentBackoff[] = "agent.backoff";
// agent.registered {session}: the agent's session registered (first SessionMessage); the backoff
// is reset.
inline constexpr char kAgentRegistered[] = "agent.registered";

// --- Store (manager adapters) ----------------------------------------------------------------
// store.apply {index, store_digest}: the manager's store applied the committed entry at Raft index
// `index` (or was restored from a snapshot at `index`); store_digest = a canonical digest of the
// whole store after it, computed identically on every manager (same objects => same digest; e.g.
// a sum of per-object FNV-1a digests of a deterministic encoding, kept incrementally). An adapter
// may emit it only at some indexes (e.g. index % 64 == 0) if every manager samples alike.
inline constexpr char kStoreApply[] = "store.apply";
// node.status {node, state}: this manager's store applied a node object whose status state is
// new (node created, status changed, or store restored from a snapshot: then for every node).
inline constexpr char kNodeStatus[] = "node.status";

// --- Tasks -------------------------------------------------------------------------------------
// task.assign {task, service, slot, node}: the scheduler on this manager decided to assign a task
// to a node (at the decision, before proposing it).
inline constexpr char kTaskAssign[] = "task.assign";
// task.state {task, service, slot, node, state}: on the worker host executing the task, each time
// the task's local state changes (state = api::TaskState_Name). slot is 0 for global services.
inline constexpr char kTaskState[] = "task.state";

}  // namespace kind

namespace field {
inline constexpr char kIncarnation[] = "incarnation";
inline constexpr char kNode[] = "node";
inline constexpr char kTerm[] = "term";
inline constexpr char kRole[] = "role";
inline constexpr char kLead[] = "lead";
inline constexpr char kIndex[] = "index";
inline constexpr char kDigest[] = "digest";
inline constexpr char kVote[] = "vote";
inline constexpr char kCommit[] = "commit";
inline constexpr char kSnapshotIndex[] = "snapshot_index";
inline constexpr char kSnapshotTerm[] = "snapshot_term";
inline constexpr char kLastIndex[] = "last_index";
inline constexpr char kReason[] = "reason";
inline constexpr char kSession[] = "session";
inline constexpr char kAccepted[] = "accepted";
inline constexpr char kBackoffNs[] = "backoff_ns";
inline constexpr char kDelayNs[] = "delay_ns";
inline constexpr char kInitialNs[] = "initial_ns";
inline constexpr char kMaxNs[] = "max_ns";
inline constexpr char kStoreDigest[] = "store_digest";
inline constexpr char kState[] = "state";
inline constexpr char kTask[] = "task";
inline constexpr char kService[] = "service";
inline constexpr char kSlot[] = "slot";
inline constexpr char kViolation[] = "violation";
inline constexpr char kCandidate[] = "candidate";
inline constexpr char kGranted[] = "granted";
inline constexpr char kPreVote[] = "pre_vote";
inline constexpr char kDetail[] = "detail";
inline constexpr char kOffsetNs[] = "offset_ns";
inline constexpr char kDriftPpm[] = "drift_ppm";
}  // namespace field

// Values of string fields the checkers compare.
inline constexpr char kRoleLeader[] = "leader";
inline constexpr char kRoleFollower[] = "follower";
inline constexpr char kRoleCandidate[] = "candidate";
inline constexpr char kRolePreCandidate[] = "pre-candidate";
inline constexpr char kNodeReady[] = "READY";
inline constexpr char kTaskRunning[] = "TASK_RUNNING";
// dispatcher.register's reason for a registration its dispatcher's Stop released (see there).
inline constexpr char kReleasedByStop[] = "released by stop";

// What the well-formedness check requires of a kind's fields.
enum class FieldType {
  kCount,   // integer >= 0
  kInt,     // any integer (digests)
  kFlag,    // integer 0 or 1
  kString,
};

struct FieldSpec {
  const char* key;
  FieldType type;
};

struct KindSpec {
  const char* kind;
  std::vector<FieldSpec> fields;  // all required; extra fields are allowed
};

// Every kind above with its required fields, in the order of this header.
const std::vector<KindSpec>& KindSpecs();
// The spec of `kind`, or nullptr when the kind is not part of this schema.
const KindSpec* FindKindSpec(absl::string_view kind);

// Kinds outside the checkers' contract that the model also traces and that scenario triggers
// (`step { trigger { event: ... } }`) may name, with the fields they always carry. No checker
// reads them and the well-formedness check does not require them; they are listed so that a
// trigger naming a misspelt kind or field is rejected when the file is loaded, not silently never
// fired. Sorted by kind.
const std::vector<KindSpec>& ObservedKindSpecs();
// The spec of `kind` in KindSpecs() or ObservedKindSpecs(), or nullptr: the kinds a trigger may
// name.
const KindSpec* FindTriggerKind(absl::string_view kind);
// Every kind FindTriggerKind knows, sorted: for "unknown event" messages.
std::vector<std::string> TriggerKindNames();

}  // namespace check
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CHECK_TRACE_SCHEMA_H_
