// What one explore run established, in a form that crosses a pipe: pass, fail (with a stable
// failure signature) or discarded; the run's digest; what it covered.
//
// A failure signature names what failed and nothing that varies between runs (no times, no
// counts, no node picked by the seed), so that runs failing the same way share it and it can be
// declared known (`--known`, `explore { known_failure }`):
//   invariant:NAME    a safety checker's verdict failed (the first failing one, in the
//                     checkers' order), e.g. invariant:dispatcher.leader_only
//   expect:NAME       an expectation did not hold (the first in file order), e.g.
//                     "expect:explore: every node ready after healing"
//   internal:FILE     the run aborted on a SIM_CHECK in FILE (a swarmsim bug), e.g.
//                     internal:model/raft/raft_log.cc; internal:abort when the file is unknown
//   control:pending   a control-API call the run needed was never answered
// Safety first: a run that broke an invariant is reported by it whatever else failed.
//
// A run whose step could not be applied (a step on `leader` while there was none: the runner
// stops applying steps, so no healing phase ran) proves nothing about liveness: it is discarded
// once its invariants passed. So is a run where a triggered step (other than restart, heal or
// pause) fired at or after the healing phase (its protocol moment came late): the fault was
// never healed.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_VERDICT_H_
#define SWARMSIM_SCENARIOS_EXPLORE_VERDICT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/run_result.h"

namespace scenarios {
namespace explore {

enum class Outcome { kPass = 0, kFail = 1, kDiscard = 2 };

struct Verdict {
  Outcome outcome = Outcome::kPass;
  std::string signature;  // kFail; for kDiscard "discard:WHY" (for the summary's counts)
  std::string detail;     // kFail: what failed, for people; kDiscard: why
  uint64_t digest = 0;
  uint64_t events = 0;
  int64_t wall_ns = 0;    // the worker's time for generation + run, for the per-run breakdown
  int64_t generate_ns = 0;
  std::vector<std::string> fault_kinds;  // one name per fault step of the plan
  std::vector<std::string> coverage;     // sorted, unique (coverage.h)
  int fault_steps = 0;
};

// The verdict of a completed run whose healing phase began at `heal_ns` (coverage and fault
// kinds are the caller's to fill).
Verdict Judge(const RunResult& result, int64_t heal_ns);

// The verdict of a run that aborted: `stderr_tail` is the end of what the process wrote
// ("model/raft/raft_log.cc:120: CHECK(...) failed [seed=7]").
Verdict InternalFailure(const std::string& stderr_tail);

// Serialisation for the worker pipe. Decode returns false on a malformed message.
std::string EncodeVerdict(const Verdict& verdict);
bool DecodeVerdict(const std::string& bytes, Verdict& verdict);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_VERDICT_H_
