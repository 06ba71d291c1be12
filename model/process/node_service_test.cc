// Services over NodeProcess hosts (issue 5, reference §7.5 TestServiceCreate): the control API
// through the raft proxy, the replicated orchestrator, the scheduler and task execution on the
// agents, and convergence after the leader loses power under load. Simulated times are stated
// and checked; measured ones are printed ("measured: ...").
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "model/process/node_test_cluster.h"

namespace swarmsim {
namespace process {
namespace testing {
namespace {

double Secs(absl::Duration d) { return absl::ToDoubleSeconds(d); }  // printing only

const api::Service* FindService(const store::MemoryStore& store, const std::string& name) {
  for (const auto& [id, service] : store.services()) {
    if (service.spec().name() == name) return &service;
  }
  return nullptr;
}

// service_converged: `replicas` tasks of the service desired RUNNING and RUNNING, one per slot,
// all on nodes READY in the leader's store. Fills `per_node`.
bool Converged(NodeTestCluster& c, const std::string& name, uint64_t replicas,
               std::map<std::string, int>* per_node = nullptr) {
  const store::MemoryStore* store = c.LeaderStore();
  if (store == nullptr) return false;
  const api::Service* service = FindService(*store, name);
  if (service == nullptr) return false;
  std::map<uint64_t, int> slots;
  std::map<std::string, int> nodes;
  for (const api::Task* task : store->TasksByService(service->id())) {
    if (task->desired_state() > api::TASK_RUNNING) continue;
    if (task->status().state() != api::TASK_RUNNING) return false;
    const api::Node* node = store->GetNode(task->node_id());
    if (node == nullptr || node->status().state() != api::NodeStatus::READY) return false;
    ++slots[task->slot()];
    ++nodes[task->node_id()];
  }
  if (slots.size() != replicas) return false;
  for (const auto& [slot, n] : slots) {
    if (n != 1) return false;
  }
  if (per_node != nullptr) *per_node = nodes;
  return true;
}

sim::Time CreateWeb(NodeTestCluster& c, uint64_t replicas) {
  c.StartAll();
  SIM_CHECK(c.RunUntil([&] { return c.AllReady(c.all()); }, absl::Seconds(64)));
  api::CreateServiceRequest create;
  create.mutable_spec()->set_name("web");
  create.mutable_spec()->set_replicas(replicas);
  // Through a follower's local socket, proxied to the leader (a real control client's path).
  std::string via;
  for (const std::string& m : c.managers()) {
    if (m != c.Leader()) via = m;
  }
  const sim::Time t0 = c.now();
  const absl::Status status = c.Control(via, create);
  SIM_CHECK(status.ok());
  return t0;
}

TEST(NodeServiceTest, ServiceWithSixtyReplicasOnThreePlusThreeRunsTenPerNode) {
  NodeTestCluster c(ClusterSpec{3, 3, 1, nullptr});
  const sim::Time t0 = CreateWeb(c, 60);
  std::map<std::string, int> per_node;
  std::optional<sim::Time> converged =
      c.RunUntil([&] { return Converged(c, "web", 60, &per_node); }, absl::Seconds(64));
  ASSERT_TRUE(converged.has_value());
  std::printf("measured: 60 replicas RUNNING %.3f s after the create call\n",
              Secs(*converged - t0));
  // Scheduling (50 ms debounce), assignments (100 ms batches), execution (0.6 s), status
  // batches (100 ms): a few seconds, well inside opsTimeout.
  EXPECT_LE(*converged - t0, absl::Seconds(10));
  // Spread: fewest tasks first over 6 READY ACTIVE nodes (managers run tasks too).
  ASSERT_EQ(per_node.size(), 6u);
  for (const auto& [node, n] : per_node) EXPECT_EQ(n, 10) << node;
  c.world().RunFor(absl::Seconds(30));
  EXPECT_TRUE(Converged(c, "web", 60));
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

TEST(NodeServiceTest, ScaleDownThenRemoveService) {
  NodeTestCluster c(ClusterSpec{3, 3, 1, nullptr});
  CreateWeb(c, 12);
  ASSERT_TRUE(c.RunUntil([&] { return Converged(c, "web", 12); }, absl::Seconds(30)));
  const api::Service* web = FindService(*c.LeaderStore(), "web");
  api::UpdateServiceRequest update;
  update.set_service_id(web->id());
  update.set_version(web->meta().version());
  *update.mutable_spec() = web->spec();
  update.mutable_spec()->set_replicas(5);
  const sim::Time t0 = c.now();
  ASSERT_TRUE(c.Control(c.managers()[1], update).ok());
  std::optional<sim::Time> scaled =
      c.RunUntil([&] { return Converged(c, "web", 5); }, absl::Seconds(30));
  ASSERT_TRUE(scaled.has_value());
  std::printf("measured: scaled 12 -> 5 in %.3f s\n", Secs(*scaled - t0));
  EXPECT_LE(*scaled - t0, absl::Seconds(5));
  api::RemoveServiceRequest remove;
  remove.set_service_id(web->id());
  ASSERT_TRUE(c.Control(c.managers()[2], remove).ok());
  // The orchestrator shuts the tasks down, the reaper deletes them once stopped.
  ASSERT_TRUE(c.RunUntil([&] { return c.LeaderStore()->tasks().empty(); }, absl::Seconds(30)));
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

TEST(NodeServiceTest, LeaderPowerLossUnderLoadServiceConvergesAgain) {
  NodeTestCluster c(ClusterSpec{3, 3, 1, nullptr});
  CreateWeb(c, 60);
  ASSERT_TRUE(c.RunUntil([&] { return Converged(c, "web", 60); }, absl::Seconds(64)));
  c.world().RunFor(absl::Seconds(10));
  const std::string old_leader = c.Leader();
  const sim::Time t0 = c.now();
  c.world().CrashHost(c.host(old_leader));
  // The new leader marks every node UNKNOWN ([27, 33) s grace); the dead leader becomes DOWN,
  // its 10 tasks are restarted elsewhere (restart delay 5 s) and run.
  // Right after the new leader signals, its store still shows every node READY and the old
  // leader's tasks RUNNING (the UNKNOWN marking is a write still committing): converged again
  // means with the old leader DOWN.
  std::optional<sim::Time> converged = c.RunUntil(
      [&] {
        return c.Leader() != old_leader && c.Status(old_leader) == api::NodeStatus::DOWN &&
               Converged(c, "web", 60);
      },
      absl::Seconds(120));
  ASSERT_TRUE(converged.has_value());
  std::printf("measured: service converged again %.3f s after the leader lost power\n",
              Secs(*converged - t0));
  // Bound: election [10, 20) s + UNKNOWN grace [27, 33) s + restart delay 5 s + start ~1 s.
  EXPECT_GE(*converged - t0, absl::Seconds(35));
  EXPECT_LE(*converged - t0, absl::Seconds(60));
  std::map<std::string, int> per_node;
  ASSERT_TRUE(Converged(c, "web", 60, &per_node));
  EXPECT_EQ(per_node.count(old_leader), 0u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

}  // namespace
}  // namespace testing
}  // namespace process
}  // namespace swarmsim
