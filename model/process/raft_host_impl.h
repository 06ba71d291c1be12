// RaftHost's implementation class, shared by raft_host.cc (start/stop, timers, the Ready loop,
// transport and receive filter) and raft_host_requests.cc (applying entries, snapshots,
// proposals, conf changes, transfer). Internal to //model/process:raft_host.
#ifndef SWARMSIM_MODEL_PROCESS_RAFT_HOST_IMPL_H_
#define SWARMSIM_MODEL_PROCESS_RAFT_HOST_IMPL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "model/check/trace_emit.h"
#include "model/process/raft_host.h"
#include "model/process/raft_transport.h"
#include "model/raft/raft_node.h"
#include "model/raft/storage.h"
#include "sim/check.h"
#include "sim/context.h"

namespace swarmsim {
namespace process {
namespace raft_host_internal {

using DoneFn = std::function<void(sim::Context&, absl::Status)>;

constexpr sim::TimerKey kTickKey = kRaftTimerBase + 0;
constexpr sim::TimerKey kTransferPollKey = kRaftTimerBase + 1;
constexpr sim::TimerKey kDriveKey = kRaftTimerBase + 2;
constexpr sim::TimerKey kConfDeadlineKey = kRaftTimerBase + 3;
constexpr sim::TimerKey kSyncDoneKey = kRaftTimerBase + 4;

// MaxTransactionBytes (1.5 MiB): larger proposals fail ErrRequestTooLarge.
constexpr std::size_t kMaxTransactionBytes = 3 * 1024 * 1024 / 2;
constexpr char kErrRequestTooLarge[] = "raft: raft message is too large and can't be sent";
constexpr char kErrProposalDropped[] = "raft proposal dropped";

// A check::Sink writing to the host's trace.
struct TraceSink {
  sim::Context* ctx;
  void operator()(absl::string_view kind, absl::Span<const sim::TraceField> fields) const {
    ctx->Trace(kind, fields);
  }
};

inline uint64_t Digest(const raft::Entry& e) { return check::EntryDigest(e.data.view()); }

}  // namespace raft_host_internal

using raft_host_internal::DoneFn;

class RaftHost::Impl {
 public:
  Impl(RaftHostOptions options, Callbacks callbacks, sim::Prng prng)
      : opt_(std::move(options)),
        cb_(std::move(callbacks)),
        prng_(prng),
        self_(std::make_shared<Impl*>(this)) {
    SIM_CHECK_NE(opt_.raft_id, 0u);
    SIM_CHECK(opt_.resolve != nullptr);
    SIM_CHECK(opt_.tick_interval > absl::ZeroDuration());
    req_timeout_ = absl::Seconds(5) + 2 * opt_.election_tick * opt_.tick_interval;
  }
  ~Impl() { *self_ = nullptr; }

  void Start(sim::Context& ctx);
  void Stop(sim::Context& ctx);
  bool HandleTimer(sim::Context& ctx, sim::TimerKey key);
  void HandleRaftMessageCall(sim::Context& ctx, sim::ServerCallId call,
                             const sim::Payload& request);
  void HandleHealthCheckCall(sim::Context& ctx, sim::ServerCallId call);

  void ProposeValue(sim::Context& ctx, api::InternalRaftRequest request, DoneFn done);
  // Membership changes and transfers need a running leader: otherwise fails `done` (from a
  // later event) and returns false.
  bool AcceptLeaderRequest(sim::Context& ctx, DoneFn& done);
  // Proposes `cc` and waits for it to apply (or fails `done` from a later event).
  void ProposeConfChange(sim::Context& ctx, const raft::ConfChange& cc, DoneFn done);
  void AddMember(sim::Context& ctx, const api::RaftMember& member, DoneFn done);
  void RemoveMember(sim::Context& ctx, uint64_t raft_id, DoneFn done);
  void TransferLeadership(sim::Context& ctx, uint64_t to, DoneFn done);

  bool IsLeader() const {
    return !stopped_ && node_ != nullptr && node_->role() == raft::RaftRole::kLeader;
  }
  bool SignalledLeader() const { return signalled_; }
  uint64_t Leader() const { return stopped_ || node_ == nullptr ? 0 : node_->lead(); }
  std::optional<std::string> LeaderAddr() const {
    auto it = members_.find(Leader());
    if (it == members_.end()) return std::nullopt;
    return it->second.addr();
  }
  uint64_t term() const { return node_ == nullptr ? 0 : node_->term(); }
  uint64_t commit() const { return node_ == nullptr ? 0 : node_->commit(); }
  uint64_t applied() const { return applied_; }
  uint64_t last_index() const { return storage_ == nullptr ? 0 : storage_->LastIndex(); }
  uint64_t snapshot_index() const { return snapshot_index_; }
  uint64_t raft_id() const { return opt_.raft_id; }
  int ticks_without_leader() const { return ticks_without_leader_; }
  // The next fsync takes `latency`; one under way keeps its timer.
  void set_sync_latency(absl::Duration latency) { opt_.sync_latency = latency; }
  std::vector<api::RaftMember> Members() const {
    std::vector<api::RaftMember> out;
    for (const auto& [id, m] : members_) out.push_back(m);
    return out;
  }
  bool IsMember(uint64_t id) const { return members_.count(id) != 0; }
  bool PeerActive(uint64_t id) const {
    if (id == opt_.raft_id) return true;
    return transport_ != nullptr && transport_->Active(id);
  }
  bool CanRemoveMember(uint64_t id) const;
  bool removed() const { return removed_; }

