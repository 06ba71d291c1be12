// What a run covered, as short stable names: the summary JSON counts the runs that saw each.
//   node_status:READY->DOWN                  a node's committed status changed so (any node)
//   error:agent.session_end:UNAVAILABLE      an agent's session ended with that code
//   error:dispatcher.session_end:CODE        the dispatcher ended a session stream with it
//   error:dispatcher.register:REASON         the dispatcher refused a registration (reason up to
//                                            the first ':' or '(')
//   fault_point:NAME                         the fault point fired at least once
// Read from the trace as it is written (RunOptions::observe) and from the RunResult.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_COVERAGE_H_
#define SWARMSIM_SCENARIOS_EXPLORE_COVERAGE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "scenarios/run_result.h"
#include "sim/trace.h"

namespace scenarios {
namespace explore {

class CoverageCollector {
 public:
  void Observe(const sim::TraceRecord& record);
  // The record kinds Observe reads (a trace observer's filter).
  static bool Wants(absl::string_view kind);
  // Everything seen, with what `result` adds (status transitions), sorted.
  std::vector<std::string> Items(const RunResult& result) const;

 private:
  std::set<std::string> seen_;
};

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_COVERAGE_H_
