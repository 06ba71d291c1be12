// A scenario as the runner consumes it: validated, typed, with every default filled in.
//
// Produced only by scenarios/loader (LoadScenario), which guarantees everything stated in the
// comments below (ranges, known hosts, labels bound before use, steps in time order, windows
// inside the run). The runner may rely on those guarantees and SIM_CHECK them; it never
// re-validates. Plain data: no behaviour beyond small accessors, no I/O, no clocks.
//
// Time: instants of simulated time are sim::Time (ns since the start of the run); lengths are
// absl::Duration built from integer nanoseconds. Ratios are integer parts per million.
#ifndef SWARMSIM_SCENARIOS_SCENARIO_H_
#define SWARMSIM_SCENARIOS_SCENARIO_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "sim/disk.h"
#include "sim/time.h"

namespace scenarios {

// Where something was written: 1-based line and column, as text editors count (a tab advances
// the column to the next multiple of 8, as protobuf's tokenizer counts). 0 when unknown.
struct SourceLocation {
  int line = 0;
  int column = 0;
};

// ---------------------------------------------------------------------------------------------
// Hosts and node selectors

enum class HostRole { kManager, kWorker };

// A host by its name in scenario files: managers m1..mN, workers w1..wN (1-based indices).
struct Host {
  HostRole role = HostRole::kManager;
  int32_t index = 1;

  std::string Name() const;  // "m2", "w17"
  // Natural order: managers before workers, then by number (w2 before w10).
  bool operator<(const Host& o) const {
    return role != o.role ? role == HostRole::kManager : index < o.index;
  }
  bool operator==(const Host& o) const { return role == o.role && index == o.index; }
  bool operator!=(const Host& o) const { return !(*this == o); }
};

// A node as a step or an expectation names it. Resolved by the runner when used:
//   kHost      that host;
//   kLeader    the current Raft leader when the step runs (the step fails the run if none);
//              only in steps;
//   kFollower  the lowest-numbered manager that is up and not the leader; only in steps;
//   kLabel     the host bound by the step that bound `label`. In steps the binding step always
//              comes earlier. In expectations the binding step may run later: until it has run
//              the label names no host (it excludes nothing in `except`, `leader { not }`
//              accepts any leader, and `node_status` does not hold).
//   kGroup     every host of a `group` of the cluster (`members`). Only where the loader allows
//              it: node steps without `label`, partition sides, cut and set_network ends, and
//              `except` lists; a step on a group acts on each member in turn.
struct NodeSelector {
  enum class Kind { kHost, kLeader, kFollower, kLabel, kGroup };
  Kind kind = Kind::kHost;
  Host host;                  // kHost only
  std::string label;          // kLabel only
  std::vector<Host> members;  // kGroup only: in natural order (m before w, w2 before w10)
  std::string text;           // as written, for reports: "m2", "leader", "old_leader", "rackA"
};

// ---------------------------------------------------------------------------------------------
// Cluster

// Defaults are SwarmKit's (swarmkit-behaviour.md §0).
struct RaftConfig {
  absl::Duration tick_interval = absl::Seconds(1);  // > 0
  int32_t election_tick = 10;                       // > heartbeat_tick, <= 1000
  int32_t heartbeat_tick = 1;                       // >= 1
  int64_t snapshot_interval = 10000;                // entries, 1..10^9
  int64_t log_entries_for_slow_followers = 500;     // 0..10^9
  int64_t max_size_per_msg = 65535;                 // MsgApp payload bytes, 0..10^9
  bool check_quorum = true;
  bool pre_vote = false;
};

struct DispatcherConfig {
  absl::Duration heartbeat_period = absl::Seconds(5);          // > 0
  absl::Duration heartbeat_epsilon = absl::Milliseconds(500);  // 0 <= epsilon < period
  int32_t grace_period_multiplier = 3;                         // 1..1000
  absl::Duration rate_limit_period = absl::Seconds(8);         // >= 0
};

struct AgentConfig {
  absl::Duration initial_backoff = absl::Milliseconds(100);  // > 0
  absl::Duration max_backoff = absl::Seconds(8);             // >= initial_backoff
  absl::Duration rpc_timeout = absl::Seconds(5);             // > 0
};

// Properties of a link. SwarmKit has no say here: the default (swarmsim's choice) is a quiet
// LAN. How jitter is drawn is the network model's business (sim/), not the file's.
struct LinkConfig {
  absl::Duration latency = absl::Milliseconds(1);  // one-way base delay, >= 0
  absl::Duration jitter = absl::ZeroDuration();    // bound of the random extra delay, >= 0
  uint32_t drop_ppm = 0;                           // 0..1000000
  uint32_t duplicate_ppm = 0;                      // 0..1000000
};

// A host's disk: how long one fsync of the Raft WAL takes (a Ready's messages leave after it).
// The default is a datacenter SSD (sim::kDefaultSyncLatency, 1 ms; why: sim/disk.h).
struct DiskConfig {
  absl::Duration sync_latency = sim::kDefaultSyncLatency;  // 0..1m
};

// A named set of hosts; names are unique and distinct from every label.
struct HostGroup {
  std::string name;
  std::vector<Host> hosts;  // at least one, no repeats, natural order
};

struct Cluster {
  int32_t managers = 0;  // 1..7
  int32_t workers = 0;   // 0..100000
  std::vector<HostGroup> groups;
  RaftConfig raft;
  DispatcherConfig dispatcher;
  AgentConfig agent;
  LinkConfig network;  // every link starts with these
  DiskConfig disk;     // every host's disk, unless host_disk names the host
  std::map<std::string, DiskConfig> host_disk;  // by host name ("m1"); each host at most once

