// RaftNode: one Raft peer as a pure state machine, in the shape of etcd's raft.RawNode (the
// library SwarmKit's managers run). Inputs are method calls (Tick, Step, Propose, ...); outputs
// come out of GetReady() (etcd's Ready()) and are acknowledged with Advance().
//
// It never reads a clock (time is Tick() calls), never draws entropy (the randomized election
// timeout comes from the sim::Prng stream it is given), never does I/O (the host persists and
// sends), and never iterates anything unordered. After every input it runs RaftInvariants
// (always on; a violation aborts with SIM_CHECK).
//
// What it implements: elections with a randomized timeout in [election_tick, 2*election_tick),
// heartbeats every heartbeat_tick, CheckQuorum (leader step-down and follower lease), optional
// PreVote, replication with per-follower progress (probe / replicate / snapshot), flow control
// (max_inflight_msgs, max_size_per_msg), fast backtracking with reject hints, commitment by
// counting replicas of a current-term entry only, snapshots to lagging followers, membership
// change one voter at a time (conf-change entries applied with ApplyConfChange), leadership
// transfer (MsgTimeoutNow), ReportUnreachable / ReportSnapshot.
// Not implemented: learners, joint consensus, ReadIndex / lease reads, proposal forwarding
// (a follower drops proposals, which is SwarmKit's net behaviour: its receivers drop MsgProp).
//
// HOW A HOST ADAPTER DRIVES IT (SwarmKit's Node.Run, reference §4.2), single-threaded:
//   MemoryStorage storage;                        // recovered with durable.h on restart
//   RaftNode node(options, &storage, prng.Fork(stream));
//   every TickInterval (1 s):        node.Tick();
//   on a message from the wire:      node.Step(msg);   // after SwarmKit's filter (§4.6)
//   on a failed send to peer p:      node.ReportUnreachable(p);
//   on a MsgSnap send result:        node.ReportSnapshot(p, /*failure=*/!ok);
//   after any of the above:
//     while (node.HasReady()) {
//       Ready rd = node.GetReady();
//       disk.Append(EncodeReadyRecord(rd)); disk.Sync();      // 1. durable first
//       if (rd.snapshot) storage.ApplySnapshot(*rd.snapshot);
//       storage.Append(rd.entries);
//       if (rd.hard_state) storage.SetHardState(*rd.hard_state);
//       for (Message& m : rd.messages) {                         // 2. then send
//         // SwarmKit stamps its applied configuration on a MsgSnap: a receiver refuses a
//         // snapshot whose configuration does not hold it (a member added since the snapshot).
//         if (m.type == MessageType::kSnap) m.snapshot.metadata.conf_state = node.conf_state();
//         transport.Send(m);
//       }
//       if (rd.snapshot) app.Restore(rd.snapshot->data);          // 3. then apply
//       for (const Entry& e : rd.committed_entries) {
//         if (e.type == EntryType::kConfChange) {
//           ConfChange cc; DecodeConfChange(e.data.view(), &cc);        // wire.h
//           node.ApplyConfChange(cc);   // SwarmKit validates and updates membership first
//         } else {
//           app.Apply(e);
//         }
//         applied = e.index;
//       }
//       if (applied - snapshot_index >= snapshot_interval) {      // SwarmKit §4.8
//         storage.CreateSnapshot(applied, node.conf_state(), app.Save());
//         if (applied > keep) storage.Compact(applied - keep);
//         disk.Rewrite(EncodeCheckpoint(storage));
//       }
//       node.Advance(rd);                                          // 4.
//     }
//   SwarmKit's leadership signal (§4.2 step 10): node.role() == kLeader && node.CaughtUp(),
//   checked after step 3 (applied includes this Ready's committed entries only after Advance,
//   so a host that tracks its own applied index may test applied >= node.last_index()).
//   On restart: MemoryStorage storage; Recover(disk_records, &storage); restore the app from
//   storage.snapshot(); construct RaftNode (committed entries after the snapshot are handed out
//   again by the first Ready). A brand-new cluster's first node calls Bootstrap({self}).
//   Wire: EncodeMessage / DecodeMessage (wire.h) at the transport; drop incoming MsgProp.
#ifndef SWARMSIM_MODEL_RAFT_RAFT_NODE_H_
#define SWARMSIM_MODEL_RAFT_RAFT_NODE_H_

