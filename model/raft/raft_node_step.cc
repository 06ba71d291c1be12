// RaftNode: handling of one message — the term rules shared by every role, then the role's own
// step function (leader, candidate / pre-candidate, follower).
#include <algorithm>

#include "model/raft/raft_node.h"
#include "sim/check.h"

namespace swarmsim {
namespace raft {

namespace {

bool IsVoteRequest(MessageType type) {
  return type == MessageType::kVote || type == MessageType::kPreVote;
}

}  // namespace

StepResult RaftNode::StepInternal(const Message& m) {
  if (!StepTermCheck(m)) return StepResult::kOk;
  switch (m.type) {
    case MessageType::kHup:
      StepHup(options_.pre_vote ? CampaignKind::kPreElection : CampaignKind::kElection);
      return StepResult::kOk;
    case MessageType::kVote:
    case MessageType::kPreVote:
      StepVoteRequest(m);
      return StepResult::kOk;
    default:
      break;
  }
  switch (role_) {
    case RaftRole::kLeader: return StepLeader(m);
    case RaftRole::kCandidate:
    case RaftRole::kPreCandidate: return StepCandidate(m);
    case RaftRole::kFollower: return StepFollower(m);
  }
  return StepResult::kOk;
}

// Raft §5.1: a higher term makes us a follower; a lower term is stale. Returns false when the
// message must go no further.
bool RaftNode::StepTermCheck(const Message& m) {
  if (m.term == 0) return true;  // Local message.
  if (m.term > term_) {
    if (IsVoteRequest(m.type)) {
      const bool forced = m.context == kCampaignTransfer;
      // Lease (CheckQuorum): having heard from a leader within an election timeout, ignore a
      // disruptive candidate, unless the leader itself asked for the election (transfer).
      const bool in_lease = options_.check_quorum && lead_ != kNone &&
                            election_elapsed_ < options_.election_tick;
      if (!forced && in_lease) return false;
    }
    if (m.type == MessageType::kPreVote) {
      // A pre-vote never changes our term.
    } else if (m.type == MessageType::kPreVoteResp && !m.reject) {
      // Granted pre-votes carry the future term; the term changes once a quorum grants.
    } else if (m.type == MessageType::kApp || m.type == MessageType::kHeartbeat ||
               m.type == MessageType::kSnap) {
      BecomeFollower(m.term, m.from);
    } else {
      BecomeFollower(m.term, kNone);
    }
    return true;
  }
  if (m.term < term_) {
    if ((options_.check_quorum || options_.pre_vote) &&
        (m.type == MessageType::kHeartbeat || m.type == MessageType::kApp)) {
      // A stale leader (e.g. after a partition) learns of the new term from this response and
      // steps down; without it, CheckQuorum could keep it isolated forever.
      Message resp;
      resp.type = MessageType::kAppResp;
      resp.to = m.from;
      Send(std::move(resp));
    } else if (m.type == MessageType::kPreVote) {
      Message resp;
      resp.type = MessageType::kPreVoteResp;
      resp.to = m.from;
      resp.term = term_;
      resp.reject = true;
      Send(std::move(resp));
    }
    return false;
  }
  return true;
}

void RaftNode::StepHup(CampaignKind kind) {
  if (role_ == RaftRole::kLeader) return;
  if (!Promotable()) return;
  // A conf change committed but not applied could change who may vote: wait for it. This holds
  // for a transfer's MsgTimeoutNow too (etcd's hup serves both).
  if (HasUnappliedConfChange()) return;
  Campaign(kind);
}

bool RaftNode::HasUnappliedConfChange() const {
  if (log_.committed() <= log_.applied()) return false;
  std::vector<Entry> pending;
  if (log_.Slice(log_.applied() + 1, log_.committed() + 1, kNoLimit, &pending) !=
      StorageError::kOk) {
    return false;
  }
  for (const Entry& e : pending) {
    if (e.type == EntryType::kConfChange) return true;
  }
  return false;
}

void RaftNode::StepVoteRequest(const Message& m) {
  // Raft §5.2, §5.4.1: one vote per term, only for a log at least as up to date as ours.
  const bool can_vote = vote_ == m.from || (vote_ == kNone && lead_ == kNone) ||
                        (m.type == MessageType::kPreVote && m.term > term_);
  Message resp;
  resp.type = VoteResponseType(m.type);
  resp.to = m.from;
  if (can_vote && log_.IsUpToDate(m.index, m.log_term)) {
    resp.term = m.term;  // For a pre-vote: the future term the candidate asked about.
    Send(std::move(resp));
    if (m.type == MessageType::kVote) {
      election_elapsed_ = 0;
      vote_ = m.from;
    }
  } else {
    resp.term = term_;
    resp.reject = true;
    Send(std::move(resp));
  }
}

// ------------------------------------------------------------------------------------ leader

StepResult RaftNode::StepLeader(const Message& m) {
  switch (m.type) {
    case MessageType::kBeat:
      BroadcastHeartbeat();
      return StepResult::kOk;
    case MessageType::kCheckQuorum:
      if (!CheckQuorumActive()) BecomeFollower(term_, kNone);
      return StepResult::kOk;
    case MessageType::kProp:
      return StepLeaderProposal(m);
    default:
      break;
  }
  auto it = progress_.find(m.from);
  if (it == progress_.end()) return StepResult::kOk;
  Progress& pr = it->second;
  switch (m.type) {
    case MessageType::kAppResp:
      StepLeaderAppResp(m, pr);
      break;
    case MessageType::kHeartbeatResp:
      StepLeaderHeartbeatResp(m, pr);
      break;
    case MessageType::kSnapStatus:
      if (pr.state != ProgressState::kSnapshot) break;
      if (m.reject) pr.pending_snapshot = 0;  // Failed: probe from what is known to match.
      pr.BecomeProbe();
      // Wait for the next heartbeat response before probing again.
      pr.probe_sent = true;
      break;
    case MessageType::kUnreachable:
      // Appends to it were probably lost: stop streaming, probe instead.
      if (pr.state == ProgressState::kReplicate) pr.BecomeProbe();
      break;
    case MessageType::kTransferLeader:
      StepLeaderTransfer(m);
      break;
    default:
      break;
  }
  return StepResult::kOk;
}

StepResult RaftNode::StepLeaderProposal(const Message& m) {
  SIM_CHECK(!m.entries.empty());
  if (progress_.count(id_) == 0) return StepResult::kProposalDropped;  // Removed.
  if (lead_transferee_ != kNone) return StepResult::kProposalDropped;
  std::vector<Entry> entries = m.entries;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].type != EntryType::kConfChange) continue;
    // One membership change at a time: a second one while another is unapplied becomes a no-op.
    if (pending_conf_index_ > log_.applied()) {
      entries[i] = Entry();
    } else {
      pending_conf_index_ = log_.LastIndex() + i + 1;
    }
  }
  AppendEntries(std::move(entries));
  BroadcastAppend();
  return StepResult::kOk;
}

