#include "model/check/checker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace swarmsim {
namespace check {

std::string Verdict::ToString() const {
  if (passed) return absl::StrCat(name, " passed: ", detail);
  std::string s = absl::StrCat(name, " violated at ", at.ToString(), " on hosts ",
                               hosts.empty() ? "-" : absl::StrJoin(hosts, ","), " (seed ", seed,
                               "): ", detail);
  if (violations > 1) absl::StrAppend(&s, " [and ", violations - 1, " more]");
  return s;
}

Verdict Checker::verdict(uint64_t seed) const {
  Verdict v;
  v.name = name_;
  v.passed = passed();
  v.seed = seed;
  v.violations = violations_;
  if (passed()) {
    v.detail = Summary();
  } else {
    v.at = first_at_;
    v.hosts = first_hosts_;
    v.detail = first_detail_;
  }
  return v;
}

void Checker::Report(sim::Time at, std::vector<sim::HostId> hosts, std::string detail) {
  if (violations_++ == 0) {
    std::sort(hosts.begin(), hosts.end());
    hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
    first_at_ = at;
    first_hosts_ = std::move(hosts);
    first_detail_ = std::move(detail);
  }
  if (on_violation_) on_violation_(*this);
}

}  // namespace check
}  // namespace swarmsim
