// A fault plan: what one explore run adds to its base scenario. Small plain values that
// rapidcheck's generators produce and shrink (GenPlan); plan_scenario.h turns a plan into the
// steps, healing phase and expectations of a runnable scenario.
//
// Hosts are numbered flat, as the base cluster has them: managers 0..M-1 (m1..mM), then workers
// (w1..wW). Times are in deciseconds from the start of the run: a grid fine enough for faults at
// times (protocol events are for triggers), coarse enough that shrinking toward earlier times
// converges quickly.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_PLAN_H_
#define SWARMSIM_SCENARIOS_EXPLORE_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "rapidcheck.h"

namespace scenarios {
namespace explore {

// Every kind of fault step a plan may hold. The names (FaultKindName) are those of `--faults`
// and of the summary's histogram. Node faults first: rapidcheck shrinks a kind toward the first
// one allowed, and a crash is the simplest fault to read.
enum class FaultKind {
  kCrash,        // crash { node }            power off: unsynced writes are lost
  kStop,         // stop { node }             graceful shutdown
  kRestart,      // restart { node }
  kPause,        // pause { node duration }   1-60 s
  kIsolate,      // isolate { node }          until healed, or 1-120 s
  kPartition,    // partition { sides }       2-5 hosts split in two sides, the rest unnamed
  kCut,          // cut { from to }           one way
  kHeal,         // heal {}
  kDrop,         // set_network { drop }      1-100 %, one host's links or every link
  kDuplicate,    // set_network { duplicate } 1-50 %
  kLatency,      // set_network { latency jitter } 1-500 ms, jitter 0-100 ms
  kClockOffset,  // clock { offset }          -30 s..+30 s
  kClockDrift,   // clock { drift }           -50000..+50000 ppm
  kSlowDisk,     // set_disk { sync_latency } 10 ms..2 s
};
inline constexpr int kFaultKindCount = 14;

const char* FaultKindName(FaultKind kind);
// Relative weight of the kind in a plan where every kind is allowed.
int FaultKindWeight(FaultKind kind);
// Every kind, in enum order.
const std::vector<FaultKind>& AllFaultKinds();

// The protocol moments a step may fire on (`trigger { event where }`): explore's list of places
// where timing matters, each a trace kind and at most one field=value it must carry.
struct TriggerMoment {
  const char* event;        // "raft.vote"
  const char* field;        // "granted", or "" for none
  const char* value;        // "1"
  bool managers_only;       // only managers write it (a worker never matches)
};
const std::vector<TriggerMoment>& TriggerMoments();

// A node as a fault step names it: a host, or `leader` (whoever leads when the step runs).
struct Target {
  bool leader = false;
  int host = 0;  // flat index, when !leader
};

// A fault step that fires on a protocol event instead of at its time: armed at the step's time,
// it fires `delay_ms` after the first matching trace record.
struct TriggerPlan {
  int moment = 0;          // index into TriggerMoments()
  bool on_target = false;  // the record must come from the step's own target (node faults)
  int64_t delay_ms = 0;    // 0..2000
};

// One fault step. Only the fields of its kind are meaningful (see FaultKind).
struct Fault {
  FaultKind kind = FaultKind::kHeal;
  int64_t at_ds = 0;          // when, in deciseconds from the start of the run
  Target node;                // crash, stop, restart, pause, isolate, clock
  int64_t seconds = 0;        // pause: 1..60; isolate: 0 (until healed) or 1..120
  std::vector<int> side_a;    // partition: flat hosts, disjoint from side_b
  std::vector<int> side_b;
  int from = -1;              // cut: a host; set_network: a host or -1 (every host)
  int to = -1;
  uint32_t ppm = 0;           // drop, duplicate
  int64_t latency_ms = 0;     // latency
  int64_t jitter_ms = 0;      // latency
  int64_t offset_ms = 0;      // clock offset
  int64_t drift_ppm = 0;      // clock drift
  int64_t sync_ms = 0;        // slow_disk: the WAL's sync latency
  std::optional<TriggerPlan> trigger;
};

struct Plan {
  uint64_t seed = 1;          // the simulation seed of the run
  std::vector<Fault> faults;  // sorted by at_ds (generation order among equal times)
  // Fault points (BUGGIFY sites) enabled in this run, as indexes into PlanSpace's names, and
  // the ratio they fire with. Empty: none beyond the base's.
  std::vector<int> fault_points;
  uint32_t fire_ppm = 0;
  // Raft entries larger than a message's payload limit: the run's `raft { max_size_per_msg }`
  // is 1 byte, so every MsgApp carries exactly one entry (Raft sends at least one). SwarmKit's
  // limit is 64 KiB and its entries reach it with big service specs, secrets and configs (up to
  // 500 KiB): then a new leader ships an old entry alone, and an ack covers it without the
  // leader's own. Histories such as Raft's Figure 8 need that.
  bool large_entries = false;
};

// What a plan may contain: the base's hosts, the kinds allowed, the fault window.
struct PlanSpace {
  int managers = 1;
  int workers = 0;
  std::vector<FaultKind> kinds;           // non-empty; AllFaultKinds() by default
  bool triggers = true;                   // some steps fire on protocol events
  bool fault_points = true;               // some runs enable fault points
  bool large_entries = true;              // some runs have one entry per MsgApp
  std::vector<std::string> fault_point_names;  // the catalog (model/faultpoints), sorted
  int64_t window_ds = 600;                // faults at 0..window_ds deciseconds
  int max_faults = 8;                     // 1..max_faults fault steps
};

// `--faults=crash,partition,trigger`: the step kinds named, in enum order, and the three
// features: `trigger` (steps firing on protocol events), `fault_points` (enabling BUGGIFY
// sites) and `large_entries` (one Raft entry per MsgApp); when the list names step kinds only,
// no feature is used. False with a message for
// an unknown name ("unknown fault kind 'x' (known: crash, stop, ...)") or no step kind.
bool ParseFaults(const std::string& list, PlanSpace& space, std::string& error);

// True with chance 1 in `one_in` (>= 2), shrinking toward false. rapidcheck's weightedElement
// draws the same value from the same random stream but never shrinks, so counterexamples kept
// every trigger, fault point and large-entries setting they were generated with. Chance draws
// exactly as weightedElement({{one_in - 1, false}, {1, true}}) does (every plan stays what it
// was) and offers false as the one simpler value.
rc::Gen<bool> Chance(size_t one_in);

// The generator of plans over `space`. Kinds that need two hosts (partition, cut) are left
// out of a one-host cluster. Shrinks toward fewer steps, earlier times, the first kinds, lower
// hosts, fewer hosts in a partition and shorter durations; never shrinks the seed (a smaller
// seed is not a simpler run, only another one).
rc::Gen<Plan> GenPlan(const PlanSpace& space);

// Run `run` of an explore with seed `seed`: the generated plan with its shrink tree. Depends on
// nothing else (no global state, no clock).
rc::Shrinkable<Plan> GeneratePlan(const PlanSpace& space, uint64_t seed, uint64_t run);

// Flat host index -> "m2" / "w10".
std::string HostName(const PlanSpace& space, int flat);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_PLAN_H_
