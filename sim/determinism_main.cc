// Prints the digest of the random workload for a seed: "digest=<hex> events=<n> records=<n>".
// Run twice by determinism_cross_process_test.sh, which compares the lines.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "sim/random_workload.h"

int main(int argc, char** argv) {
  sim::RandomWorkloadOptions options;
  if (argc > 1) options.seed = std::strtoull(argv[1], nullptr, 10);
  options.keep_records = false;
  sim::RandomWorkloadRun run = sim::RunRandomWorkload(options);
  std::printf("seed=%" PRIu64 " digest=%016" PRIx64 " events=%" PRIu64 " records=%" PRIu64
              " sent=%" PRId64 "\n",
              options.seed, run.world->trace().digest(), run.world->event_count(),
              run.world->trace().size(), run.counts->sent);
  return 0;
}
