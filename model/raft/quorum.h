// Majority arithmetic for a single voter set (no joint consensus: membership changes one node
// at a time, as SwarmKit does). Pure functions over sorted id vectors.
#ifndef SWARMSIM_MODEL_RAFT_QUORUM_H_
#define SWARMSIM_MODEL_RAFT_QUORUM_H_

#include <cstdint>
#include <vector>

namespace swarmsim {
namespace raft {

// Smallest number of voters that is a majority of n. REQUIRES: n > 0.
inline int QuorumSize(int n) { return n / 2 + 1; }

// The largest index that a majority has matched. Reorders *matches (a scratch buffer, so the
// hot path allocates nothing). REQUIRES: !matches->empty().
uint64_t CommittedIndex(std::vector<uint64_t>* matches);

enum class VoteResult { kPending, kWon, kLost };
VoteResult TallyVotes(int voters, int granted, int rejected);

// SwarmKit's CanRemoveMember: removing `id` keeps a reachable majority of the remaining members.
// `reachable` lists members this leader can reach (it always counts itself). Both unsorted ok.
bool CanRemoveMember(const std::vector<uint64_t>& members, const std::vector<uint64_t>& reachable,
                     uint64_t self, uint64_t id);

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_QUORUM_H_
