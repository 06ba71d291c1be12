// RaftHost: SwarmKit's manager/state/raft Node.Run around model/raft's RaftNode (reference §4).
#include "model/process/raft_host.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "model/check/trace_emit.h"
#include "model/process/raft_disk.h"
#include "model/process/raft_host_impl.h"
#include "model/process/raft_transport.h"
#include "model/process/wire.h"
#include "model/raft/durable.h"
#include "model/raft/raft_node.h"
#include "model/raft/storage.h"
#include "model/raft/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {

using raft_host_internal::Digest;
using raft_host_internal::kConfDeadlineKey;
using raft_host_internal::kDriveKey;
using raft_host_internal::kSyncDoneKey;
using raft_host_internal::kTickKey;
using raft_host_internal::kTransferPollKey;
using raft_host_internal::TraceSink;

// ------------------------------------------------------------------------------ start / stop

void RaftHost::Impl::Start(sim::Context& ctx) {
  SIM_CHECK(!started_);
  started_ = true;
  storage_ = std::make_unique<raft::MemoryStorage>();
  const std::vector<std::string> records = LoadRaftRecords(ctx.disk());
  const absl::Status status = raft::Recover(records, storage_.get());
  SIM_CHECK_MSG(status.ok(), status.ToString());

  // raft.restart + raft.recovered: what the disk held.
  const raft::HardState& hs = storage_->hard_state();
  const raft::Snapshot& snap = storage_->snapshot();
  check::RaftRecovery recovery;
  recovery.term = hs.term;
  recovery.vote = hs.vote;
  recovery.commit = hs.commit;
  recovery.snapshot_index = snap.metadata.index;
  recovery.snapshot_term = snap.metadata.term;
  recovery.last_index = storage_->LastIndex();
  check::EmitRaftRestart(TraceSink{&ctx}, recovery);
  for (const raft::Entry& e : storage_->AllEntries()) {
    check::EmitRaftRecovered(TraceSink{&ctx}, e.index, e.term, Digest(e));
  }
  traced_commit_ = hs.commit;

  RaftTransportOptions topt;
  topt.self = opt_.raft_id;
  topt.send_timeout = opt_.send_timeout;
  topt.peer_queue_max = opt_.peer_queue_max;
  transport_ = std::make_unique<RaftTransport>(
      topt, [this](sim::Context& c, const raft::Message& sent, const sim::RpcStatus& s) {
        OnSendResult(c, sent, s);
      });

  if (!snap.IsEmpty()) {
    RestoreFromSnapshot(ctx, snap);
  } else {
    for (const api::RaftMember& m : opt_.initial_members) {
      if (m.raft_id() == 0) continue;
      members_[m.raft_id()] = m;
      AddPeerFor(ctx, m);
    }
  }
  if (records.empty() && opt_.bootstrap) WriteBootstrap(ctx);

  raft::RaftOptions ropt;
  ropt.id = opt_.raft_id;
  ropt.election_tick = opt_.election_tick;
  ropt.heartbeat_tick = opt_.heartbeat_tick;
  ropt.max_size_per_msg = opt_.max_size_per_msg;
  ropt.max_inflight_msgs = static_cast<int>(opt_.max_inflight_msgs);
  ropt.check_quorum = opt_.check_quorum;
  ropt.pre_vote = opt_.pre_vote;
  node_ = std::make_unique<raft::RaftNode>(ropt, storage_.get(), prng_.Fork(1));
  TraceStateIfChanged(ctx);

  if (opt_.serve_rpcs) {
    std::weak_ptr<Impl*> weak = self_;
    ctx.Serve(kRaftMessageMethod,
              [weak](sim::Context& c, sim::ServerCallId call, const sim::Payload& request) {
                std::shared_ptr<Impl*> self = weak.lock();
                if (self == nullptr || *self == nullptr) {
                  c.Reply(call, sim::RpcStatus::Error(sim::StatusCode::kUnavailable, kErrStopped));
                  return;
                }
                (*self)->HandleRaftMessageCall(c, call, request);
              });
    ctx.Serve(kHealthMethod, [weak](sim::Context& c, sim::ServerCallId call, const sim::Payload&) {
      std::shared_ptr<Impl*> self = weak.lock();
      if (self == nullptr || *self == nullptr) {
        c.Reply(call, sim::RpcStatus::Error(sim::StatusCode::kUnavailable, kErrStopped));
        return;
      }
      (*self)->HandleHealthCheckCall(c, call);
    });
  }
  // SwarmKit campaigns at once when it is the only member (moby#24077), first start or restart.
  campaign_when_able_ = true;
  if (cb_.membership) cb_.membership(ctx, Members());
  ctx.SetTimer(kTickKey, opt_.tick_interval);
  Drive(ctx);
}

