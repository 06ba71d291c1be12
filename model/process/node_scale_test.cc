// A larger cluster (3 managers + 200 workers) through formation, a 400-replica service and a
// leader power loss: everything converges within the stated bounds, the checkers pass, and the
// wall time stays small (printed).
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

bool Converged(NodeTestCluster& c, uint64_t replicas) {
  const store::MemoryStore* store = c.LeaderStore();
  if (store == nullptr || store->services().size() != 1) return false;
  uint64_t running = 0;
  for (const api::Task* task : store->TasksByService(store->services().begin()->first)) {
    if (task->desired_state() > api::TASK_RUNNING) continue;
    if (task->status().state() != api::TASK_RUNNING) return false;
    const api::Node* node = store->GetNode(task->node_id());
    if (node == nullptr || node->status().state() != api::NodeStatus::READY) return false;
    ++running;
  }
  return running == replicas;
}

TEST(NodeScaleTest, TwoHundredWorkersFormRunAServiceAndSurviveLeaderLoss) {
  NodeTestCluster c(ClusterSpec{3, 200, 3, nullptr});
  c.StartAll();
  std::optional<sim::Time> ready =
      c.RunUntil([&] { return c.AllReady(c.all()); }, absl::Seconds(64), absl::Seconds(1));
  ASSERT_TRUE(ready.has_value());
  api::CreateServiceRequest create;
  create.mutable_spec()->set_name("web");
  create.mutable_spec()->set_replicas(400);
  ASSERT_TRUE(c.Control("m1", create).ok());
  const sim::Time t0 = c.now();
  std::optional<sim::Time> running =
      c.RunUntil([&] { return Converged(c, 400); }, absl::Seconds(30), absl::Seconds(1));
  ASSERT_TRUE(running.has_value());
  std::printf("measured: 203 nodes READY at %s; 400 replicas RUNNING %s after create\n",
              ready->ToString().c_str(), absl::FormatDuration(*running - t0).c_str());
  EXPECT_LE(*running - t0, absl::Seconds(15));
  c.world().RunFor(absl::Seconds(30));
  const std::string old_leader = c.Leader();
  const sim::Time t1 = c.now();
  c.world().CrashHost(c.host(old_leader));
  std::optional<sim::Time> back = c.RunUntil(
      [&] { return !c.Leader().empty() && c.Leader() != old_leader && Converged(c, 400); },
      absl::Seconds(120), absl::Seconds(1));
  ASSERT_TRUE(back.has_value());
  std::printf("measured: converged again %s after the leader lost power\n",
              absl::FormatDuration(*back - t1).c_str());
  EXPECT_LE(*back - t1, absl::Seconds(90));
  c.world().RunFor(absl::Minutes(5));
  c.checkers().Finish();
  std::printf("measured: %llu events\n", static_cast<unsigned long long>(c.world().event_count()));
  EXPECT_EQ(c.Violations(), "");
}

}  // namespace
}  // namespace testing
}  // namespace process
}  // namespace swarmsim
