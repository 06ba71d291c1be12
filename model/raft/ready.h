// Ready: what a RaftNode asks its host to do, and SoftState, its volatile leadership view.
//
// The host handles one Ready at a time, in this order (etcd's contract, and SwarmKit's Run loop):
//   1. persist: snapshot (if any), then entries, then hard state (if any) — durably;
//   2. send messages (only after step 1: a vote or an acknowledgement must never outrun the disk);
//   3. restore the application from the snapshot (if any), then apply committed_entries in order,
//      calling RaftNode::ApplyConfChange for conf-change entries;
//   4. RaftNode::Advance(ready).
#ifndef SWARMSIM_MODEL_RAFT_READY_H_
#define SWARMSIM_MODEL_RAFT_READY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "model/raft/types.h"

namespace swarmsim {
namespace raft {

enum class RaftRole : uint8_t { kFollower = 0, kCandidate = 1, kLeader = 2, kPreCandidate = 3 };
const char* RaftRoleName(RaftRole role);

struct SoftState {
  uint64_t lead = kNone;
  RaftRole role = RaftRole::kFollower;
  bool operator==(const SoftState& o) const { return lead == o.lead && role == o.role; }
  bool operator!=(const SoftState& o) const { return !(*this == o); }
};

struct Ready {
  std::optional<SoftState> soft_state;    // Set when it changed since the last Ready.
  std::optional<HardState> hard_state;    // Set when it changed: persist it.
  std::vector<Entry> entries;             // Persist (append, truncating conflicts) before sending.
  std::optional<Snapshot> snapshot;       // Persist and restore the application from it.
  std::vector<Entry> committed_entries;   // Apply in order (they are already persisted or in entries).
  std::vector<Message> messages;          // Send after persisting.
  bool must_sync = false;                 // Entries or term/vote changed: fsync before sending.
};

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_READY_H_