api::RaftMember RaftHost::Impl::BootstrapMember(uint64_t id) const {
  for (const api::RaftMember& m : opt_.initial_members) {
    if (m.raft_id() == id) return m;
  }
  api::RaftMember member;
  member.set_raft_id(id);
  if (id == opt_.raft_id) {
    member.set_node_id(opt_.node_id);
    member.set_addr(opt_.addr);
  }
  return member;
}

// A brand-new cluster: one committed AddNode entry per initial member (self included) at term 1,
// each carrying its RaftMember, written and synced before the node starts (etcd's StartNode).
// Every bootstrapping member writes the same entries.
void RaftHost::Impl::WriteBootstrap(sim::Context& ctx) {
  std::set<uint64_t> ids;
  for (const api::RaftMember& m : opt_.initial_members) {
    if (m.raft_id() != 0) ids.insert(m.raft_id());
  }
  ids.insert(opt_.raft_id);
  raft::Ready rd;
  for (uint64_t id : ids) {
    api::ConfChangeContext context;
    *context.mutable_member() = BootstrapMember(id);
    raft::ConfChange cc;
    cc.type = raft::ConfChangeType::kAddNode;
    cc.node_id = id;
    cc.context = context.SerializeAsString();
    raft::Entry e;
    e.term = 1;
    e.index = rd.entries.size() + 1;
    e.type = raft::EntryType::kConfChange;
    e.data = raft::SharedBytes(raft::EncodeConfChange(cc));
    rd.entries.push_back(std::move(e));
  }
  raft::HardState hs;
  hs.term = 1;
  hs.commit = rd.entries.size();
  rd.hard_state = hs;
  AppendRaftRecord(ctx.disk(), raft::EncodeReadyRecord(rd));
  ctx.disk().Sync();
  storage_->Append(rd.entries);
  storage_->SetHardState(hs);
  for (const raft::Entry& e : rd.entries) {
    check::EmitRaftAppend(TraceSink{&ctx}, e.index, e.term, Digest(e));
  }
  check::EmitRaftCommit(TraceSink{&ctx}, hs.commit, hs.term);
  traced_commit_ = hs.commit;
}

void RaftHost::Impl::Stop(sim::Context& ctx) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  was_leader_ = false;
  signalled_ = false;
  // If the process outlives this Raft (demotion), the trace must not keep it leading.
  if (traced_role_ != raft::RaftRole::kFollower || traced_lead_ != raft::kNone) {
    traced_role_ = raft::RaftRole::kFollower;
    traced_lead_ = raft::kNone;
    check::EmitRaftState(TraceSink{&ctx}, opt_.raft_id, traced_term_,
                         raft::RaftRoleName(traced_role_), traced_lead_);
  }
  for (sim::TimerKey key :
       {kTickKey, kTransferPollKey, kDriveKey, kConfDeadlineKey, kSyncDoneKey}) {
    ctx.CancelTimer(key);
  }
  // A Ready still syncing is abandoned: its writes stay on the disk (a graceful stop loses
  // nothing the OS holds), nothing of it is sent or applied.
  syncing_.reset();
  tick_missed_ = false;
  transport_->Stop(ctx);
  // Everything still waiting learns that the node stopped, now (the context dies with OnStop).
  std::vector<std::pair<DoneFn, absl::Status>> deferred;
  deferred.swap(deferred_);
  for (auto& [done, status] : deferred) done(ctx, status);
  CancelAllWaits(ctx, absl::UnknownError(kErrStopped));
  std::vector<Transfer> transfers;
  transfers.swap(transfers_);
  for (Transfer& t : transfers) t.done(ctx, absl::UnknownError(kErrStopped));
}

// ------------------------------------------------------------------------------ timers

