// RaftLog: a node's view of its log = stable entries (MemoryStorage, read only) + unstable
// entries and snapshot not yet persisted by the host, plus the commit and applied indexes.
//
// Internal to model/raft (RaftNode owns one). It never writes to storage: the host does, and
// then tells the log through StableTo / StableSnapTo (via RaftNode::Advance).
#ifndef SWARMSIM_MODEL_RAFT_RAFT_LOG_H_
#define SWARMSIM_MODEL_RAFT_RAFT_LOG_H_

#include <cstdint>
#include <vector>

#include "model/raft/storage.h"
#include "model/raft/types.h"

namespace swarmsim {
namespace raft {

// Entries and snapshot received but not yet persisted. Entries are contiguous from offset_.
class UnstableLog {
 public:
  bool MaybeFirstIndex(uint64_t* index) const {
    if (!has_snapshot_) return false;
    *index = snapshot_.metadata.index + 1;
    return true;
  }
  bool MaybeLastIndex(uint64_t* index) const {
    if (!entries_.empty()) {
      *index = offset_ + entries_.size() - 1;
      return true;
    }
    if (!has_snapshot_) return false;
    *index = snapshot_.metadata.index;
    return true;
  }
  bool MaybeTerm(uint64_t index, uint64_t* term) const;
  void StableTo(uint64_t index, uint64_t term);
  void StableSnapTo(uint64_t index);
  void Restore(const Snapshot& snapshot);
  void TruncateAndAppend(const std::vector<Entry>& entries);
  // Appends [lo, hi) to out. REQUIRES: offset_ <= lo <= hi <= offset_ + entries_.size().
  void Slice(uint64_t lo, uint64_t hi, std::vector<Entry>* out) const;

  uint64_t offset() const { return offset_; }
  const std::vector<Entry>& entries() const { return entries_; }
  bool has_snapshot() const { return has_snapshot_; }
  const Snapshot& snapshot() const { return snapshot_; }
  void set_offset(uint64_t offset) { offset_ = offset; }

 private:
  bool has_snapshot_ = false;
  Snapshot snapshot_;
  std::vector<Entry> entries_;
  uint64_t offset_ = 0;
};

class RaftLog {
 public:
  // REQUIRES: storage outlives the log.
  explicit RaftLog(const MemoryStorage* storage);

  uint64_t committed() const { return committed_; }
  uint64_t applied() const { return applied_; }
  // Inline: the hot path asks for these several times per message.
  uint64_t FirstIndex() const {
    uint64_t index = 0;
    if (unstable_.MaybeFirstIndex(&index)) return index;
    return storage_->FirstIndex();
  }
  uint64_t LastIndex() const {
    uint64_t index = 0;
    if (unstable_.MaybeLastIndex(&index)) return index;
    return storage_->LastIndex();
  }
  uint64_t LastTerm() const {
    // Fast paths first: asked after every input by the invariants and by every vote.
    if (!unstable_.entries().empty()) return unstable_.entries().back().term;
    if (unstable_.has_snapshot()) return unstable_.snapshot().metadata.term;
    uint64_t term = 0;
    storage_->Term(storage_->LastIndex(), &term);
    return term;
  }
  // kOk and *term set; or the error. Indexes outside [first-1, last] give kOk with term 0.
  StorageError Term(uint64_t index, uint64_t* term) const;
  // Term, or 0 when it is compacted or unavailable.
  uint64_t TermOrZero(uint64_t index) const;
  bool MatchTerm(uint64_t index, uint64_t term) const;
  // Raft §5.4.1: is a log ending at (last_index, term) at least as up to date as ours?
  bool IsUpToDate(uint64_t last_index, uint64_t term) const;

  // A follower's append: true and *last_new when (index, log_term) matches our log.
  bool MaybeAppend(uint64_t index, uint64_t log_term, uint64_t committed,
                   const std::vector<Entry>& entries, uint64_t* last_new);
  // Appends after truncating any conflicting suffix; returns the new last index.
  uint64_t Append(const std::vector<Entry>& entries);
  // First index whose term differs from ours (or the first new index); 0 if all match.
  uint64_t FindConflict(const std::vector<Entry>& entries) const;
  // Largest index <= `index` whose term is <= `term` (fast backtracking hint).
  uint64_t FindConflictByTerm(uint64_t index, uint64_t term) const;

  // Entries from lo to the end, at most max_size bytes (at least one entry).
  StorageError Entries(uint64_t lo, uint64_t max_size, std::vector<Entry>* out) const;
  // Entries [lo, hi). REQUIRES: hi <= LastIndex() + 1.
  StorageError Slice(uint64_t lo, uint64_t hi, uint64_t max_size, std::vector<Entry>* out) const;

  // Committed entries not yet handed out for applying.
  bool HasNextEntries() const;
  void NextEntries(uint64_t max_size, std::vector<Entry>* out) const;
  const std::vector<Entry>& UnstableEntries() const { return unstable_.entries(); }
  bool HasUnstableSnapshot() const { return unstable_.has_snapshot(); }
  const Snapshot& UnstableSnapshot() const { return unstable_.snapshot(); }
  // The newest snapshot known: the unstable one, else storage's.
  const Snapshot& CurrentSnapshot() const;

  void CommitTo(uint64_t index);
  // Commits `index` when it is newer and its entry is of `term` (Raft §5.4.2).
  bool MaybeCommit(uint64_t index, uint64_t term);
  void AppliedTo(uint64_t index);
  void StableTo(uint64_t index, uint64_t term) { unstable_.StableTo(index, term); }
  void StableSnapTo(uint64_t index) { unstable_.StableSnapTo(index); }
  void Restore(const Snapshot& snapshot);

 private:
  const MemoryStorage* storage_;
  UnstableLog unstable_;
  uint64_t committed_ = 0;
  uint64_t applied_ = 0;
};

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_RAFT_LOG_H_
