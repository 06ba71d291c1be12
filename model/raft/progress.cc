#include "model/raft/progress.h"

#include <algorithm>

#include "sim/check.h"

namespace swarmsim {
namespace raft {

Inflights::Inflights(int capacity) : buffer_(static_cast<std::size_t>(capacity)) {
  SIM_CHECK_GT(capacity, 0);
}

void Inflights::Add(uint64_t index) {
  SIM_CHECK(!Full());
  const int size = static_cast<int>(buffer_.size());
  int slot = start_ + count_;
  if (slot >= size) slot -= size;
  buffer_[static_cast<std::size_t>(slot)] = index;
  ++count_;
}

void Inflights::FreeLE(uint64_t index) {
  const int size = static_cast<int>(buffer_.size());
  int freed = 0;
  int slot = start_;
  while (freed < count_ && buffer_[static_cast<std::size_t>(slot)] <= index) {
    ++freed;
    if (++slot >= size) slot = 0;
  }
  count_ -= freed;
  start_ = count_ == 0 ? 0 : slot;
}

void Inflights::FreeFirstOne() {
  if (count_ == 0) return;
  FreeLE(buffer_[static_cast<std::size_t>(start_)]);
}

const char* ProgressStateName(ProgressState state) {
  switch (state) {
    case ProgressState::kProbe: return "probe";
    case ProgressState::kReplicate: return "replicate";
    case ProgressState::kSnapshot: return "snapshot";
  }
  return "unknown";
}

void Progress::BecomeProbe() {
  // Leaving kSnapshot: the follower has at least the snapshot (if it was applied).
  if (state == ProgressState::kSnapshot) {
    const uint64_t pending = pending_snapshot;
    state = ProgressState::kProbe;
    next = std::max(match + 1, pending + 1);
  } else {
    state = ProgressState::kProbe;
    next = match + 1;
  }
  probe_sent = false;
  pending_snapshot = 0;
  inflights.Reset();
}

void Progress::BecomeReplicate() {
  state = ProgressState::kReplicate;
  next = match + 1;
  probe_sent = false;
  pending_snapshot = 0;
  inflights.Reset();
}

void Progress::BecomeSnapshot(uint64_t snapshot_index) {
  state = ProgressState::kSnapshot;
  probe_sent = false;
  pending_snapshot = snapshot_index;
  inflights.Reset();
}

bool Progress::MaybeUpdate(uint64_t index) {
  bool updated = false;
  if (match < index) {
    match = index;
    updated = true;
    probe_sent = false;  // The follower answered: probing may continue.
  }
  next = std::max(next, index + 1);
  return updated;
}

bool Progress::MaybeDecrTo(uint64_t rejected, uint64_t match_hint) {
  if (state == ProgressState::kReplicate) {
    // Stale: a rejection of something at or below what is known to match.
    if (rejected <= match) return false;
    next = match + 1;
    return true;
  }
  // Probing: only the rejection of the last probe counts.
  if (next - 1 != rejected) return false;
  // Never probe below what the follower is known to hold (etcd v3.6): a hint under the match
  // (a stale or reordered rejection) would otherwise probe entries it already acknowledged.
  next = std::max(std::min(rejected, match_hint + 1), match + 1);
  probe_sent = false;
  return true;
}

bool Progress::IsPaused() const {
  switch (state) {
    case ProgressState::kProbe: return probe_sent;
    case ProgressState::kReplicate: return inflights.Full();
    case ProgressState::kSnapshot: return true;
  }
  return true;
}

}  // namespace raft
}  // namespace swarmsim
