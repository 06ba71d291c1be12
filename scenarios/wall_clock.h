// The CLI's one wall clock: a steady clock in nanoseconds, for progress lines, reports, explore's
// time budget and per-run breakdown. Nothing it returns may reach a simulation (the runner and the
// model never read it; the forbidden-API test keeps every other wall-clock read out of scenarios/).
#ifndef SWARMSIM_SCENARIOS_WALL_CLOCK_H_
#define SWARMSIM_SCENARIOS_WALL_CLOCK_H_

#include <cstdint>

namespace scenarios {

int64_t WallNanos();

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_WALL_CLOCK_H_
