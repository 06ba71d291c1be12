// NodeProcess: role changes (reference §3.4, issue 5): joining Raft after a promotion, leaving it
// after a removal.
#include <utility>

#include "model/process/node_process.h"
#include "model/process/wire.h"

namespace swarmsim {
namespace process {

void NodeProcess::OnNodeChanged(sim::Context& ctx, const api::Node& node) {
  // The certificate follows the observed role: a node starts its manager once the role manager
  // set Role = MANAGER for a desired MANAGER.
  const bool promoted =
      node.spec().desired_role() == api::NODE_ROLE_MANAGER && node.role() == api::NODE_ROLE_MANAGER;
  if (promoted && !is_manager() && !joining_) Join(ctx);
}

void NodeProcess::Join(sim::Context& ctx) {
  joining_ = true;
  const uint64_t attempt = ++join_attempt_;
  // The manager this node trusts most (SwarmKit: remotes.Select excluding itself).
  std::string target;
  int64_t best = 0;
  for (const auto& [peer, weight] : agent_->agent().remotes().weights()) {
    if (peer.node_id == options_.node_id) continue;
    if (target.empty() || weight > best) {
      target = peer.addr;
      best = weight;
    }
  }
  auto retry = [this, attempt](sim::Context& c) {
    if (attempt != join_attempt_ || is_manager()) return;
    joining_ = false;
    const std::optional<api::Node>& node = agent_->agent().node();
    if (node.has_value()) OnNodeChanged(c, *node);
  };
  if (target.empty()) {
    ctx.Trace("node.join_failed", {{"reason", "no manager known"}});
    loop_.After(ctx, kJoinRetry, retry);
    return;
  }
  ctx.Trace("node.join", {{"via", target}});
  RaftJoinRequest request;
  request.node_id = options_.node_id;
  request.addr = options_.node_id;
  DispatcherCall call;
  call.node_id = options_.node_id;
  call.request = sim::Payload::Make<RaftJoinRequest>(std::move(request), 64);
  const int64_t size = call.request.size_bytes() + 8;
  const sim::ConnId conn = ctx.Dial(options_.resolve(target));
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
  StartManager(ctx, std::move(start));
  // Managers' agents use the local connection (from a later event: this runs inside an RPC
  // callback of the agent host being replaced).
  loop_.Post(ctx, [this](sim::Context& c) {
    if (is_manager()) SwitchAgentMode(c, /*local=*/true);
  });
}

void NodeProcess::OnRemoved(sim::Context& ctx) {
  if (!is_manager()) return;
  StopManager(ctx, "removed from raft", /*clear_data=*/true);
  PersistedRole role;
  PersistRole(ctx, role);
  // The agent uses remote managers from now on (or, if it cannot be replaced now, its local
  // connection is relayed to one).
  SwitchAgentMode(ctx, /*local=*/false);
}

}  // namespace process
}  // namespace swarmsim