void RaftNode::StepLeaderAppResp(const Message& m, Progress& pr) {
  pr.recent_active = true;
  if (m.reject) {
    // Fast backtracking: skip every entry of a term the follower cannot have.
    uint64_t next_probe = m.reject_hint;
    if (m.log_term > 0) next_probe = log_.FindConflictByTerm(m.reject_hint, m.log_term);
    if (pr.MaybeDecrTo(m.index, next_probe)) {
      if (pr.state == ProgressState::kReplicate) pr.BecomeProbe();
      SendAppend(m.from, /*send_if_empty=*/true);
    }
    return;
  }
  const bool was_paused = pr.IsPaused();
  // An ack of exactly what is known to match still moves a probing follower back to streaming
  // (etcd v3.6): a caught-up follower probed after ReportUnreachable has nothing newer to ack.
  const bool probe_caught_up = pr.state == ProgressState::kProbe && pr.match == m.index;
  if (!pr.MaybeUpdate(m.index) && !probe_caught_up) return;
  if (pr.state == ProgressState::kProbe) {
    pr.BecomeReplicate();
  } else if (pr.state == ProgressState::kSnapshot && pr.match + 1 >= log_.FirstIndex()) {
    // The follower has the snapshot (or caught up otherwise): the log can take it from here.
    pr.BecomeProbe();
    pr.BecomeReplicate();
  } else if (pr.state == ProgressState::kReplicate) {
    pr.inflights.FreeLE(m.index);
  }
  if (MaybeCommit()) {
    BroadcastAppend();
  } else if (was_paused) {
    SendAppend(m.from, /*send_if_empty=*/true);
  }
  // Stream what flow control now allows.
  while (SendAppend(m.from, /*send_if_empty=*/false)) {
  }
  if (m.from == lead_transferee_ && pr.match == log_.LastIndex()) SendTimeoutNow(m.from);
}

