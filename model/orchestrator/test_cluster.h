// TestCluster: a minimal in-memory stand-in for the replicated store, for tests of the pure
// control-plane components. It keeps nodes, services and tasks in tables keyed by id (the types
// store::MemoryStore hands the components) and applies StoreActions in order, stamping
// meta.version from a counter as a Raft index would. Test-only; it models none of the store's
// watch or transaction semantics.
//
// ById builds such a table from a few objects, for tests that need no TestCluster.
#ifndef SWARMSIM_MODEL_ORCHESTRATOR_TEST_CLUSTER_H_
#define SWARMSIM_MODEL_ORCHESTRATOR_TEST_CLUSTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/proto/swarm.pb.h"
#include "sim/check.h"

namespace swarmsim {
namespace testing {

// A table keyed by id holding `rows`; the ids must be distinct.
template <typename T>
std::map<std::string, T> ById(const std::vector<T>& rows) {
  std::map<std::string, T> table;
  for (const T& row : rows) {
    SIM_CHECK_MSG(table.emplace(row.id(), row).second, "duplicate id " + row.id());
  }
  return table;
}

class TestCluster {
 public:
  api::Node& AddNode(const std::string& id, api::NodeStatus::State state = api::NodeStatus::READY,
                     api::NodeAvailability availability = api::AVAILABILITY_ACTIVE);
  api::Service& AddService(const std::string& id, const std::string& name, uint64_t replicas);
  api::Task& AddTask(const std::string& id, const std::string& service_id, uint64_t slot,
                     const std::string& node_id, api::TaskState state,
                     api::TaskState desired = api::TASK_RUNNING, int64_t timestamp_ns = 0);

  void Apply(const std::vector<api::StoreAction>& actions);

  api::Node* node(const std::string& id);
  api::Service* service(const std::string& id);
  api::Task* task(const std::string& id);
  // Stamps a new version on a node/service/task changed in place by a test.
  void Touch(api::Node& n) { n.mutable_meta()->set_version(++version_); }
  void Touch(api::Service& s) { s.mutable_meta()->set_version(++version_); }
  void Touch(api::Task& t) { t.mutable_meta()->set_version(++version_); }

  std::vector<const api::Task*> TasksOf(const std::string& service_id) const;
  // Tasks of the service with desired_state <= RUNNING.
  std::vector<const api::Task*> RunnableTasksOf(const std::string& service_id) const;

  std::map<std::string, api::Node> nodes;
  std::map<std::string, api::Service> services;
  std::map<std::string, api::Task> tasks;

 private:
  uint64_t version_ = 0;
};

}  // namespace testing
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_ORCHESTRATOR_TEST_CLUSTER_H_
