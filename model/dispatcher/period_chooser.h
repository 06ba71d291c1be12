// PeriodChooser draws heartbeat periods uniformly in [period - epsilon, period + epsilon)
// (SwarmKit periodChooser). It owns no randomness: the caller passes the Prng stream to draw from,
// one draw per Choose() (none when epsilon is zero).
#ifndef SWARMSIM_MODEL_DISPATCHER_PERIOD_CHOOSER_H_
#define SWARMSIM_MODEL_DISPATCHER_PERIOD_CHOOSER_H_

#include "absl/time/time.h"
#include "sim/prng.h"

namespace swarmsim {
namespace dispatcher {

class PeriodChooser {
 public:
  // REQUIRES: period >= 0, epsilon >= 0. A period below epsilon is a scenario's choice, not a
  // bug: draws are then clamped at zero (Go would arm an already expired timer).
  PeriodChooser(absl::Duration period, absl::Duration epsilon);

  absl::Duration Choose(sim::Prng& prng) const;

  absl::Duration period() const { return period_; }
  absl::Duration epsilon() const { return epsilon_; }

 private:
  absl::Duration period_;
  absl::Duration epsilon_;
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_PERIOD_CHOOSER_H_
