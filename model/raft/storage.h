// MemoryStorage: the stable part of a node's Raft log, held in memory (etcd's MemoryStorage).
//
// The host owns it and writes into it what Ready asks it to persist (ApplySnapshot, Append,
// SetHardState) before it sends the Ready's messages; RaftNode only reads it. The application
// triggers snapshots (CreateSnapshot at its applied index) and compaction (Compact), as SwarmKit
// does every snapshot_interval applied entries, keeping log_entries_for_slow_followers entries.
// Durability across crashes is the host's job: see durable.h for the on-disk encoding.
//
// Layout: ents_[0] is a dummy entry holding the index and term of the last compacted entry (or
// of the snapshot); real entries follow contiguously. It never reads a clock or does I/O.
#ifndef SWARMSIM_MODEL_RAFT_STORAGE_H_
#define SWARMSIM_MODEL_RAFT_STORAGE_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "model/raft/types.h"

namespace swarmsim {
namespace raft {

enum class StorageError {
  kOk = 0,
  kCompacted,        // The requested index is at or before the compaction point.
  kUnavailable,      // The requested index is after the last entry.
  kSnapOutOfDate,    // A snapshot older than the current one.
};
const char* StorageErrorName(StorageError error);

constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();

class MemoryStorage {
 public:
  MemoryStorage();

  // What a node restarts from: hard state and the membership of the latest snapshot.
  const HardState& hard_state() const { return hard_state_; }
  const ConfState& conf_state() const { return snapshot_.metadata.conf_state; }

  // Entries [lo, hi), at most max_size bytes of payload but always at least one entry.
  // REQUIRES: lo <= hi.
  StorageError Entries(uint64_t lo, uint64_t hi, uint64_t max_size, std::vector<Entry>* out) const;
  StorageError Term(uint64_t index, uint64_t* term) const {
    const uint64_t offset = ents_[0].index;
    if (index < offset) return StorageError::kCompacted;
    if (index - offset >= ents_.size()) return StorageError::kUnavailable;
    *term = ents_[index - offset].term;
    return StorageError::kOk;
  }
  uint64_t FirstIndex() const { return ents_[0].index + 1; }
  uint64_t LastIndex() const { return ents_[0].index + ents_.size() - 1; }
  const Snapshot& snapshot() const { return snapshot_; }

  // --- Writes by the host (persisting a Ready) ---
  void SetHardState(const HardState& hard_state) { hard_state_ = hard_state; }
  // Replaces everything with the snapshot. kSnapOutOfDate if older than the current one.
  StorageError ApplySnapshot(const Snapshot& snapshot);
  // Appends entries, truncating any conflicting suffix. Entries already compacted are skipped.
  // REQUIRES: entries are contiguous and entries[0].index <= LastIndex() + 1.
  void Append(const std::vector<Entry>& entries);

  // --- Writes by the application (snapshots and compaction) ---
  // Makes a snapshot at `index` (an applied index) holding `data`.
  // REQUIRES: index <= LastIndex(). kSnapOutOfDate if index <= the current snapshot's.
  StorageError CreateSnapshot(uint64_t index, const ConfState& conf_state, SharedBytes data);
  // Discards entries before `compact_index` (it becomes the dummy entry).
  // REQUIRES: compact_index <= LastIndex(). kCompacted if already compacted there.
  StorageError Compact(uint64_t compact_index);

  // Every stored entry after the dummy, for encoding a checkpoint (durable.h).
  std::vector<Entry> AllEntries() const;

 private:
  HardState hard_state_;
  Snapshot snapshot_;
  std::vector<Entry> ents_;
};

// Sum of payload bytes; entries beyond max_size are dropped but at least one is kept.
void LimitSize(uint64_t max_size, std::vector<Entry>* entries);

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_STORAGE_H_
