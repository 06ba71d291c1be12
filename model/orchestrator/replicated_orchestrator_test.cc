#include "model/orchestrator/replicated_orchestrator.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/orchestrator/task_rules.h"
#include "model/orchestrator/test_cluster.h"

namespace swarmsim {
namespace orchestrator {
namespace {

using testing::TestCluster;

TaskIdSource CountingIds() {
  auto next = std::make_shared<int>(0);
  return [next] { return absl::StrFormat("t%06d", ++*next); };
}

sim::Time At(int64_t seconds) { return sim::Time::FromNanos(seconds * 1000000000); }

class OrchestratorTest : public ::testing::Test {
 protected:
  OrchestratorOutput Run(sim::Time now) {
    OrchestratorOutput out =
        orch_.Reconcile(now, cluster_.nodes, cluster_.services, cluster_.tasks);
    cluster_.Apply(out.actions);
    return out;
  }

  TestCluster cluster_;
  ReplicatedOrchestrator orch_{OrchestratorOptions(), CountingIds()};
};

TEST_F(OrchestratorTest, CreatesOneTaskPerSlot) {
  cluster_.AddService("s1", "web", 3);
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 3u);
  std::set<uint64_t> slots;
  for (const api::StoreAction& a : out.actions) {
    EXPECT_EQ(a.kind(), api::StoreAction::CREATE);
    const api::Task& t = a.target().task();
    EXPECT_EQ(t.service_id(), "s1");
    EXPECT_EQ(t.status().state(), api::TASK_PENDING);
    EXPECT_EQ(t.desired_state(), api::TASK_RUNNING);
    EXPECT_TRUE(t.node_id().empty());
    EXPECT_EQ(t.status().timestamp_ns(), At(1).nanos());
    slots.insert(t.slot());
  }
  EXPECT_EQ(slots, (std::set<uint64_t>{1, 2, 3}));
  EXPECT_EQ(out.actions[0].target().task().id(), "t000001");
}

// The tables are read in place, keyed by id: their key order is the id order only if every row
// is filed under its own id, so a row filed under another key is caught, not mis-ordered.
TEST(OrchestratorDeathTest, ReconcileRejectsAServiceFiledUnderAnotherId) {
  TestCluster c;
  c.AddService("s1", "web", 1);
  c.services.at("s1").set_id("s9");
  ReplicatedOrchestrator orch(OrchestratorOptions(), CountingIds());
  EXPECT_DEATH(orch.Reconcile(At(1), c.nodes, c.services, c.tasks), "service.id");
}

TEST(OrchestratorDeathTest, FindNodeRejectsANodeFiledUnderAnotherId) {
  TestCluster c;
  c.AddNode("n1");
  c.nodes.at("n1").set_id("n9");
  EXPECT_DEATH(FindNode(c.nodes, "n1"), "id");
  EXPECT_EQ(FindNode(c.nodes, "n9"), nullptr);  // Found by key only, never by scanning rows.
}

TEST_F(OrchestratorTest, ReachesAFixedPoint) {
  cluster_.AddService("s1", "web", 3);
  Run(At(1));
  EXPECT_TRUE(Run(At(2)).actions.empty());
  EXPECT_FALSE(Run(At(3)).wakeup_at.has_value());
}

TEST_F(OrchestratorTest, ScaleUpFillsLowestFreeSlots) {
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a", "s1", 2, "", api::TASK_PENDING);
  OrchestratorOutput out = Run(At(1));
  EXPECT_TRUE(out.actions.empty());
  api::Service* s = cluster_.service("s1");
  s->mutable_spec()->set_replicas(3);
  cluster_.Touch(*s);
  out = Run(At(2));
  ASSERT_EQ(out.actions.size(), 2u);
  EXPECT_EQ(out.actions[0].target().task().slot(), 1u);
  EXPECT_EQ(out.actions[1].target().task().slot(), 3u);
}

TEST_F(OrchestratorTest, ScaleDownShutsDownHighestSlots) {
  cluster_.AddNode("n1");
  cluster_.AddService("s1", "web", 3);
  for (int slot = 1; slot <= 5; ++slot) {
    cluster_.AddTask(absl::StrFormat("a%d", slot), "s1", slot, "", api::TASK_PENDING);
  }
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 2u);
  for (const api::StoreAction& a : out.actions) {
    EXPECT_EQ(a.kind(), api::StoreAction::UPDATE);
    EXPECT_EQ(a.target().task().desired_state(), api::TASK_REMOVE);
  }
  EXPECT_EQ(out.actions[0].target().task().slot(), 4u);
  EXPECT_EQ(out.actions[1].target().task().slot(), 5u);
  EXPECT_EQ(cluster_.RunnableTasksOf("s1").size(), 3u);
  EXPECT_TRUE(Run(At(2)).actions.empty());
}

TEST_F(OrchestratorTest, ScaleDownKeepsRunningTasksAndSpread) {
  cluster_.AddNode("n1");
  cluster_.AddNode("n2");
  cluster_.AddService("s1", "web", 2);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_RUNNING);
  cluster_.AddTask("a2", "s1", 2, "n1", api::TASK_RUNNING);
  cluster_.AddTask("a3", "s1", 3, "n1", api::TASK_RUNNING);
  cluster_.AddTask("a4", "s1", 4, "n2", api::TASK_RUNNING);
  cluster_.AddTask("a5", "s1", 5, "n2", api::TASK_ASSIGNED);
  Run(At(1));
  std::set<std::string> kept;
  for (const api::Task* t : cluster_.RunnableTasksOf("s1")) kept.insert(t->id());
  // One running copy per node survives; the not-yet-running task goes first.
  EXPECT_EQ(kept, (std::set<std::string>{"a1", "a4"}));
}