bool RaftHost::Impl::HandleTimer(sim::Context& ctx, sim::TimerKey key) {
  if (key < kRaftTimerBase || key >= kRaftTimerBase + kRaftTimerSpan) return false;
  if (stopped_ || node_ == nullptr) return true;
  switch (key) {
    case kTickKey:
      ctx.SetTimer(kTickKey, opt_.tick_interval);
      if (syncing_.has_value()) {
        tick_missed_ = true;  // The Run loop is inside saveToStorage; the ticker keeps one tick.
      } else {
        Tick(ctx);
      }
      break;
    case kSyncDoneKey:
      OnSyncDone(ctx);
      break;
    case kTransferPollKey:
      OnTransferPoll(ctx);
      break;
    case kDriveKey: {
      std::vector<std::pair<DoneFn, absl::Status>> deferred;
      deferred.swap(deferred_);
      for (auto& [done, status] : deferred) {
        done(ctx, status);
        if (stopped_) return true;
      }
      Drive(ctx);
      break;
    }
    case kConfDeadlineKey:
      OnConfDeadline(ctx);
      break;
    default:
      break;
  }
  return true;
}

void RaftHost::Impl::ScheduleDrive(sim::Context& ctx) {
  if (stopped_) return;
  if (!ctx.TimerPending(kDriveKey)) ctx.SetTimer(kDriveKey, absl::ZeroDuration());
}

void RaftHost::Impl::Defer(sim::Context& ctx, DoneFn done, absl::Status status) {
  if (stopped_) {
    done(ctx, std::move(status));
    return;
  }
  deferred_.emplace_back(std::move(done), std::move(status));
  ScheduleDrive(ctx);
}

void RaftHost::Impl::CancelAllWaits(sim::Context& ctx, const absl::Status& status) {
  std::map<uint64_t, DoneFn> waits;
  waits.swap(waits_);
  std::map<uint64_t, ConfWait> conf_waits;
  conf_waits.swap(conf_waits_);
  for (auto& [id, done] : waits) done(ctx, status);
  for (auto& [id, wait] : conf_waits) wait.done(ctx, status);
}

void RaftHost::Impl::ArmConfDeadline(sim::Context& ctx) {
  if (conf_waits_.empty() || stopped_) return;
  sim::Time earliest = sim::Time::Max();
  for (const auto& [id, wait] : conf_waits_) earliest = std::min(earliest, wait.deadline);
  ctx.SetTimerAt(kConfDeadlineKey, earliest);
}

void RaftHost::Impl::OnConfDeadline(sim::Context& ctx) {
  const sim::Time now = ctx.LocalNow();
  std::vector<DoneFn> expired;
  for (auto it = conf_waits_.begin(); it != conf_waits_.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(std::move(it->second.done));
      it = conf_waits_.erase(it);
    } else {
      ++it;
    }
  }
  for (DoneFn& done : expired) done(ctx, absl::DeadlineExceededError("context deadline exceeded"));
  ArmConfDeadline(ctx);
}

void RaftHost::Impl::OnTransferPoll(sim::Context& ctx) {
  const uint64_t lead = Leader();
  const bool moved = lead != raft::kNone && lead != opt_.raft_id;
  const sim::Time now = ctx.LocalNow();
  std::vector<std::pair<DoneFn, absl::Status>> finished;
  std::vector<Transfer> pending;
  for (Transfer& t : transfers_) {
    if (moved) {
      finished.emplace_back(std::move(t.done), absl::OkStatus());
    } else if (t.deadline <= now) {
      finished.emplace_back(std::move(t.done),
                            absl::DeadlineExceededError("context deadline exceeded"));
    } else {
      pending.push_back(std::move(t));
    }
  }
  transfers_.swap(pending);
  if (!transfers_.empty()) ctx.SetTimer(kTransferPollKey, opt_.tick_interval / 10);
  for (auto& [done, status] : finished) done(ctx, status);
}

uint64_t RaftHost::Impl::NextRequestId(sim::Context& ctx) {
  // SwarmKit's idutil generator: member id prefix, then a per-start counter. The incarnation
  // keeps ids of a restarted node from matching its earlier proposals.
  ++next_request_;
  return ((opt_.raft_id & 0xffff) << 48) | ((ctx.incarnation() & 0xffff) << 32) | next_request_;
}

// ------------------------------------------------------------------------------ Ready loop

