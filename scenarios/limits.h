// Resource limits: a scenario is checked against them after it validates and before it runs,
// so that a valid but enormous scenario (100,000 workers for 100000h) is refused in a moment
// with a message, instead of running for years while it grows to gigabytes.
//
// The estimates come from measurements of the whole cluster (README "Performance",
// tests/bench/cluster_bench's rss_per_worker_kb and wall_seconds_per_worker_hour):
//   - memory grows with the number of hosts: ~28 kB per worker, plus a fixed base;
//   - wall time grows with hosts x simulated time ("host-hours"): every agent heartbeats, every
//     manager ticks, whether or not anything happens. The time per host-hour measured with 1,000
//     workers is the cheapest there is (it grows with the cluster), so the time given in a
//     message is a lower bound.
// Nothing here reads the machine: the same scenario is accepted or refused everywhere.
//
// Who checks: the CLI's run, check, validate and explore (through LoadScenarioWithinLimits);
// `--allow-large` lifts the limits. Code that builds a Scenario itself (tests/bench/
// cluster_bench) is not checked: it asked for its size explicitly. docs/limits.md documents
// the limits for users.
#ifndef SWARMSIM_SCENARIOS_LIMITS_H_
#define SWARMSIM_SCENARIOS_LIMITS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scenarios/scenario.h"

namespace scenarios {

// The defaults. Every scenario of the library and the tests is far below them (the largest,
// 63 hosts for 5 minutes, is 5.25 host-hours and ~5 MiB); so are the benchmarks' workloads
// run through the CLI's sizes (10,000 workers for 10 minutes is 1,667 host-hours, ~270 MiB).
inline constexpr int64_t kMaxHostHours = 10000;  // at least ~2.5 min of wall time
inline constexpr int64_t kMaxMemoryMib = 2048;   // 76,096 workers
// Replicas of all services, each service at its largest count (declared or scaled to). The
// scheduler's time grows faster than the square of the task count: with 10 workers, 2,000
// replicas took ~3 s of CPU and 20,000 more than 10 min (each also ~10 kB of memory).
inline constexpr int64_t kMaxReplicas = 5000;

// The measured costs the estimates use (cluster_bench, -c opt, 3 managers + 1,000 workers).
inline constexpr int64_t kBytesPerWorker = 28 * 1000;             // rss_per_worker_kb ~ 28
inline constexpr int64_t kBaseBytes = int64_t{16} * 1024 * 1024;  // binary, managers, buffers
inline constexpr int64_t kWallMsPerThousandHostHours = 15000;     // ~0.015 s per worker-hour

struct ResourceEstimate {
  int64_t hosts = 0;            // managers + workers
  int64_t host_hours = 0;       // hosts x simulated hours, rounded up
  int64_t memory_mib = 0;       // estimated peak resident memory, rounded up
  int64_t min_wall_seconds = 0;  // a lower bound on the wall time of one run
  int64_t replicas = 0;          // every service at its largest count, summed
  SourceLocation replicas_location;  // where the largest service gets its largest count
};

ResourceEstimate EstimateResources(const Scenario& scenario);

// OK when the scenario is within the limits. Otherwise InvalidArgument with one line per limit
// exceeded, `FILE:LINE:COL: message` at the `duration` (host-hours), `workers` (memory) or the
// service or scale_service step giving the largest count (replicas), each naming the
// estimate, the limit and `--allow-large`.
absl::Status CheckResourceLimits(const Scenario& scenario);

// LoadScenario (scenarios/loader.h), then CheckResourceLimits unless `allow_large`: what the
// CLI's commands call, so that they all refuse and allow the same scenarios.
absl::StatusOr<Scenario> LoadScenarioWithinLimits(const std::string& path, bool allow_large);

// "45 s", "12 min", "3.5 h", "41 days", "4.8 years": a rough length of wall time.
std::string RoughWallTime(int64_t seconds);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_LIMITS_H_
