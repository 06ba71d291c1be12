// Node requests of the control API (SwarmKit manager/controlapi/node.go).
#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "model/controlapi/control_api.h"

namespace swarmsim {
namespace controlapi {
namespace {

const api::Node* FindNode(const ControlView& view, const std::string& id) {
  auto it =
      std::lower_bound(view.nodes.begin(), view.nodes.end(), id,
                       [](const api::Node& n, const std::string& key) { return n.id() < key; });
  if (it == view.nodes.end() || it->id() != id) return nullptr;
  return &*it;
}

api::StoreAction NodeAction(api::StoreAction::Kind kind, const api::Node& node) {
  api::StoreAction action;
  action.set_kind(kind);
  *action.mutable_target()->mutable_node() = node;
  return action;
}

// SwarmKit's demotion sanity checks, in its order.
absl::Status CheckDemotion(const ControlView& view, const api::Node& node) {
  // "Managers" are nodes whose observed role is MANAGER (the store's role index).
  int managers = 0;
  bool node_is_manager = false;
  for (const api::Node& n : view.nodes) {
    if (n.role() != api::NODE_ROLE_MANAGER) continue;
    ++managers;
    node_is_manager = node_is_manager || n.id() == node.id();
  }
  if (managers == 1 && node_is_manager) {
    return absl::FailedPreconditionError("attempting to demote the last manager of the swarm");
  }
  const api::RaftMember* member = view.membership.FindByNodeId(node.id());
  if (member == nullptr) return absl::NotFoundError("can't find manager in raft memberlist");
  if (!rolemanager::RoleManagerCanRemoveMember(view.membership, member->raft_id())) {
    return absl::FailedPreconditionError(
        "can't remove member from the raft: this would result in a loss of quorum");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Decision<api::UpdateNodeResponse>> UpdateNode(
    const ControlView& view, const api::UpdateNodeRequest& request) {
  if (request.node_id().empty() || request.version() == 0) {
    return absl::InvalidArgumentError("invalid argument");
  }
  if (!request.has_spec()) return absl::InvalidArgumentError("invalid argument");
  const api::Node* current = FindNode(view, request.node_id());
  if (current == nullptr) {
    return absl::NotFoundError(absl::StrFormat("node %s not found", request.node_id()));
  }
  if (current->spec().desired_role() == api::NODE_ROLE_MANAGER &&
      request.spec().desired_role() == api::NODE_ROLE_WORKER) {
    if (absl::Status s = CheckDemotion(view, *current); !s.ok()) return s;
  }
  // The store compares versions when the update is applied; so do we, after the checks above.
  if (current->meta().version() != request.version()) {
    return absl::UnknownError("update out of sequence");
  }
  api::Node updated = *current;
  *updated.mutable_spec() = request.spec();
  updated.mutable_meta()->set_version(request.version());
  Decision<api::UpdateNodeResponse> d;
  d.actions.push_back(NodeAction(api::StoreAction::UPDATE, updated));
  *d.response.mutable_node() = updated;
  return d;
}

absl::StatusOr<Decision<api::RemoveNodeResponse>> RemoveNode(
    const ControlView& view, const api::RemoveNodeRequest& request) {
  if (request.node_id().empty()) return absl::InvalidArgumentError("invalid argument");
  const api::Node* current = FindNode(view, request.node_id());
  if (current == nullptr) {
    return absl::NotFoundError(absl::StrFormat("node %s not found", request.node_id()));
  }
  if (current->spec().desired_role() == api::NODE_ROLE_MANAGER &&
      view.membership.FindByNodeId(current->id()) != nullptr) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "node %s is a cluster manager and is a member of the raft cluster. It must be demoted "
        "to worker before removal",
        current->id()));
  }
  if (!request.force() && current->status().state() == api::NodeStatus::READY) {
    return absl::FailedPreconditionError(
        absl::StrFormat("node %s is not down and can't be removed", current->id()));
  }
  Decision<api::RemoveNodeResponse> d;
  d.actions.push_back(NodeAction(api::StoreAction::REMOVE, *current));
  return d;
}

}  // namespace controlapi
}  // namespace swarmsim