void RaftHost::Impl::Drive(sim::Context& ctx) {
  if (in_drive_ || stopped_ || node_ == nullptr) return;
  in_drive_ = true;
  while (!stopped_ && !syncing_.has_value() && node_->HasReady()) HandleReady(ctx);
  in_drive_ = false;
  if (!stopped_ && removed_pending_) DeliverRemoved(ctx);
}

void RaftHost::Impl::Tick(sim::Context& ctx) {
  node_->Tick();
  ticks_without_leader_ = node_->lead() == raft::kNone ? ticks_without_leader_ + 1 : 0;
  Drive(ctx);
}

void RaftHost::Impl::DeliverRemoved(sim::Context& ctx) {
  removed_pending_ = false;
  if (removed_) return;
  removed_ = true;
  if (cb_.removed) cb_.removed(ctx);
}

void RaftHost::Impl::TraceStateIfChanged(sim::Context& ctx) {
  const uint64_t term = node_->term();
  const uint64_t lead = node_->lead();
  const raft::RaftRole role = node_->role();
  if (traced_state_ && term == traced_term_ && lead == traced_lead_ && role == traced_role_) {
    return;
  }
  traced_state_ = true;
  traced_term_ = term;
  traced_lead_ = lead;
  traced_role_ = role;
  check::EmitRaftState(TraceSink{&ctx}, opt_.raft_id, term, raft::RaftRoleName(role), lead);
}

void RaftHost::Impl::HandleReady(sim::Context& ctx) {
  raft::Ready rd = node_->GetReady();
  TraceStateIfChanged(ctx);

  // 1. Persist, durably when the Ready requires it (etcd's MustSync, or a snapshot), before
  // anything is sent. The WAL write lands at once; the fsync takes sync_latency, during which
  // nothing of this Ready is visible outside the disk's volatile layer.
  const bool durable = raft::HasDurableContent(rd);
  if (durable) AppendRaftRecord(ctx.disk(), raft::EncodeReadyRecord(rd));
  if (durable && (rd.must_sync || rd.snapshot.has_value())) {
    if (opt_.sync_latency > absl::ZeroDuration()) {
      syncing_ = std::move(rd);
      ctx.SetTimer(kSyncDoneKey, opt_.sync_latency);
      return;
    }
    ctx.disk().Sync();
  }
  FinishReady(ctx, std::move(rd));
}

void RaftHost::Impl::OnSyncDone(sim::Context& ctx) {
  if (!syncing_.has_value()) return;
  ctx.disk().Sync();
  raft::Ready rd = std::move(*syncing_);
  syncing_.reset();
  // Callbacks made while finishing must not start the next Ready from inside this one.
  in_drive_ = true;
  FinishReady(ctx, std::move(rd));
  in_drive_ = false;
  if (stopped_) return;
  if (tick_missed_) {
    tick_missed_ = false;
    Tick(ctx);
  }
  Drive(ctx);
}

