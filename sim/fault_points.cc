#include "sim/fault_points.h"

#include "sim/trace.h"

namespace sim {
namespace {
// The ratios an active site may fire with; one is chosen per site from the seed. A spread, so
// that some sites misbehave rarely (exercising recovery) and some often (exercising overload).
constexpr Ratio kFireRatios[] = {Ratio{1, 100}, Ratio{1, 20}, Ratio{1, 4}};
}  // namespace

FaultPoints::Site& FaultPoints::Lookup(absl::string_view name) {
  auto it = sites_.find(name);
  if (it != sites_.end()) return it->second;
  // The site's stream depends on the seed and the name only, never on the order sites are met.
  Prng site_prng = stream_.Fork(Fnv1a64(kFnvOffsetBasis, name));
  Site site;
  const bool active = site_prng.Chance(activation_ratio_);
  const uint64_t ratio_index = site_prng.UniformU64(sizeof(kFireRatios) / sizeof(kFireRatios[0]));
  site.active = active;
  site.fire_ratio = kFireRatios[ratio_index];
  site.prng = site_prng;
  return sites_.emplace(std::string(name), site).first->second;
}

bool FaultPoints::Buggify(absl::string_view name) {
  const bool forced = forced_.find(name) != forced_.end();
  if (!enabled_ && !forced) return false;
  Site& site = Lookup(name);
  ++site.hits;
  if (!site.active) return false;
  const bool fire = site.prng.Chance(site.fire_ratio);
  if (fire) ++site.fires;
  return fire;
}

void FaultPoints::Force(absl::string_view name, Ratio fire_ratio) {
  Site& site = Lookup(name);
  site.active = true;
  site.fire_ratio = fire_ratio;
  forced_[std::string(name)] = true;
}

}  // namespace sim
