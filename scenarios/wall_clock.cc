#include "scenarios/wall_clock.h"

#include <chrono>

namespace scenarios {

int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             // forbidden-apis: allow(the CLI's wall time: progress, reports, budgets; never a run)
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace scenarios
