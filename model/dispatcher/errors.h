// The dispatcher's error surface as agents see it (reference §2.11): gRPC code and message. The
// codes are absl::StatusCode, which numbers and names gRPC's codes one for one.
#ifndef SWARMSIM_MODEL_DISPATCHER_ERRORS_H_
#define SWARMSIM_MODEL_DISPATCHER_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace swarmsim {
namespace dispatcher {

// ABORTED "dispatcher is stopped": not running (follower, not yet started, stopping).
absl::Status DispatcherStoppedError();
// NOT_FOUND "node not registered": no entry in the node registry (never registered, expired).
absl::Status NodeNotRegisteredError();
// INVALID_ARGUMENT "session invalid": empty or superseded session ID.
absl::Status SessionInvalidError();
// UNAVAILABLE "node <id> exceeded rate limit count of registrations".
absl::Status RateLimitExceededError(absl::string_view node_id);
// UNKNOWN "node not found": registration of a node absent from the store (a plain Go error).
absl::Status NodeNotFoundError();
// PERMISSION_DENIED "cannot update a task not assigned this node".
absl::Status TaskNotAssignedError();
// ABORTED "node must disconnect": the end of every Session stream when the dispatcher stops.
absl::Status NodeMustDisconnectError();
// CANCELLED "context canceled": the end of other streams (Assignments) when the dispatcher stops.
absl::Status StreamCanceledError();

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_ERRORS_H_
