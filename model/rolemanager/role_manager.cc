#include "model/rolemanager/role_manager.h"

#include <algorithm>
#include <utility>

#include "sim/check.h"

namespace swarmsim {
namespace rolemanager {
namespace {

RoleDecision UpdateRole(const api::Node& node, api::NodeRole role) {
  RoleDecision d;
  d.kind = RoleDecision::Kind::kUpdateNode;
  d.node_id = node.id();
  d.action.set_kind(api::StoreAction::UPDATE);
  api::Node* updated = d.action.mutable_target()->mutable_node();
  *updated = node;
  updated->set_role(role);
  return d;
}

}  // namespace

const api::Node* RoleView::FindNode(const std::string& node_id) const {
  auto it = nodes.find(node_id);
  return it == nodes.end() ? nullptr : &it->second;
}

void RoleView::CheckValid() const {
  for (const auto& [id, node] : nodes) SIM_CHECK_EQ(id, node.id());
  membership.CheckValid();
}

RoleManager::RoleManager(RoleManagerOptions options) : options_(options) {
  SIM_CHECK(options_.reconcile_interval > absl::ZeroDuration());
}

bool RoleManager::HasPendingWork() const {
  return !pending_reconciliation_.empty() || !pending_removal_.empty();
}

RoleManagerOutput RoleManager::Start(sim::Time now, const RoleView& view) {
  view.CheckValid();
  Pass pass{view.membership, false, {}};
  // A node object always exists before its Raft member, so a member without one was deleted.
  for (const api::RaftMember& m : view.membership.members) {
    if (view.FindNode(m.node_id()) == nullptr) pending_removal_.insert(m.node_id());
  }
  for (const auto& [id, node] : view.nodes) {
    pending_reconciliation_.insert(node.id());
    ReconcileRole(node.id(), view, pass);
  }
  const std::vector<std::string> removals(pending_removal_.begin(), pending_removal_.end());
  for (const std::string& id : removals) EvictRemovedNode(id, pass);
  UpdateTicker(now, pass);
  return std::move(pass.out);
}

RoleManagerOutput RoleManager::HandleNodeUpdate(sim::Time now, const std::string& node_id,
                                                const RoleView& view) {
  view.CheckValid();
  Pass pass{view.membership, false, {}};
  pending_reconciliation_.insert(node_id);
  ReconcileRole(node_id, view, pass);
  UpdateTicker(now, pass);
  return std::move(pass.out);
}

RoleManagerOutput RoleManager::HandleNodeDelete(sim::Time now, const std::string& node_id,
                                                const RoleView& view) {
  view.CheckValid();
  Pass pass{view.membership, false, {}};
  pending_removal_.insert(node_id);
  EvictRemovedNode(node_id, pass);
  UpdateTicker(now, pass);
  return std::move(pass.out);
}

RoleManagerOutput RoleManager::HandleTick(sim::Time now, uint64_t generation,
                                          const RoleView& view) {
  if (!ticker_running_ || generation != tick_generation_) return {};  // Superseded ticker.
  view.CheckValid();
  Pass pass{view.membership, false, {}};
  // Iterate over copies: reconciling erases from the sets.
  const std::vector<std::string> nodes(pending_reconciliation_.begin(),
                                       pending_reconciliation_.end());
  for (const std::string& id : nodes) ReconcileRole(id, view, pass);
  const std::vector<std::string> removals(pending_removal_.begin(), pending_removal_.end());
  for (const std::string& id : removals) EvictRemovedNode(id, pass);
  if (HasPendingWork()) {
    // A Go ticker keeps its phase: the next tick is one interval after this one was due.
    next_tick_at_ = next_tick_at_ + options_.reconcile_interval;
    if (next_tick_at_ <= now) next_tick_at_ = now + options_.reconcile_interval;
    ++tick_generation_;
    pass.out.tick = TickRequest{next_tick_at_, tick_generation_};
  } else {
    ticker_running_ = false;
    ++tick_generation_;
  }
  return std::move(pass.out);
}

void RoleManager::UpdateTicker(sim::Time now, Pass& pass) {
  // Events start the ticker when work is pending; only a tick stops it (as in SwarmKit).
  if (HasPendingWork() && !ticker_running_) {
    ticker_running_ = true;
    next_tick_at_ = now + options_.reconcile_interval;
    ++tick_generation_;
    pass.out.tick = TickRequest{next_tick_at_, tick_generation_};
  }
}

void RoleManager::ReconcileRole(const std::string& node_id, const RoleView& view, Pass& pass) {
  const api::Node* node = view.FindNode(node_id);
  if (node == nullptr) {
    // Deleted: HandleNodeDelete takes care of its Raft membership.
    pending_reconciliation_.erase(node_id);
    return;
  }
  const api::NodeRole desired = node->spec().desired_role();
  if (node->role() == desired) {
    pending_reconciliation_.erase(node_id);
    return;
  }
  if (desired == api::NODE_ROLE_MANAGER) {
    // Promotion proceeds at once; the node joins Raft on its own.
    pass.out.decisions.push_back(UpdateRole(*node, api::NODE_ROLE_MANAGER));
    pending_reconciliation_.erase(node_id);
    return;
  }
  // Demotion.
  const api::RaftMember* member = pass.membership.FindByNodeId(node_id);
  if (member != nullptr) {
    // Stays pending: once the member is gone, a later pass sets role WORKER.
    const api::RaftMember copy = *member;
    RemoveMember(copy, pass);
    return;
  }
  pass.out.decisions.push_back(UpdateRole(*node, api::NODE_ROLE_WORKER));
  pending_reconciliation_.erase(node_id);
}

void RoleManager::EvictRemovedNode(const std::string& node_id, Pass& pass) {
  const api::RaftMember* member = pass.membership.FindByNodeId(node_id);
  if (member == nullptr) {
    pending_removal_.erase(node_id);
    return;
  }
  // Stays pending until a later pass finds the member gone.
  const api::RaftMember copy = *member;
  RemoveMember(copy, pass);
}

void RoleManager::RemoveMember(const api::RaftMember& member, Pass& pass) {
  // Leadership is on its way out: any further Raft change would fail with "not leader".
  if (pass.transferring_leadership) return;
  // Quorum safeguard: skip now, the ticker retries.
  if (!RoleManagerCanRemoveMember(pass.membership, member.raft_id())) return;
  RoleDecision d;
  d.node_id = member.node_id();
  d.raft_id = member.raft_id();
  if (member.raft_id() == pass.membership.self_raft_id) {
    // The leader demotes itself by handing over leadership; the next leader removes it.
    d.kind = RoleDecision::Kind::kTransferLeadership;
    pass.transferring_leadership = true;
    pass.out.decisions.push_back(std::move(d));
    return;
  }
  d.kind = RoleDecision::Kind::kRemoveMember;
  pass.out.decisions.push_back(std::move(d));
  // SwarmKit blocks until the removal is applied; later checks in this pass see it as done.
  auto& members = pass.membership.members;
  members.erase(
      std::remove_if(members.begin(), members.end(),
                     [&](const api::RaftMember& m) { return m.raft_id() == member.raft_id(); }),
      members.end());
}

}  // namespace rolemanager
}  // namespace swarmsim
