// Service requests of the control API (SwarmKit manager/controlapi/service.go).
#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "model/controlapi/control_api.h"
#include "sim/check.h"

namespace swarmsim {
namespace controlapi {
namespace {

const api::Service* FindService(const ControlView& view, const std::string& id) {
  auto it =
      std::lower_bound(view.services.begin(), view.services.end(), id,
                       [](const api::Service& s, const std::string& key) { return s.id() < key; });
  if (it == view.services.end() || it->id() != id) return nullptr;
  return &*it;
}

bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

api::StoreAction ServiceAction(api::StoreAction::Kind kind, const api::Service& service) {
  api::StoreAction action;
  action.set_kind(kind);
  *action.mutable_target()->mutable_service() = service;
  return action;
}

}  // namespace

absl::Status ValidateName(const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("meta: name must be provided");
  bool valid = IsAlnum(name.front()) && IsAlnum(name.back());
  for (char c : name) valid = valid && (IsAlnum(c) || c == '-' || c == '_');
  if (!valid) return absl::InvalidArgumentError("name must be valid as a DNS name component");
  if (name.size() > 63) return absl::InvalidArgumentError("name must be 63 characters or fewer");
  return absl::OkStatus();
}

absl::StatusOr<Decision<api::CreateServiceResponse>> CreateService(
    const ControlView& view, const api::CreateServiceRequest& request,
    const std::string& new_service_id) {
  SIM_CHECK(!new_service_id.empty());
  SIM_CHECK(FindService(view, new_service_id) == nullptr);
  if (!request.has_spec()) return absl::InvalidArgumentError("invalid argument");
  if (absl::Status s = ValidateName(request.spec().name()); !s.ok()) return s;
  const std::string lowered = absl::AsciiStrToLower(request.spec().name());
  for (const api::Service& existing : view.services) {
    if (absl::AsciiStrToLower(existing.spec().name()) == lowered) {
      return absl::AlreadyExistsError(
          absl::StrFormat("name conflicts with an existing object: service %s already exists",
                          request.spec().name()));
    }
  }
  api::Service service;
  service.set_id(new_service_id);
  *service.mutable_spec() = request.spec();
  Decision<api::CreateServiceResponse> d;
  d.actions.push_back(ServiceAction(api::StoreAction::CREATE, service));
  *d.response.mutable_service() = service;
  return d;
}

absl::StatusOr<Decision<api::UpdateServiceResponse>> UpdateService(
    const ControlView& view, const api::UpdateServiceRequest& request) {
  if (request.service_id().empty() || request.version() == 0) {
    return absl::InvalidArgumentError("invalid argument");
  }
  if (!request.has_spec()) return absl::InvalidArgumentError("invalid argument");
  if (absl::Status s = ValidateName(request.spec().name()); !s.ok()) return s;
  const api::Service* current = FindService(view, request.service_id());
  if (current == nullptr) {
    return absl::NotFoundError(absl::StrFormat("service %s not found", request.service_id()));
  }
  if (current->spec().name() != request.spec().name()) {
    return absl::UnimplementedError("renaming services is not supported");
  }
  if (current->meta().version() != request.version()) {
    return absl::UnknownError("update out of sequence");
  }
  api::Service updated = *current;
  *updated.mutable_spec() = request.spec();
  updated.mutable_meta()->set_version(request.version());
  Decision<api::UpdateServiceResponse> d;
  d.actions.push_back(ServiceAction(api::StoreAction::UPDATE, updated));
  *d.response.mutable_service() = updated;
  return d;
}

absl::StatusOr<Decision<api::RemoveServiceResponse>> RemoveService(
    const ControlView& view, const api::RemoveServiceRequest& request) {
  if (request.service_id().empty()) return absl::InvalidArgumentError("invalid argument");
  const api::Service* current = FindService(view, request.service_id());
  if (current == nullptr) {
    return absl::NotFoundError(absl::StrFormat("service %s not found", request.service_id()));
  }
  Decision<api::RemoveServiceResponse> d;
  d.actions.push_back(ServiceAction(api::StoreAction::REMOVE, *current));
  return d;
}

}  // namespace controlapi
}  // namespace swarmsim
