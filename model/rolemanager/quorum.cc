#include "model/rolemanager/quorum.h"

#include <algorithm>

#include "sim/check.h"

namespace swarmsim {
namespace rolemanager {

const api::RaftMember* RaftMembershipView::FindByNodeId(const std::string& node_id) const {
  for (const api::RaftMember& m : members) {
    if (m.node_id() == node_id) return &m;
  }
  return nullptr;
}

bool RaftMembershipView::IsMember(uint64_t raft_id) const {
  for (const api::RaftMember& m : members) {
    if (m.raft_id() == raft_id) return true;
  }
  return false;
}

bool RaftMembershipView::IsReachable(uint64_t raft_id) const {
  return std::binary_search(reachable_raft_ids.begin(), reachable_raft_ids.end(), raft_id);
}

void RaftMembershipView::CheckValid() const {
  for (size_t i = 1; i < members.size(); ++i) {
    SIM_CHECK_LT(members[i - 1].raft_id(), members[i].raft_id());
  }
  for (size_t i = 1; i < reachable_raft_ids.size(); ++i) {
    SIM_CHECK_LT(reachable_raft_ids[i - 1], reachable_raft_ids[i]);
  }
}

bool RoleManagerCanRemoveMember(const RaftMembershipView& view, uint64_t raft_id) {
  view.CheckValid();
  int64_t reachable_after_removal = 0;
  for (const api::RaftMember& m : view.members) {
    if (m.raft_id() == raft_id) continue;
    // The asking manager counts itself: it is the one that will carry on.
    if (m.raft_id() == view.self_raft_id || view.IsReachable(m.raft_id())) {
      ++reachable_after_removal;
    }
  }
  // Quorum of the current configuration, as SwarmKit computes it (integer division).
  const int64_t quorum = (static_cast<int64_t>(view.members.size()) - 1) / 2 + 1;
  return reachable_after_removal >= quorum;
}

}  // namespace rolemanager
}  // namespace swarmsim
