#include "model/dispatcher/period_chooser.h"

#include <algorithm>
#include <cstdint>

#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

PeriodChooser::PeriodChooser(absl::Duration period, absl::Duration epsilon)
    : period_(period), epsilon_(epsilon) {
  SIM_CHECK(epsilon >= absl::ZeroDuration());
  SIM_CHECK(period >= absl::ZeroDuration());
}

absl::Duration PeriodChooser::Choose(sim::Prng& prng) const {
  const int64_t eps_ns = absl::ToInt64Nanoseconds(epsilon_);
  // SwarmKit computes period + (Int63n(2ε) − ε); with ε = 0 there is nothing to draw.
  if (eps_ns == 0) return period_;
  const int64_t jitter_ns = prng.UniformRange(-eps_ns, eps_ns);
  return std::max(absl::ZeroDuration(), period_ + absl::Nanoseconds(jitter_ns));
}

}  // namespace dispatcher
}  // namespace swarmsim
