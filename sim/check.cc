#include "sim/check.h"

#include <cstdio>
#include <cstdlib>

namespace sim {
namespace {
// The only mutable global in sim/: written once per run by the runner, read only on failure.
bool seed_known = false;
uint64_t check_seed = 0;
}  // namespace

void SetCheckSeed(uint64_t seed) {
  seed_known = true;
  check_seed = seed;
}

void CheckFailed(const char* file, int line, const std::string& message) {
  if (seed_known) {
    std::fprintf(stderr, "%s:%d: %s [seed=%llu]\n", file, line, message.c_str(),
                 static_cast<unsigned long long>(check_seed));
  } else {
    std::fprintf(stderr, "%s:%d: %s\n", file, line, message.c_str());
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace sim
