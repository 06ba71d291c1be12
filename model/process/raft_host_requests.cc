// RaftHost: applying committed entries and snapshots, and the requests (proposals, conf
// changes, leadership transfer), reference §4.4-4.5 and §4.8.
#include <algorithm>
#include <string>

#include "model/check/trace_emit.h"
#include "model/process/raft_disk.h"
#include "model/process/raft_host_impl.h"
#include "model/raft/durable.h"
#include "model/raft/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {

using raft_host_internal::Digest;
using raft_host_internal::kErrProposalDropped;
using raft_host_internal::kErrRequestTooLarge;
using raft_host_internal::kMaxTransactionBytes;
using raft_host_internal::kTransferPollKey;
using raft_host_internal::TraceSink;

// ------------------------------------------------------------------------------ applying

void RaftHost::Impl::RestoreFromSnapshot(sim::Context& ctx, const raft::Snapshot& snapshot) {
  api::StoreSnapshot store;
  SIM_CHECK(store.ParseFromString(std::string(snapshot.data.view())));
  // Membership from the snapshot (SwarmKit's restoreFromSnapshot): the members it lists; the IDs
  // it lists as removed are removed for good; any other member this node knew is only cleared
  // (dropped from the member list and the transport, not marked removed). The difference matters
  // to a new member: the snapshot a leader sends it may predate the entry that added it, so it
  // does not list the node itself, and the node must not conclude it was removed (that entry
  // follows the snapshot in the log).
  std::map<uint64_t, api::RaftMember> members;
  for (const api::RaftMember& m : store.members()) members[m.raft_id()] = m;
  for (uint64_t id : store.removed()) {
    removed_ids_.insert(id);
    if (id != opt_.raft_id) transport_->RemovePeer(ctx, id);
  }
  for (const auto& [id, m] : members_) {
    if (members.count(id) != 0 || id == opt_.raft_id) continue;
    transport_->RemovePeer(ctx, id);
  }
  members_ = std::move(members);
  for (const auto& [id, m] : members_) AddPeerFor(ctx, m);
  if (removed_ids_.count(opt_.raft_id) != 0) NodeRemoved();
  applied_ = snapshot.metadata.index;
  snapshot_index_ = snapshot.metadata.index;
  if (cb_.restore) cb_.restore(ctx, snapshot.metadata.index, store);
  if (cb_.membership) cb_.membership(ctx, Members());
}

void RaftHost::Impl::ApplyEntry(sim::Context& ctx, const raft::Entry& e) {
  SIM_CHECK_EQ(e.index, applied_ + 1);
  check::EmitRaftApply(TraceSink{&ctx}, e.index, e.term, Digest(e));
  if (e.type == raft::EntryType::kConfChange) {
    applied_ = e.index;
    ApplyConfChange(ctx, e);
    return;
  }
  applied_ = e.index;
  if (e.data.empty()) return;  // A new leader's empty entry.
  api::InternalRaftRequest request;
  SIM_CHECK(request.ParseFromString(std::string(e.data.view())));
  DoneFn done;
  auto it = waits_.find(request.id());
  if (it != waits_.end()) {
    done = std::move(it->second);
    waits_.erase(it);
  } else {
    // No local waiter (follower, replay, or a leader whose waits were cancelled): SwarmKit
    // cancels every wait defensively before applying.
    CancelAllWaits(ctx, absl::UnknownError(kErrLostLeadership));
    if (stopped_) return;
  }
  if (cb_.apply) cb_.apply(ctx, e.index, request);
  if (done) done(ctx, absl::OkStatus());
}

