// What one scenario run produced: the verdicts, the leaders, the figures. Filled by the runner,
// read by the report printer, the summary JSON writer, `check` and JUnit output. Plain data.
#ifndef SWARMSIM_SCENARIOS_RUN_RESULT_H_
#define SWARMSIM_SCENARIOS_RUN_RESULT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace scenarios {

struct ExpectationResult {
  std::string name;
  bool passed = false;
  // For `eventually`: the simulated time it first held; for `always`: the time it first failed
  // (or -1 when it never did). -1 when not applicable.
  int64_t at_ns = -1;
  std::string detail;
  // Time to recover, inside the window: the first instant the predicate did not hold, the first
  // instant it held again after that, and how long in total it did not hold (-1 / 0 when it
  // never failed; held_again_ns is -1 when it never held again before the window closed).
  // `always` windows keep being evaluated after the first failure to measure this.
  int64_t first_failed_ns = -1;
  int64_t held_again_ns = -1;
  int64_t down_ns = 0;
};

// Ground truth per service: RUNNING tasks on agents that are up, against the replicas the
// committed spec asks for. An outage is a stretch, after the service first ran at full strength,
// during which fewer ran.
struct ServiceOutage {
  int64_t from_ns = 0;
  int64_t to_ns = -1;  // -1: still below at the end of the run
  int64_t lowest = 0;  // the fewest replicas running during it
};
struct ServiceHealth {
  std::string name;
  int64_t replicas = 0;       // desired, at the end of the run
  int64_t running = 0;        // actually running at the end of the run
  int64_t first_full_ns = -1;  // first time every desired replica ran; -1 never
  std::vector<ServiceOutage> outages;
  int64_t down_ns = 0;  // total time of the outages (open ones up to the end of the run)
};

// A node's status as the committed store recorded it, each change once.
struct NodeStatusChange {
  std::string node;
  int64_t at_ns = 0;
  std::string state;  // READY, DOWN, UNKNOWN
};

// One control-API call a step made and what became of it.
struct ControlCallResult {
  std::string what;      // "scale web to 5"
  std::string via;       // the manager it entered through ("" when none could be chosen)
  int64_t at_ns = 0;     // submitted
  std::string outcome;   // "done", "refused" or "pending" (no answer by the end of the run)
  std::string code;      // the gRPC code name when refused ("UNAVAILABLE")
  std::string message;   // the error message when refused
  int64_t answered_ns = -1;
  bool may_be_lost = false;  // the step allows "pending" without failing the run
};

// A step with a trigger: when it was armed, the trace record that fired it and when it ran.
// A trigger that never fires is reported ("never fired"), not a failure.
struct TriggerResult {
  int line = 0;          // the step's line in the file
  std::string action;    // "crash"
  std::string event;     // the trace kind it waits for, "raft.vote"
  int64_t armed_ns = 0;  // the step's `at`
  int64_t record_ns = -1;  // the matching record's time; -1 when none was seen
  std::string record_host;  // the matching record's host ("" for the kernel's records)
  int64_t fired_ns = -1;  // when the step ran (record_ns + delay); -1 when it never did
  bool too_late = false;  // the matching record came too late for the trigger's `until`
};

// One line of the task timeline: a task's life on one node as its agent lived it.
struct TaskHistory {
  std::string service;  // name ("" when unknown)
  int64_t slot = 0;
  std::string task;
  std::string node;
  // "PREPARING@17.139s" style steps are rendered by the report; kept structured here.
  std::vector<std::pair<int64_t, std::string>> states;  // (at_ns, state or "LOST (host down)")
};

struct InvariantResult {
  std::string name;
  bool passed = true;
  std::string detail;
};

struct LeaderChange {
  uint64_t term = 0;
  std::string node;  // host name, e.g. "m2"
  int64_t at_ns = 0;
};

// One line of the human-readable timeline (faults, leader changes, node status changes, steps).
struct TimelineEntry {
  int64_t at_ns = 0;
  std::string what;
  // Set on lines that repeat for many nodes (node status changes): `what` with the node left
  // out ("is READY"), and the node. Such lines are summarised when many share a key
  // (SummarizeTimeline in report.h).
  std::string group_key;
  std::string node;
};

// How often one fault point was reached (hits) and misbehaved (fires) in the run.
struct FaultPointCount {
  uint64_t hits = 0;
  uint64_t fires = 0;
};

struct RunResult {
  std::string scenario;  // the scenario's `name`
  std::string file;      // the path it was loaded from
  uint64_t seed = 0;
  bool passed = false;
  int64_t sim_time_ns = 0;
  uint64_t events = 0;
  int64_t wall_ns = 0;  // measured by the CLI, outside the simulation
  uint64_t digest = 0;           // every trace record (sim::Trace::digest)
  uint64_t semantic_digest = 0;  // all but transport records: what golden files pin
  std::string golden_digest;  // as pinned in the file; empty when none
  // The seed the pinned digest belongs to (the file's own `seed`). A run with another seed
  // (the CLI's --seed) is not compared with it: see CompareGolden.
  uint64_t golden_seed = 0;
  std::vector<ExpectationResult> expectations;
  std::vector<InvariantResult> invariants;
  std::vector<LeaderChange> leaders;
  std::vector<TimelineEntry> timeline;
  uint64_t trace_records = 0;
  std::vector<ServiceHealth> services;
  std::vector<NodeStatusChange> node_status_changes;  // in time order
  std::vector<std::string> nodes_down;  // every node marked DOWN at some point, sorted
  std::vector<ControlCallResult> control_calls;
  std::vector<TriggerResult> triggers;  // one per triggered step, in file order
  std::vector<TaskHistory> tasks;  // by service, slot, first time
  // Every fault point reached in the run (only when buggify enabled some), by name.
  std::map<std::string, FaultPointCount> fault_points;
  // Run statistics, never part of the trace: the model's named counters ("agent.heartbeat") and
  // where the world's events went ("events.timers", "events.stale_timers", ...). By name.
  std::map<std::string, uint64_t> counters;
  // Whether the scenario enabled any fault point (`buggify { all | enable }`).
  bool buggify = false;
  // Set when the run could not be completed (a step failed, e.g. `leader` with no leader).
  std::string error;
};

// The pinned golden digest against this run's semantic digest. A digest is a fingerprint of one
// seed's trace:
// with any other seed it says nothing, so it is not compared (kOtherSeed) rather than failed.
enum class GoldenVerdict { kNone, kMatches, kDiffers, kOtherSeed };
GoldenVerdict CompareGolden(const RunResult& result);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_RUN_RESULT_H_
