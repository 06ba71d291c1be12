// Checker: one invariant, checked online over trace records; Verdict: what it concluded.
//
// A checker sees records one at a time, in trace order, only the kinds it asks for (Kinds()),
// and only records whose fields are well formed (the CheckerSet validates them against
// trace_schema.h first, so Int()/Str() on required fields cannot fail). It keeps the state it
// needs in ordered containers, never reads a clock and never aborts: a violation is reported
// with Report() and the run goes on (the first violation is kept, later ones counted).
#ifndef SWARMSIM_MODEL_CHECK_CHECKER_H_
#define SWARMSIM_MODEL_CHECK_CHECKER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/time.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace swarmsim {
namespace check {

class RaftLogs;

struct Verdict {
  std::string name;    // the invariant, e.g. "raft.election_safety"
  bool passed = true;
  // For a violation: the first one's time and hosts (ascending, unique); otherwise zero / empty.
  sim::Time at;
  std::vector<sim::HostId> hosts;
  // For a violation, what went wrong; otherwise a summary of what was checked.
  std::string detail;
  uint64_t violations = 0;  // how many were reported in all
  uint64_t seed = 0;        // the run's seed, to reproduce it

  // "raft.election_safety violated at 12.5s on hosts 0,2 (seed 42): term 3 has two leaders..."
  // or "raft.election_safety passed: ...".
  std::string ToString() const;
};

// "1 term had a leader" / "3 terms had a leader": `n` and the phrase for one or for many, so that
// summaries read right in the singular.
inline std::string Count(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

class Checker {
 public:
  explicit Checker(std::string name) : name_(std::move(name)) {}
  virtual ~Checker() = default;
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  const std::string& name() const { return name_; }
  // The record kinds this checker reads (trace_schema.h names).
  virtual std::vector<std::string> Kinds() const = 0;
  // Called for each record of those kinds, in trace order.
  virtual void OnRecord(const sim::TraceRecord& record) = 0;
  // The trace is complete: report what can only be judged at the end.
  virtual void Finish() {}
  // What was checked, for the verdict of a checker that passed.
  virtual std::string Summary() const = 0;

  bool passed() const { return violations_ == 0; }
  Verdict verdict(uint64_t seed) const;

  // Called on every violation (the CheckerSet uses it to abort when asked to).
  void set_on_violation(std::function<void(const Checker&)> f) { on_violation_ = std::move(f); }

 protected:
  void Report(sim::Time at, std::vector<sim::HostId> hosts, std::string detail);

 private:
  std::string name_;
  uint64_t violations_ = 0;
  sim::Time first_at_;
  std::vector<sim::HostId> first_hosts_;
  std::string first_detail_;
  std::function<void(const Checker&)> on_violation_;
};

// The invariants, one factory per file. Those that read logs share the CheckerSet's RaftLogs,
// which is updated after every checker has seen a record (so checkers see the state before it).
std::unique_ptr<Checker> NewElectionSafetyChecker();
std::unique_ptr<Checker> NewLeaderAppendOnlyChecker(const RaftLogs* logs);
std::unique_ptr<Checker> NewLogMatchingChecker(const RaftLogs* logs);
std::unique_ptr<Checker> NewLeaderCompletenessChecker(const RaftLogs* logs);
std::unique_ptr<Checker> NewCommitCurrentTermChecker(const RaftLogs* logs);
std::unique_ptr<Checker> NewStateMachineSafetyChecker();
std::unique_ptr<Checker> NewDurabilityChecker(const RaftLogs* logs);
std::unique_ptr<Checker> NewOneDispatcherPerTermChecker();
std::unique_ptr<Checker> NewUniqueSessionIdsChecker();
std::unique_ptr<Checker> NewBackoffBoundsChecker();
std::unique_ptr<Checker> NewNoRegistrationWhenStoppedChecker();
std::unique_ptr<Checker> NewDispatcherLeaderOnlyChecker();
std::unique_ptr<Checker> NewDispatcherInvariantsChecker();
std::unique_ptr<Checker> NewStoreAgreementChecker();
std::unique_ptr<Checker> NewSingleRunningTaskPerSlotChecker();
std::unique_ptr<Checker> NewAssignOnlyToReadyNodeChecker();
// `multiplier` x (the announced heartbeat period - `epsilon`): the least UNKNOWN grace.
std::unique_ptr<Checker> NewUnknownGraceChecker(int64_t multiplier, absl::Duration epsilon);

// Invariant names, as verdicts carry them.
inline constexpr char kElectionSafety[] = "raft.election_safety";
inline constexpr char kLeaderAppendOnly[] = "raft.leader_append_only";
inline constexpr char kLogMatching[] = "raft.log_matching";
inline constexpr char kLeaderCompleteness[] = "raft.leader_completeness";
inline constexpr char kCommitCurrentTerm[] = "raft.commit_current_term";
inline constexpr char kStateMachineSafety[] = "raft.state_machine_safety";
inline constexpr char kDurability[] = "raft.durability";
inline constexpr char kOneDispatcherPerTerm[] = "dispatcher.one_per_term";
inline constexpr char kUniqueSessionIds[] = "dispatcher.unique_session_ids";
inline constexpr char kBackoffBounds[] = "agent.backoff_bounds";
inline constexpr char kNoRegistrationWhenStopped[] = "dispatcher.no_registration_when_stopped";
inline constexpr char kDispatcherLeaderOnly[] = "dispatcher.leader_only";
inline constexpr char kDispatcherInvariants[] = "dispatcher.invariants";
inline constexpr char kStoreAgreement[] = "store.agreement";
inline constexpr char kSingleRunningTaskPerSlot[] = "task.single_running_per_slot";
inline constexpr char kAssignOnlyToReadyNode[] = "task.assigned_to_ready_node";
inline constexpr char kUnknownGrace[] = "dispatcher.unknown_grace";
inline constexpr char kTraceWellFormed[] = "trace.well_formed";

}  // namespace check
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CHECK_CHECKER_H_