void RaftNode::StepLeaderHeartbeatResp(const Message& m, Progress& pr) {
  pr.recent_active = true;
  pr.probe_sent = false;
  // The follower is alive: free one slot so a full window does not stall forever.
  if (pr.state == ProgressState::kReplicate && pr.inflights.Full()) pr.inflights.FreeFirstOne();
  // A probing follower gets an append even when caught up, so its answer can return it to
  // kReplicate (etcd v3.6).
  if (pr.match < log_.LastIndex() || pr.state == ProgressState::kProbe) {
    SendAppend(m.from, /*send_if_empty=*/true);
  }
}

void RaftNode::StepLeaderTransfer(const Message& m) {
  const uint64_t transferee = m.from;
  if (transferee == id_) return;  // Already leader.
  if (progress_.count(transferee) == 0) return;
  if (lead_transferee_ != kNone) {
    if (lead_transferee_ == transferee) return;  // Same transfer in progress.
    AbortLeaderTransfer();
  }
  // The transfer must finish within an election timeout (TickHeartbeat aborts it).
  election_elapsed_ = 0;
  lead_transferee_ = transferee;
  if (progress_.at(transferee).match == log_.LastIndex()) {
    SendTimeoutNow(transferee);
  } else {
    SendAppend(transferee, /*send_if_empty=*/true);
  }
}

// --------------------------------------------------------------------------------- candidate

StepResult RaftNode::StepCandidate(const Message& m) {
  const MessageType my_resp = role_ == RaftRole::kPreCandidate ? MessageType::kPreVoteResp
                                                                : MessageType::kVoteResp;
  switch (m.type) {
    case MessageType::kProp:
      return StepResult::kProposalDropped;
    case MessageType::kApp:
      BecomeFollower(m.term, m.from);  // Raft §5.2: a leader of our term exists.
      HandleAppendEntries(m);
      return StepResult::kOk;
    case MessageType::kHeartbeat:
      BecomeFollower(m.term, m.from);
      HandleHeartbeat(m);
      return StepResult::kOk;
    case MessageType::kSnap:
      BecomeFollower(m.term, m.from);
      HandleSnapshot(m);
      return StepResult::kOk;
    default:
      break;
  }
  if (m.type != my_resp) return StepResult::kOk;  // Including kTimeoutNow: already campaigning.
  switch (Poll(m.from, !m.reject)) {
    case VoteResult::kWon:
      if (role_ == RaftRole::kPreCandidate) {
        Campaign(CampaignKind::kElection);  // Pre-election won: now the real one.
      } else {
        BecomeLeader();
        BroadcastAppend();
      }
      break;
    case VoteResult::kLost:
      // A pre-candidate keeps its term; a candidate's rejections carried the same term.
      BecomeFollower(term_, kNone);
      break;
    case VoteResult::kPending:
      break;
  }
  return StepResult::kOk;
}

