// DispatcherConfig: every constant of SwarmKit's dispatcher (reference §0, §2.1), with SwarmKit's
// defaults. Scenarios override any of them; nothing here is read from a clock or the environment.
#ifndef SWARMSIM_MODEL_DISPATCHER_CONFIG_H_
#define SWARMSIM_MODEL_DISPATCHER_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace swarmsim {
namespace dispatcher {

struct DispatcherConfig {
  // DefaultHeartBeatPeriod / defaultHeartBeatEpsilon: each heartbeat reply carries a period drawn
  // uniformly in [period - epsilon, period + epsilon).
  absl::Duration heartbeat_period = absl::Seconds(5);
  absl::Duration heartbeat_epsilon = absl::Milliseconds(500);
  // becomeLeader takes the period from Cluster.Spec.Dispatcher.HeartbeatPeriod when set, and Run
  // follows later cluster updates.
  bool use_cluster_heartbeat_period = true;
  // Expiry after grace × the period returned by the last heartbeat (×unknown for nodes put in
  // UNKNOWN at leader start, from that start).
  int64_t grace_period_multiplier = 3;
  int64_t unknown_grace_period_multiplier = 6;
  // Registration rate limit: at most `rate_limit_count` checked registrations while attempts are
  // spaced less than `rate_limit_period` apart.
  absl::Duration rate_limit_period = absl::Seconds(8);
  int64_t rate_limit_count = 3;
  // processUpdates: flush of queued task/node status writes.
  absl::Duration max_batch_interval = absl::Milliseconds(100);
  size_t max_batch_items = 10000;
  // Assignments stream batching: quiet period, and flush after this many modifications.
  absl::Duration batching_wait_time = absl::Milliseconds(100);
  size_t modification_batch_limit = 100;
  // A DOWN node's tasks become ORPHANED after this long.
  absl::Duration node_down_period = absl::Hours(24);
  // remotes.DefaultObservationWeight: the weight of every manager in session messages.
  int64_t manager_weight = 10;
  // Store writes per Raft proposal (store.Batch).
  size_t max_changes_per_proposal = 200;
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_CONFIG_H_
