// RaftNode: construction, role transitions, ticks, the Ready/Advance cycle and the public inputs.
// Message handling is in raft_node_step.cc, replication in raft_node_replication.cc.
#include "model/raft/raft_node.h"

#include <algorithm>

#include "model/raft/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace raft {

const char* RaftRoleName(RaftRole role) {
  switch (role) {
    case RaftRole::kFollower: return "follower";
    case RaftRole::kCandidate: return "candidate";
    case RaftRole::kLeader: return "leader";
    case RaftRole::kPreCandidate: return "pre-candidate";
  }
  return "unknown";
}

const char* StepResultName(StepResult result) {
  switch (result) {
    case StepResult::kOk: return "ok";
    case StepResult::kProposalDropped: return "proposal dropped";
    case StepResult::kLocalMessage: return "local message from the wire";
    case StepResult::kUnknownPeer: return "unknown peer";
  }
  return "unknown";
}

RaftNode::RaftNode(const RaftOptions& options, MemoryStorage* storage, sim::Prng prng)
    : options_(options), id_(options.id), log_(storage), prng_(prng) {
  SIM_CHECK_NE(id_, kNone);
  SIM_CHECK_GT(options_.heartbeat_tick, 0);
  SIM_CHECK_GT(options_.election_tick, options_.heartbeat_tick);
  SIM_CHECK_GT(options_.max_inflight_msgs, 0);
  const HardState& hs = storage->hard_state();
  ResetProgress(storage->conf_state().voters);
  if (!hs.IsEmpty()) {
    // The persisted commit can only cover persisted entries (the host writes them first).
    SIM_CHECK_LE(hs.commit, log_.LastIndex());
    log_.CommitTo(hs.commit);
    term_ = hs.term;
    vote_ = hs.vote;
  }
  if (options_.applied > 0) log_.AppliedTo(options_.applied);
  BecomeFollower(term_, kNone);
  prev_soft_state_ = soft_state();
  prev_hard_state_ = hard_state();
  prev_view_ = RaftInvariants::Capture(*this);
  RaftInvariants::CheckBasic(*this);
}

void RaftNode::Bootstrap(const std::vector<uint64_t>& voters) {
  SIM_CHECK(!voters.empty());
  SIM_CHECK_EQ(log_.LastIndex(), 0u);
  SIM_CHECK_EQ(term_, 0u);
  BecomeFollower(1, kNone);
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < voters.size(); ++i) {
    ConfChange change;
    change.type = ConfChangeType::kAddNode;
    change.node_id = voters[i];
    Entry e;
    e.term = 1;
    e.index = i + 1;
    e.type = EntryType::kConfChange;
    e.data = SharedBytes(EncodeConfChange(change));
    entries.push_back(std::move(e));
  }
  log_.Append(entries);
  // Committed by fiat: every bootstrapping member starts from the same configuration.
  log_.CommitTo(voters.size());
  for (uint64_t voter : voters) {
    ConfChange change;
    change.type = ConfChangeType::kAddNode;
    change.node_id = voter;
    ApplyConfChange(change);
  }
  AfterInput();
}

// ------------------------------------------------------------------------- role transitions

void RaftNode::Reset(uint64_t term) {
  if (term_ != term) {
    term_ = term;
    vote_ = kNone;
  }
  lead_ = kNone;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  ResetRandomizedElectionTimeout();
  AbortLeaderTransfer();
  votes_.clear();
  const uint64_t last = log_.LastIndex();
  for (auto& [id, pr] : progress_) {
    pr = MakeProgress();
    pr.next = last + 1;
    if (id == id_) pr.match = last;
  }
  pending_conf_index_ = 0;
}

void RaftNode::BecomeFollower(uint64_t term, uint64_t lead) {
  Reset(term);
  lead_ = lead;
  role_ = RaftRole::kFollower;
}

void RaftNode::BecomePreCandidate() {
  SIM_CHECK(role_ != RaftRole::kLeader);
  // PreVote changes neither term nor vote: a failed pre-election disturbs nobody.
  votes_.clear();
  lead_ = kNone;
  role_ = RaftRole::kPreCandidate;
}

void RaftNode::BecomeCandidate() {
  SIM_CHECK(role_ != RaftRole::kLeader);
  Reset(term_ + 1);
  vote_ = id_;
  role_ = RaftRole::kCandidate;
}

