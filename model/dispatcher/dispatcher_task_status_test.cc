// UpdateTaskStatus and the processUpdates batch.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/dispatcher/dispatcher_harness.h"

namespace swarmsim {
namespace dispatcher {
namespace {

sim::Time Ms(int64_t ms) { return sim::Time::Zero() + absl::Milliseconds(ms); }

TEST(DispatcherTaskStatusTest, TaskStatusNeverRegresses) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t1", "n1", api::TASK_ASSIGNED);
  h.Start();
  const std::string session = h.Register(1, "n1");  // 100 ms
  h.AdvanceTo(Ms(130));
  h.UpdateTaskStatus(2, "n1", session, {{"t1", api::TASK_ACCEPTED}});
  EXPECT_TRUE(h.LastSentTo(2)->envelope.status.ok());  // Replied at once, not yet durable.
  EXPECT_EQ(h.store().GetTask("t1")->status().state(), api::TASK_ASSIGNED);
  h.AdvanceTo(Ms(200));  // The batch tick.
  const api::Task* task = h.store().GetTask("t1");
  EXPECT_EQ(task->status().state(), api::TASK_ACCEPTED);
  EXPECT_EQ(task->status().applied_by(), "leader");
  EXPECT_EQ(task->status().applied_at_ns(), Ms(200).nanos());
  h.UpdateTaskStatus(3, "n1", session, {{"t1", api::TASK_SHUTDOWN}});
  h.AdvanceTo(Ms(300));
  EXPECT_EQ(h.store().GetTask("t1")->status().state(), api::TASK_SHUTDOWN);
  const uint64_t version = h.store().GetTask("t1")->meta().version();
  h.UpdateTaskStatus(4, "n1", session, {{"t1", api::TASK_RUNNING}});  // Late, older report.
  EXPECT_TRUE(h.LastSentTo(4)->envelope.status.ok());
  h.AdvanceTo(Ms(400));
  EXPECT_EQ(h.store().GetTask("t1")->status().state(), api::TASK_SHUTDOWN);
  EXPECT_EQ(h.store().GetTask("t1")->meta().version(), version);  // Nothing written.
}

TEST(DispatcherTaskStatusTest, TaskOnOtherNodeIsPermissionDenied) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddNode("n2");
  h.AddTask("mine", "n1", api::TASK_ASSIGNED);
  h.AddTask("theirs", "n2", api::TASK_ASSIGNED);
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.UpdateTaskStatus(2, "n1", session,
                     {{"mine", api::TASK_RUNNING}, {"theirs", api::TASK_RUNNING}});
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.message(),
            "cannot update a task not assigned this node");
  EXPECT_EQ(h.dispatcher().queued_task_updates(), 0u);  // The valid one is dropped too.
  h.AdvanceBy(absl::Milliseconds(200));
  EXPECT_EQ(h.store().GetTask("mine")->status().state(), api::TASK_ASSIGNED);
}

TEST(DispatcherTaskStatusTest, WrongSessionIsInvalidArgumentAndMissingTasksAreSkipped) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t1", "n1", api::TASK_ASSIGNED);
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.UpdateTaskStatus(2, "n1", "not-a-session", {{"t1", api::TASK_RUNNING}});
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.code(), absl::StatusCode::kInvalidArgument);
  h.UpdateTaskStatus(3, "n1", session, {{"gone", api::TASK_RUNNING}, {"t1", api::TASK_RUNNING}});
  EXPECT_TRUE(h.LastSentTo(3)->envelope.status.ok());
  EXPECT_EQ(h.dispatcher().queued_task_updates(), 1u);
}

TEST(DispatcherTaskStatusTest, UpdatesWithinOneIntervalShareOneProposal) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t1", "n1", api::TASK_ASSIGNED);
  h.AddTask("t2", "n1", api::TASK_ASSIGNED);
  h.Start();
  const std::string session = h.Register(1, "n1");  // 100 ms
  const size_t before = h.proposals_made();
  h.AdvanceTo(Ms(110));
  h.UpdateTaskStatus(2, "n1", session, {{"t1", api::TASK_RUNNING}});
  h.AdvanceTo(Ms(150));
  h.UpdateTaskStatus(3, "n1", session, {{"t2", api::TASK_RUNNING}});
  h.UpdateTaskStatus(4, "n1", session, {{"t1", api::TASK_FAILED}});  // Last writer wins.
  h.AdvanceTo(Ms(199));
  EXPECT_EQ(h.proposals_made(), before);
  h.AdvanceTo(Ms(200));
  EXPECT_EQ(h.proposals_made(), before + 1);
  EXPECT_EQ(h.store().GetTask("t1")->status().state(), api::TASK_FAILED);
  EXPECT_EQ(h.store().GetTask("t2")->status().state(), api::TASK_RUNNING);
  EXPECT_EQ(h.store().GetTask("t1")->meta().version(), h.store().GetTask("t2")->meta().version());
}

TEST(DispatcherTaskStatusTest, TenThousandQueuedUpdatesFlushImmediately) {
  DispatcherHarness h;
  h.AddNode("n1");
  std::vector<std::pair<std::string, api::TaskState>> updates;
  h.Write([&](store::WriteTx& tx) {
    for (int i = 0; i < 10000; ++i) {
      api::Task task;
      task.set_id(absl::StrFormat("t%05d", i));
      task.set_node_id("n1");
      task.mutable_status()->set_state(api::TASK_ASSIGNED);
      absl::Status status = tx.Create(task);
      if (!status.ok()) return status;
      updates.emplace_back(task.id(), api::TASK_RUNNING);
    }
    return absl::OkStatus();
  });
  h.Start();
  const std::string session = h.Register(1, "n1");  // 100 ms
  h.AdvanceTo(Ms(130));
  const size_t before = h.proposals_made();
  h.UpdateTaskStatus(2, "n1", session, updates);
  // At 130 ms, without waiting for the 200 ms tick: 10000 writes in 50 proposals of 200.
  EXPECT_EQ(h.proposals_made(), before + 50);
  EXPECT_EQ(h.store().GetTask("t09999")->status().state(), api::TASK_RUNNING);
  EXPECT_EQ(h.store().GetTask("t00000")->status().applied_at_ns(), Ms(130).nanos());
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
