// The Raft membership as the leader's role manager and control API see it, and SwarmKit's quorum
// guard on member removal (raft.go CanRemoveMember).
//
// Pure values and functions: nothing here talks to Raft. The host fills a RaftMembershipView from
// its Raft node (members) and transport (which peers are active) before asking a question.
#ifndef SWARMSIM_MODEL_ROLEMANAGER_QUORUM_H_
#define SWARMSIM_MODEL_ROLEMANAGER_QUORUM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/proto/swarm.pb.h"

namespace swarmsim {
namespace rolemanager {

struct RaftMembershipView {
  // Raft ID of the manager asking (the leader). Counted as reachable by definition.
  uint64_t self_raft_id = 0;
  // Current members, sorted by raft_id, no duplicates.
  std::vector<api::RaftMember> members;
  // Raft IDs of peers the transport reports active, sorted. Self may appear or not.
  std::vector<uint64_t> reachable_raft_ids;

  // The member whose node_id matches, or nullptr (SwarmKit GetMemberByNodeID).
  const api::RaftMember* FindByNodeId(const std::string& node_id) const;
  bool IsMember(uint64_t raft_id) const;
  bool IsReachable(uint64_t raft_id) const;
  // SIM_CHECKs the sortedness and uniqueness promised above.
  void CheckValid() const;
};

// Whether removing member `raft_id` keeps a quorum of reachable members: the number of members
// other than `raft_id` that are self or reachable must be at least (len(members) - 1) / 2 + 1.
// Named for the role manager so it is not confused with Raft's own copy.
bool RoleManagerCanRemoveMember(const RaftMembershipView& view, uint64_t raft_id);

}  // namespace rolemanager
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_ROLEMANAGER_QUORUM_H_