void RaftNode::BecomeLeader() {
  SIM_CHECK(role_ != RaftRole::kFollower);
  Reset(term_);
  lead_ = id_;
  role_ = RaftRole::kLeader;
  auto self = progress_.find(id_);
  SIM_CHECK(self != progress_.end());
  self->second.BecomeReplicate();
  self->second.recent_active = true;
  // Conf changes in the uncommitted tail may be pending: allow no new one before them.
  pending_conf_index_ = log_.LastIndex();
  // Raft §8 / etcd: an empty entry of the new term lets the leader commit everything before it.
  std::vector<Entry> empty(1);
  AppendEntries(std::move(empty));
}

void RaftNode::ResetRandomizedElectionTimeout() {
  const int64_t timeout =
      prng_.UniformRange(options_.election_tick, 2 * static_cast<int64_t>(options_.election_tick));
  randomized_election_timeout_ = static_cast<int>(timeout);
}

// ------------------------------------------------------------------------------------ ticks

void RaftNode::Tick() {
  if (role_ == RaftRole::kLeader) {
    TickHeartbeat();
  } else {
    TickElection();
  }
  AfterInput();
}

void RaftNode::TickElection() {
  ++election_elapsed_;
  if (Promotable() && PastElectionTimeout()) {
    election_elapsed_ = 0;
    Message hup;
    hup.type = MessageType::kHup;
    hup.from = id_;
    StepInternal(hup);
  }
}

void RaftNode::TickHeartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= options_.election_tick) {
    election_elapsed_ = 0;
    if (options_.check_quorum) {
      Message check;
      check.type = MessageType::kCheckQuorum;
      check.from = id_;
      StepInternal(check);
    }
    // A transfer that has not finished within an election timeout is abandoned.
    if (role_ == RaftRole::kLeader && lead_transferee_ != kNone) AbortLeaderTransfer();
  }
  if (role_ != RaftRole::kLeader) return;
  if (heartbeat_elapsed_ >= options_.heartbeat_tick) {
    heartbeat_elapsed_ = 0;
    Message beat;
    beat.type = MessageType::kBeat;
    beat.from = id_;
    StepInternal(beat);
  }
}

bool RaftNode::PastElectionTimeout() const {
  return election_elapsed_ >= randomized_election_timeout_;
}

// ----------------------------------------------------------------------------- public inputs

StepResult RaftNode::Step(const Message& message) {
  if (IsLocalMessage(message.type)) return StepResult::kLocalMessage;
  if (message.type == MessageType::kProp) return StepResult::kProposalDropped;
  const bool is_response = message.type == MessageType::kAppResp ||
                           message.type == MessageType::kVoteResp ||
                           message.type == MessageType::kHeartbeatResp ||
                           message.type == MessageType::kPreVoteResp;
  if (is_response && progress_.count(message.from) == 0) return StepResult::kUnknownPeer;
  StepResult result = StepInternal(message);
  AfterInput();
  return result;
}

void RaftNode::Campaign() {
  Message hup;
  hup.type = MessageType::kHup;
  hup.from = id_;
  StepInternal(hup);
  AfterInput();
}

StepResult RaftNode::Propose(SharedBytes data) {
  Message prop;
  prop.type = MessageType::kProp;
  prop.from = id_;
  prop.entries.resize(1);
  prop.entries[0].data = std::move(data);
  StepResult result = StepInternal(prop);
  AfterInput();
  return result;
}

StepResult RaftNode::ProposeConfChange(const ConfChange& change) {
  Message prop;
  prop.type = MessageType::kProp;
  prop.from = id_;
  prop.entries.resize(1);
  prop.entries[0].type = EntryType::kConfChange;
  prop.entries[0].data = SharedBytes(EncodeConfChange(change));
  StepResult result = StepInternal(prop);
  AfterInput();
  return result;
}