void RaftHost::Impl::FinishReady(sim::Context& ctx, raft::Ready rd) {
  if (rd.snapshot.has_value()) {
    SIM_CHECK(storage_->ApplySnapshot(*rd.snapshot) == raft::StorageError::kOk);
    check::EmitRaftSnapshot(TraceSink{&ctx}, rd.snapshot->metadata.index,
                            rd.snapshot->metadata.term);
  }
  if (!rd.entries.empty()) {
    storage_->Append(rd.entries);
    for (const raft::Entry& e : rd.entries) {
      check::EmitRaftAppend(TraceSink{&ctx}, e.index, e.term, Digest(e));
    }
  }
  if (rd.hard_state.has_value()) {
    storage_->SetHardState(*rd.hard_state);
    if (rd.hard_state->commit > traced_commit_) {
      traced_commit_ = rd.hard_state->commit;
      check::EmitRaftCommit(TraceSink{&ctx}, rd.hard_state->commit, rd.hard_state->term);
    }
  }

  // 2. Send.
  for (raft::Message& m : rd.messages) SendMessage(ctx, std::move(m));

  // 3. Install a snapshot from the leader.
  if (rd.snapshot.has_value()) RestoreFromSnapshot(ctx, *rd.snapshot);

  // 4. Leadership transitions: the flag first, then the waits (SwarmKit's order).
  if (rd.soft_state.has_value()) {
    const bool leader_now = rd.soft_state->role == raft::RaftRole::kLeader;
    if (was_leader_ && !leader_now) {
      was_leader_ = false;
      if (signalled_) {
        signalled_ = false;
        if (cb_.leadership) cb_.leadership(ctx, false);
        if (stopped_) return;
      }
      CancelAllWaits(ctx, absl::UnknownError(kErrLostLeadership));
      if (stopped_) return;
    } else if (!was_leader_ && leader_now) {
      was_leader_ = true;
    }
  }

  // 5. Apply committed entries.
  for (const raft::Entry& e : rd.committed_entries) {
    ApplyEntry(ctx, e);
    if (stopped_) return;
  }

  // 6. Own snapshot every snapshot_interval applied entries.
  MaybeSnapshot(ctx);

  // 7. SwarmKit's leadership signal: leader and caught up.
  if (was_leader_ && !signalled_ && applied_ >= storage_->LastIndex()) {
    signalled_ = true;
    if (cb_.leadership) cb_.leadership(ctx, true);
    if (stopped_) return;
  }

  // 8. Advance, then the inputs this Ready produced.
  node_->Advance(rd);
  std::vector<std::pair<uint64_t, bool>> unreachable;
  unreachable.swap(unreachable_);
  for (const auto& [id, snap] : unreachable) {
    node_->ReportUnreachable(id);
    if (snap) node_->ReportSnapshot(id, /*failure=*/true);
  }
  if (campaign_now_) {
    campaign_now_ = false;
    if (!removed_ && !removed_pending_) node_->Campaign();
  }
  if (!was_leader_ && campaign_when_able_ && !members_.empty()) {
    campaign_when_able_ = false;
    if (members_.size() == 1 && members_.count(opt_.raft_id) != 0) node_->Campaign();
  }
}

// ------------------------------------------------------------------------------ transport

void RaftHost::Impl::AddPeerFor(sim::Context& ctx, const api::RaftMember& member) {
  if (member.raft_id() == opt_.raft_id) return;
  sim::HostId host = opt_.resolve(member.addr());
  if (host == sim::kNoHost) {
    auto it = learned_hosts_.find(member.raft_id());
    if (it == learned_hosts_.end()) return;
    host = it->second;
  }
  transport_->AddPeer(ctx, member.raft_id(), host);
}

void RaftHost::Impl::SendMessage(sim::Context& ctx, raft::Message m) {
  // "refusing to send message to removed member".
  if (removed_ids_.count(m.to) != 0) return;
  const uint64_t to = m.to;
  const bool snap = m.type == raft::MessageType::kSnap;
  // SwarmKit's send stamps its applied configuration on a MsgSnap: a member added after the
  // snapshot was taken must find itself in it, or Raft refuses the snapshot.
  if (snap) m.snapshot.metadata.conf_state = node_->conf_state();
  if (!transport_->HasPeer(to)) {
    // Not a member this node knows (e.g. a leader it has not learned of yet): SwarmKit resolves
    // the address through a peer; the host that called from that id will do.
    auto it = learned_hosts_.find(to);
    if (it == learned_hosts_.end()) {
      unreachable_.emplace_back(to, snap);
      return;
    }
    transport_->AddPeer(ctx, to, it->second);
  }
  if (m.type == raft::MessageType::kVoteResp || m.type == raft::MessageType::kPreVoteResp) {
    // The answer is decided and leaves now (its Ready was synced first: FinishReady runs after
    // the sync); the fault point below may still lose it on the way.
    check::EmitRaftVote(TraceSink{&ctx}, m.term, to, !m.reject,
                        m.type == raft::MessageType::kPreVoteResp);
  }
  if (LoseBeforeSend(ctx, m)) {
    // As when the transport refuses a message (queue full): Raft hears the peer is unreachable.
    unreachable_.emplace_back(to, snap);
    return;
  }
  if (!transport_->Send(ctx, std::move(m))) unreachable_.emplace_back(to, snap);
}

bool RaftHost::Impl::LoseBeforeSend(sim::Context& ctx, const raft::Message& m) {
  // Fault points (model/faultpoints/catalog.h): a message of these kinds lost on the way out.
  switch (m.type) {
    case raft::MessageType::kApp:
      return ctx.Buggify("raft.drop_append");
    case raft::MessageType::kAppResp:
      return ctx.Buggify("raft.append_response_lost");
    case raft::MessageType::kHeartbeat:
      return ctx.Buggify("raft.heartbeat_lost");
    case raft::MessageType::kSnap:
      return ctx.Buggify("raft.snapshot_send_fails");
    case raft::MessageType::kVoteResp:
    case raft::MessageType::kPreVoteResp:
      return ctx.Buggify("raft.vote_response_lost");
    default:
      return false;
  }
}

