// A seeded random workload for determinism tests and benchmarks: hosts that exchange datagrams
// and RPCs at random, write and sync their disks, while a fault injector partitions, cuts,
// clogs, isolates, crashes, restarts and pauses them. Everything random comes from the world's
// streams, so the same options give the same trace, in one process or across processes.
#ifndef SWARMSIM_SIM_RANDOM_WORKLOAD_H_
#define SWARMSIM_SIM_RANDOM_WORKLOAD_H_

#include <cstdint>
#include <memory>

#include "sim/world.h"

namespace sim {

struct RandomWorkloadOptions {
  uint64_t seed = 1;
  int host_count = 8;
  // Datagrams and RPC calls sent in total (the run ends some time after the last one).
  int64_t message_count = 10000;
  bool faults = true;
  bool keep_records = true;
};

struct RandomWorkloadCounts {
  int64_t sent = 0;
  int64_t received = 0;
  int64_t rpc_ok = 0;
  int64_t rpc_failed = 0;
  int64_t faults = 0;
};

struct RandomWorkloadRun {
  std::unique_ptr<World> world;
  std::shared_ptr<RandomWorkloadCounts> counts;
};

RandomWorkloadRun RunRandomWorkload(const RandomWorkloadOptions& options);

}  // namespace sim

#endif  // SWARMSIM_SIM_RANDOM_WORKLOAD_H_
