#include "model/raft/quorum.h"

#include <algorithm>

#include "sim/check.h"

namespace swarmsim {
namespace raft {

uint64_t CommittedIndex(std::vector<uint64_t>* matches_ptr) {
  std::vector<uint64_t>& matches = *matches_ptr;
  SIM_CHECK(!matches.empty());
  // The q-th largest match is held by at least q voters.
  const std::size_t q = static_cast<std::size_t>(QuorumSize(static_cast<int>(matches.size())));
  std::nth_element(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(q - 1),
                   matches.end(), [](uint64_t a, uint64_t b) { return a > b; });
  return matches[q - 1];
}

VoteResult TallyVotes(int voters, int granted, int rejected) {
  const int q = QuorumSize(voters);
  if (granted >= q) return VoteResult::kWon;
  if (rejected >= q || voters - rejected < q) return VoteResult::kLost;
  return VoteResult::kPending;
}

bool CanRemoveMember(const std::vector<uint64_t>& members, const std::vector<uint64_t>& reachable,
                     uint64_t self, uint64_t id) {
  int reachable_remaining = 0;
  for (uint64_t m : members) {
    if (m == id) continue;
    const bool is_reachable =
        m == self || std::find(reachable.begin(), reachable.end(), m) != reachable.end();
    if (is_reachable) ++reachable_remaining;
  }
  // SwarmKit: nreachable >= (len(members) - 1) / 2 + 1, members counted before the removal.
  const int members_total = static_cast<int>(members.size());
  return reachable_remaining >= (members_total - 1) / 2 + 1;
}

}  // namespace raft
}  // namespace swarmsim