TEST_F(OrchestratorTest, ReplacesTasksOnDownNode) {
  cluster_.AddNode("n1", api::NodeStatus::DOWN);
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_RUNNING);
  OrchestratorOutput out = Run(At(10));
  ASSERT_EQ(out.actions.size(), 2u);
  EXPECT_EQ(out.actions[0].kind(), api::StoreAction::UPDATE);
  EXPECT_EQ(out.actions[0].target().task().id(), "a1");
  EXPECT_EQ(out.actions[0].target().task().desired_state(), api::TASK_SHUTDOWN);
  EXPECT_EQ(out.actions[1].kind(), api::StoreAction::CREATE);
  const api::Task replacement = out.actions[1].target().task();
  EXPECT_EQ(replacement.slot(), 1u);
  EXPECT_EQ(replacement.desired_state(), api::TASK_READY);
  // Restart delay; the old task on a DOWN node is not waited for.
  ASSERT_TRUE(out.wakeup_at.has_value());
  EXPECT_EQ(*out.wakeup_at, At(15));
  EXPECT_TRUE(Run(At(14)).actions.empty());
  out = Run(At(15));
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].target().task().id(), replacement.id());
  EXPECT_EQ(out.actions[0].target().task().desired_state(), api::TASK_RUNNING);
  EXPECT_EQ(orch_.pending_start_count(), 0u);
}

TEST_F(OrchestratorTest, KeepsTasksOnUnknownNode) {
  cluster_.AddNode("n1", api::NodeStatus::UNKNOWN);
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_RUNNING);
  EXPECT_TRUE(Run(At(1)).actions.empty());
}

TEST_F(OrchestratorTest, KeepsTasksOnPausedNode) {
  cluster_.AddNode("n1", api::NodeStatus::READY, api::AVAILABILITY_PAUSE);
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_RUNNING);
  EXPECT_TRUE(Run(At(1)).actions.empty());
}

TEST_F(OrchestratorTest, ReplacesTasksOnDrainedNode) {
  cluster_.AddNode("n1", api::NodeStatus::READY, api::AVAILABILITY_DRAIN);
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_RUNNING);
  OrchestratorOutput out = Run(At(10));
  ASSERT_EQ(out.actions.size(), 2u);
  const std::string replacement = out.actions[1].target().task().id();
  // No restart delay on a drained node, but the old task is waited for (at most a minute).
  ASSERT_TRUE(out.wakeup_at.has_value());
  EXPECT_EQ(*out.wakeup_at, At(70));
  EXPECT_EQ(cluster_.task(replacement)->desired_state(), api::TASK_READY);
  api::Task* old_task = cluster_.task("a1");
  old_task->mutable_status()->set_state(api::TASK_SHUTDOWN);
  out = Run(At(11));
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].target().task().id(), replacement);
  EXPECT_EQ(out.actions[0].target().task().desired_state(), api::TASK_RUNNING);
}

TEST_F(OrchestratorTest, DrainReplacementStartsAfterOldTaskTimeout) {
  cluster_.AddNode("n1", api::NodeStatus::READY, api::AVAILABILITY_DRAIN);
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_RUNNING);
  Run(At(10));
  EXPECT_TRUE(Run(At(69)).actions.empty());
  EXPECT_EQ(Run(At(70)).actions.size(), 1u);
}

