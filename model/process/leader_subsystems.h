// LeaderSubsystems: the leader-only reconcilers of one term (reference §3.2), hosted as their
// headers ask: the replicated orchestrator and the task reaper (model/orchestrator), the scheduler
// with its CommitDebouncer (model/scheduler) and the role manager (model/rolemanager).
//
// Each writer runs when it is not already waiting for its own write and something it reads has
// changed; it computes its actions when its turn on the manager's write lock comes, on the store
// as it then is (so it always sees its earlier writes, as store.Batch blocking guarantees). The
// role manager's inputs (node updates and deletes, its ticker) are queued and fed one at a time,
// each only after the Raft changes and store updates of the previous one have finished.
// Created on the IsLeader event (after the bootstrap write), stopped on IsFollower; a stopped one
// is kept inert until the manager goes, so the closures it left behind stay valid.
#ifndef SWARMSIM_MODEL_PROCESS_LEADER_SUBSYSTEMS_H_
#define SWARMSIM_MODEL_PROCESS_LEADER_SUBSYSTEMS_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "model/orchestrator/replicated_orchestrator.h"
#include "model/rolemanager/role_manager.h"
#include "model/scheduler/commit_debouncer.h"
#include "model/store/event.h"
#include "sim/context.h"

namespace swarmsim {
namespace process {

class Manager;

class LeaderSubsystems {
 public:
  explicit LeaderSubsystems(Manager& manager);

  void Start(sim::Context& ctx);
  void Stop() { active_ = false; }
  void OnStoreEvents(sim::Context& ctx, const std::vector<store::Event>& events);

 private:
  struct RoleInput {
    enum Kind { kStart, kUpdate, kDelete, kTick } kind = kStart;
    std::string node_id;
    uint64_t generation = 0;
  };

  void Pump(sim::Context& ctx);
  void RunOrchestrator(sim::Context& ctx);
  void RunScheduler(sim::Context& ctx);
  void RunReaper(sim::Context& ctx);
  void PumpRoleManager(sim::Context& ctx);
  void NextRoleDecision(sim::Context& ctx);
  // RemoveMember with the removal timeout; on success the node is reconciled again at once (as
  // SwarmKit's reconcileRole goes on to update the role after its RemoveMember returns).
  void RemoveMember(sim::Context& ctx, uint64_t raft_id, const std::string& node_id);
  int64_t RetentionLimit() const;

  Manager& m_;
  bool active_ = true;

  orchestrator::ReplicatedOrchestrator orchestrator_;
  bool orchestrator_dirty_ = false;
  bool orchestrator_busy_ = false;

  scheduler::CommitDebouncer debouncer_;
  bool scheduler_dirty_ = false;
  bool scheduler_busy_ = false;

  bool reaper_dirty_ = false;
  bool reaper_busy_ = false;
  bool reaper_timer_armed_ = false;

  rolemanager::RoleManager role_manager_;
  std::deque<RoleInput> role_inputs_;
  std::deque<rolemanager::RoleDecision> role_decisions_;
  bool role_busy_ = false;
  uint64_t role_step_ = 0;  // identifies the decision in progress (timeouts)
  uint64_t next_task_ = 1;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_LEADER_SUBSYSTEMS_H_
