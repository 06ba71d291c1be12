#include "model/dispatcher/errors.h"

#include "absl/strings/str_format.h"

namespace swarmsim {
namespace dispatcher {

absl::Status DispatcherStoppedError() { return absl::AbortedError("dispatcher is stopped"); }
absl::Status NodeNotRegisteredError() { return absl::NotFoundError("node not registered"); }
absl::Status SessionInvalidError() { return absl::InvalidArgumentError("session invalid"); }
absl::Status RateLimitExceededError(absl::string_view node_id) {
  return absl::UnavailableError(
      absl::StrFormat("node %s exceeded rate limit count of registrations", node_id));
}
absl::Status NodeNotFoundError() { return absl::UnknownError("node not found"); }
absl::Status TaskNotAssignedError() {
  return absl::PermissionDeniedError("cannot update a task not assigned this node");
}
absl::Status NodeMustDisconnectError() { return absl::AbortedError("node must disconnect"); }
absl::Status StreamCanceledError() { return absl::CancelledError("context canceled"); }

}  // namespace dispatcher
}  // namespace swarmsim
