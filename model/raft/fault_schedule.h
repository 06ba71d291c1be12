// FaultSchedule: the random fault schedules of raft_property_test (testonly). A Plan describes
// one run; RunPlan drives a TestCluster through a fault phase and then a liveness phase and
// reports the first violated property. See raft_property_test.cc for the properties and the
// liveness bound.
#ifndef SWARMSIM_MODEL_RAFT_FAULT_SCHEDULE_H_
#define SWARMSIM_MODEL_RAFT_FAULT_SCHEDULE_H_

#include <cstdint>
#include <string>

namespace swarmsim {
namespace raft {

// Rounds (every up node ticks once; one round = one SwarmKit second) allowed after faults stop
// for a leader to be elected and a new proposal to be applied by a majority. Why these values:
// raft_property_test.cc.
constexpr int kLivenessRoundsMaxPreVote = 100;
constexpr int kLivenessRoundsMax = 2000;

struct Plan {
  int nodes = 3;
  uint64_t seed = 1;
  int steps = 500;
  uint64_t drop_percent = 0;
  uint64_t dup_percent = 0;
  bool pre_vote = false;
  bool check_quorum = true;
  uint64_t snapshot_interval = 0;
  uint64_t keep_entries = 0;
  bool membership_changes = true;  // Add and remove voters (one at a time) during the faults.
};

std::string Describe(const Plan& plan);

struct Outcome {
  std::string violation;  // Empty: every property held.
  int liveness_rounds = 0;
  // FNV-1a over the final state (every node's term, commit, last index; the committed entries):
  // the same plan must give the same digest, run after run.
  uint64_t digest = 0;
};

// verbose: print the cluster's state every liveness round (debugging a failed seed).
Outcome RunPlan(const Plan& plan, bool verbose = false);

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_FAULT_SCHEDULE_H_