void RaftHost::Impl::ApplyConfChange(sim::Context& ctx, const raft::Entry& e) {
  raft::ConfChange cc;
  SIM_CHECK(raft::DecodeConfChange(e.data.view(), &cc));
  api::ConfChangeContext context;
  if (!cc.context.empty()) SIM_CHECK(context.ParseFromString(cc.context));
  const uint64_t id = cc.node_id;
  absl::Status result = absl::OkStatus();
  switch (cc.type) {
    case raft::ConfChangeType::kAddNode: {
      if (removed_ids_.count(id) != 0) {
        result = absl::FailedPreconditionError("membership: node was removed during cluster lifetime");
        break;
      }
      if (members_.count(id) != 0) result = absl::AlreadyExistsError("membership: member exists");
      api::RaftMember member =
          context.has_member() ? context.member() : BootstrapMember(id);
      member.set_raft_id(id);
      members_[id] = member;
      AddPeerFor(ctx, member);
      break;
    }
    case raft::ConfChangeType::kRemoveNode:
      if (members_.count(id) == 0) result = absl::NotFoundError("raft: member unknown");
      if (id == node_->lead() && !IsLeader()) campaign_now_ = true;
      if (id == opt_.raft_id) {
        NodeRemoved();
      } else {
        transport_->RemovePeer(ctx, id);
      }
      members_.erase(id);
      removed_ids_.insert(id);
      break;
    case raft::ConfChangeType::kUpdateNode:
      if (members_.count(id) == 0) {
        result = absl::NotFoundError("raft: member unknown");
        break;
      }
      if (id != opt_.raft_id && context.has_member()) {
        members_[id].set_addr(context.member().addr());
        AddPeerFor(ctx, members_[id]);
      }
      break;
  }
  node_->ApplyConfChange(cc);
  if (cb_.membership) cb_.membership(ctx, Members());
  if (stopped_) return;
  auto it = conf_waits_.find(cc.id);
  if (cc.id != 0 && it != conf_waits_.end()) {
    DoneFn done = std::move(it->second.done);
    conf_waits_.erase(it);
    done(ctx, result);
  }
}

void RaftHost::Impl::MaybeSnapshot(sim::Context& ctx) {
  if (opt_.snapshot_interval == 0 || applied_ - snapshot_index_ < opt_.snapshot_interval) return;
  api::StoreSnapshot store;
  if (cb_.save) store = cb_.save();
  store.clear_members();
  store.clear_removed();
  for (const auto& [id, m] : members_) *store.add_members() = m;
  for (uint64_t id : removed_ids_) store.add_removed(id);
  SIM_CHECK(storage_->CreateSnapshot(applied_, node_->conf_state(),
                                     raft::SharedBytes(store.SerializeAsString())) ==
            raft::StorageError::kOk);
  snapshot_index_ = applied_;
  bool compacted = false;
  uint64_t compact_index = 0;
  uint64_t compact_term = 0;
  if (applied_ > opt_.log_entries_for_slow_followers) {
    compact_index = applied_ - opt_.log_entries_for_slow_followers;
    if (compact_index >= storage_->FirstIndex() &&
        storage_->Term(compact_index, &compact_term) == raft::StorageError::kOk) {
      compacted = storage_->Compact(compact_index) == raft::StorageError::kOk;
    }
  }
  // The checkpoint replaces the log on disk (SwarmKit's WAL GC after a snapshot).
  WriteRaftCheckpoint(ctx.disk(), raft::EncodeCheckpoint(*storage_));
  if (compacted) check::EmitRaftCompact(TraceSink{&ctx}, compact_index, compact_term);
}

// ------------------------------------------------------------------------------ requests

void RaftHost::Impl::ProposeValue(sim::Context& ctx, api::InternalRaftRequest request,
                                  DoneFn done) {
  if (!started_ || stopped_ || removed_ || !IsMember(opt_.raft_id)) {
    Defer(ctx, std::move(done), absl::UnknownError(kErrStopped));
    return;
  }
  const uint64_t id = NextRequestId(ctx);
  request.set_id(id);
  if (!signalled_) {
    Defer(ctx, std::move(done), absl::UnknownError(kErrLostLeadership));
    return;
  }
  std::string data = request.SerializeAsString();
  if (data.size() > kMaxTransactionBytes) {
    Defer(ctx, std::move(done), absl::UnknownError(kErrRequestTooLarge));
    return;
  }
  const raft::StepResult result = node_->Propose(raft::SharedBytes(std::move(data)));
  if (result != raft::StepResult::kOk) {
    Defer(ctx, std::move(done), absl::UnknownError(kErrProposalDropped));
    return;
  }
  waits_.emplace(id, std::move(done));
  ScheduleDrive(ctx);
}

