// NodeProcess: role changes (reference §3.4, §10.2, §10.3): the certificate renewal that follows
// a desired-role change, joining Raft with a manager certificate, leaving it after a removal,
// and superviseManager's wait for the worker role.
#include <algorithm>
#include <utility>

#include "model/process/node_process.h"
#include "model/process/wire.h"

namespace swarmsim {
namespace process {

void NodeProcess::OnNodeChanged(sim::Context& ctx, const api::Node& node) {
  // Edge-triggered on the desired role (lastSeenRole, starting from the certificate's role):
  // set the expected role and force a renewal.
  const bool desired_manager = node.spec().desired_role() == api::NODE_ROLE_MANAGER;
  if (desired_manager == last_desired_manager_) return;
  last_desired_manager_ = desired_manager;
  expected_manager_ = desired_manager;
  ctx.Trace("node.renew", {{"expected", desired_manager ? "manager" : "worker"}});
  renew_failures_ = 0;
  Renew(ctx, kRenewDelay);
}

void NodeProcess::Renew(sim::Context& ctx, absl::Duration delay) {
  const uint64_t attempt = ++renew_attempt_;
  loop_.After(ctx, delay, [this, attempt](sim::Context& c) {
    if (attempt != renew_attempt_) return;
    // The CA issues the certificate with the node's observed role (proxied to the leader).
    BrokerCall(c, kNodeCertificateMethod, sim::Payload::Make<NodeCertificateRequest>(NodeCertificateRequest(), 16),
               kRenewTimeout,
               [this, attempt](sim::Context& c2, const sim::RpcStatus& status,
                               const sim::Payload& response) {
                 OnCertificate(c2, attempt, status, response);
               });
  });
}

void NodeProcess::OnCertificate(sim::Context& ctx, uint64_t attempt, const sim::RpcStatus& status,
                                const sim::Payload& response) {
  if (attempt != renew_attempt_) return;
  const bool issued = status.ok() && response.Holds<NodeCertificateResponse>();
  const bool manager = issued && response.As<NodeCertificateResponse>().manager;
  if (issued && manager == expected_manager_) {
    renew_failures_ = 0;
    if (cert_manager_ != manager) {
      cert_manager_ = manager;
      ctx.Trace("node.certificate", {{"role", manager ? "manager" : "worker"}});
    }
    OnCertificateRole(ctx);
    return;
  }
  // A failure, or a certificate with the other role: retry with RenewTLSExponentialBackoff
  // (go-events: uniform in [0, base + factor·2^(failures-1)), capped at max).
  ++renew_failures_;
  const int shift = static_cast<int>(std::min<uint64_t>(renew_failures_ - 1, 20));
  absl::Duration bound = kRenewBackoffBase + kRenewBackoffFactor * (int64_t{1} << shift);
  bound = std::min(bound, kRenewBackoffMax);
  const absl::Duration delay = absl::Nanoseconds(static_cast<int64_t>(
      node_prng_->UniformU64(static_cast<uint64_t>(absl::ToInt64Nanoseconds(bound)))));
  ctx.Trace("node.renew_retry",
            {{"reason", issued ? std::string("role ") + (manager ? "manager" : "worker")
                               : status.ToString()},
             {"delay_ns", absl::ToInt64Nanoseconds(delay)}});
  Renew(ctx, delay);
}

void NodeProcess::OnCertificateRole(sim::Context& ctx) {
  if (cert_manager_) {
    // During superviseManager's wait after a removal, a manager certificate (the forced renewal's
    // answer included) does not restart the manager: only the timer or the worker role ends it.
    if (!is_manager() && !joining_ && !waiting_for_worker_role_) Join(ctx);
    return;
  }
  // waitRole(worker) fired: superviseManager is done waiting; runManager stops a running manager
  // with its data cleared.
  ++role_wait_generation_;
  waiting_for_worker_role_ = false;
  ++join_attempt_;
  joining_ = false;
  raft_router_.set_serving_without_target(false);
  if (manager_ != nullptr) {
    StopManager(ctx, "role changed to worker", /*clear_data=*/true);
    PersistRole(ctx, PersistedRole());
  }
}

void NodeProcess::Join(sim::Context& ctx) {
  joining_ = true;
  const uint64_t attempt = ++join_attempt_;
  // runManager: a remote chosen weighted-random among the known managers, excluding this node.
  absl::StatusOr<agent::Peer> target =
      agent_->agent().remotes().Select(*node_prng_, {options_.node_id});
  auto retry = [this, attempt](sim::Context& c) {
    if (attempt != join_attempt_ || is_manager() || !cert_manager_) return;
    joining_ = false;
    Join(c);
  };
  if (!target.ok()) {
    ctx.Trace("node.join_failed", {{"reason", "no manager known"}});
    loop_.After(ctx, kJoinRetry, retry);
    return;
  }
  // The joiner's Raft health reports SERVING from now on (the leader checks it).
  raft_router_.set_serving_without_target(true);
  ctx.Trace("node.join", {{"via", target->node_id}});
  RaftJoinRequest request;
  request.node_id = options_.node_id;
  request.addr = options_.node_id;
  DispatcherCall call;
  call.node_id = options_.node_id;
  call.request = sim::Payload::Make<RaftJoinRequest>(std::move(request), 64);
  const int64_t size = call.request.size_bytes() + 8;
  const sim::ConnId conn = ctx.Dial(options_.resolve(target->addr));
  ctx.Call(conn, kRaftJoinMethod, sim::Payload::Make<DispatcherCall>(std::move(call), size),
           kJoinTimeout,
           [this, attempt, conn, retry](sim::Context& c, const sim::RpcStatus& status,
                                        const sim::Payload& response) {
             c.CloseConn(conn);
             if (attempt != join_attempt_) return;
             if (status.ok() && response.Holds<RaftJoinResponse>()) {
               OnJoined(c, response.As<RaftJoinResponse>());
               return;
             }
             raft_router_.set_serving_without_target(false);
             c.Trace("node.join_failed", {{"reason", status.ToString()}});
             loop_.After(c, kJoinRetry, retry);
           });
}

void NodeProcess::OnJoined(sim::Context& ctx, const RaftJoinResponse& response) {
  joining_ = false;
  if (is_manager()) return;
  PersistedRole role;
  role.manager = true;
  role.raft_id = response.raft_id;
  role.members = response.members;
  PersistRole(ctx, role);
  ManagerStart start;
  start.raft_id = response.raft_id;
  start.bootstrap = false;
  start.members = response.members;
  if (manager_ != nullptr) retired_managers_.push_back(std::move(manager_));
  // The agent moves to the local connection once the control API is healthy (StartManager);
  // its current session goes on.
  StartManager(ctx, std::move(start));
}

void NodeProcess::OnRemoved(sim::Context& ctx) {
  if (!is_manager()) return;
  StopManager(ctx, "removed from raft", /*clear_data=*/true);
  PersistRole(ctx, PersistedRole());
  // superviseManager: the manager stopped without a role change (yet): wait for the worker role.
  if (cert_manager_) {
    waiting_for_worker_role_ = true;
    WaitForWorkerRole(ctx, ++role_wait_generation_, /*renewal_forced=*/false);
  }
}

void NodeProcess::WaitForWorkerRole(sim::Context& ctx, uint64_t generation, bool renewal_forced) {
  loop_.After(ctx, kRoleChangeTimeout, [this, generation, renewal_forced](sim::Context& c) {
    if (generation != role_wait_generation_ || !cert_manager_ || is_manager()) return;
    if (!renewal_forced) {
      // Removed from Raft but still a manager certificate: force a renewal, wait once more.
      c.Trace("node.role_wait", {{"action", "renew"}});
      Renew(c, kRenewDelay);
      WaitForWorkerRole(c, generation, /*renewal_forced=*/true);
      return;
    }
    // No worker certificate came: assume a re-promotion and run the manager again (a join).
    waiting_for_worker_role_ = false;
    c.Trace("node.role_wait", {{"action", "restart manager"}});
    if (!joining_) Join(c);
  });
}

}  // namespace process
}  // namespace swarmsim
