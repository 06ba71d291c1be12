// The task invariants of issue 5, each with a hand-written trace that keeps it and one that
// breaks it.
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/check/test_trace.h"

namespace swarmsim {
namespace check {
namespace {

using ::testing::HasSubstr;

TEST(SingleRunningTaskPerSlotTest, ReplacementAfterTheOldTaskStoppedPasses) {
  TestTrace t;
  EmitTaskState(t.At(1000, 3), "t1", "web", 1, "w1", kTaskRunning);
  EmitTaskState(t.At(1000, 4), "t2", "web", 2, "w2", kTaskRunning);  // Another slot.
  EmitTaskState(t.At(2000, 3), "t1", "web", 1, "w1", "TASK_SHUTDOWN");
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", kTaskRunning);
  t.ExpectAllPass();
}

TEST(SingleRunningTaskPerSlotTest, ReplacementAfterTheWorkerCrashedPasses) {
  TestTrace t;
  EmitTaskState(t.At(1000, 3), "t1", "web", 1, "w1", kTaskRunning);
  t.Crash(2000, 3);
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", kTaskRunning);
  t.ExpectAllPass();
}

TEST(SingleRunningTaskPerSlotTest, TaskRunningOnTwoNodesIsReported) {
  TestTrace t;
  EmitTaskState(t.At(1000, 3), "t1", "web", 1, "w1", kTaskRunning);
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", "TASK_STARTING");
  EmitTaskState(t.At(3100, 4), "t3", "web", 1, "w2", kTaskRunning);
  const Verdict v = t.ExpectViolated(kSingleRunningTaskPerSlot);
  EXPECT_EQ(v.at, TestTrace::Ms(3100));
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{3, 4}));
  EXPECT_THAT(v.detail, HasSubstr("service web slot 1"));
}

TEST(SingleRunningTaskPerSlotTest, ReplacementOfATaskOnANodeMarkedDownPasses) {
  TestTrace t;
  EmitTaskState(t.At(1000, 3), "t1", "web", 1, "w1", kTaskRunning);
  // w1 is frozen: the leader marks it DOWN and the slot is restarted on w2 while w1's copy
  // still runs, as SwarmKit does.
  EmitNodeStatus(t.At(2000, 0), "w1", "DOWN");
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", kTaskRunning);
  // w1 comes back; its old copy runs until the agent learns it was replaced.
  EmitNodeStatus(t.At(4000, 0), "w1", kNodeReady);
  EmitTaskState(t.At(4500, 3), "t1", "web", 1, "w1", "TASK_SHUTDOWN");
  t.ExpectAllPass();
}

TEST(SingleRunningTaskPerSlotTest, TaskStartedOnANodeAfterItCameBackIsCounted) {
  TestTrace t;
  EmitNodeStatus(t.At(500, 0), "w1", "DOWN");
  EmitNodeStatus(t.At(600, 0), "w1", kNodeReady);
  EmitTaskState(t.At(1000, 3), "t1", "web", 1, "w1", kTaskRunning);
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", kTaskRunning);
  t.ExpectViolated(kSingleRunningTaskPerSlot);
}

TEST(SingleRunningTaskPerSlotTest, TaskStartingOnANodeMarkedDownMayFinishStartingBesideItsReplacement) {
  TestTrace t;
  EmitTaskState(t.At(1000, 3), "t1", "web", 1, "w1", "TASK_STARTING");
  // w1 freezes while t1 starts: it is marked DOWN and the slot is restarted on w2.
  EmitNodeStatus(t.At(2000, 0), "w1", "DOWN");
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", kTaskRunning);
  // w1 resumes: its agent keeps the task manager it had, so t1 finishes starting (SwarmKit's
  // Agent.run does not touch the worker's tasks when a session fails).
  EmitTaskState(t.At(4000, 3), "t1", "web", 1, "w1", kTaskRunning);
  EmitNodeStatus(t.At(4100, 0), "w1", kNodeReady);
  EmitTaskState(t.At(4500, 3), "t1", "web", 1, "w1", "TASK_SHUTDOWN");
  t.ExpectAllPass();
}

TEST(SingleRunningTaskPerSlotTest, TaskAssignedButUnseenOnANodeMarkedDownMayStartBesideItsReplacement) {
  TestTrace t;
  // t1 is assigned to w1, which freezes before its agent reports the task.
  EmitNodeStatus(t.At(500, 0), "w1", kNodeReady);
  EmitTaskAssign(t.At(1000, 0), "t1", "web", 1, "w1");
  EmitNodeStatus(t.At(2000, 0), "w1", "DOWN");
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", kTaskRunning);
  // w1 resumes and starts the assignment it had received, beside the replacement.
  EmitTaskState(t.At(4000, 3), "t1", "web", 1, "w1", kTaskRunning);
  EmitTaskState(t.At(4500, 3), "t1", "web", 1, "w1", "TASK_SHUTDOWN");
  t.ExpectAllPass();
}

TEST(SingleRunningTaskPerSlotTest, TaskAssignedToANodeThatStayedUpIsCounted) {
  TestTrace t;
  EmitTaskAssign(t.At(1000, 0), "t1", "web", 1, "w1");
  EmitTaskState(t.At(3000, 4), "t3", "web", 1, "w2", kTaskRunning);
  EmitTaskState(t.At(4000, 3), "t1", "web", 1, "w1", kTaskRunning);
  const Verdict v = t.ExpectViolated(kSingleRunningTaskPerSlot);
  EXPECT_EQ(v.at, TestTrace::Ms(4000));
}

TEST(SingleRunningTaskPerSlotTest, WrittenOffTaskThatEndedNoLongerExcusesItsSlot) {
  TestTrace t;
  EmitTaskState(t.At(1000, 3), "t1", "web", 1, "w1", kTaskRunning);
  EmitNodeStatus(t.At(2000, 0), "w1", "DOWN");
  EmitTaskState(t.At(3000, 3), "t1", "web", 1, "w1", "TASK_SHUTDOWN");
  EmitNodeStatus(t.At(3100, 0), "w1", kNodeReady);
  EmitTaskState(t.At(4000, 3), "t5", "web", 1, "w1", kTaskRunning);
  EmitTaskState(t.At(4100, 4), "t6", "web", 1, "w2", kTaskRunning);
  const Verdict v = t.ExpectViolated(kSingleRunningTaskPerSlot);
  EXPECT_EQ(v.at, TestTrace::Ms(4100));
}

TEST(AssignOnlyToReadyNodeTest, AssignmentToAReadyNodePasses) {
  TestTrace t;
  EmitNodeStatus(t.At(1000, 0), "w1", "UNKNOWN");
  EmitNodeStatus(t.At(1100, 0), "w1", kNodeReady);
  EmitTaskAssign(t.At(1200, 0), "t1", "web", 1, "w1");
  t.ExpectAllPass();
}

TEST(AssignOnlyToReadyNodeTest, AssignmentToADownNodeIsReported) {
  TestTrace t;
  EmitNodeStatus(t.At(1000, 0), "w1", kNodeReady);
  EmitNodeStatus(t.At(1000, 1), "w1", kNodeReady);
  EmitNodeStatus(t.At(5000, 1), "w1", "DOWN");
  EmitTaskAssign(t.At(5100, 1), "t1", "web", 1, "w1");
  const Verdict v = t.ExpectViolated(kAssignOnlyToReadyNode);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{1}));
  EXPECT_THAT(v.detail, HasSubstr("to node w1 whose status in its store is DOWN"));
}

TEST(AssignOnlyToReadyNodeTest, AssignmentToANodeItsStoreNeverSawIsReported) {
  TestTrace t;
  EmitNodeStatus(t.At(1000, 0), "w1", kNodeReady);
  EmitTaskAssign(t.At(1100, 1), "t1", "web", 1, "w1");  // Host 1's store never had w1.
  const Verdict v = t.ExpectViolated(kAssignOnlyToReadyNode);
  EXPECT_THAT(v.detail, HasSubstr("never traced"));
}

}  // namespace
}  // namespace check
}  // namespace swarmsim