void RaftHost::Impl::ProposeConfChange(sim::Context& ctx, const raft::ConfChange& cc,
                                       DoneFn done) {
  if (node_->ProposeConfChange(cc) != raft::StepResult::kOk) {
    Defer(ctx, std::move(done), absl::UnknownError(kErrProposalDropped));
    return;
  }
  conf_waits_[cc.id] = ConfWait{std::move(done), ctx.LocalNow() + req_timeout_};
  ArmConfDeadline(ctx);
  ScheduleDrive(ctx);
}

bool RaftHost::Impl::AcceptLeaderRequest(sim::Context& ctx, DoneFn& done) {
  if (!started_ || stopped_) {
    Defer(ctx, std::move(done), absl::UnknownError(kErrStopped));
    return false;
  }
  if (!IsLeader()) {
    Defer(ctx, std::move(done), absl::FailedPreconditionError(kErrLostLeadership));
    return false;
  }
  return true;
}

void RaftHost::Impl::AddMember(sim::Context& ctx, const api::RaftMember& member, DoneFn done) {
  if (!AcceptLeaderRequest(ctx, done)) return;
  if (member.raft_id() == 0 || removed_ids_.count(member.raft_id()) != 0) {
    Defer(ctx, std::move(done),
          absl::FailedPreconditionError("membership: node was removed during cluster lifetime"));
    return;
  }
  if (IsMember(member.raft_id())) {
    Defer(ctx, std::move(done), absl::AlreadyExistsError("membership: member exists"));
    return;
  }
  api::ConfChangeContext context;
  *context.mutable_member() = member;
  raft::ConfChange cc;
  cc.id = NextRequestId(ctx);
  cc.type = raft::ConfChangeType::kAddNode;
  cc.node_id = member.raft_id();
  cc.context = context.SerializeAsString();
  ProposeConfChange(ctx, cc, std::move(done));
}

void RaftHost::Impl::RemoveMember(sim::Context& ctx, uint64_t raft_id, DoneFn done) {
  if (!AcceptLeaderRequest(ctx, done)) return;
  if (!IsMember(raft_id)) {
    Defer(ctx, std::move(done), absl::NotFoundError("raft: member unknown"));
    return;
  }
  if (!CanRemoveMember(raft_id)) {
    Defer(ctx, std::move(done), absl::FailedPreconditionError(kErrCannotRemoveMember));
    return;
  }
  raft::ConfChange cc;
  cc.id = NextRequestId(ctx);
  cc.type = raft::ConfChangeType::kRemoveNode;
  cc.node_id = raft_id;
  ProposeConfChange(ctx, cc, std::move(done));
}

void RaftHost::Impl::TransferLeadership(sim::Context& ctx, uint64_t to, DoneFn done) {
  if (!AcceptLeaderRequest(ctx, done)) return;
  uint64_t transferee = to;
  if (transferee == 0) {
    const std::optional<uint64_t> longest = transport_->LongestActive();
    if (!longest.has_value()) {
      Defer(ctx, std::move(done),
            absl::FailedPreconditionError(
                "failed to get longest-active member: failed to find longest active peer"));
      return;
    }
    transferee = *longest;
  }
  node_->TransferLeadership(transferee);
  transfers_.push_back(Transfer{std::move(done), ctx.LocalNow() + req_timeout_});
  if (!ctx.TimerPending(kTransferPollKey)) {
    ctx.SetTimer(kTransferPollKey, opt_.tick_interval / 10);
  }
  ScheduleDrive(ctx);
}

bool RaftHost::Impl::CanRemoveMember(uint64_t id) const {
  std::vector<uint64_t> members;
  std::vector<uint64_t> reachable;
  for (const auto& [m, member] : members_) {
    members.push_back(m);
    if (PeerActive(m)) reachable.push_back(m);
  }
  return raft::CanRemoveMember(members, reachable, opt_.raft_id, id);
}

}  // namespace process
}  // namespace swarmsim