ConfState RaftNode::ApplyConfChange(const ConfChange& change) {
  switch (change.type) {
    case ConfChangeType::kAddNode:
      if (progress_.count(change.node_id) == 0) {
        Progress pr = MakeProgress();
        pr.next = log_.LastIndex() + 1;
        // A new member counts as active so the leader may snapshot it right away.
        pr.recent_active = true;
        progress_.emplace(change.node_id, std::move(pr));
      }
      break;
    case ConfChangeType::kRemoveNode:
      progress_.erase(change.node_id);
      if (role_ == RaftRole::kLeader) {
        if (change.node_id == id_) {
          // Simplification (etcd keeps leading until the host stops it): a removed leader
          // steps down at once so the remaining members elect a new one.
          BecomeFollower(term_, kNone);
        } else {
          if (lead_transferee_ == change.node_id) AbortLeaderTransfer();
          // A smaller quorum may commit more now.
          if (!progress_.empty() && MaybeCommit()) BroadcastAppend();
        }
      }
      break;
    case ConfChangeType::kUpdateNode:
      break;  // Addresses are the host's business.
  }
  AfterInput();
  return conf_state();
}

void RaftNode::TransferLeadership(uint64_t transferee) {
  Message m;
  m.type = MessageType::kTransferLeader;
  m.from = transferee;
  m.to = id_;
  StepInternal(m);
  AfterInput();
}

void RaftNode::ReportUnreachable(uint64_t id) {
  Message m;
  m.type = MessageType::kUnreachable;
  m.from = id;
  StepInternal(m);
  AfterInput();
}

void RaftNode::ReportSnapshot(uint64_t id, bool failure) {
  Message m;
  m.type = MessageType::kSnapStatus;
  m.from = id;
  m.reject = failure;
  StepInternal(m);
  AfterInput();
}

// ------------------------------------------------------------------------------ Ready/Advance

bool RaftNode::HasReady() const {
  if (soft_state() != prev_soft_state_) return true;
  if (hard_state() != prev_hard_state_) return true;
  if (log_.HasUnstableSnapshot()) return true;
  if (!msgs_.empty() || !log_.UnstableEntries().empty()) return true;
  return log_.HasNextEntries();
}

Ready RaftNode::GetReady() {
  Ready rd;
  const SoftState soft = soft_state();
  if (soft != prev_soft_state_) {
    rd.soft_state = soft;
    prev_soft_state_ = soft;
  }
  const HardState hard = hard_state();
  if (hard != prev_hard_state_) rd.hard_state = hard;
  rd.entries = log_.UnstableEntries();
  if (log_.HasUnstableSnapshot()) rd.snapshot = log_.UnstableSnapshot();
  log_.NextEntries(kNoLimit, &rd.committed_entries);
  rd.messages.swap(msgs_);
  rd.must_sync = !rd.entries.empty() || hard.term != prev_hard_state_.term ||
                 hard.vote != prev_hard_state_.vote;
  return rd;
}

void RaftNode::Advance(const Ready& ready) {
  if (ready.hard_state.has_value()) prev_hard_state_ = *ready.hard_state;
  if (!ready.committed_entries.empty()) {
    log_.AppliedTo(ready.committed_entries.back().index);
  } else if (ready.snapshot.has_value()) {
    log_.AppliedTo(ready.snapshot->metadata.index);
  }
  if (!ready.entries.empty()) {
    const Entry& last = ready.entries.back();
    log_.StableTo(last.index, last.term);
  }
  if (ready.snapshot.has_value()) log_.StableSnapTo(ready.snapshot->metadata.index);
  AfterInput();
}

// --------------------------------------------------------------------------------- observers

HardState RaftNode::hard_state() const {
  HardState hs;
  hs.term = term_;
  hs.vote = vote_;
  hs.commit = log_.committed();
  return hs;
}

ConfState RaftNode::conf_state() const {
  ConfState cs;
  for (const auto& [id, pr] : progress_) cs.voters.push_back(id);
  return cs;
}

const Progress* RaftNode::progress(uint64_t id) const {
  if (role_ != RaftRole::kLeader) return nullptr;
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

std::vector<Entry> RaftNode::EntriesForTest(uint64_t lo, uint64_t hi) const {
  std::vector<Entry> out;
  StorageError err = log_.Slice(lo, hi, kNoLimit, &out);
  SIM_CHECK_MSG(err == StorageError::kOk, StorageErrorName(err));
  return out;
}

void RaftNode::AfterInput() {
  RaftInvariants::CheckBasic(*this);
  RaftInvariants::CheckDelta(prev_view_, *this);
  prev_view_ = RaftInvariants::Capture(*this);
}

}  // namespace raft
}  // namespace swarmsim
