#include "sim/time.h"

#include "absl/strings/str_format.h"

namespace sim {

std::string Time::ToString() const {
  const int64_t abs = ns_ < 0 ? -ns_ : ns_;
  return absl::StrFormat("%s%d.%09ds", ns_ < 0 ? "-" : "", abs / 1000000000, abs % 1000000000);
}

}  // namespace sim
