// Manager: SwarmKit's leadership events (reference §3.2) and the leader's bootstrap write.
#include <utility>

#include "model/check/trace_emit.h"
#include "model/process/leader_subsystems.h"
#include "model/process/manager.h"
#include "model/store/write_tx.h"

namespace swarmsim {
namespace process {
namespace {

api::Node NewNodeObject(const std::string& id, bool manager, uint64_t raft_id) {
  api::Node node;
  node.set_id(id);
  node.mutable_spec()->set_desired_role(manager ? api::NODE_ROLE_MANAGER : api::NODE_ROLE_WORKER);
  node.mutable_spec()->set_availability(api::AVAILABILITY_ACTIVE);
  node.mutable_status()->set_state(api::NodeStatus::UNKNOWN);
  node.set_role(manager ? api::NODE_ROLE_MANAGER : api::NODE_ROLE_WORKER);
  node.set_raft_id(raft_id);
  return node;
}

}  // namespace

void Manager::OnLeadership(sim::Context& ctx, bool is_leader) {
  ++leader_epoch_;
  signalled_leader_ = is_leader;
  ctx.Trace("manager.leadership", {{"leader", is_leader ? 1 : 0}, {"term", raft_->term()}});
  if (!is_leader) {
    StopLeader(ctx);
    FailQueuedWrites(ctx, absl::UnknownError(kErrLostLeadership));
    return;
  }
  // becomeLeader: the default cluster object and node objects (a proposal that blocks until
  // committed), then the leader-only subsystems.
  const uint64_t epoch = leader_epoch_;
  Write write;
  write.source = "bootstrap";
  write.build = [this](sim::Context& c) { return BuildBootstrap(c); };
  write.done = [this, epoch](sim::Context& c, absl::Status status) {
    if (!active_ || epoch != leader_epoch_ || !signalled_leader_) return;
    if (!status.ok()) {
      c.Trace("manager.bootstrap_failed", {{"reason", status.ToString()}});
      return;
    }
    StartLeader(c);
  };
  EnqueueWrite(ctx, std::move(write));
}

absl::StatusOr<std::vector<api::InternalRaftRequest>> Manager::BuildBootstrap(sim::Context& ctx) {
  store::Batch batch(store_, ctx.LocalNow());
  const bool create_cluster = store_.GetCluster(kDefaultClusterId) == nullptr;
  if (create_cluster) {
    (void)batch.Update([this](store::WriteTx& tx) {
      api::Cluster cluster;
      cluster.set_id(kDefaultClusterId);
      cluster.mutable_spec()->mutable_dispatcher()->set_heartbeat_period_ns(
          absl::ToInt64Nanoseconds(options_.dispatcher.heartbeat_period));
      cluster.mutable_spec()->set_task_history_retention_limit(
          static_cast<uint64_t>(options_.task_history_retention_limit));
      return tx.Create(cluster);
    });
  }
  // Every member's node object. Simplification (named): an initial member's object is created
  // with Role = MANAGER at once (SwarmKit leaves Role to the role manager).
  for (const api::RaftMember& member : raft_->Members()) {
    if (store_.GetNode(member.node_id()) != nullptr) continue;
    (void)batch.Update([&member](store::WriteTx& tx) {
      return tx.Create(NewNodeObject(member.node_id(), /*manager=*/true, member.raft_id()));
    });
  }
  // Simplification (named): the scenario's workers get their node objects when the cluster is
  // first created (SwarmKit creates one when a node joins with its token).
  if (create_cluster) {
    for (const std::string& worker : options_.initial_workers) {
      if (store_.GetNode(worker) != nullptr) continue;
      (void)batch.Update([&worker](store::WriteTx& tx) {
        return tx.Create(NewNodeObject(worker, /*manager=*/false, 0));
      });
    }
  }
  return batch.Finish();
}

void Manager::StartLeader(sim::Context& ctx) {
  auto sink = [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
    ctx.Trace(kind, fields);
  };
  dispatcher_term_ = raft_->term();
  check::EmitDispatcherStart(sink, dispatcher_term_);
  dispatcher_started_ = true;
  ApplyDispatcher(ctx, dispatcher_->Start(ctx.LocalNow(), raft_->Members()));
  subsystems_ = std::make_unique<LeaderSubsystems>(*this);
  subsystems_->Start(ctx);
}

void Manager::StopLeader(sim::Context& ctx) {
  if (subsystems_ != nullptr) {
    subsystems_->Stop();
    retired_subsystems_.push_back(std::move(subsystems_));
  }
  if (!dispatcher_started_) return;
  dispatcher_started_ = false;
  ApplyDispatcher(ctx, dispatcher_->Stop(ctx.LocalNow()));
  auto sink = [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
    ctx.Trace(kind, fields);
  };
  check::EmitDispatcherStop(sink, dispatcher_term_);
}

}  // namespace process
}  // namespace swarmsim
