// RaftInvariants: the per-node safety rules, checked after every input to a RaftNode (always on).
//
// CheckBasic(node): rules about one state — commit <= last index, applied <= commit, a leader
// leads itself, a candidate voted for itself, the first index is at most last + 1.
// CheckDelta(prev, node): rules about one transition — term and commit never decrease; within a
// term the vote, once cast, never changes; a leader that stays leader in the same term only
// appends (its previous last entry is still there with the same term); applied never decreases.
// A violation is a bug: it aborts through SIM_CHECK. Cross-node rules (one leader per term, log
// matching, state machine safety) need a cluster view and live in the tests' cluster harness.
#ifndef SWARMSIM_MODEL_RAFT_INVARIANTS_H_
#define SWARMSIM_MODEL_RAFT_INVARIANTS_H_

#include <cstdint>

#include "model/raft/ready.h"

namespace swarmsim {
namespace raft {

class RaftNode;

// The few numbers CheckDelta compares; cheap to capture after every step.
struct RaftView {
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t lead = 0;
  RaftRole role = RaftRole::kFollower;
  uint64_t commit = 0;
  uint64_t applied = 0;
  uint64_t last_index = 0;
  uint64_t last_term = 0;
};

class RaftInvariants {
 public:
  static RaftView Capture(const RaftNode& node);
  static void CheckBasic(const RaftNode& node);
  static void CheckDelta(const RaftView& prev, const RaftNode& node);
};

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_INVARIANTS_H_
