#include "model/scheduler/scheduler.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/orchestrator/test_cluster.h"

namespace swarmsim {
namespace scheduler {
namespace {

using testing::ById;

api::Node MakeNode(const std::string& id, api::NodeStatus::State state = api::NodeStatus::READY,
                   api::NodeAvailability availability = api::AVAILABILITY_ACTIVE) {
  api::Node n;
  n.set_id(id);
  n.mutable_status()->set_state(state);
  n.mutable_spec()->set_availability(availability);
  return n;
}

api::Task MakeTask(const std::string& id, const std::string& service_id,
                   const std::string& node_id = "", api::TaskState state = api::TASK_PENDING) {
  api::Task t;
  t.set_id(id);
  t.set_service_id(service_id);
  t.set_node_id(node_id);
  t.mutable_status()->set_state(state);
  t.set_desired_state(api::TASK_RUNNING);
  return t;
}

std::vector<api::Task> PendingTasks(const std::string& service_id, int count,
                                    const std::string& prefix = "t") {
  std::vector<api::Task> tasks;
  for (int i = 0; i < count; ++i) {
    tasks.push_back(MakeTask(absl::StrFormat("%s%04d", prefix, i), service_id));
  }
  return tasks;
}

// node id -> number of tasks placed there.
std::map<std::string, int> Placements(const std::vector<api::StoreAction>& actions) {
  std::map<std::string, int> count;
  for (const api::StoreAction& a : actions) {
    EXPECT_EQ(a.kind(), api::StoreAction::UPDATE);
    const api::Task& t = a.target().task();
    if (t.node_id().empty()) continue;
    EXPECT_EQ(t.status().state(), api::TASK_ASSIGNED);
    ++count[t.node_id()];
  }
  return count;
}

const sim::Time kNow = sim::Time::FromNanos(7);

TEST(SchedulerTest, SchedulerPlacesOnlyOnReadyActiveNodes) {
  const std::vector<api::Node> nodes = {
      MakeNode("n1", api::NodeStatus::DOWN),
      MakeNode("n2", api::NodeStatus::UNKNOWN),
      MakeNode("n3", api::NodeStatus::READY, api::AVAILABILITY_PAUSE),
      MakeNode("n4", api::NodeStatus::READY, api::AVAILABILITY_DRAIN),
      MakeNode("n5", api::NodeStatus::DISCONNECTED),
      MakeNode("n6"),
  };
  const std::vector<api::StoreAction> actions =
      Schedule(kNow, ById(nodes), ById(PendingTasks("s1", 4)));
  EXPECT_EQ(Placements(actions), (std::map<std::string, int>{{"n6", 4}}));
  EXPECT_EQ(actions[0].target().task().status().timestamp_ns(), 7);
}

TEST(SchedulerTest, TaskWithoutSuitableNodeStaysPendingWithMessage) {
  const std::vector<api::Node> nodes = {MakeNode("n1", api::NodeStatus::DOWN)};
  std::vector<api::StoreAction> actions = Schedule(kNow, ById(nodes), ById(PendingTasks("s1", 1)));
  ASSERT_EQ(actions.size(), 1u);
  const api::Task& t = actions[0].target().task();
  EXPECT_TRUE(t.node_id().empty());
  EXPECT_EQ(t.status().state(), api::TASK_PENDING);
  EXPECT_EQ(t.status().message(), "no suitable node (1 node not available for new tasks)");
  // The same message is not written twice.
  EXPECT_TRUE(Schedule(kNow, ById(nodes), ById<api::Task>({t})).empty());
}

TEST(SchedulerTest, SchedulerSpreadsFewestTasksFirst) {
  const std::vector<api::Node> nodes = {MakeNode("n1"), MakeNode("n2"), MakeNode("n3")};
  std::vector<api::Task> tasks = {
      MakeTask("a1", "s1", "n1", api::TASK_RUNNING),
      MakeTask("a2", "s1", "n1", api::TASK_RUNNING),
      MakeTask("a3", "s1", "n2", api::TASK_ASSIGNED),
  };
  for (api::Task& t : PendingTasks("s1", 3, "p")) tasks.push_back(t);
  EXPECT_EQ(Placements(Schedule(kNow, ById(nodes), ById(tasks))),
            (std::map<std::string, int>{{"n2", 1}, {"n3", 2}}));
}

TEST(SchedulerTest, ServiceCountComesBeforeTotalCount) {
  const std::vector<api::Node> nodes = {MakeNode("n1"), MakeNode("n2")};
  std::vector<api::Task> tasks = {
      MakeTask("a1", "other", "n1", api::TASK_RUNNING),
      MakeTask("a2", "other", "n1", api::TASK_RUNNING),
      MakeTask("a3", "s1", "n2", api::TASK_RUNNING),
      MakeTask("p1", "s1"),
  };
  EXPECT_EQ(Placements(Schedule(kNow, ById(nodes), ById(tasks))),
            (std::map<std::string, int>{{"n1", 1}}));
}

TEST(SchedulerTest, TasksBeingShutDownDoNotCount) {
  const std::vector<api::Node> nodes = {MakeNode("n1"), MakeNode("n2")};
  api::Task stopping = MakeTask("a1", "s1", "n1", api::TASK_RUNNING);
  stopping.set_desired_state(api::TASK_SHUTDOWN);
  std::vector<api::Task> tasks = {stopping, MakeTask("a2", "s1", "n2", api::TASK_FAILED),
                                  MakeTask("p1", "s1")};
  EXPECT_EQ(Placements(Schedule(kNow, ById(nodes), ById(tasks))),
            (std::map<std::string, int>{{"n1", 1}}));
}

TEST(SchedulerTest, SchedulerTiesBrokenByNodeOrder) {
  const std::vector<api::Node> nodes = {MakeNode("n1"), MakeNode("n2"), MakeNode("n3")};
  const std::vector<api::StoreAction> actions =
      Schedule(kNow, ById(nodes), ById(PendingTasks("s1", 2)));
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].target().task().node_id(), "n1");
  EXPECT_EQ(actions[1].target().task().node_id(), "n2");
}

TEST(SchedulerTest, SixtyReplicasOnSixNodesSpreadTenEach) {
  std::vector<api::Node> nodes;
  std::map<std::string, int> expected;
  for (int i = 1; i <= 6; ++i) {
    nodes.push_back(MakeNode(absl::StrFormat("n%d", i)));
    expected[absl::StrFormat("n%d", i)] = 10;
  }
  EXPECT_EQ(Placements(Schedule(kNow, ById(nodes), ById(PendingTasks("s1", 60)))), expected);
}

TEST(SchedulerTest, IgnoresAssignedAndUnwantedTasks) {
  const std::vector<api::Node> nodes = {MakeNode("n1")};
  api::Task removed = MakeTask("p1", "s1");
  removed.set_desired_state(api::TASK_REMOVE);
  api::Task fresh = MakeTask("p2", "s1");
  fresh.mutable_status()->set_state(api::TASK_NEW);
  EXPECT_TRUE(Schedule(kNow, ById(nodes), ById<api::Task>({removed, fresh})).empty());
}

// Schedule reads the store's tables in place and relies on their key order being the id order
// (placement ties go to the lowest node id): a row filed under another key is caught.
TEST(SchedulerDeathTest, ScheduleRejectsANodeFiledUnderAnotherId) {
  std::map<std::string, api::Node> nodes = ById<api::Node>({MakeNode("n1"), MakeNode("n2")});
  nodes.at("n1").set_id("n3");
  EXPECT_DEATH(Schedule(kNow, nodes, ById(PendingTasks("s1", 1))), "node.id");
}

}  // namespace
}  // namespace scheduler
}  // namespace swarmsim
