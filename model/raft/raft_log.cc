#include "model/raft/raft_log.h"

#include <algorithm>

#include "sim/check.h"

namespace swarmsim {
namespace raft {

// ---------------------------------------------------------------------------------- UnstableLog

bool UnstableLog::MaybeTerm(uint64_t index, uint64_t* term) const {
  if (index < offset_) {
    if (has_snapshot_ && snapshot_.metadata.index == index) {
      *term = snapshot_.metadata.term;
      return true;
    }
    return false;
  }
  uint64_t last = 0;
  if (!MaybeLastIndex(&last) || index > last) return false;
  if (entries_.empty()) return false;  // Only a snapshot, and index is past it.
  *term = entries_[index - offset_].term;
  return true;
}

void UnstableLog::StableTo(uint64_t index, uint64_t term) {
  uint64_t got = 0;
  if (!MaybeTerm(index, &got)) return;
  // Only if the entry is still the one persisted: a newer conflicting append may have replaced it.
  if (got == term && index >= offset_) {
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index + 1 - offset_));
    offset_ = index + 1;
  }
}

void UnstableLog::StableSnapTo(uint64_t index) {
  if (has_snapshot_ && snapshot_.metadata.index == index) {
    has_snapshot_ = false;
    snapshot_ = Snapshot();
  }
}

void UnstableLog::Restore(const Snapshot& snapshot) {
  offset_ = snapshot.metadata.index + 1;
  entries_.clear();
  snapshot_ = snapshot;
  has_snapshot_ = true;
}

void UnstableLog::TruncateAndAppend(const std::vector<Entry>& entries) {
  const uint64_t after = entries[0].index;
  if (after == offset_ + entries_.size()) {
    entries_.insert(entries_.end(), entries.begin(), entries.end());
  } else if (after <= offset_) {
    // Replaces everything unstable: the new entries start at or before it.
    offset_ = after;
    entries_ = entries;
  } else {
    entries_.resize(static_cast<std::size_t>(after - offset_));
    entries_.insert(entries_.end(), entries.begin(), entries.end());
  }
}

void UnstableLog::Slice(uint64_t lo, uint64_t hi, std::vector<Entry>* out) const {
  SIM_CHECK_LE(offset_, lo);
  SIM_CHECK_LE(lo, hi);
  SIM_CHECK_LE(hi, offset_ + entries_.size());
  out->insert(out->end(), entries_.begin() + static_cast<std::ptrdiff_t>(lo - offset_),
              entries_.begin() + static_cast<std::ptrdiff_t>(hi - offset_));
}

// ---------------------------------------------------------------------------------- RaftLog

RaftLog::RaftLog(const MemoryStorage* storage) : storage_(storage) {
  SIM_CHECK(storage_ != nullptr);
  const uint64_t first = storage_->FirstIndex();
  unstable_.set_offset(storage_->LastIndex() + 1);
  // A restarted node has applied at least up to its snapshot.
  committed_ = first - 1;
  applied_ = first - 1;
}

StorageError RaftLog::Term(uint64_t index, uint64_t* term) const {
  // Fast path: an unstable entry (the leader's recent appends).
  const std::vector<Entry>& unstable = unstable_.entries();
  if (index >= unstable_.offset() && index - unstable_.offset() < unstable.size()) {
    *term = unstable[index - unstable_.offset()].term;
    return StorageError::kOk;
  }
  const uint64_t dummy = FirstIndex() - 1;
  if (index < dummy || index > LastIndex()) {
    *term = 0;
    return StorageError::kOk;
  }
  if (unstable_.MaybeTerm(index, term)) return StorageError::kOk;
  return storage_->Term(index, term);
}

uint64_t RaftLog::TermOrZero(uint64_t index) const {
  uint64_t term = 0;
  if (Term(index, &term) != StorageError::kOk) return 0;
  return term;
}

bool RaftLog::MatchTerm(uint64_t index, uint64_t term) const {
  uint64_t got = 0;
  if (Term(index, &got) != StorageError::kOk) return false;
  return got == term;
}

bool RaftLog::IsUpToDate(uint64_t last_index, uint64_t term) const {
  const uint64_t our_term = LastTerm();
  return term > our_term || (term == our_term && last_index >= LastIndex());
}

