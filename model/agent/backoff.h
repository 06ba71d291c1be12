// Session failure backoff of the agent (SwarmKit agent/agent.go, reference §1.3).
//
// Backoff is a pure value: it never reads a clock and draws randomness only from the sim::Prng it
// is handed. After every session error the agent grows it to min(initial + 2·current, max); the
// next session waits a delay drawn uniformly (integer nanoseconds) from [0, current). Only a
// registration resets it: a description-driven restart leaves it alone. With SwarmKit's defaults
// the sequence is 100 ms, 300 ms, 700 ms, 1.5 s, 3.1 s, 6.3 s, 8 s, 8 s, ...
#ifndef SWARMSIM_MODEL_AGENT_BACKOFF_H_
#define SWARMSIM_MODEL_AGENT_BACKOFF_H_

#include "absl/time/time.h"
#include "sim/prng.h"

namespace swarmsim {
namespace agent {

struct BackoffConfig {
  absl::Duration initial = absl::Milliseconds(100);  // initialSessionFailureBackoff
  absl::Duration max = absl::Seconds(8);             // maxSessionFailureBackoff
};

class Backoff {
 public:
  explicit Backoff(BackoffConfig config = BackoffConfig());

  // The current backoff; zero until the first failure and after every registration.
  absl::Duration current() const { return current_; }

  // A session failed: current = min(initial + 2·current, max).
  void Grow();

  // A session registered. The only way back to zero.
  void Reset() { current_ = absl::ZeroDuration(); }

  // The delay before the next session: uniform integer nanoseconds in [0, current), or zero when
  // current is zero (no draw is made then, as SwarmKit only calls rand.Int63n for backoff > 0).
  absl::Duration DrawDelay(sim::Prng& prng) const;

 private:
  BackoffConfig config_;
  absl::Duration current_ = absl::ZeroDuration();
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_BACKOFF_H_