 private:
  struct ConfWait {
    DoneFn done;
    sim::Time deadline;
  };
  struct Transfer {
    DoneFn done;
    sim::Time deadline;
  };

  void WriteBootstrap(sim::Context& ctx);
  void Drive(sim::Context& ctx);
  void Tick(sim::Context& ctx);
  // Takes the next Ready and writes it to the disk; finishes it at once unless its sync takes
  // time, in which case it becomes syncing_ until kSyncDoneKey.
  void HandleReady(sim::Context& ctx);
  void OnSyncDone(sim::Context& ctx);
  // Everything after the sync: storage, trace, send, apply, Advance (reference §4.2 steps 2-11).
  void FinishReady(sim::Context& ctx, raft::Ready rd);
  void TraceStateIfChanged(sim::Context& ctx);
  void SendMessage(sim::Context& ctx, raft::Message m);
  // True when a fault point loses `m` before the transport sees it.
  bool LoseBeforeSend(sim::Context& ctx, const raft::Message& m);
  void OnSendResult(sim::Context& ctx, const raft::Message& sent, const sim::RpcStatus& status);
  void RestoreFromSnapshot(sim::Context& ctx, const raft::Snapshot& snapshot);
  void ApplyEntry(sim::Context& ctx, const raft::Entry& e);
  void ApplyConfChange(sim::Context& ctx, const raft::Entry& e);
  void MaybeSnapshot(sim::Context& ctx);
  void AddPeerFor(sim::Context& ctx, const api::RaftMember& member);
  api::RaftMember BootstrapMember(uint64_t id) const;
  void NodeRemoved() { removed_pending_ = true; }
  void DeliverRemoved(sim::Context& ctx);
  void StepVoteAfterHealthCheck(sim::Context& ctx, sim::ServerCallId call,
                                std::shared_ptr<const raft::Message> m, bool healthy);

  void Defer(sim::Context& ctx, DoneFn done, absl::Status status);
  void ScheduleDrive(sim::Context& ctx);
  void CancelAllWaits(sim::Context& ctx, const absl::Status& status);
  void ArmConfDeadline(sim::Context& ctx);
  void OnConfDeadline(sim::Context& ctx);
  void OnTransferPoll(sim::Context& ctx);
  uint64_t NextRequestId(sim::Context& ctx);

  RaftHostOptions opt_;
  Callbacks cb_;
  sim::Prng prng_;
  absl::Duration req_timeout_;

  std::unique_ptr<raft::MemoryStorage> storage_;
  std::unique_ptr<raft::RaftNode> node_;
  std::unique_ptr<RaftTransport> transport_;

  std::map<uint64_t, api::RaftMember> members_;
  std::set<uint64_t> removed_ids_;
  std::map<uint64_t, sim::HostId> learned_hosts_;  // Senders that are not (yet) members.

  bool started_ = false;
  bool stopped_ = false;
  bool removed_ = false;
  bool removed_pending_ = false;
  bool was_leader_ = false;
  bool signalled_ = false;
  bool campaign_when_able_ = false;
  bool campaign_now_ = false;
  bool in_drive_ = false;
  // The Ready whose WAL sync is in flight: written, not yet durable, nothing of it sent or
  // applied. No other Ready is taken until it is finished (etcd: one Ready per Advance).
  std::optional<raft::Ready> syncing_;
  // A tick fell inside the sync: taken when the sync completes.
  bool tick_missed_ = false;
  uint64_t applied_ = 0;
  uint64_t snapshot_index_ = 0;
  int ticks_without_leader_ = 0;
  uint32_t next_request_ = 0;

  std::map<uint64_t, DoneFn> waits_;           // Proposals, by request id.
  std::map<uint64_t, ConfWait> conf_waits_;    // Conf changes, by change id.
  std::vector<Transfer> transfers_;
  std::vector<std::pair<DoneFn, absl::Status>> deferred_;
  std::vector<std::pair<uint64_t, bool>> unreachable_;  // (peer, was a MsgSnap) this Ready.

  // What the trace last said (raft.state, raft.commit).
  bool traced_state_ = false;
  uint64_t traced_term_ = 0;
  uint64_t traced_lead_ = 0;
  raft::RaftRole traced_role_ = raft::RaftRole::kFollower;
  uint64_t traced_commit_ = 0;

  // Kernel callbacks (RPC handlers) hold a weak copy: null after destruction.
  std::shared_ptr<Impl*> self_;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_RAFT_HOST_IMPL_H_
