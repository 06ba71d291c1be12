#include "model/dispatcher/assignment_set.h"

#include "gtest/gtest.h"

namespace swarmsim {
namespace dispatcher {
namespace {

api::Task MakeTask(const std::string& id, api::TaskState state) {
  api::Task task;
  task.set_id(id);
  task.set_node_id("n1");
  task.set_desired_state(api::TASK_RUNNING);
  task.mutable_status()->set_state(state);
  return task;
}

TEST(AssignmentSetTest, OnlyAssignedOrLaterTasksAreAssignments) {
  AssignmentSet set;
  EXPECT_FALSE(set.AddOrUpdateTask(MakeTask("t1", api::TASK_PENDING)));
  EXPECT_TRUE(set.AddOrUpdateTask(MakeTask("t2", api::TASK_ASSIGNED)));
  EXPECT_EQ(set.tasks().size(), 1u);
}

TEST(AssignmentSetTest, StatusEchoesAreNotModifications) {
  AssignmentSet set;
  ASSERT_TRUE(set.AddOrUpdateTask(MakeTask("t1", api::TASK_ASSIGNED)));
  set.TakeChanges();
  // The agent reports progress: stable-equal and beyond ASSIGNED → nothing to send.
  EXPECT_FALSE(set.AddOrUpdateTask(MakeTask("t1", api::TASK_RUNNING)));
  EXPECT_EQ(set.pending_changes(), 0u);
  EXPECT_EQ(set.tasks().at("t1").status().state(), api::TASK_RUNNING);
  // A spec-side change (desired state) is sent.
  api::Task stop = MakeTask("t1", api::TASK_RUNNING);
  stop.set_desired_state(api::TASK_SHUTDOWN);
  EXPECT_TRUE(set.AddOrUpdateTask(stop));
  // An update that leaves the task ASSIGNED is always sent (the scheduler's, not an echo).
  ASSERT_TRUE(set.AddOrUpdateTask(MakeTask("t2", api::TASK_ASSIGNED)));
  EXPECT_TRUE(set.AddOrUpdateTask(MakeTask("t2", api::TASK_ASSIGNED)));
}

TEST(AssignmentSetTest, ChangesCoalescePerTaskAndAreOrderedById) {
  AssignmentSet set;
  set.AddOrUpdateTask(MakeTask("t2", api::TASK_ASSIGNED));
  set.AddOrUpdateTask(MakeTask("t1", api::TASK_ASSIGNED));
  EXPECT_TRUE(set.RemoveTask(MakeTask("t2", api::TASK_ASSIGNED)));
  EXPECT_FALSE(set.RemoveTask(MakeTask("t9", api::TASK_ASSIGNED)));  // Never known.
  auto changes = set.TakeChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].task().id(), "t1");
  EXPECT_EQ(changes[0].action(), api::AssignmentChange::UPDATE);
  EXPECT_EQ(changes[1].task().id(), "t2");
  EXPECT_EQ(changes[1].action(), api::AssignmentChange::REMOVE);
  EXPECT_EQ(set.pending_changes(), 0u);
}

TEST(AssignmentSetTest, TasksEqualStableIgnoresMetaAndStatus) {
  api::Task a = MakeTask("t1", api::TASK_ASSIGNED);
  api::Task b = MakeTask("t1", api::TASK_FAILED);
  b.mutable_meta()->set_version(9);
  EXPECT_TRUE(TasksEqualStable(a, b));
  b.set_slot(2);
  EXPECT_FALSE(TasksEqualStable(a, b));
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