bool RaftLog::MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                          const std::vector<Entry>& entries, uint64_t* last_new) {
  if (!MatchTerm(index, log_term)) return false;
  *last_new = index + entries.size();
  const uint64_t conflict = FindConflict(entries);
  if (conflict != 0) {
    // Raft §5.3: a committed entry never conflicts with the leader's.
    SIM_CHECK_GT(conflict, committed_);
    const std::size_t from = static_cast<std::size_t>(conflict - (index + 1));
    if (from == 0) {
      Append(entries);
    } else {
      Append(std::vector<Entry>(entries.begin() + static_cast<std::ptrdiff_t>(from), entries.end()));
    }
  }
  CommitTo(std::min(committed, *last_new));
  return true;
}

uint64_t RaftLog::Append(const std::vector<Entry>& entries) {
  if (entries.empty()) return LastIndex();
  SIM_CHECK_GT(entries[0].index, committed_);  // Never rewrite committed entries.
  unstable_.TruncateAndAppend(entries);
  return LastIndex();
}

uint64_t RaftLog::FindConflict(const std::vector<Entry>& entries) const {
  for (const Entry& e : entries) {
    if (!MatchTerm(e.index, e.term)) return e.index;
  }
  return 0;
}

uint64_t RaftLog::FindConflictByTerm(uint64_t index, uint64_t term) const {
  // Walk back while our term is greater: none of those entries can match the other log.
  for (; index > 0; --index) {
    uint64_t our_term = 0;
    if (Term(index, &our_term) != StorageError::kOk) break;  // Compacted: stop here.
    if (our_term <= term) break;
  }
  return index;
}

StorageError RaftLog::Entries(uint64_t lo, uint64_t max_size, std::vector<Entry>* out) const {
  if (lo > LastIndex()) return StorageError::kOk;
  return Slice(lo, LastIndex() + 1, max_size, out);
}

StorageError RaftLog::Slice(uint64_t lo, uint64_t hi, uint64_t max_size,
                            std::vector<Entry>* out) const {
  if (lo < FirstIndex()) return StorageError::kCompacted;
  SIM_CHECK_LE(hi, LastIndex() + 1);
  if (lo == hi) return StorageError::kOk;
  const std::size_t start = out->size();
  const uint64_t offset = unstable_.offset();
  if (lo < offset) {
    const uint64_t stored_hi = std::min(hi, offset);
    StorageError err = storage_->Entries(lo, stored_hi, max_size, out);
    if (err != StorageError::kOk) return err;
    // Storage already cut the batch at max_size: stop there.
    if (out->size() - start < stored_hi - lo) return StorageError::kOk;
  }
  if (hi > offset) unstable_.Slice(std::max(lo, offset), hi, out);
  if (max_size != kNoLimit) {
    // Storage and unstable entries together may exceed the limit: cut in place.
    uint64_t size = 0;
    for (std::size_t i = start; i < out->size(); ++i) {
      size += (*out)[i].data.size();
      if (i > start && size > max_size) {
        out->resize(i);
        break;
      }
    }
  }
  return StorageError::kOk;
}

bool RaftLog::HasNextEntries() const {
  const uint64_t first = std::max(applied_ + 1, FirstIndex());
  return committed_ + 1 > first;
}

void RaftLog::NextEntries(uint64_t max_size, std::vector<Entry>* out) const {
  const uint64_t first = std::max(applied_ + 1, FirstIndex());
  if (committed_ + 1 <= first) return;
  StorageError err = Slice(first, committed_ + 1, max_size, out);
  SIM_CHECK_MSG(err == StorageError::kOk, StorageErrorName(err));
}

const Snapshot& RaftLog::CurrentSnapshot() const {
  if (unstable_.has_snapshot()) return unstable_.snapshot();
  return storage_->snapshot();
}

void RaftLog::CommitTo(uint64_t index) {
  if (committed_ >= index) return;  // Commit never decreases.
  SIM_CHECK_LE(index, LastIndex());
  committed_ = index;
}

bool RaftLog::MaybeCommit(uint64_t index, uint64_t term) {
  if (index > committed_ && TermOrZero(index) == term) {
    CommitTo(index);
    return true;
  }
  return false;
}

void RaftLog::AppliedTo(uint64_t index) {
  if (index == 0) return;
  SIM_CHECK_LE(index, committed_);
  SIM_CHECK_LE(applied_, index);
  applied_ = index;
}

void RaftLog::Restore(const Snapshot& snapshot) {
  committed_ = snapshot.metadata.index;
  unstable_.Restore(snapshot);
}

}  // namespace raft
}  // namespace swarmsim
