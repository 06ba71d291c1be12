// Manager: the control API executed on the leader (reference §3.4; model/controlapi decides) and
// RaftMembership.Join (§4.5, §10.2) and the CA's certificate renewal (§10.3), all reached
// through the raft proxy.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/controlapi/control_api.h"
#include "model/process/manager.h"
#include "model/process/store_rows.h"
#include "model/process/wire.h"

namespace swarmsim {
namespace process {
namespace {

// Runs one Decision function; on success keeps the response for the reply.
template <typename Response>
absl::StatusOr<std::vector<api::InternalRaftRequest>> Propose(
    absl::StatusOr<controlapi::Decision<Response>> decision, sim::Payload* response) {
  if (!decision.ok()) return decision.status();
  *response = MessagePayload(decision->response);
  api::InternalRaftRequest request;
  for (api::StoreAction& action : decision->actions) *request.add_actions() = std::move(action);
  return std::vector<api::InternalRaftRequest>{std::move(request)};
}

}  // namespace

void Manager::ServeControl(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in) {
  auto response = std::make_shared<sim::Payload>();
  const std::string method(in.method);
  const sim::Payload request = in.call.request;
  Write write;
  write.source = "control";
  write.build = [this, method, request,
                 response](sim::Context&) -> absl::StatusOr<std::vector<api::InternalRaftRequest>> {
    if (!raft_->SignalledLeader()) return absl::UnknownError(kErrLostLeadership);
    const std::vector<api::Node> nodes = Rows(store_.nodes());
    const std::vector<api::Service> services = Rows(store_.services());
    const rolemanager::RaftMembershipView membership = MembershipView();
    const controlapi::ControlView view{nodes, services, membership};
    const absl::Status malformed = absl::InvalidArgumentError("malformed request");
    if (method == kCreateServiceMethod) {
      if (!request.Holds<api::CreateServiceRequest>()) return malformed;
      return Propose(
          controlapi::CreateService(view, request.As<api::CreateServiceRequest>(), NewId("svc")),
          response.get());
    }
    if (method == kUpdateServiceMethod) {
      if (!request.Holds<api::UpdateServiceRequest>()) return malformed;
      return Propose(controlapi::UpdateService(view, request.As<api::UpdateServiceRequest>()),
                     response.get());
    }
    if (method == kRemoveServiceMethod) {
      if (!request.Holds<api::RemoveServiceRequest>()) return malformed;
      return Propose(controlapi::RemoveService(view, request.As<api::RemoveServiceRequest>()),
                     response.get());
    }
    if (method == kUpdateNodeMethod) {
      if (!request.Holds<api::UpdateNodeRequest>()) return malformed;
      return Propose(controlapi::UpdateNode(view, request.As<api::UpdateNodeRequest>()),
                     response.get());
    }
    if (method == kRemoveNodeMethod) {
      if (!request.Holds<api::RemoveNodeRequest>()) return malformed;
      return Propose(controlapi::RemoveNode(view, request.As<api::RemoveNodeRequest>()),
                     response.get());
    }
    return absl::UnimplementedError(method);
  };
  write.done = [this, id, response](sim::Context& c, absl::Status status) {
    c.Trace("control.done", {{"status", status.ToString()}});
    proxy_->Reply(c, id, ToRpc(status), status.ok() ? *response : sim::Payload());
  };
  EnqueueWrite(ctx, std::move(write));
}

void Manager::ServeJoin(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in) {
  if (!in.call.request.Holds<RaftJoinRequest>()) {
    proxy_->Fail(ctx, id,
                 sim::RpcStatus::Error(sim::StatusCode::kInvalidArgument, "malformed request"));
    return;
  }
  const RaftJoinRequest join = in.call.request.As<RaftJoinRequest>();
  if (!raft_->IsLeader()) {
    // raft.go Join: status.Error(codes.FailedPrecondition, ErrLostLeadership.Error()).
    proxy_->Fail(ctx, id,
                 sim::RpcStatus::Error(sim::StatusCode::kFailedPrecondition, kErrJoinLostLeadership));
    return;
  }
  // §10.2 checkHealth: the leader dials the joiner's advertised address and asks its Raft health
  // (5 s) before anything else; unreachable, the join is refused and the membership unchanged.
  ctx.Trace("manager.join_health_check", {{"node", join.node_id}, {"addr", join.addr}});
  // Fault point: the health check gets no answer within its timeout (a slow or lossy path).
  if (ctx.Buggify("manager.join_health_check_timeout")) {
    loop_->After(ctx, kJoinHealthCheckTimeout, [this, id, join](sim::Context& c) {
      if (!active_) return;
      RefuseJoin(c, id, join,
                 sim::RpcStatus::Error(sim::StatusCode::kDeadlineExceeded, kContextDeadline));
    });
    return;
  }
  const sim::ConnId conn = ctx.Dial(options_.resolve(join.addr));
  ctx.Call(conn, kHealthMethod, sim::Payload(), kJoinHealthCheckTimeout,
           [this, id, join, conn](sim::Context& c, const sim::RpcStatus& status,
                                  const sim::Payload&) {
             c.CloseConn(conn);
             if (!active_) return;  // Shutdown failed the inbound call already.
             if (!status.ok()) {
               RefuseJoin(c, id, join, status);
               return;
             }
             AddJoiner(c, id, join);
           });
}

void Manager::RefuseJoin(sim::Context& ctx, InboundId id, const RaftJoinRequest& join,
                         const sim::RpcStatus& health) {
  ctx.Trace("manager.join_refused", {{"node", join.node_id}, {"reason", health.message}});
  proxy_->Fail(ctx, id,
               sim::RpcStatus::Error(health.code,
                                     absl::StrCat(kErrJoinUnreachable, ": ", health.message)));
}

void Manager::AddJoiner(sim::Context& ctx, InboundId id, const RaftJoinRequest& join) {
  if (!raft_->IsLeader()) {
    proxy_->Fail(ctx, id,
                 sim::RpcStatus::Error(sim::StatusCode::kFailedPrecondition, kErrJoinLostLeadership));
    return;
  }
  auto reply = [this, id](sim::Context& c, uint64_t raft_id) {
    RaftJoinResponse response;
    response.raft_id = raft_id;
    response.members = raft_->Members();
    const int64_t size = static_cast<int64_t>(response.members.size()) * 32 + 8;
    proxy_->Reply(c, id, sim::RpcStatus::Ok(),
                  sim::Payload::Make<RaftJoinResponse>(std::move(response), size));
  };
  for (const api::RaftMember& member : raft_->Members()) {
    if (member.node_id() == join.node_id) {
      // Already a member: SwarmKit answers with the existing Raft ID (an address change would
      // be an UpdateMember; addresses never change here).
      reply(ctx, member.raft_id());
      return;
    }
  }
  // A random unused Raft ID (SwarmKit: Int63()+1 among unused, never-removed IDs; RaftHost does
  // not list removed IDs, and a collision in 2^63 is not a concern).
  uint64_t raft_id = 0;
  do {
    raft_id = prng_.UniformU64((uint64_t{1} << 63) - 1) + 1;
  } while (raft_->IsMember(raft_id));
  api::RaftMember member;
  member.set_raft_id(raft_id);
  member.set_node_id(join.node_id);
  member.set_addr(join.addr);
  ctx.Trace("manager.add_member", {{"raft_id", raft_id}, {"node", join.node_id}});
  raft_->AddMember(ctx, member, [this, id, raft_id, reply](sim::Context& c, absl::Status status) {
    if (!status.ok()) {
      proxy_->Fail(c, id, ToRpc(status));
      return;
    }
    reply(c, raft_id);
  });
}

void Manager::ServeNodeCertificate(sim::Context& ctx, InboundId id, const RaftProxy::Inbound& in) {
  // The CA signs with the node object's observed role (ca/server.go); the proxy brought the call
  // to the leader, whose store is read.
  // Fault point: the renewal fails once (the connection to the CA breaks); the node retries
  // with its renewal backoff.
  if (ctx.Buggify("ca.node_certificate_fails")) {
    proxy_->Fail(ctx, id,
                 sim::RpcStatus::Error(sim::StatusCode::kUnavailable, "transport is closing"));
    return;
  }
  const api::Node* node = store_.GetNode(in.call.node_id);
  if (node == nullptr) {
    proxy_->Fail(ctx, id, sim::RpcStatus::Error(sim::StatusCode::kNotFound, "node not found"));
    return;
  }
  NodeCertificateResponse response;
  response.manager = node->role() == api::NODE_ROLE_MANAGER;
  proxy_->Reply(ctx, id, sim::RpcStatus::Ok(),
                sim::Payload::Make<NodeCertificateResponse>(std::move(response), 512));
}

}  // namespace process
}  // namespace swarmsim
