#include "model/orchestrator/task_reaper.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "model/orchestrator/test_cluster.h"

namespace swarmsim {
namespace orchestrator {
namespace {

using testing::TestCluster;

std::set<std::string> Reaped(const TestCluster& c, int64_t limit) {
  std::set<std::string> ids;
  for (const api::StoreAction& a : ReapTasks(c.services, c.tasks, limit)) {
    EXPECT_EQ(a.kind(), api::StoreAction::REMOVE);
    ids.insert(a.target().task().id());
  }
  return ids;
}

TEST(TaskReaperTest, HistoryRetentionRemovesOldestDeadTasks) {
  TestCluster c;
  c.AddService("s1", "web", 1);
  // Timestamps deliberately out of id order: age is the status timestamp.
  c.AddTask("a", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 60);
  c.AddTask("b", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 10);
  c.AddTask("c", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 20);
  c.AddTask("d", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 30);
  c.AddTask("e", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 40);
  c.AddTask("f", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 50);
  c.AddTask("g", "s1", 1, "n1", api::TASK_RUNNING, api::TASK_RUNNING, 70);
  EXPECT_EQ(Reaped(c, kDefaultTaskHistoryRetentionLimit), (std::set<std::string>{"b", "c"}));
}

TEST(TaskReaperTest, RetentionNeverRemovesTasksThatMayRun) {
  TestCluster c;
  c.AddService("s1", "web", 1);
  // Desired SHUTDOWN but still RUNNING on its node; desired RUNNING but failed (to restart).
  c.AddTask("a", "s1", 1, "n1", api::TASK_RUNNING, api::TASK_SHUTDOWN, 1);
  c.AddTask("b", "s1", 1, "n1", api::TASK_FAILED, api::TASK_RUNNING, 2);
  c.AddTask("c", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 3);
  EXPECT_EQ(Reaped(c, 1), (std::set<std::string>{"c"}));
}

TEST(TaskReaperTest, OrphanedTasksCountAsDead) {
  TestCluster c;
  c.AddService("s1", "web", 1);
  c.AddTask("a", "s1", 1, "n1", api::TASK_ORPHANED, api::TASK_SHUTDOWN, 1);
  c.AddTask("b", "s1", 1, "n2", api::TASK_RUNNING, api::TASK_RUNNING, 2);
  EXPECT_EQ(Reaped(c, 1), (std::set<std::string>{"a"}));
}

TEST(TaskReaperTest, NegativeLimitKeepsHistory) {
  TestCluster c;
  c.AddService("s1", "web", 1);
  c.AddTask("a", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 1);
  c.AddTask("b", "s1", 1, "n1", api::TASK_FAILED, api::TASK_SHUTDOWN, 2);
  EXPECT_TRUE(Reaped(c, -1).empty());
  EXPECT_EQ(Reaped(c, 0), (std::set<std::string>{"a", "b"}));
}

TEST(TaskReaperTest, RemovesTasksMarkedRemoveOnceStoppedOrNeverAssigned) {
  TestCluster c;
  c.AddService("s1", "web", 1);
  c.AddTask("running", "s1", 2, "n1", api::TASK_RUNNING, api::TASK_REMOVE);
  c.AddTask("stopped", "s1", 3, "n1", api::TASK_SHUTDOWN, api::TASK_REMOVE);
  c.AddTask("pending", "s1", 4, "", api::TASK_PENDING, api::TASK_REMOVE);
  c.AddTask("orphan", "gone", 1, "n1", api::TASK_COMPLETE, api::TASK_REMOVE);
  EXPECT_EQ(Reaped(c, kDefaultTaskHistoryRetentionLimit),
            (std::set<std::string>{"orphan", "pending", "stopped"}));
}

}  // namespace
}  // namespace orchestrator
}  // namespace swarmsim
