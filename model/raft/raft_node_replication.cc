// RaftNode: campaigning, vote counting, and the leader's side of replication (appends,
// heartbeats, snapshots, commitment).
#include <algorithm>

#include "model/raft/quorum.h"
#include "model/raft/raft_node.h"
#include "sim/check.h"

namespace swarmsim {
namespace raft {

void RaftNode::Campaign(CampaignKind kind) {
  const bool pre = kind == CampaignKind::kPreElection;
  const bool transfer = kind == CampaignKind::kTransfer;
  MessageType type = MessageType::kVote;
  uint64_t term = 0;
  if (pre) {
    BecomePreCandidate();
    type = MessageType::kPreVote;
    term = term_ + 1;  // Asks "would you vote for me in the next term?" without moving to it.
  } else {
    BecomeCandidate();
    term = term_;
  }
  if (Poll(id_, /*granted=*/true) == VoteResult::kWon) {
    // A single-voter cluster wins at once.
    if (pre) {
      Campaign(CampaignKind::kElection);
    } else {
      BecomeLeader();
    }
    return;
  }
  const uint64_t last_index = log_.LastIndex();
  const uint64_t last_term = log_.LastTerm();
  for (const auto& [id, pr] : progress_) {
    if (id == id_) continue;
    Message m;
    m.type = type;
    m.to = id;
    m.term = term;
    m.index = last_index;
    m.log_term = last_term;
    if (transfer) m.context = kCampaignTransfer;
    Send(std::move(m));
  }
}

VoteResult RaftNode::Poll(uint64_t id, bool granted) {
  if (progress_.count(id) != 0) votes_.emplace(id, granted);  // First answer counts.
  int yes = 0;
  int no = 0;
  for (const auto& [voter, pr] : progress_) {
    auto it = votes_.find(voter);
    if (it == votes_.end()) continue;
    if (it->second) {
      ++yes;
    } else {
      ++no;
    }
  }
  return TallyVotes(static_cast<int>(progress_.size()), yes, no);
}

void RaftNode::Send(Message m) {
  // A message relayed for someone else keeps its sender: a follower passing a transfer request on
  // to the leader keeps the transferee in `from` (etcd's send sets From only when it is unset).
  if (m.from == kNone) m.from = id_;
  const bool vote_type = m.type == MessageType::kVote || m.type == MessageType::kVoteResp ||
                         m.type == MessageType::kPreVote || m.type == MessageType::kPreVoteResp;
  if (vote_type) {
    SIM_CHECK_NE(m.term, 0u);  // Vote messages carry their own (possibly future) term.
  } else {
    m.term = term_;
  }
  // GetReady hands the buffer out each time, so it is reserved again: for as many messages as fit
  // under 1 KiB. glibc serves smaller requests from its small bins; a larger one first merges
  // every freed small chunk (malloc_consolidate), and a 1,408-byte buffer per Ready did that
  // ~1,000 times in 5 simulated minutes of a 1,000-worker cluster.
  constexpr std::size_t kReserve = std::max<std::size_t>(1, 1000 / sizeof(Message));
  if (msgs_.capacity() == 0) msgs_.reserve(kReserve);
  msgs_.push_back(std::move(m));
}

bool RaftNode::SendAppend(uint64_t to, bool send_if_empty) {
  Progress& pr = progress_.at(to);
  if (pr.IsPaused()) return false;
  Message m;
  m.to = to;
  uint64_t prev_term = 0;
  const StorageError term_err = log_.Term(pr.next - 1, &prev_term);
  const StorageError ents_err = log_.Entries(pr.next, options_.max_size_per_msg, &m.entries);
  if (m.entries.empty() && !send_if_empty) return false;
  if (term_err != StorageError::kOk || ents_err != StorageError::kOk) {
    // The entries it needs are compacted away: send the snapshot instead, but only to a peer
    // known to be alive (a snapshot is large).
    if (!pr.recent_active) return false;
    const Snapshot& snapshot = log_.CurrentSnapshot();
    if (snapshot.IsEmpty()) return false;  // Not available yet; retried on the next response.
    m.type = MessageType::kSnap;
    m.entries.clear();
    m.snapshot = snapshot;
    pr.BecomeSnapshot(snapshot.metadata.index);
    Send(std::move(m));
    return true;
  }
  m.type = MessageType::kApp;
  m.index = pr.next - 1;
  m.log_term = prev_term;
  m.commit = log_.committed();
  if (!m.entries.empty()) {
    const uint64_t last = m.entries.back().index;
    if (pr.state == ProgressState::kReplicate) {
      pr.OptimisticUpdate(last);
      pr.inflights.Add(last);
    } else if (pr.state == ProgressState::kProbe) {
      pr.probe_sent = true;  // One probe at a time.
    }
  }
  Send(std::move(m));
  return true;
}

void RaftNode::SendHeartbeat(uint64_t to) {
  // Never tell a follower to commit beyond what it is known to have (it may lack the entries).
  const uint64_t commit = std::min(progress_.at(to).match, log_.committed());
  Message m;
  m.type = MessageType::kHeartbeat;
  m.to = to;
  m.commit = commit;
  Send(std::move(m));
}

void RaftNode::SendTimeoutNow(uint64_t to) {
  Message m;
  m.type = MessageType::kTimeoutNow;
  m.to = to;
  Send(std::move(m));
}

void RaftNode::BroadcastAppend() {
  for (const auto& [id, pr] : progress_) {
    if (id != id_) SendAppend(id, /*send_if_empty=*/true);
  }
}

void RaftNode::BroadcastHeartbeat() {
  for (const auto& [id, pr] : progress_) {
    if (id != id_) SendHeartbeat(id);
  }
}

bool RaftNode::MaybeCommit() {
  match_scratch_.clear();
  for (const auto& [id, pr] : progress_) match_scratch_.push_back(pr.match);
  if (match_scratch_.empty()) return false;
  // Raft §5.4.2: only an entry of the current term is committed by counting replicas.
  return log_.MaybeCommit(CommittedIndex(&match_scratch_), term_);
}

void RaftNode::AppendEntries(std::vector<Entry> entries) {
  const uint64_t last = log_.LastIndex();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].term = term_;
    entries[i].index = last + 1 + i;
  }
  log_.Append(entries);
  auto self = progress_.find(id_);
  if (self != progress_.end()) self->second.MaybeUpdate(log_.LastIndex());
  // A single-voter cluster commits on its own append.
  MaybeCommit();
}

bool RaftNode::CheckQuorumActive() {
  int active = 0;
  for (auto& [id, pr] : progress_) {
    if (id == id_) {
      ++active;
      continue;
    }
    if (pr.recent_active) ++active;
    pr.recent_active = false;  // Start the next round.
  }
  return active >= QuorumSize(static_cast<int>(progress_.size()));
}

void RaftNode::ResetProgress(const std::vector<uint64_t>& voters) {
  progress_.clear();
  const uint64_t last = log_.LastIndex();
  for (uint64_t id : voters) {
    Progress pr = MakeProgress();
    pr.next = last + 1;
    if (id == id_) pr.match = last;
    progress_.emplace(id, std::move(pr));
  }
}

Progress RaftNode::MakeProgress() const { return Progress(options_.max_inflight_msgs); }

}  // namespace raft
}  // namespace swarmsim
