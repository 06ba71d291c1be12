#include "model/process/leader_subsystems.h"

#include <memory>
#include <utility>

#include "model/check/trace_emit.h"
#include "model/orchestrator/task_reaper.h"
#include "model/orchestrator/task_rules.h"
#include "model/process/manager.h"
#include "model/rolemanager/role_manager.h"
#include "model/scheduler/scheduler.h"
#include "model/store/write_tx.h"

namespace swarmsim {
namespace process {
namespace {

// store.Batch: proposals of at most MaxChangesPerTransaction changes, in order.
std::vector<api::InternalRaftRequest> Chunk(std::vector<api::StoreAction> actions) {
  std::vector<api::InternalRaftRequest> requests;
  for (api::StoreAction& action : actions) {
    if (requests.empty() ||
        static_cast<size_t>(requests.back().actions_size()) >= store::kMaxChangesPerTransaction) {
      requests.emplace_back();
    }
    *requests.back().add_actions() = std::move(action);
  }
  return requests;
}

// The role manager's node update, rebased on the store when its turn comes: it owns the role.
api::InternalRaftRequest RebaseRole(const store::MemoryStore& store,
                                    const api::StoreAction& action) {
  api::InternalRaftRequest out;
  if (!action.target().has_node()) {
    *out.add_actions() = action;
    return out;
  }
  const api::Node& wanted = action.target().node();
  const api::Node* current = store.GetNode(wanted.id());
  if (current == nullptr) return out;
  if (current->meta().version() == wanted.meta().version()) {
    *out.add_actions() = action;
    return out;
  }
  api::Node node = *current;
  node.set_role(wanted.role());
  api::StoreAction* rebased = out.add_actions();
  rebased->set_kind(api::StoreAction::UPDATE);
  *rebased->mutable_target()->mutable_node() = std::move(node);
  return out;
}

}  // namespace

LeaderSubsystems::LeaderSubsystems(Manager& manager)
    : m_(manager),
      orchestrator_(manager.options().orchestrator, [this]() { return m_.NewId("task"); }) {}

void LeaderSubsystems::Start(sim::Context& ctx) {
  // Every reconciler runs once at start (the scheduler's first pass, taskinit, the reaper's
  // initial sweep, the role manager's Start).
  orchestrator_dirty_ = true;
  scheduler_dirty_ = true;
  reaper_dirty_ = true;
  role_inputs_.push_back(RoleInput{RoleInput::kStart, "", 0});
  Pump(ctx);
}

int64_t LeaderSubsystems::RetentionLimit() const {
  const api::Cluster* cluster = m_.store().GetCluster(kDefaultClusterId);
  if (cluster != nullptr && cluster->spec().task_history_retention_limit() > 0) {
    return static_cast<int64_t>(cluster->spec().task_history_retention_limit());
  }
  return m_.options().task_history_retention_limit;
}

void LeaderSubsystems::OnStoreEvents(sim::Context& ctx, const std::vector<store::Event>& events) {
  if (!active_) return;
  bool tasks_or_nodes = false;
  bool tasks = false;
  for (const store::Event& event : events) {
    if (event.action == store::EventAction::kCommit) continue;
    // A node update matters to the orchestrator only when it makes the node valid or invalid
    // for tasks (DOWN, drained, back): READY <-> UNKNOWN churn after a leader change would
    // otherwise re-run a full reconciliation per node, quadratic in the cluster size.
    const bool node_validity_unchanged =
        event.kind == store::ObjectKind::kNode && event.action == store::EventAction::kUpdate &&
        orchestrator::InvalidNode(&event.object.node()) ==
            orchestrator::InvalidNode(&event.old_object.node());
    if (!node_validity_unchanged) orchestrator_dirty_ = true;
    if (event.kind == store::ObjectKind::kTask) tasks = true;
    if (event.kind == store::ObjectKind::kTask || event.kind == store::ObjectKind::kNode) {
      tasks_or_nodes = true;
    }
    // The role manager reconciles roles: only creations, deletions and role changes concern it
    // (anything it skipped is retried by its own ticker).
    const bool role_event = event.kind == store::ObjectKind::kNode &&
                            (event.action != store::EventAction::kUpdate ||
                             event.object.node().role() != event.old_object.node().role() ||
                             event.object.node().spec().desired_role() !=
                                 event.old_object.node().spec().desired_role());
    if (role_event) {
      RoleInput input;
      input.kind =
          event.action == store::EventAction::kRemove ? RoleInput::kDelete : RoleInput::kUpdate;
      input.node_id = event.id();
      role_inputs_.push_back(std::move(input));
    }
  }
  const sim::Time now = ctx.LocalNow();
  if (tasks_or_nodes) {
    const scheduler::DebounceDecision decision = debouncer_.OnCommit(now);
    if (decision.run_now) scheduler_dirty_ = true;
    if (decision.timer.has_value()) {
      const uint64_t generation = decision.timer->generation;
      m_.loop().At(ctx, decision.timer->at, [this, generation](sim::Context& c) {
        if (!active_ || !debouncer_.OnTimer(generation)) return;
        scheduler_dirty_ = true;
        Pump(c);
      });
    }
  }
  if (tasks && !reaper_timer_armed_) {
    reaper_timer_armed_ = true;
    m_.loop().After(ctx, orchestrator::kReaperBatchingInterval, [this](sim::Context& c) {
      if (!active_) return;
      reaper_timer_armed_ = false;
      reaper_dirty_ = true;
      Pump(c);
    });
  }
  Pump(ctx);
}

void LeaderSubsystems::Pump(sim::Context& ctx) {
  if (!active_) return;
  if (orchestrator_dirty_ && !orchestrator_busy_) RunOrchestrator(ctx);
  if (!active_) return;
  if (scheduler_dirty_ && !scheduler_busy_) RunScheduler(ctx);
  if (!active_) return;
  if (reaper_dirty_ && !reaper_busy_) RunReaper(ctx);
  if (!active_) return;
  PumpRoleManager(ctx);
}

void LeaderSubsystems::RunOrchestrator(sim::Context& ctx) {
  orchestrator_dirty_ = false;
  orchestrator_busy_ = true;
  Manager::Write write;
  write.source = "orchestrator";
  write.build = [this](sim::Context& c) -> absl::StatusOr<std::vector<api::InternalRaftRequest>> {
    if (!active_) return std::vector<api::InternalRaftRequest>();
    const store::MemoryStore& store = m_.store();
    orchestrator::OrchestratorOutput out =
        orchestrator_.Reconcile(c.LocalNow(), store.nodes(), store.services(), store.tasks());
    if (out.wakeup_at.has_value()) {
      m_.loop().At(c, *out.wakeup_at, [this](sim::Context& cc) {
        if (!active_) return;
        orchestrator_dirty_ = true;
        Pump(cc);
      });
    }
    return Chunk(std::move(out.actions));
  };
  write.done = [this](sim::Context& c, absl::Status) {
    orchestrator_busy_ = false;
    Pump(c);
  };
  m_.EnqueueWrite(ctx, std::move(write));
}

void LeaderSubsystems::RunScheduler(sim::Context& ctx) {
  scheduler_dirty_ = false;
  scheduler_busy_ = true;
  Manager::Write write;
  write.source = "scheduler";
  write.build = [this](sim::Context& c) -> absl::StatusOr<std::vector<api::InternalRaftRequest>> {
    if (!active_) return std::vector<api::InternalRaftRequest>();
    const store::MemoryStore& store = m_.store();
    // Most passes follow node-status churn with nothing to place: skip the pass then.
    bool any_pending = false;
    for (const auto& [id, task] : store.tasks()) {
      if (scheduler::NeedsPlacement(task)) {
        any_pending = true;
        break;
      }
    }
    if (!any_pending) return std::vector<api::InternalRaftRequest>();
    std::vector<api::StoreAction> actions =
        scheduler::Schedule(c.LocalNow(), store.nodes(), store.tasks());
    auto sink = [&c](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
      c.Trace(kind, fields);
    };
    for (const api::StoreAction& action : actions) {
      if (!action.target().has_task()) continue;
      const api::Task& task = action.target().task();
      if (task.node_id().empty()) continue;  // A "no suitable node" message, not a placement.
      const api::Task* before = store.GetTask(task.id());
      if (before != nullptr && before->node_id() == task.node_id()) continue;
      check::EmitTaskAssign(sink, task.id(), task.service_id(), task.slot(), task.node_id());
    }
    return Chunk(std::move(actions));
  };
  write.done = [this](sim::Context& c, absl::Status) {
    scheduler_busy_ = false;
    Pump(c);
  };
  m_.EnqueueWrite(ctx, std::move(write));
}

void LeaderSubsystems::RunReaper(sim::Context& ctx) {
  reaper_dirty_ = false;
  reaper_busy_ = true;
  Manager::Write write;
  write.source = "taskreaper";
  write.build = [this](sim::Context&) -> absl::StatusOr<std::vector<api::InternalRaftRequest>> {
    if (!active_) return std::vector<api::InternalRaftRequest>();
    const store::MemoryStore& store = m_.store();
    return Chunk(orchestrator::ReapTasks(store.services(), store.tasks(), RetentionLimit()));
  };
  write.done = [this](sim::Context& c, absl::Status) {
    reaper_busy_ = false;
    Pump(c);
  };
  m_.EnqueueWrite(ctx, std::move(write));
}

void LeaderSubsystems::PumpRoleManager(sim::Context& ctx) {
  while (active_ && !role_busy_ && !role_inputs_.empty()) {
    const RoleInput input = role_inputs_.front();
    role_inputs_.pop_front();
    const rolemanager::RoleView view{m_.store().nodes(), m_.MembershipView()};
    const sim::Time now = ctx.LocalNow();
    rolemanager::RoleManagerOutput out;
    switch (input.kind) {
      case RoleInput::kStart:
        out = role_manager_.Start(now, view);
        break;
      case RoleInput::kUpdate:
        out = role_manager_.HandleNodeUpdate(now, input.node_id, view);
        break;
      case RoleInput::kDelete:
        out = role_manager_.HandleNodeDelete(now, input.node_id, view);
        break;
      case RoleInput::kTick:
        out = role_manager_.HandleTick(now, input.generation, view);
        break;
    }
    if (out.tick.has_value()) {
      const uint64_t generation = out.tick->generation;
      m_.loop().At(ctx, out.tick->at, [this, generation](sim::Context& c) {
        if (!active_) return;
        role_inputs_.push_back(RoleInput{RoleInput::kTick, "", generation});
        PumpRoleManager(c);
      });
    }
    if (out.decisions.empty()) continue;
    for (rolemanager::RoleDecision& decision : out.decisions) {
      role_decisions_.push_back(std::move(decision));
    }
    role_busy_ = true;
    NextRoleDecision(ctx);
  }
}

void LeaderSubsystems::NextRoleDecision(sim::Context& ctx) {
  if (!active_) return;
  if (role_decisions_.empty()) {
    role_busy_ = false;
    PumpRoleManager(ctx);
    return;
  }
  const rolemanager::RoleDecision decision = std::move(role_decisions_.front());
  role_decisions_.pop_front();
  const uint64_t step = ++role_step_;
  switch (decision.kind) {
    case rolemanager::RoleDecision::Kind::kUpdateNode: {
      ctx.Trace("rolemanager.update_node",
                {{"node", decision.node_id},
                 {"role", api::NodeRole_Name(decision.action.target().node().role())}});
      Manager::Write write;
      write.source = "rolemanager";
      write.build = [this, action = decision.action](
                        sim::Context&) -> absl::StatusOr<std::vector<api::InternalRaftRequest>> {
        return std::vector<api::InternalRaftRequest>{RebaseRole(m_.store(), action)};
      };
      write.done = [this, step](sim::Context& c, absl::Status) {
        if (active_ && step == role_step_) NextRoleDecision(c);
      };
      m_.EnqueueWrite(ctx, std::move(write));
      return;
    }
    case rolemanager::RoleDecision::Kind::kRemoveMember:
      RemoveMember(ctx, decision.raft_id, decision.node_id);
      return;
    case rolemanager::RoleDecision::Kind::kTransferLeadership: {
      ctx.Trace("rolemanager.transfer_leadership", {{"node", decision.node_id}});
      const uint64_t self = decision.raft_id;
      const std::string node_id = decision.node_id;
      // Fault point: the transfer fails (no transferee catches up in time).
      if (ctx.Buggify("rolemanager.demote_transfer_fails")) {
        RemoveMember(ctx, self, node_id);
        return;
      }
      m_.mutable_raft().TransferLeadership(
          ctx, 0, [this, step, self, node_id](sim::Context& c, absl::Status status) {
            if (!active_ || step != role_step_) return;
            if (status.ok()) {
              NextRoleDecision(c);
              return;
            }
            // SwarmKit falls back to removing the leader itself when the transfer fails.
            RemoveMember(c, self, node_id);
          });
      return;
    }
  }
}

void LeaderSubsystems::RemoveMember(sim::Context& ctx, uint64_t raft_id,
                                    const std::string& node_id) {
  const uint64_t step = ++role_step_;
  ctx.Trace("rolemanager.remove_member", {{"raft_id", raft_id}});
  // removalTimeout: the role manager stops waiting after 5 s (the change may still commit).
  m_.loop().After(ctx, rolemanager::kRemovalTimeout, [this, step](sim::Context& c) {
    if (active_ && step == role_step_) NextRoleDecision(c);
  });
  m_.mutable_raft().RemoveMember(
      ctx, raft_id, [this, step, node_id](sim::Context& c, absl::Status status) {
        if (!active_ || step != role_step_) return;
        if (status.ok()) {
          role_inputs_.push_front(RoleInput{RoleInput::kUpdate, node_id, 0});
        } else {
          c.Trace("rolemanager.remove_failed", {{"reason", status.ToString()}});
        }
        NextRoleDecision(c);
      });
}

}  // namespace process
}  // namespace swarmsim
