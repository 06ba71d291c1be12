#include "model/raft/storage.h"

#include "sim/check.h"

namespace swarmsim {
namespace raft {

const char* StorageErrorName(StorageError error) {
  switch (error) {
    case StorageError::kOk: return "ok";
    case StorageError::kCompacted: return "compacted";
    case StorageError::kUnavailable: return "unavailable";
    case StorageError::kSnapOutOfDate: return "snapshot out of date";
  }
  return "unknown";
}

MemoryStorage::MemoryStorage() : ents_(1) {}

StorageError MemoryStorage::Entries(uint64_t lo, uint64_t hi, uint64_t max_size,
                                    std::vector<Entry>* out) const {
  SIM_CHECK_LE(lo, hi);
  const uint64_t offset = ents_[0].index;
  if (lo <= offset) return StorageError::kCompacted;
  SIM_CHECK_LE(hi, LastIndex() + 1);
  uint64_t size = 0;
  for (uint64_t i = lo; i < hi; ++i) {
    const Entry& e = ents_[i - offset];
    size += e.data.size();
    if (i > lo && size > max_size) break;
    out->push_back(e);
  }
  return StorageError::kOk;
}

StorageError MemoryStorage::ApplySnapshot(const Snapshot& snapshot) {
  if (snapshot.metadata.index <= snapshot_.metadata.index) return StorageError::kSnapOutOfDate;
  snapshot_ = snapshot;
  ents_.assign(1, Entry());
  ents_[0].index = snapshot.metadata.index;
  ents_[0].term = snapshot.metadata.term;
  return StorageError::kOk;
}

void MemoryStorage::Append(const std::vector<Entry>& entries) {
  if (entries.empty()) return;
  const uint64_t first = FirstIndex();
  const uint64_t last = entries.back().index;
  if (last < first) return;  // Everything is already compacted.
  std::size_t skip = 0;
  if (entries[0].index < first) skip = static_cast<std::size_t>(first - entries[0].index);
  const uint64_t start = entries[skip].index;
  SIM_CHECK_LE(start, LastIndex() + 1);
  ents_.resize(static_cast<std::size_t>(start - ents_[0].index));  // Truncate the conflict.
  ents_.insert(ents_.end(), entries.begin() + static_cast<std::ptrdiff_t>(skip), entries.end());
}

StorageError MemoryStorage::CreateSnapshot(uint64_t index, const ConfState& conf_state,
                                           SharedBytes data) {
  if (index <= snapshot_.metadata.index) return StorageError::kSnapOutOfDate;
  SIM_CHECK_LE(index, LastIndex());
  uint64_t term = 0;
  SIM_CHECK(Term(index, &term) == StorageError::kOk);
  snapshot_.metadata.index = index;
  snapshot_.metadata.term = term;
  snapshot_.metadata.conf_state = conf_state;
  snapshot_.data = std::move(data);
  return StorageError::kOk;
}

StorageError MemoryStorage::Compact(uint64_t compact_index) {
  const uint64_t offset = ents_[0].index;
  if (compact_index <= offset) return StorageError::kCompacted;
  SIM_CHECK_LE(compact_index, LastIndex());
  const std::size_t cut = static_cast<std::size_t>(compact_index - offset);
  Entry dummy;
  dummy.index = ents_[cut].index;
  dummy.term = ents_[cut].term;
  ents_.erase(ents_.begin(), ents_.begin() + static_cast<std::ptrdiff_t>(cut));
  ents_[0] = dummy;
  return StorageError::kOk;
}

std::vector<Entry> MemoryStorage::AllEntries() const {
  return std::vector<Entry>(ents_.begin() + 1, ents_.end());
}

void LimitSize(uint64_t max_size, std::vector<Entry>* entries) {
  uint64_t size = 0;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    size += (*entries)[i].data.size();
    if (i > 0 && size > max_size) {
      entries->resize(i);
      return;
    }
  }
}

}  // namespace raft
}  // namespace swarmsim
