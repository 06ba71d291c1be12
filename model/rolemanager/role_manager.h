// RoleManager: SwarmKit's leader-only role manager (manager/role_manager.go) as a pure reconciler.
//
// It reconciles each node's desired role (Spec.desired_role) with its observed role (Node.role)
// and the Raft membership, and evicts Raft members whose node object was deleted. It never reads a
// clock, never talks to Raft or the store, and never allocates IDs: every input is an argument
// and every effect is a returned decision the host carries out.
//
// Behaviour (reference §3.4):
// - Promotion (desired MANAGER, role WORKER): update role to MANAGER at once; no Raft change here
//   (the promoted node joins Raft by itself later).
// - Demotion (desired WORKER, role MANAGER): while the node is a Raft member, remove the member if
//   RoleManagerCanRemoveMember allows it (else skip and retry); when the member is the leader
//   itself, transfer leadership instead (the next leader finishes the job). Once the node is no
//   longer a member, update role to WORKER.
// - A deleted node that is still a Raft member is removed from Raft (same quorum rule).
// - While anything is pending, a ticker retries every reconcile_interval (5 s).
//
// Host contract (mirrors SwarmKit, whose role manager blocks on these calls):
// - Store updates in `decisions` are proposed as separate store.Update transactions; the host
//   passes a view that includes them before calling again.
// - RemoveMember runs with removal_timeout (5 s); TransferLeadership with Raft's own timeout. If a
//   transfer fails, SwarmKit falls back to RemoveMember of the leader itself: the host does that.
// - The host does not call again while a RemoveMember it was given is still in flight.
#ifndef SWARMSIM_MODEL_ROLEMANAGER_ROLE_MANAGER_H_
#define SWARMSIM_MODEL_ROLEMANAGER_ROLE_MANAGER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "model/proto/swarm.pb.h"
#include "model/rolemanager/quorum.h"
#include "sim/time.h"

namespace swarmsim {
namespace rolemanager {

// SwarmKit roleReconcileInterval and removalTimeout.
inline constexpr absl::Duration kRoleReconcileInterval = absl::Seconds(5);
inline constexpr absl::Duration kRemovalTimeout = absl::Seconds(5);

struct RoleManagerOptions {
  absl::Duration reconcile_interval = kRoleReconcileInterval;
};

// What the role manager reads: the store's node table, in place, and the Raft membership.
struct RoleView {
  // store::MemoryStore::nodes(): keyed by id, so in id order without duplicates.
  const std::map<std::string, api::Node>& nodes;
  RaftMembershipView membership;

  const api::Node* FindNode(const std::string& node_id) const;
  // SIM_CHECKs that each node's id is its key, and the membership's own invariants.
  void CheckValid() const;
};

struct RoleDecision {
  enum class Kind {
    kUpdateNode,          // propose `action` (an UPDATE of the node with its new observed role)
    kRemoveMember,        // raft RemoveMember(raft_id) with kRemovalTimeout
    kTransferLeadership,  // raft TransferLeadership(); raft_id is self
  };
  Kind kind = Kind::kUpdateNode;
  std::string node_id;
  uint64_t raft_id = 0;
  api::StoreAction action;  // only for kUpdateNode
};

// A request to call HandleTick(at, generation). A later request supersedes earlier ones: a tick
// whose generation is not the latest is ignored.
struct TickRequest {
  sim::Time at;
  uint64_t generation = 0;
};

struct RoleManagerOutput {
  std::vector<RoleDecision> decisions;
  std::optional<TickRequest> tick;
};

class RoleManager {
 public:
  explicit RoleManager(RoleManagerOptions options = RoleManagerOptions());

  // The role manager starts (this manager became leader): every Raft member without a node object
  // is queued for removal and every node is reconciled.
  RoleManagerOutput Start(sim::Time now, const RoleView& view);
  // A node object was updated (SwarmKit EventUpdateNode).
  RoleManagerOutput HandleNodeUpdate(sim::Time now, const std::string& node_id,
                                     const RoleView& view);
  // A node object was deleted (SwarmKit EventDeleteNode).
  RoleManagerOutput HandleNodeDelete(sim::Time now, const std::string& node_id,
                                     const RoleView& view);
  // The retry ticker fired. Stale generations are ignored (empty output).
  RoleManagerOutput HandleTick(sim::Time now, uint64_t generation, const RoleView& view);

  bool HasPendingWork() const;
  const std::set<std::string>& pending_reconciliation() const { return pending_reconciliation_; }
  const std::set<std::string>& pending_removal() const { return pending_removal_; }

 private:
  // Per-call scratch: the membership as it will be once this call's removals are applied, and
  // whether leadership is being given away (then no further Raft change is attempted).
  struct Pass {
    RaftMembershipView membership;
    bool transferring_leadership = false;
    RoleManagerOutput out;
  };

  void ReconcileRole(const std::string& node_id, const RoleView& view, Pass& pass);
  void EvictRemovedNode(const std::string& node_id, Pass& pass);
  // Returns after emitting at most one Raft change for `member`.
  void RemoveMember(const api::RaftMember& member, Pass& pass);
  void UpdateTicker(sim::Time now, Pass& pass);

  RoleManagerOptions options_;
  std::set<std::string> pending_reconciliation_;  // node ids
  std::set<std::string> pending_removal_;         // node ids
  bool ticker_running_ = false;
  sim::Time next_tick_at_;
  uint64_t tick_generation_ = 0;
};

}  // namespace rolemanager
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_ROLEMANAGER_ROLE_MANAGER_H_
