// Renders RunResults for people and for tools: the human report printed by `run`, the summary
// JSON (DESIGN.md "Contracts"), the table printed by `check` and JUnit XML for CI systems.
// Pure formatting: no I/O, no clocks.
#ifndef SWARMSIM_SCENARIOS_REPORT_H_
#define SWARMSIM_SCENARIOS_REPORT_H_

#include <string>
#include <vector>

#include "scenarios/run_result.h"
#include "util/json_string.h"

namespace scenarios {

// Formats nanoseconds of simulated time as seconds with millisecond precision ("61.234s").
std::string FormatSimTime(int64_t ns);
// 9998 -> "9,998": counts people compare at a glance.
std::string Thousands(uint64_t n);

// JSON string literal with escapes (quotes included): the program's one JSON quoting,
// util/json_string.h. Control characters are written \u00XX (printing the JSON cannot drive a
// terminal) and each byte that is not UTF-8 as \ufffd, so the summary JSON is always valid JSON
// and valid UTF-8 (a path need not be UTF-8, even though every name from a scenario file is).
using util::JsonString;

// `s` safe to print on a terminal and valid UTF-8: every control character except newline and
// tab (C0, DEL and the UTF-8 encoded C1 controls) becomes a visible escape, `\x1b` or `\u009b`,
// so text from a scenario file (an expectation name, a path) cannot move the cursor, recolour or
// retitle the terminal; and each byte that is not part of well-formed UTF-8 (util/utf8.h)
// becomes `\xHH` (a path can hold any byte). The CLI passes everything it prints through this;
// JunitXml applies it too (XML 1.0 cannot hold those characters at all, and the file says it is
// UTF-8).
std::string EscapeControls(const std::string& s);

// The summary JSON: scenario, seed, passed, sim_time_ns, events, wall_ns, digest (16 hex digits),
// expectations[{name, passed, at_ns, detail, first_failed_ns, held_again_ns, down_ns}],
// invariants[{name, passed, detail}], leaders[{term, node, at_ns}], plus golden_digest, error,
// trace_records, services[{name, replicas, running, first_full_ns, down_ns,
// outages[{from_ns, to_ns, lowest}]}] (ground truth), nodes_down_count, nodes_down[...],
// node_status_changes[{node, at_ns, state}], control_calls[{what, via, at_ns, outcome, code,
// message, answered_ns, may_be_lost}], triggers[{line, action, event, armed_ns, record_ns,
// record_host, fired_ns, outcome ("fired" or "never fired")}] and tasks[{service, slot, task,
// node, states[{at_ns, state}]}].
std::string SummaryJson(const RunResult& result);
// "fired" or "never fired" (the summary JSON's `outcome` of a triggered step).
std::string TriggerOutcome(const TriggerResult& trigger);

// Groups lines that repeat for many nodes: within a stretch of consecutive node status lines,
// the lines sharing a group_key (at least kGroupMin of them) become one line, "9,998 nodes are
// READY between 10.200s and 11.900s: w1, w2, w3, ...", placed at the first one's time. Then, if
// more than `max_lines` are left, the first and last halves are kept with a line saying how
// many were left out between them.
inline constexpr size_t kGroupMin = 4;
std::vector<TimelineEntry> SummarizeTimeline(const std::vector<TimelineEntry>& entries,
                                             size_t max_lines);

// The report `swarmsim run` prints: timeline, expectations with the time each was met or why
// not and how long each did not hold, services (ground truth: how long each ran short), nodes
// marked DOWN and every node's status changes, control-API calls and their outcomes, the task
// timeline, invariants, events and the simulated/wall time ratio, and how to reproduce.
std::string HumanReport(const RunResult& result);

// One row per scenario for `swarmsim check`, then a closing "N passed, M failed" line.
std::string CheckTable(const std::vector<RunResult>& results);
// The same table in pieces, so that `check` prints each row as its scenario finishes: the
// header and rows are padded to `width`, the widest file name (CheckTableWidth of every file
// that will run); CheckTableTotals is the closing line.
size_t CheckTableWidth(const std::vector<std::string>& files);
std::string CheckTableHeader(size_t width);
std::string CheckTableRow(const RunResult& result, size_t width);
std::string CheckTableTotals(const std::vector<RunResult>& results);

// JUnit XML: one testsuite, one testcase per scenario, a <failure> naming what failed. The
// files in `not_run` (scenarios `check` has not reached yet) are testcases with <skipped>, so
// that the file written after each scenario lists every planned scenario and stays valid XML
// if `check` is killed.
std::string JunitXml(const std::vector<RunResult>& results,
                     const std::vector<std::string>& not_run = {});

// What failed, in one line (empty when the run passed).
std::string FailureSummary(const RunResult& result);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_REPORT_H_