// ---------------------------------------------------------------------------------- follower

StepResult RaftNode::StepFollower(const Message& m) {
  switch (m.type) {
    case MessageType::kProp:
      return StepResult::kProposalDropped;  // No forwarding (module comment).
    case MessageType::kApp:
      election_elapsed_ = 0;
      lead_ = m.from;
      HandleAppendEntries(m);
      break;
    case MessageType::kHeartbeat:
      election_elapsed_ = 0;
      lead_ = m.from;
      HandleHeartbeat(m);
      break;
    case MessageType::kSnap:
      election_elapsed_ = 0;
      lead_ = m.from;
      HandleSnapshot(m);
      break;
    case MessageType::kTransferLeader:
      if (lead_ == kNone) break;
      {
        // The host asked a follower: pass the request on to the leader. `from` is the transferee
        // and travels unchanged (Send keeps a set sender).
        Message fwd = m;
        fwd.to = lead_;
        fwd.term = 0;
        Send(std::move(fwd));
      }
      break;
    case MessageType::kTimeoutNow:
      // The leader hands over: campaign at once, past any lease and without a pre-vote (Raft
      // thesis §3.10), unless a pending conf change forbids campaigning (StepHup).
      StepHup(CampaignKind::kTransfer);
      break;
    default:
      break;
  }
  return StepResult::kOk;
}

void RaftNode::HandleAppendEntries(const Message& m) {
  if (m.index < log_.committed()) {
    Message resp;
    resp.type = MessageType::kAppResp;
    resp.to = m.from;
    resp.index = log_.committed();
    Send(std::move(resp));
    return;
  }
  uint64_t last_new = 0;
  Message resp;
  resp.type = MessageType::kAppResp;
  resp.to = m.from;
  if (log_.MaybeAppend(m.index, m.log_term, m.commit, m.entries, &last_new)) {
    resp.index = last_new;
  } else {
    // Raft §5.3 with etcd's optimisation: hint the last index whose term could match.
    uint64_t hint = std::min(m.index, log_.LastIndex());
    hint = log_.FindConflictByTerm(hint, m.log_term);
    resp.index = m.index;
    resp.reject = true;
    resp.reject_hint = hint;
    resp.log_term = log_.TermOrZero(hint);
  }
  Send(std::move(resp));
}

void RaftNode::HandleHeartbeat(const Message& m) {
  log_.CommitTo(m.commit);
  Message resp;
  resp.type = MessageType::kHeartbeatResp;
  resp.to = m.from;
  resp.context = m.context;
  Send(std::move(resp));
}

void RaftNode::HandleSnapshot(const Message& m) {
  Message resp;
  resp.type = MessageType::kAppResp;
  resp.to = m.from;
  resp.index = Restore(m.snapshot) ? log_.LastIndex() : log_.committed();
  Send(std::move(resp));
}

bool RaftNode::Restore(const Snapshot& snapshot) {
  const SnapshotMetadata& meta = snapshot.metadata;
  if (meta.index <= log_.committed()) return false;
  // A snapshot whose configuration does not hold this node is refused (etcd's defence: the
  // node would lose its own progress entry). SwarmKit's sender stamps its current ConfState
  // on every MsgSnap, so a member added after the snapshot was taken still finds itself.
  const std::vector<uint64_t>& voters = meta.conf_state.voters;
  if (std::find(voters.begin(), voters.end(), id_) == voters.end()) return false;
  if (log_.MatchTerm(meta.index, meta.term)) {
    // We already have the entry: fast-forward the commit instead of wiping the log.
    log_.CommitTo(meta.index);
    return false;
  }
  log_.Restore(snapshot);
  ResetProgress(meta.conf_state.voters);
  return true;
}

}  // namespace raft
}  // namespace swarmsim
