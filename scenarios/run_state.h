// The state of one scenario run, shared by the runner's parts (runner.cc drives the loop,
// run_steps.cc applies steps, run_predicates.cc evaluates expectations, run_timeline.cc records
// what happened). Internal to //scenarios:runner.
#ifndef SWARMSIM_SCENARIOS_RUN_STATE_H_
#define SWARMSIM_SCENARIOS_RUN_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/check/checker_set.h"
#include "model/process/node_process.h"
#include "scenarios/committed_store.h"
#include "scenarios/run_result.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "sim/world.h"

namespace scenarios {

class RunState {
 public:
  RunState(const Scenario& scenario, const RunOptions& options);

  RunOutput Run();

  // --- hosts -----------------------------------------------------------------------------------
  sim::World& world() { return *world_; }
  const Scenario& scenario() const { return scenario_; }
  sim::HostId HostOf(const Host& host) const;
  const std::string& NameOf(sim::HostId id) const;
  bool IsUp(sim::HostId id);  // running or paused
  // The process of a host that is up, or nullptr.
  swarmsim::process::NodeProcess* Node(sim::HostId id);
  const std::vector<sim::HostId>& all_hosts() const { return all_hosts_; }

  // The manager that is Raft leader and has signalled it (caught up); with several (a deposed
  // leader that has not noticed yet), the one with the highest term. kNoHost when none.
  sim::HostId SignalledLeader();
  // The manager that believes it is Raft leader with the highest term, signalled or not.
  sim::HostId RaftLeader();

  // Resolves a step's selector now; nullopt (with `why`) when it names no host.
  std::optional<sim::HostId> Resolve(const NodeSelector& selector, std::string& why);
  // Resolves an expectation's selector: a label not bound yet names no host.
  std::optional<sim::HostId> ResolveInExpectation(const NodeSelector& selector);
  void Bind(const std::string& label, sim::HostId host);

  // --- reporting -------------------------------------------------------------------------------
  void Note(const std::string& what);  // a timeline entry at now
  void MarkDirty() { dirty_ = true; }
  void AddManagerCandidate(sim::HostId id);
  const std::vector<sim::HostId>& manager_candidates() const { return manager_candidates_; }
  void Fail(const std::string& error);  // the run cannot go on as written

  const CommittedStore& committed() const { return committed_; }
  // The committed service named `name`, or nullptr.
  const swarmsim::api::Service* FindService(const std::string& name) const;

 private:
  friend class StepApplier;
  friend class PredicateEvaluator;

  // Of the managers that are leader (signalled, or raw Raft), the one with the highest term.
  sim::HostId HighestTermManager(bool signalled_only);
  void BuildWorld();
  std::unique_ptr<sim::Process> MakeNode(sim::HostId id, bool manager, uint64_t raft_id);
  void ScheduleSteps();
  void ScheduleChecks();
  void AfterEvent();
  void TrackLeader();
  void TrackNodeStatuses();
  void MaybeCreateServices();
  void EvaluateExpectations(bool final_pass);
  void Finish(RunResult& result);

  const Scenario& scenario_;
  RunOptions options_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<swarmsim::check::CheckerSet> checkers_;
  CommittedStore committed_;
  std::vector<sim::HostId> managers_;
  std::vector<sim::HostId> workers_;
  std::vector<sim::HostId> all_hosts_;
  std::vector<std::string> host_names_;
  std::map<std::string, sim::HostId> labels_;

  // Leader tracking for the timeline and the summary.
  sim::HostId last_leader_ = sim::kNoHost;
  uint64_t last_leader_term_ = 0;
  std::string last_members_;  // the leader's Raft members, sorted, space-separated
  std::vector<LeaderChange> leaders_;
  // Node status as last seen in the committed store, for the timeline.
  uint64_t seen_store_generation_ = 0;
  std::map<std::string, int> node_states_;
  uint64_t timeline_dropped_ = 0;
  std::vector<TimelineEntry> timeline_;

  // Hosts that may run a manager: the initial managers, then every worker a `promote` step named
  // (sorted). Leader lookups scan only these, so they stay cheap with thousands of workers.
  std::vector<sim::HostId> manager_candidates_;
  // Set when something an expectation or the timeline reads may have changed since the last
  // evaluation: a state-change trace record (raft, agent, dispatcher, host lifecycle), a step, a
  // window edge, or a new committed store index. Between such changes every predicate keeps its
  // value, so skipping the evaluation is exact.
  bool dirty_ = true;
  uint64_t evaluated_store_generation_ = 0;

  bool services_requested_ = false;
  bool services_created_ = false;

  struct ExpectState {
    bool decided = false;
    bool passed = false;
    int64_t at_ns = -1;
    std::string detail;
    uint64_t checks = 0;
    // session_unchanged: the session ID first seen in the window.
    std::string session_baseline;
  };
  std::vector<ExpectState> expect_states_;
  std::string error_;
};

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_RUN_STATE_H_
