// Base scenario + fault plan -> the scenario one explore run runs.
//
// The run keeps the base's cluster, services, buggify (plus the plan's fault points, firing at
// the plan's ratio) and steps (control-API steps may be lost:
// the faults can eat their answers), adds the plan's fault steps, then a healing phase once the
// fault window and every base step are over:
//   heal {}; the network back to the cluster's link settings (if any step changed it);
//   restart of every host a crash or stop (of the base or the plan) may have taken down (every
//   manager when the target was `leader`); clocks back to offset 0, drift 0 where one moved;
//   disks back to the cluster's sync latency where a set_disk slowed one;
// and liveness expectations after it, all within `settle`:
//   "explore: a leader after healing", "explore: every node ready after healing",
//   "explore: every agent connected after healing", "explore: service NAME converged after
//   healing" (services the base does not remove).
// The base's own expectations are kept when their window closes before the plan's first fault
// (so the faults cannot be what breaks them) and is fixed in time (no `new_leader_after`, whose
// window depends on elections the faults move). The others are dropped: they state what the base
// alone does.
//
// The run ends `settle` after the heal. The default settle (4 min) allows for TCP: a connection
// backed off during the faults carries nothing until its next retransmission, up to 120 s
// (Linux's RTO cap, reference §10.1) after the heal, then an election and re-registration.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_PLAN_SCENARIO_H_
#define SWARMSIM_SCENARIOS_EXPLORE_PLAN_SCENARIO_H_

#include "absl/time/time.h"
#include "scenarios/explore/plan.h"
#include "scenarios/scenario.h"

namespace scenarios {
namespace explore {

inline constexpr char kLivenessPrefix[] = "explore: ";

struct Timing {
  absl::Duration fault_window = absl::Minutes(1);  // faults at 0..fault_window
  absl::Duration settle = absl::Minutes(4);        // liveness bound after the heal
};

// When the healing phase runs: the end of the fault window or the last base step, the later.
sim::Time HealAt(const Scenario& base, const Timing& timing);

// The plan space of `base` under `timing`: its hosts, the window, every step kind, triggers and
// the fault point catalog (model/faultpoints/catalog.h).
PlanSpace SpaceOf(const Scenario& base, const Timing& timing);

// The name of the catalog's fault point `index` (Plan::fault_points).
std::string FaultPointName(int index);

// The scenario of one run: see the file comment. Its `file` is empty, its golden digest unset,
// its seed the plan's (so that ScenarioText writes exactly what ran).
Scenario BuildRunScenario(const Scenario& base, const Plan& plan, const Timing& timing);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_PLAN_SCENARIO_H_