TEST_F(OrchestratorTest, ReplacesTasksOnRemovedNode) {
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "gone", api::TASK_RUNNING);
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 2u);
  EXPECT_EQ(out.actions[0].target().task().desired_state(), api::TASK_SHUTDOWN);
  EXPECT_EQ(out.actions[1].target().task().slot(), 1u);
}

TEST_F(OrchestratorTest, RestartsFailedAndCompletedTasks) {
  cluster_.AddNode("n1");
  cluster_.AddService("s1", "web", 2);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_FAILED);
  cluster_.AddTask("a2", "s1", 2, "n1", api::TASK_COMPLETE);
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 4u);
  EXPECT_EQ(cluster_.RunnableTasksOf("s1").size(), 2u);
  ASSERT_TRUE(out.wakeup_at.has_value());
  EXPECT_EQ(*out.wakeup_at, At(6));  // Dead old tasks are not waited for.
  EXPECT_EQ(Run(At(6)).actions.size(), 2u);
}

TEST_F(OrchestratorTest, OrphanedTaskIsRestarted) {
  cluster_.AddNode("n1");
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_ORPHANED);
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 2u);
  EXPECT_EQ(out.actions[0].target().task().desired_state(), api::TASK_SHUTDOWN);
}

TEST_F(OrchestratorTest, TaskFailingDuringRestartDelayIsRestartedAfterIt) {
  cluster_.AddNode("n1");
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_FAILED);
  OrchestratorOutput out = Run(At(1));
  const std::string replacement = out.actions[1].target().task().id();
  api::Task* r = cluster_.task(replacement);
  r->set_node_id("n1");
  r->mutable_status()->set_state(api::TASK_REJECTED);
  EXPECT_TRUE(Run(At(2)).actions.empty());  // Still inside its delay.
  out = Run(At(6));  // Its delay is over: started (SwarmKit restarts it right after).
  EXPECT_EQ(cluster_.task(replacement)->desired_state(), api::TASK_RUNNING);
  out = Run(At(6));
  EXPECT_EQ(cluster_.RunnableTasksOf("s1").size(), 1u);
  EXPECT_EQ(cluster_.task(replacement)->desired_state(), api::TASK_SHUTDOWN);
}

TEST_F(OrchestratorTest, DeletedServiceTasksAreMarkedForRemoval) {
  cluster_.AddNode("n1");
  cluster_.AddTask("a1", "gone", 1, "n1", api::TASK_RUNNING);
  cluster_.AddTask("a2", "gone", 2, "n1", api::TASK_SHUTDOWN, api::TASK_SHUTDOWN);
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 2u);
  for (const api::StoreAction& a : out.actions) {
    EXPECT_EQ(a.target().task().desired_state(), api::TASK_REMOVE);
  }
  EXPECT_TRUE(Run(At(2)).actions.empty());
}

TEST_F(OrchestratorTest, DeadSlotsAreDeletedWhenTheServiceIsReconciled) {
  cluster_.AddNode("n1");
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_RUNNING);
  cluster_.AddTask("a7", "s1", 7, "n1", api::TASK_SHUTDOWN, api::TASK_REMOVE);
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].kind(), api::StoreAction::REMOVE);
  EXPECT_EQ(out.actions[0].target().task().id(), "a7");
}

TEST_F(OrchestratorTest, SlotWithTwoRunnableTasksKeepsTheRunningOne) {
  cluster_.AddNode("n1");
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "", api::TASK_PENDING);
  cluster_.AddTask("a2", "s1", 1, "n1", api::TASK_RUNNING);
  OrchestratorOutput out = Run(At(1));
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].target().task().id(), "a1");
  EXPECT_EQ(out.actions[0].target().task().desired_state(), api::TASK_SHUTDOWN);
}

TEST_F(OrchestratorTest, NewLeaderStartsWaitingReplacementAfterItsDelay) {
  cluster_.AddNode("n1");
  cluster_.AddService("s1", "web", 1);
  cluster_.AddTask("a1", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN);
  cluster_.AddTask("a2", "s1", 1, "", api::TASK_PENDING, api::TASK_READY, At(100).nanos());
  OrchestratorOutput out = Run(At(102));
  EXPECT_TRUE(out.actions.empty());
  ASSERT_TRUE(out.wakeup_at.has_value());
  EXPECT_EQ(*out.wakeup_at, At(105));
  out = Run(At(105));
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].target().task().desired_state(), api::TASK_RUNNING);
}

}  // namespace
}  // namespace orchestrator
}  // namespace swarmsim
