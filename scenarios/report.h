// Renders RunResults for people and for tools: the human report printed by `run`, the summary
// JSON (DESIGN.md "Contracts"), the table printed by `check` and JUnit XML for CI systems.
// Pure formatting: no I/O, no clocks.
#ifndef SWARMSIM_SCENARIOS_REPORT_H_
#define SWARMSIM_SCENARIOS_REPORT_H_

#include <string>
#include <vector>

#include "scenarios/run_result.h"

namespace scenarios {

// Formats nanoseconds of simulated time as seconds with millisecond precision ("61.234s").
std::string FormatSimTime(int64_t ns);

// JSON string literal with escapes (quotes included).
std::string JsonString(const std::string& s);

// The summary JSON: scenario, seed, passed, sim_time_ns, events, wall_ns, digest (16 hex digits),
// expectations[{name, passed, at_ns, detail}], invariants[{name, passed, detail}],
// leaders[{term, node, at_ns}], plus golden_digest, error and trace_records.
std::string SummaryJson(const RunResult& result);

// The report `swarmsim run` prints: timeline, expectations with the time each was met or why
// not, invariants, events and the simulated/wall time ratio, and how to reproduce.
std::string HumanReport(const RunResult& result);

// One row per scenario for `swarmsim check`, then a closing "N passed, M failed" line.
std::string CheckTable(const std::vector<RunResult>& results);

// JUnit XML: one testsuite, one testcase per scenario, a <failure> naming what failed.
std::string JunitXml(const std::vector<RunResult>& results);

// What failed, in one line (empty when the run passed).
std::string FailureSummary(const RunResult& result);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_REPORT_H_