void RaftHost::Impl::OnSendResult(sim::Context& ctx, const raft::Message& sent,
                                  const sim::RpcStatus& status) {
  if (stopped_) return;
  const bool snap = sent.type == raft::MessageType::kSnap;
  if (status.ok()) {
    if (snap) node_->ReportSnapshot(sent.to, /*failure=*/false);
  } else {
    if (status.code == sim::StatusCode::kNotFound && status.message == kErrMemberRemoved) {
      NodeRemoved();
    }
    node_->ReportUnreachable(sent.to);
    if (snap) node_->ReportSnapshot(sent.to, /*failure=*/true);
  }
  Drive(ctx);
  if (!stopped_ && removed_pending_) DeliverRemoved(ctx);
}

void RaftHost::Impl::HandleHealthCheckCall(sim::Context& ctx, sim::ServerCallId call) {
  if (stopped_) {
    ctx.Reply(call, sim::RpcStatus::Error(sim::StatusCode::kUnavailable, kErrStopped));
    return;
  }
  ctx.Reply(call, sim::RpcStatus::Ok());
}

void RaftHost::Impl::HandleRaftMessageCall(sim::Context& ctx, sim::ServerCallId call,
                                           const sim::Payload& request) {
  if (stopped_ || node_ == nullptr) {
    ctx.Reply(call, sim::RpcStatus::Error(sim::StatusCode::kUnavailable, kErrStopped));
    return;
  }
  if (!request.Holds<raft::Message>()) {
    ctx.Reply(call, sim::RpcStatus::Error(sim::StatusCode::kInvalidArgument, "not a raft message"));
    return;
  }
  const raft::Message& m = request.As<raft::Message>();
  // §4.6 filter, in SwarmKit's order.
  if (removed_ids_.count(m.from) != 0) {
    ctx.Reply(call, sim::RpcStatus::Error(sim::StatusCode::kNotFound, kErrMemberRemoved));
    return;
  }
  if (members_.count(m.from) == 0 && ctx.ServerCallOpen(call)) {
    learned_hosts_[m.from] = ctx.ServerCallPeer(call);
  }
  if (m.type == raft::MessageType::kVote) {
    if (members_.count(m.from) == 0) {
      ctx.Reply(call, sim::RpcStatus::Ok());
      return;
    }
    if (opt_.vote_health_check) {
      std::shared_ptr<const raft::Message> shared = request.Share<raft::Message>();
      std::weak_ptr<Impl*> weak = self_;
      transport_->HealthCheck(ctx, m.from, [weak, call, shared](sim::Context& c, bool healthy) {
        std::shared_ptr<Impl*> self = weak.lock();
        if (self == nullptr || *self == nullptr) return;
        (*self)->StepVoteAfterHealthCheck(c, call, shared, healthy);
      });
      return;
    }
  }
  if (m.type == raft::MessageType::kProp || m.to != opt_.raft_id) {
    ctx.Reply(call, sim::RpcStatus::Ok());
    return;
  }
  node_->Step(m);
  ctx.Reply(call, sim::RpcStatus::Ok());
  Drive(ctx);
}

void RaftHost::Impl::StepVoteAfterHealthCheck(sim::Context& ctx, sim::ServerCallId call,
                                              std::shared_ptr<const raft::Message> m,
                                              bool healthy) {
  if (stopped_) return;
  // A vote is counted only if the candidate is reachable back (asymmetric partitions).
  if (healthy && ctx.Buggify("raft.vote_health_check_fails")) healthy = false;
  if (healthy && m->to == opt_.raft_id && removed_ids_.count(m->from) == 0) node_->Step(*m);
  ctx.Reply(call, sim::RpcStatus::Ok());
  Drive(ctx);
}

// ------------------------------------------------------------------------------ router

