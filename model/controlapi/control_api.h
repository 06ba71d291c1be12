// Control API decisions: SwarmKit's manager/controlapi (service.go, node.go) for the requests
// scenarios use, as pure functions.
//
// Each function validates a request against a read-only view of the store and the Raft membership
// and returns either SwarmKit's refusal (absl::Status with gRPC's code and SwarmKit's message) or
// the store actions to propose as one transaction plus the response to send once they commit. No
// clock, no I/O, no ID generation (the host passes new IDs in). The host runs these on the leader
// (reached through the raft proxy) and applies the actions through Raft.
//
// Object versions: an update carries the version the client read. A mismatch with the view is
// refused with SwarmKit's store error (code UNKNOWN, "update out of sequence"); the emitted action
// carries the client's version in meta.version so that a store applying it can repeat the check.
#ifndef SWARMSIM_MODEL_CONTROLAPI_CONTROL_API_H_
#define SWARMSIM_MODEL_CONTROLAPI_CONTROL_API_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/proto/swarm.pb.h"
#include "model/rolemanager/quorum.h"

namespace swarmsim {
namespace controlapi {

// What the control API reads. The vectors are sorted by id without duplicates.
struct ControlView {
  const std::vector<api::Node>& nodes;
  const std::vector<api::Service>& services;
  const rolemanager::RaftMembershipView& membership;
};

template <typename Response>
struct Decision {
  std::vector<api::StoreAction> actions;  // one store transaction, in order
  Response response;                      // valid once the actions committed
};

// INVALID_ARGUMENT for a missing or malformed spec or name; ALREADY_EXISTS when a service has the
// same name (case-insensitive, as the store's name index).
// REQUIRES: new_service_id is fresh.
absl::StatusOr<Decision<api::CreateServiceResponse>> CreateService(
    const ControlView& view, const api::CreateServiceRequest& request,
    const std::string& new_service_id);

// Changes the spec (replicas). INVALID_ARGUMENT without id or version (0) or spec; NOT_FOUND;
// absl::StatusCode::kUnimplemented for a rename; UNKNOWN "update out of sequence" on a version
// conflict.
absl::StatusOr<Decision<api::UpdateServiceResponse>> UpdateService(
    const ControlView& view, const api::UpdateServiceRequest& request);

// INVALID_ARGUMENT without id; NOT_FOUND. The orchestrator then marks its tasks for removal.
absl::StatusOr<Decision<api::RemoveServiceResponse>> RemoveService(
    const ControlView& view, const api::RemoveServiceRequest& request);

// Changes desired role and availability. On a demotion (desired MANAGER -> WORKER):
// FAILED_PRECONDITION "attempting to demote the last manager of the swarm" when it is the only
// node with observed role MANAGER; NOT_FOUND when it is not in the Raft member list;
// FAILED_PRECONDITION "can't remove member from the raft: this would result in a loss of quorum"
// when RoleManagerCanRemoveMember says no. Also INVALID_ARGUMENT, NOT_FOUND, version conflicts.
absl::StatusOr<Decision<api::UpdateNodeResponse>> UpdateNode(const ControlView& view,
                                                             const api::UpdateNodeRequest& request);

// FAILED_PRECONDITION when the node's desired role is MANAGER and it is still a Raft member (it
// must be demoted first), or when it is READY and `force` is false (SwarmKit refuses only READY
// nodes: UNKNOWN, DOWN and DISCONNECTED nodes can be removed without force). Also
// INVALID_ARGUMENT, NOT_FOUND. (SwarmKit's certificate blacklisting is out of scope.)
absl::StatusOr<Decision<api::RemoveNodeResponse>> RemoveNode(const ControlView& view,
                                                             const api::RemoveNodeRequest& request);

// SwarmKit's name rule for objects: 1..63 characters of [A-Za-z0-9_-], starting and ending with a
// letter or digit. Returns the INVALID_ARGUMENT status or OK.
absl::Status ValidateName(const std::string& name);

}  // namespace controlapi
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CONTROLAPI_CONTROL_API_H_