#include <cstdint>
#include <map>
#include <vector>

#include "model/raft/invariants.h"
#include "model/raft/progress.h"
#include "model/raft/quorum.h"
#include "model/raft/raft_log.h"
#include "model/raft/ready.h"
#include "model/raft/storage.h"
#include "model/raft/types.h"
#include "sim/prng.h"

namespace swarmsim {
namespace raft {

// Defaults are SwarmKit's DefaultNodeConfig (reference §0).
struct RaftOptions {
  uint64_t id = kNone;                 // REQUIRES: non-zero.
  int election_tick = 10;              // REQUIRES: > heartbeat_tick.
  int heartbeat_tick = 1;              // REQUIRES: > 0.
  uint64_t max_size_per_msg = 65535;   // Payload bytes per MsgApp (at least one entry is sent).
  int max_inflight_msgs = 256;         // Unacknowledged MsgApp per follower in kReplicate.
  bool check_quorum = true;
  bool pre_vote = false;
  // The application's applied index on restart (0: from the storage snapshot).
  uint64_t applied = 0;
};

enum class StepResult {
  kOk = 0,
  kProposalDropped,     // Not leader, removed, or a leadership transfer is in progress.
  kLocalMessage,        // A local-only message type arrived from the wire: ignored.
  kUnknownPeer,         // A response from a peer not in the configuration: ignored.
};
const char* StepResultName(StepResult result);

class RaftNode {
 public:
  // Restarts from whatever `storage` holds (empty storage: a node waiting to be contacted).
  // REQUIRES: storage outlives the node; the host writes to it only as GetReady() asks (and
  // CreateSnapshot / Compact for applied entries).
  RaftNode(const RaftOptions& options, MemoryStorage* storage, sim::Prng prng);
  RaftNode(const RaftNode&) = delete;
  RaftNode& operator=(const RaftNode&) = delete;

  // A brand-new cluster: commits one AddNode conf-change entry per voter at term 1 (they come
  // out of the next Ready to persist and apply, like etcd's Bootstrap).
  // REQUIRES: empty storage and log; voters non-empty.
  void Bootstrap(const std::vector<uint64_t>& voters);

  // --- Inputs ---
  void Tick();
  StepResult Step(const Message& message);   // A message from the wire.
  void Campaign();
  StepResult Propose(SharedBytes data);
  StepResult ProposeConfChange(const ConfChange& change);
  // Applies a committed conf change (call it for each conf-change entry, in order).
  ConfState ApplyConfChange(const ConfChange& change);
  void TransferLeadership(uint64_t transferee);
  void ReportUnreachable(uint64_t id);
  void ReportSnapshot(uint64_t id, bool failure);

  // --- Outputs ---
  bool HasReady() const;
  // REQUIRES: the previous Ready was Advance()d.
  Ready GetReady();
  void Advance(const Ready& ready);

