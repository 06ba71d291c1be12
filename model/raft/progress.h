// Progress: the leader's view of one follower's log (etcd's tracker.Progress), and Inflights,
// the bounded window of append messages sent but not yet acknowledged.
//
// Internal to model/raft. States:
//   kProbe:     one append at a time until the follower's match index is found;
//   kReplicate: stream appends optimistically, at most max_inflight_msgs unacknowledged;
//   kSnapshot:  a snapshot is in flight; send nothing until it is reported or acknowledged.
#ifndef SWARMSIM_MODEL_RAFT_PROGRESS_H_
#define SWARMSIM_MODEL_RAFT_PROGRESS_H_

#include <cstdint>
#include <vector>

namespace swarmsim {
namespace raft {

// Ring buffer of the last index of each unacknowledged append. REQUIRES: capacity > 0.
class Inflights {
 public:
  explicit Inflights(int capacity);
  void Add(uint64_t index);        // REQUIRES: !Full() and index above the last added.
  void FreeLE(uint64_t index);     // Frees every inflight append ending at or before index.
  void FreeFirstOne();
  bool Full() const { return count_ == static_cast<int>(buffer_.size()); }
  int count() const { return count_; }
  void Reset() { count_ = 0; start_ = 0; }

 private:
  std::vector<uint64_t> buffer_;
  int start_ = 0;
  int count_ = 0;
};

enum class ProgressState : uint8_t { kProbe = 0, kReplicate = 1, kSnapshot = 2 };
const char* ProgressStateName(ProgressState state);

struct Progress {
  explicit Progress(int max_inflight) : inflights(max_inflight) {}

  uint64_t match = 0;
  uint64_t next = 1;
  ProgressState state = ProgressState::kProbe;
  uint64_t pending_snapshot = 0;  // Index of the snapshot in flight (kSnapshot).
  // Heard from since the last CheckQuorum round (leader's view).
  bool recent_active = false;
  // kProbe: an append was sent and is unanswered; pause until a response or heartbeat response.
  bool probe_sent = false;
  Inflights inflights;

  void BecomeProbe();
  void BecomeReplicate();
  void BecomeSnapshot(uint64_t snapshot_index);
  // An acknowledgement up to index; false if stale.
  bool MaybeUpdate(uint64_t index);
  // Optimistic: appends up to index are on their way.
  void OptimisticUpdate(uint64_t index) { next = index + 1; }
  // A rejection of the append at `rejected`; `match_hint` is the follower's guess of where our
  // logs may agree (never taken below match + 1). False if stale (nothing changes).
  bool MaybeDecrTo(uint64_t rejected, uint64_t match_hint);
  bool IsPaused() const;
};

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_PROGRESS_H_
