// FaultPoints decides, per run, which named fault sites in model code misbehave (BUGGIFY).
//
// A site is a stable name ("dispatcher.slow_register"), never a file:line, so that editing code
// does not change which sites fire for a seed. Everything about a site is derived from the run's
// seed and the site's name alone: whether it is active in this run, the fixed ratio with which it
// fires when active, and the stream its firings are drawn from. So adding a site, or hitting one
// more often, does not change the choices at any other site. Buggify is off unless the run
// enables it; when off, Buggify() is always false and draws nothing.
#ifndef SWARMSIM_SIM_FAULT_POINTS_H_
#define SWARMSIM_SIM_FAULT_POINTS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "sim/prng.h"

namespace sim {

class FaultPoints {
 public:
  struct Site {
    bool active = false;
    Ratio fire_ratio;
    uint64_t hits = 0;   // Times Buggify was asked about this site.
    uint64_t fires = 0;  // Times it answered true.
    Prng prng{0};
  };

  // `stream` is the run's fault-point stream (the world forks one from the root seed).
  explicit FaultPoints(const Prng& stream) : stream_(stream) {}

  // Off by default. Enabling mid-run is allowed (sites keep their per-seed choices).
  void set_enabled(bool enabled) { enabled_ = enabled; }
  bool enabled() const { return enabled_; }
  // The chance that a site is active in a run. Default 1/4, as FoundationDB's BUGGIFY.
  void set_activation_ratio(Ratio ratio) { activation_ratio_ = ratio; }

  // Whether the named site misbehaves now.
  bool Buggify(absl::string_view name);

  // Makes a site active with a given ratio regardless of the seed (tests, targeted scenarios).
  // Applies even when buggify is not enabled run-wide.
  void Force(absl::string_view name, Ratio fire_ratio);

  // Every site seen so far, sorted by name (for reports).
  const std::map<std::string, Site, std::less<>>& sites() const { return sites_; }

 private:
  Site& Lookup(absl::string_view name);

  Prng stream_;
  bool enabled_ = false;
  Ratio activation_ratio_{1, 4};
  std::map<std::string, Site, std::less<>> sites_;
  std::map<std::string, bool, std::less<>> forced_;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_FAULT_POINTS_H_