  // --- Observers ---
  uint64_t id() const { return id_; }
  uint64_t term() const { return term_; }
  uint64_t vote() const { return vote_; }
  uint64_t lead() const { return lead_; }
  RaftRole role() const { return role_; }
  uint64_t commit() const { return log_.committed(); }
  uint64_t applied() const { return log_.applied(); }
  uint64_t last_index() const { return log_.LastIndex(); }
  uint64_t first_index() const { return log_.FirstIndex(); }
  uint64_t last_term() const { return log_.LastTerm(); }
  uint64_t lead_transferee() const { return lead_transferee_; }
  // Term of the entry at index, 0 if unknown (compacted or beyond the end).
  uint64_t TermAt(uint64_t index) const { return log_.TermOrZero(index); }
  HardState hard_state() const;
  SoftState soft_state() const { return SoftState{lead_, role_}; }
  ConfState conf_state() const;
  bool IsVoter(uint64_t id) const { return progress_.count(id) != 0; }
  // Leader only: the progress of a follower, or nullptr.
  const Progress* progress(uint64_t id) const;
  // SwarmKit's caughtUp(): every entry of the log is applied (§4.2 step 10).
  bool CaughtUp() const { return log_.applied() >= log_.LastIndex(); }
  // Entries [lo, hi) for tests and dumps. REQUIRES: lo >= first_index(), hi <= last_index()+1.
  std::vector<Entry> EntriesForTest(uint64_t lo, uint64_t hi) const;

 private:
  // Role transitions.
  void Reset(uint64_t term);
  void BecomeFollower(uint64_t term, uint64_t lead);
  void BecomePreCandidate();
  void BecomeCandidate();
  void BecomeLeader();
  void ResetRandomizedElectionTimeout();

  // Ticks.
  void TickElection();
  void TickHeartbeat();
  bool PastElectionTimeout() const;
  bool Promotable() const { return IsVoter(id_); }

  // Steps (raft_node_step.cc).
  StepResult StepInternal(const Message& m);
  bool StepTermCheck(const Message& m);
  void StepVoteRequest(const Message& m);
  enum class CampaignKind { kPreElection, kElection, kTransfer };
  // Campaigns unless leader, not a voter, or a committed conf change is still unapplied.
  void StepHup(CampaignKind kind);
  StepResult StepLeader(const Message& m);
  void StepLeaderAppResp(const Message& m, Progress& pr);
  void StepLeaderHeartbeatResp(const Message& m, Progress& pr);
  void StepLeaderTransfer(const Message& m);
  StepResult StepLeaderProposal(const Message& m);
  StepResult StepCandidate(const Message& m);
  StepResult StepFollower(const Message& m);
  void HandleAppendEntries(const Message& m);
  void HandleHeartbeat(const Message& m);
  void HandleSnapshot(const Message& m);
  bool Restore(const Snapshot& snapshot);

  // Leader replication (raft_node_replication.cc).
  void Campaign(CampaignKind kind);
  VoteResult Poll(uint64_t id, bool granted);
  void Send(Message m);
  bool SendAppend(uint64_t to, bool send_if_empty);
  void SendHeartbeat(uint64_t to);
  void SendTimeoutNow(uint64_t to);
  void BroadcastAppend();
  void BroadcastHeartbeat();
  bool MaybeCommit();
  void AppendEntries(std::vector<Entry> entries);
  bool CheckQuorumActive();
  void AbortLeaderTransfer() { lead_transferee_ = kNone; }
  bool HasUnappliedConfChange() const;
  void ResetProgress(const std::vector<uint64_t>& voters);
  Progress MakeProgress() const;
  void AfterInput();

  RaftOptions options_;
  uint64_t id_;
  RaftLog log_;
  sim::Prng prng_;

  uint64_t term_ = 0;
  uint64_t vote_ = kNone;
  uint64_t lead_ = kNone;
  RaftRole role_ = RaftRole::kFollower;
  std::map<uint64_t, Progress> progress_;  // Voters. Ordered: sends go out in id order.
  std::map<uint64_t, bool> votes_;
  std::vector<Message> msgs_;
  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_election_timeout_ = 0;
  uint64_t lead_transferee_ = kNone;
  uint64_t pending_conf_index_ = 0;
  std::vector<uint64_t> match_scratch_;  // Reused by MaybeCommit.

  SoftState prev_soft_state_;
  HardState prev_hard_state_;
  RaftView prev_view_;
};

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_RAFT_NODE_H_
