// Test-only: a world of NodeProcess hosts — managers m1..mN (raft ids 1..N, one bootstrapped
// cluster) and workers w1..wM — with every invariant checker of model/check installed on the
// trace, and helpers that read the cluster the way the scenario runner will.
#ifndef SWARMSIM_MODEL_PROCESS_NODE_TEST_CLUSTER_H_
#define SWARMSIM_MODEL_PROCESS_NODE_TEST_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "model/check/checker_set.h"
#include "model/process/node_options.h"
#include "model/process/node_process.h"
#include "sim/world.h"

namespace swarmsim {
namespace process {
namespace testing {

struct ClusterSpec {
  int managers = 3;
  int workers = 0;
  uint64_t seed = 1;
  // Applied to every node's options after the defaults.
  std::function<void(NodeOptions&)> customize;
};

// One node.status record as traced by some manager's store.
struct StatusChange {
  sim::Time at;
  sim::HostId host = 0;
  std::string node;
  std::string state;
};

class NodeTestCluster {
 public:
  explicit NodeTestCluster(ClusterSpec spec);
  ~NodeTestCluster();

  sim::World& world() { return world_; }
  sim::Time now() const { return world_.now(); }
  check::CheckerSet& checkers() { return checkers_; }
  const std::vector<std::string>& managers() const { return managers_; }
  const std::vector<std::string>& workers() const { return workers_; }
  std::vector<std::string> all() const;

  void StartAll();
  sim::HostId host(const std::string& name) const;
  sim::Context& context(const std::string& name);
  // The process, or nullptr when the host is not running.
  NodeProcess* node(const std::string& name);

  // The node whose dispatcher runs, "" if none (if several, the one with the highest term).
  std::string Leader();
  // The leader's store (nullptr without a leader).
  const store::MemoryStore* LeaderStore();
  // A node's status in the leader's store (UNKNOWN when there is no leader or no such node).
  api::NodeStatus::State Status(const std::string& name);
  bool AllReady(const std::vector<std::string>& names);

  // Runs in steps until `done` holds (checked after each step) or `max` elapsed. Returns the
  // time at which it held.
  std::optional<sim::Time> RunUntil(const std::function<bool()>& done, absl::Duration max,
                                    absl::Duration step = absl::Milliseconds(100));

  // Submits a control request on `via` and runs until it completes (at most `max`).
  absl::Status Control(const std::string& via, ControlRequest request,
                       absl::Duration max = absl::Seconds(60));

  const std::vector<StatusChange>& status_changes() const { return status_changes_; }
  // Every record of `kind` so far, in trace order.
  std::vector<sim::TraceRecord> Records(const std::string& kind) const;

  // The invariant checkers' verdicts, one line each; empty when all passed.
  std::string Violations();

 private:
  ClusterSpec spec_;
  sim::World world_;
  check::CheckerSet checkers_;
  std::vector<std::string> managers_;
  std::vector<std::string> workers_;
  std::vector<StatusChange> status_changes_;
  std::vector<sim::TraceRecord> records_;
};

}  // namespace testing
}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_NODE_TEST_CLUSTER_H_