void RaftRpcRouter::Serve(sim::Context& ctx) {
  ctx.Serve(kRaftMessageMethod,
            [this](sim::Context& c, sim::ServerCallId call, const sim::Payload& request) {
              if (target_ == nullptr) {
                c.Reply(call, sim::RpcStatus::Error(sim::StatusCode::kUnavailable, kErrStopped));
                return;
              }
              target_->HandleRaftMessageCall(c, call, request);
            });
  ctx.Serve(kHealthMethod,
            [this](sim::Context& c, sim::ServerCallId call, const sim::Payload& request) {
              if (target_ == nullptr) {
                c.Reply(call, serving_without_target_
                                  ? sim::RpcStatus::Ok()
                                  : sim::RpcStatus::Error(sim::StatusCode::kUnavailable,
                                                          kErrStopped));
                return;
              }
              target_->HandleHealthCheckCall(c, call, request);
            });
}

// ------------------------------------------------------------------------------ RaftHost

RaftHost::RaftHost(RaftHostOptions options, Callbacks callbacks, sim::Prng prng)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(callbacks), prng)) {}
RaftHost::~RaftHost() = default;

void RaftHost::Start(sim::Context& ctx) { impl_->Start(ctx); }
void RaftHost::Stop(sim::Context& ctx) { impl_->Stop(ctx); }
bool RaftHost::HandleTimer(sim::Context& ctx, sim::TimerKey key) {
  return impl_->HandleTimer(ctx, key);
}
void RaftHost::HandleRaftMessageCall(sim::Context& ctx, sim::ServerCallId call,
                                     const sim::Payload& request) {
  impl_->HandleRaftMessageCall(ctx, call, request);
}
void RaftHost::HandleHealthCheckCall(sim::Context& ctx, sim::ServerCallId call,
                                     const sim::Payload& request) {
  (void)request;
  impl_->HandleHealthCheckCall(ctx, call);
}
void RaftHost::WipeState(sim::Context& ctx, absl::string_view reason) {
  WipeRaftState(ctx.disk());
  check::EmitRaftWipe(TraceSink{&ctx}, reason);
}
void RaftHost::ProposeValue(sim::Context& ctx, api::InternalRaftRequest request,
                            std::function<void(sim::Context&, absl::Status)> done) {
  impl_->ProposeValue(ctx, std::move(request), std::move(done));
}
void RaftHost::AddMember(sim::Context& ctx, const api::RaftMember& member,
                         std::function<void(sim::Context&, absl::Status)> done) {
  impl_->AddMember(ctx, member, std::move(done));
}
void RaftHost::RemoveMember(sim::Context& ctx, uint64_t raft_id,
                            std::function<void(sim::Context&, absl::Status)> done) {
  impl_->RemoveMember(ctx, raft_id, std::move(done));
}
void RaftHost::TransferLeadership(sim::Context& ctx, uint64_t to,
                                  std::function<void(sim::Context&, absl::Status)> done) {
  impl_->TransferLeadership(ctx, to, std::move(done));
}

bool RaftHost::IsLeader() const { return impl_->IsLeader(); }
bool RaftHost::SignalledLeader() const { return impl_->SignalledLeader(); }
uint64_t RaftHost::Leader() const { return impl_->Leader(); }
std::optional<std::string> RaftHost::LeaderAddr() const { return impl_->LeaderAddr(); }
uint64_t RaftHost::term() const { return impl_->term(); }
uint64_t RaftHost::commit() const { return impl_->commit(); }
uint64_t RaftHost::applied() const { return impl_->applied(); }
uint64_t RaftHost::last_index() const { return impl_->last_index(); }
uint64_t RaftHost::snapshot_index() const { return impl_->snapshot_index(); }
uint64_t RaftHost::raft_id() const { return impl_->raft_id(); }
int RaftHost::ticks_without_leader() const { return impl_->ticks_without_leader(); }
void RaftHost::SetSyncLatency(absl::Duration latency) { impl_->set_sync_latency(latency); }
std::vector<api::RaftMember> RaftHost::Members() const { return impl_->Members(); }
bool RaftHost::IsMember(uint64_t raft_id) const { return impl_->IsMember(raft_id); }
bool RaftHost::PeerActive(uint64_t raft_id) const { return impl_->PeerActive(raft_id); }
bool RaftHost::CanRemoveMember(uint64_t raft_id) const { return impl_->CanRemoveMember(raft_id); }
bool RaftHost::removed() const { return impl_->removed(); }

}  // namespace process
}  // namespace swarmsim
