// CheckerSet: every invariant checker of a run, fed record by record as the trace is written.
//
//   check::CheckerOptions options;
//   options.seed = seed;
//   check::CheckerSet checkers(options);   // every invariant of DESIGN.md, plus trace.well_formed
//   checkers.Install(&world.trace());      // observes each record as it is appended
//   ... run ...
//   checkers.Finish();
//   if (!checkers.passed()) { for (const Verdict& v : checkers.verdicts()) ... v.ToString() ... }
//
// For each record, in this order: records of kinds nobody reads cost one hash lookup and stop
// there; a schema record is validated (trace.well_formed) and dropped if malformed; each checker
// that reads the kind sees it, in the order checkers were added; then the shared RaftLogs is
// updated, so checkers always see the logs as they were before the record. Deterministic: the
// verdicts depend only on the records.
#ifndef SWARMSIM_MODEL_CHECK_CHECKER_SET_H_
#define SWARMSIM_MODEL_CHECK_CHECKER_SET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "model/check/checker.h"
#include "model/check/raft_logs.h"
#include "model/check/trace_schema.h"
#include "model/check/well_formed.h"
#include "sim/trace.h"

namespace swarmsim {
namespace check {

struct CheckerOptions {
  // The run's seed: every verdict carries it.
  uint64_t seed = 0;
  // Abort (SIM_CHECK) at the first violation, printing its verdict: for property tests and
  // debugging, where the run should stop where it went wrong.
  bool abort_on_violation = false;
  // The dispatcher settings dispatcher.unknown_grace judges by (SwarmKit's defaults; a run
  // passes its cluster's): gracePeriodMultiplierUnknown and the heartbeat epsilon.
  int64_t unknown_grace_multiplier = 6;
  absl::Duration heartbeat_epsilon = absl::Milliseconds(500);
};

class CheckerSet {
 public:
  // A set with every default checker.
  explicit CheckerSet(CheckerOptions options = CheckerOptions());
  CheckerSet(const CheckerSet&) = delete;
  CheckerSet& operator=(const CheckerSet&) = delete;

  // Adds a checker (after the default ones). REQUIRES: before the first record.
  void Add(std::unique_ptr<Checker> checker);

  // Observes `trace`. REQUIRES: this set outlives every later Append to `trace`.
  void Install(sim::Trace* trace);
  void OnRecord(const sim::TraceRecord& record);
  // The trace is complete. Idempotent; no records may follow.
  void Finish();

  bool passed() const;
  // One verdict per checker, in the order they were added (trace.well_formed first).
  std::vector<Verdict> verdicts() const;
  // The verdict named `name`. REQUIRES: such a checker exists.
  Verdict verdict(const std::string& name) const;
  // Of the violated verdicts, the one violated first in simulated time (ties: the first added).
  std::optional<Verdict> first_violation() const;

  const RaftLogs& raft_logs() const { return logs_; }
  uint64_t seed() const { return options_.seed; }

 private:
  struct Route {
    const KindSpec* spec = nullptr;   // nullptr: not a schema kind
    std::vector<Checker*> checkers;   // in the order they were added
    bool raft_logs = false;           // RaftLogs::Apply wants it
  };
  const Route* FindRoute(const std::string& kind);

  CheckerOptions options_;
  RaftLogs logs_;
  WellFormedChecker* well_formed_ = nullptr;  // owned by checkers_
  std::vector<std::unique_ptr<Checker>> checkers_;
  // Lookup only, never iterated. Kinds seen in the trace resolve once, then stay cached.
  absl::flat_hash_map<std::string, Route> routes_;
  bool finished_ = false;
};

}  // namespace check
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CHECK_CHECKER_SET_H_