  const DiskConfig& DiskOf(const std::string& host) const {
    auto it = host_disk.find(host);
    return it == host_disk.end() ? disk : it->second;
  }
};

struct Service {
  std::string name;      // unique; [A-Za-z0-9][A-Za-z0-9_.-]*, at most 63 characters
  int64_t replicas = 1;  // 0..1000000
  SourceLocation location;
};

// Fault points (sim::Buggify sites named in model/faultpoints/catalog.h). Off unless given.
// `all`: the seed picks which sites are active (a quarter), each firing at a ratio the seed picks.
// `enable`: these sites are active whatever the seed, firing with fire_ppm.
struct BuggifyConfig {
  static constexpr uint32_t kDefaultFirePpm = 250000;  // "25%"
  bool all = false;
  std::vector<std::string> enable;  // sorted, unique catalog names; e.g. "raft.drop_append"
  uint32_t fire_ppm = kDefaultFirePpm;
};

// `explore { known_failure: "..." }`: failure signatures an explore of this base counts and
// reports without stopping (scenarios/explore/verdict.h says what a signature is). `run` and
// `check` ignore it.
struct ExploreConfig {
  std::vector<std::string> known_failures;  // non-empty strings, in file order, no repeats
};

// ---------------------------------------------------------------------------------------------
// Steps. `label`, where present, is empty or binds the host the selector resolved to when the
// step ran; a label is bound by exactly one step in the whole file.

// Power off: no connection is closed cleanly.
struct Crash {
  NodeSelector node;
  std::string label;
};
// Graceful shutdown: peers see connections close.
struct Stop {
  NodeSelector node;
  std::string label;
};
// Starts a crashed or stopped host from its durable state.
struct Restart {
  NodeSelector node;
  std::string label;
};
// Freezes the host (no steps, timers late), then resumes it.
struct Pause {
  NodeSelector node;
  std::string label;
  absl::Duration duration;  // > 0
};
// Cuts every link to and from the host.
struct Isolate {
  NodeSelector node;
  std::string label;
  std::optional<absl::Duration> duration;  // > 0 when set: healed after it
};
// Links between hosts of different sides are cut; unnamed hosts stay with everyone. If two
// selectors resolve to the same host when the step runs, the step fails the run.
struct Partition {
  std::vector<std::vector<NodeSelector>> sides;  // >= 2 sides, none empty, no text repeated
};
// One way: messages from `from` to `to` are lost. `from` and `to` are written differently;
// an absent `from` is every host but `to`. `label` binds the host `to` resolved to.
struct Cut {
  std::optional<NodeSelector> from;
  NodeSelector to;
  std::string label;
};
// Removes every partition, cut and isolation.
struct Heal {};
// Changes the properties given (the others keep their values) on every directed link from
// `from` to `to`; an absent end means every host. At least one property is set.
struct SetNetwork {
  std::optional<NodeSelector> from;
  std::optional<NodeSelector> to;
  std::optional<absl::Duration> latency;  // >= 0
  std::optional<absl::Duration> jitter;   // >= 0
  std::optional<uint32_t> drop_ppm;
  std::optional<uint32_t> duplicate_ppm;
};
// Sets the host clock's offset from simulated time and its drift; an absent field keeps its
// current value (initially 0). At least one is set.
struct Clock {
  NodeSelector node;
  std::string label;
  std::optional<absl::Duration> offset;  // may be negative
  std::optional<int64_t> drift_ppm;      // -500000..500000
};
// Control API update of a declared service that no earlier step removed.
struct ScaleService {
  std::string name;
  int64_t replicas = 0;  // 0..1000000
};
// Control API removal of a declared service that no earlier step removed.
struct RemoveService {
  std::string name;
};
// Changes the node's desired role.
struct Promote {
  NodeSelector node;
  std::string label;
};
struct Demote {
  NodeSelector node;
  std::string label;
};
// Asks the leader to hand over to `to`: a manager host, a worker promoted by an earlier step,
// `follower` or a label (never `leader`).
struct TransferLeadership {
  NodeSelector to;
  std::string label;
};
// The node's availability, as `docker node update --availability` sets it.
enum class Availability { kActive, kPause, kDrain };
struct SetAvailability {
  NodeSelector node;
  std::string label;
  Availability availability = Availability::kActive;
};

// From now on, one fsync of the host's Raft WAL takes `sync_latency` (a sync already under way
// keeps the latency it started with). Power-off already loses unsynced writes (sim/disk.h).
struct SetDisk {
  NodeSelector node;
  std::string label;
  absl::Duration sync_latency;  // 0..1m
};

// One alternative per member of scenario.proto's `action` oneof.
using Action = std::variant<Crash, Stop, Restart, Pause, Isolate, Partition, Cut, Heal,
                            SetNetwork, Clock, ScaleService, RemoveService, Promote, Demote,
                            TransferLeadership, SetAvailability, SetDisk>;

// A step that fires on a protocol event: armed from the step's `at`, it fires once, `delay` after
// the first trace record at or after `at` whose kind is `event`, whose host `node` stands for
// (when set; resolved when the record is seen: `leader` is the Raft leader at that moment) and
// whose fields match every `where` pair (the field's value as the trace writes it). A step that
// never fires is reported, not failed.
struct Trigger {
  std::string event;  // a kind known to model/check/trace_schema.h (FindTriggerKind)
  std::optional<NodeSelector> node;  // a host, label, group or leader
  std::vector<std::pair<std::string, std::string>> where;  // (field of `event`, value)
  absl::Duration delay = absl::ZeroDuration();              // >= 0
  // Disarmed at `until` (> the step's `at`): a record whose time + delay is not before it does
  // not fire the step, which is then reported as never fired. Unset: armed to the end.
  std::optional<sim::Time> until;
};

// Steps are sorted by `at` (file order among equal times) and 0 <= at <= the run's end.
struct Step {
  sim::Time at;
  Action action;
  SourceLocation location;  // of the `step` field, for "the step at line 14 failed"
  // (Last, so that Step{at, action, location} still initialises the rest.)
  // Control-API actions only (scale_service, remove_service, promote, demote, set_availability):
  // the manager the call enters through; absent: the runner's default entry (see run_steps.cc:
  // the first manager in host order that is up and can reach the signalled leader).
  std::optional<NodeSelector> via = std::nullopt;
  // Control-API actions only: an unanswered call at the end of the run does not fail the run.
  bool may_be_lost = false;
  // A node selector that stands for no host when the step runs skips the step (noted in the
  // timeline) instead of failing the run.
  bool skip_if_unresolved = false;
  // When set, `at` is when the trigger is armed, not when the step runs; labels the step binds
  // are bound when it fires.
  std::optional<Trigger> trigger = std::nullopt;
};

// ---------------------------------------------------------------------------------------------
// Expectations

// Holds at some moment in [after, after + within]; after <= end of the run. The window may
// extend past the end: then it is cut at the end.
//
// With new_leader_after (scenario.proto), every instant of the window is an offset from the moment
// the first leader elected after that instant signalled, not from the start of the run; the
// runner makes the window concrete once that leader is known.
struct Eventually {
  sim::Time after;
  absl::Duration within;  // >= 0
  std::optional<sim::Time> new_leader_after;
  sim::Time deadline() const { return after + within; }
};
// Holds at every event in [from, until]; from <= until, from <= end of the run. Defaults:
// from = 0, until = the end of the run.
struct Always {
  sim::Time from;
  sim::Time until;
  std::optional<sim::Time> new_leader_after;
};
using Window = std::variant<Eventually, Always>;

enum class NodeState { kReady, kDown, kUnknown };

// Selectors in predicates are hosts or labels, never `leader`/`follower`.
struct LeaderElected {
  std::optional<NodeSelector> not_node;
  std::optional<NodeSelector> is_node;  // extension: the leader is this node
};
struct NoLeader {};
struct AllNodesReady {
  std::vector<NodeSelector> except;
};
struct NodeStatusIs {
  NodeSelector node;
  NodeState state = NodeState::kReady;
};
struct NoNodeDown {
  std::vector<NodeSelector> except;
};
struct AgentsConnected {
  std::vector<NodeSelector> except;
};
// The control plane's view, what `docker service ls` would show: see run_predicates.cc.
struct ServiceConverged {
  std::string name;
};  // a declared service
// Ground truth: at least `min` replicas of the service are RUNNING on agents that are up.
struct ReplicasRunning {
  std::string service;  // a declared service
  int64_t min = 0;      // 0..1000000
};
struct Committed {
  int64_t min_index = 0;
};  // >= 0

// Extension: the signalled leader's Raft membership is exactly these nodes.
struct RaftMembers {
  std::vector<NodeSelector> nodes;
};

// Extension: over the window the node's agent keeps one session ID: the first one it holds in
// the window (the ID its next Session RPC sends, which a reconnect keeps) never changes, so no
// new registration happens. A node that is down fails it.
struct SessionUnchanged {
  NodeSelector node;
};

using Predicate = std::variant<LeaderElected, NoLeader, AllNodesReady, NodeStatusIs, NoNodeDown,
                               AgentsConnected, ServiceConverged, Committed, RaftMembers,
                               ReplicasRunning, SessionUnchanged>;

struct Expectation {
  std::string name;  // non-empty, unique within the scenario
  Window window;
  Predicate predicate;
  SourceLocation location;  // of the `expect` field
};

// ---------------------------------------------------------------------------------------------

struct Scenario {
  std::string file;  // the path it was loaded from, as given (for messages and reports)
  std::string name;  // `name`, or the file name without its extension
  std::string description;
  uint64_t seed = 1;             // `seed`, default 1; see ApplySeedOverride
  bool seed_overridden = false;  // true when the CLI's --seed replaced the file's
  uint64_t file_seed = 1;        // the file's own seed: the one golden_digest is pinned for
  absl::Duration duration;       // > 0, at most 100000h
  Cluster cluster;
  std::vector<Service> services;  // in file order: created in this order
  std::vector<Step> steps;
  std::vector<Expectation> expectations;
  BuggifyConfig buggify;
  ExploreConfig explore;
  // Empty, or 16 lowercase hex digits: the trace digest of a run with `file_seed` (runs with
  // another seed are not compared with it).
  std::string golden_digest;
  // Where `golden_digest` is written (line 0 when absent): for tools that rewrite the pin.
  SourceLocation golden_digest_location;
  // Where `duration` and `cluster.workers` are written (line 0 when absent or built in code):
  // what the resource limits (scenarios/limits.h) point at when a run is too large.
  SourceLocation duration_location;
  SourceLocation workers_location;

  sim::Time end() const { return sim::Time::Zero() + duration; }
};

// The CLI's --seed: when set, it replaces the file's seed (and says so in reports).
void ApplySeedOverride(std::optional<uint64_t> cli_seed, Scenario& scenario);

// Natural order of names: digit runs compare as numbers, so "w2" < "w10" and "m3" < "w1". For
// every list of hosts people read (timeline, members, details).
bool NaturalLess(const std::string& a, const std::string& b);

// "crash", "set_network", ...: the action's name as written in scenario files.
const char* ActionName(const Action& action);
// True for the actions that are control-API calls (they take `via` and `may_be_lost`).
bool IsControlAction(const Action& action);
// "leader", "node_status", ...: the predicate's name as written in scenario files.
const char* PredicateName(const Predicate& predicate);
// "READY", "DOWN", "UNKNOWN".
const char* NodeStateName(NodeState state);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_SCENARIO_H_
