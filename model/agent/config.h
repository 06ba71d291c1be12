// Agent and worker configuration, with SwarmKit's defaults (reference §0). Every field can be
// overridden per scenario; tests shorten the timeouts as SwarmKit's own tests do.
#ifndef SWARMSIM_MODEL_AGENT_CONFIG_H_
#define SWARMSIM_MODEL_AGENT_CONFIG_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "model/agent/backoff.h"
#include "model/proto/swarm.pb.h"

namespace swarmsim {
namespace agent {

// Simulated durations of a task's execution steps on the worker (SwarmKit exec.Do). A zero
// duration makes the step happen within the same input (no timer); the intermediate statuses
// still reach the reporter, which keeps only the latest one per task.
struct WorkerConfig {
  absl::Duration accept = absl::ZeroDuration();          // ASSIGNED  → ACCEPTED
  absl::Duration begin_prepare = absl::ZeroDuration();   // ACCEPTED  → PREPARING
  absl::Duration prepare = absl::Milliseconds(100);      // PREPARING → READY (create container)
  absl::Duration begin_start = absl::ZeroDuration();     // READY     → STARTING
  absl::Duration start = absl::Milliseconds(500);        // STARTING  → RUNNING (start container)
  absl::Duration shutdown = absl::Milliseconds(100);     // any live state → SHUTDOWN
};

struct AgentConfig {
  // This node's ID; used in notes only (the dispatcher learns it from the TLS identity).
  std::string node_id;
  // The connection broker holds a local connection (this node's own manager) at Start. While one
  // is held every new session uses it and never selects from Remotes (reference §1.9); a local
  // session never down-weights anything. Agent::SetLocalConnection sets and clears it at run time
  // (§10.3: a manager node's agent lives across role changes).
  bool local_manager = false;
  // What the executor describes at start (hostname, generation).
  api::NodeDescription description;
  // Managers known before the first session (state.json or the join address): each is observed
  // once with its weight (SwarmKit: +10, giving 5).
  std::vector<api::WeightedPeer> initial_remotes;

  BackoffConfig backoff;                                      // 100 ms, 8 s
  absl::Duration dispatcher_rpc_timeout = absl::Seconds(5);   // session init and heartbeat
  absl::Duration node_update_period = absl::Seconds(20);      // description re-check ticker
  // Task statuses per UpdateTaskStatus call. SwarmKit's reporter sends one task per call, one
  // call at a time (agent/reporter.go); >1 batches them (still one call at a time).
  int status_updates_per_call_max = 1;

  WorkerConfig worker;
};

}  // namespace agent
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_AGENT_CONFIG_H_
