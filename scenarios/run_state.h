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
#include <tuple>
#include <vector>

#include "absl/status/status.h"
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
  // The hosts of a group selector, in natural order.
  std::vector<sim::HostId> Members(const NodeSelector& group) const;

  // --- reporting -------------------------------------------------------------------------------
  void Note(const std::string& what);  // a timeline entry at now
  void MarkDirty() { dirty_ = true; }
  void AddManagerCandidate(sim::HostId id);
  const std::vector<sim::HostId>& manager_candidates() const { return manager_candidates_; }
  void Fail(const std::string& error);  // the run cannot go on as written

  const CommittedStore& committed() const { return committed_; }
  // The committed service named `name`, or nullptr.
  const swarmsim::api::Service* FindService(const std::string& name) const;
  // The host named `name` ("m1", "w17"), or kNoHost.
  sim::HostId HostByName(const std::string& name) const;

  // Ground truth (run_predicates.cc): how many of the service's tasks are RUNNING on the agent of
  // a host that is up (a paused host's containers run on: only its SwarmKit process is frozen).
  int64_t RunningReplicas(const swarmsim::api::Service& service);

  // Control-API calls (run_steps.cc): registered when submitted, answered by the callback.
  size_t AddControlCall(ControlCallResult call);
  void AnswerControlCall(size_t index, const absl::Status& status);

 private:
  friend class StepApplier;
  friend class PredicateEvaluator;

  // Of the managers that are leader (signalled, or raw Raft), the one with the highest term.
  sim::HostId HighestTermManager(bool signalled_only);
  void BuildWorld();
  std::unique_ptr<sim::Process> MakeNode(sim::HostId id, bool manager, uint64_t raft_id);
  void ScheduleSteps();
  // Applies step i now (run_steps.cc): timed steps at their `at`, triggered ones when they fire.
  void RunStep(size_t i);
  // Triggers (run_steps.cc): installed as a trace observer only when the scenario has a trigger.
  void ObserveForTriggers(const sim::TraceRecord& record);
  bool TriggerMatches(const Trigger& trigger, const sim::TraceRecord& record);
  void ScheduleChecks();
  void AfterEvent();
  void TrackLeader();
  void TrackNodeStatuses();
  void MaybeCreateServices();
  void EvaluateExpectations(bool final_pass);
  // Per service ground truth after every evaluation pass (run_predicates.cc).
  void TrackServices();
  // The task timeline from the agents' task.state records and host crashes (run_predicates.cc).
  void ObserveForTaskLog(const sim::TraceRecord& record);
  // The moment the first leader elected after `t` signalled (a term higher than any signalled at
  // or before `t`), or nullopt while there is none.
  std::optional<sim::Time> NewLeaderAfter(sim::Time t) const;
  // Expectation i's window in run time: as written, or offset by its new leader once that is
  // known (then its edges are scheduled as evaluation instants). nullopt while it waits for it.
  std::optional<Window> ConcreteWindow(size_t i);
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
  // Where last_members_ was read: (leader, term, applied, snapshot index). Membership changes only
  // by applying an entry or a snapshot, so while these stand the list is not rebuilt (it was a
  // copy, a sort and a join on every state-changing trace record).
  std::tuple<sim::HostId, uint64_t, uint64_t, uint64_t> members_read_at_{sim::kNoHost, 0, 0, 0};
  std::vector<LeaderChange> leaders_;
  // Node status as last seen in the committed store, for the timeline.
  uint64_t seen_store_generation_ = 0;
  std::map<std::string, int> node_states_;
  std::vector<TimelineEntry> timeline_;
  std::vector<NodeStatusChange> node_changes_;
  std::vector<ServiceHealth> service_health_;  // one per declared service, in file order
  std::vector<ControlCallResult> control_calls_;
  // Triggered steps: indexes into scenario_.steps of those armed and not fired yet, in file
  // order (arming follows `at`, which the loader keeps in file order); their results, by the
  // step's index.
  std::vector<size_t> armed_triggers_;
  std::map<size_t, TriggerResult> trigger_results_;
  // set_disk: a host's sync latency set by a step, which a restarted process keeps.
  std::map<sim::HostId, absl::Duration> sync_latency_;
  std::map<std::string, TaskHistory> task_log_;  // by task ID
  std::map<std::string, sim::HostId> host_ids_;  // by host name

  // Hosts that may run a manager: the initial managers, then every worker a `promote` step named
  // (sorted). Leader lookups scan only these, so they stay cheap with thousands of workers.
  std::vector<sim::HostId> manager_candidates_;
  // Set when something an expectation or the timeline reads may have changed since the last
  // evaluation: a state-change trace record (raft, agent, dispatcher, host lifecycle), a step, a
  // window edge, or a new committed store index. Between such changes every predicate keeps its
  // value, so skipping the evaluation is exact.
  bool dirty_ = true;
  uint64_t evaluated_store_generation_ = 0;

  // The base's services are created through the first signalled leader. A request whose leader
  // fails before answering (power-off drops it without a reply) is asked again of the next
  // signalled leader: `services_round_` tells a late answer from an abandoned round, and
  // (services_leader_, services_term_) says whom the current round asked.
  bool services_requested_ = false;
  bool services_created_ = false;
  uint64_t services_round_ = 0;
  sim::HostId services_leader_ = sim::kNoHost;
  uint64_t services_term_ = 0;

  struct ExpectState {
    bool decided = false;
    bool passed = false;
    int64_t at_ns = -1;
    std::string detail;
    uint64_t checks = 0;
    // Time to recover (ExpectationResult): whether it held at the last evaluation in the window,
    // and since when it has not held.
    bool seen = false;
    bool held = false;
    bool closed = false;  // the window is over: nothing more to measure
    int64_t false_since_ns = -1;
    int64_t first_failed_ns = -1;
    int64_t held_again_ns = -1;
    int64_t down_ns = 0;
    std::optional<sim::Time> origin;  // the new leader a new_leader_after window counts from
    // session_unchanged: the session ID first seen in the window.
    std::string session_baseline;
  };
  std::vector<ExpectState> expect_states_;
  std::string error_;
};

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_RUN_STATE_H_
