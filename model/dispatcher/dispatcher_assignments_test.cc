// The Assignments stream: COMPLETE, then batched INCREMENTAL messages.
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/dispatcher/dispatcher_harness.h"

namespace swarmsim {
namespace dispatcher {
namespace {

sim::Time Ms(int64_t ms) { return sim::Time::Zero() + absl::Milliseconds(ms); }

std::vector<Sent> Messages(const DispatcherHarness& h, CallId call) {
  std::vector<Sent> out;
  for (const Sent& sent : h.SentTo(call)) {
    if (sent.envelope.kind == EnvelopeKind::kAssignmentsMessage) out.push_back(sent);
  }
  return out;
}

TEST(DispatcherAssignmentsTest, AssignmentsWithoutSessionIsError) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  h.Register(1, "n1");
  h.Assignments(2, "n1", "");
  EXPECT_EQ(h.LastSentTo(2)->envelope.kind, EnvelopeKind::kStreamEnd);
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(DispatcherAssignmentsTest, AssignmentsStartCompleteThenIncremental) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddNode("n2");
  h.AddTask("t3", "n1", api::TASK_RUNNING);
  h.AddTask("t1", "n1", api::TASK_ASSIGNED);
  h.AddTask("t2", "n1", api::TASK_PENDING);   // Not an assignment yet.
  h.AddTask("t4", "n2", api::TASK_ASSIGNED);  // Another node's.
  h.Start();
  const std::string session = h.Register(1, "n1");  // 100 ms
  h.Assignments(2, "n1", session);
  auto messages = Messages(h, 2);
  ASSERT_EQ(messages.size(), 1u);
  const api::AssignmentsMessage& complete = messages[0].envelope.assignments;
  EXPECT_EQ(messages[0].at, Ms(100));
  EXPECT_EQ(complete.type(), api::AssignmentsMessage::COMPLETE);
  EXPECT_EQ(complete.applies_to(), "");
  EXPECT_EQ(complete.results_in(), "1");
  ASSERT_EQ(complete.changes_size(), 2);
  EXPECT_EQ(complete.changes(0).task().id(), "t1");
  EXPECT_EQ(complete.changes(1).task().id(), "t3");

  h.AdvanceTo(Ms(1000));
  h.SetTaskState("t2", api::TASK_ASSIGNED);  // The scheduler assigns t2 at 1 s.
  h.SetTaskState("t4", api::TASK_RUNNING);   // Not this node's: ignored.
  h.AdvanceTo(Ms(1099));
  EXPECT_EQ(Messages(h, 2).size(), 1u);  // Quiet period of 100 ms.
  h.AdvanceTo(Ms(1100));
  messages = Messages(h, 2);
  ASSERT_EQ(messages.size(), 2u);
  const api::AssignmentsMessage& incremental = messages[1].envelope.assignments;
  EXPECT_EQ(messages[1].at, Ms(1100));
  EXPECT_EQ(incremental.type(), api::AssignmentsMessage::INCREMENTAL);
  EXPECT_EQ(incremental.applies_to(), "1");
  EXPECT_EQ(incremental.results_in(), "2");
  ASSERT_EQ(incremental.changes_size(), 1);
  EXPECT_EQ(incremental.changes(0).action(), api::AssignmentChange::UPDATE);
  EXPECT_EQ(incremental.changes(0).task().id(), "t2");
}

TEST(DispatcherAssignmentsTest, TasksBatchCoalesces) {
  // Create, update and delete of two tasks in three transactions: one INCREMENTAL message,
  // REMOVE of both.
  DispatcherHarness h;
  h.AddNode("n1");
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.Assignments(2, "n1", session);
  h.AdvanceTo(Ms(1000));
  h.Write([](store::WriteTx& tx) {
    for (const char* id : {"t1", "t2"}) {
      api::Task task;
      task.set_id(id);
      task.set_node_id("n1");
      task.mutable_status()->set_state(api::TASK_ASSIGNED);
      absl::Status status = tx.Create(task);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  });
  h.AdvanceTo(Ms(1030));
  h.Write([](store::WriteTx& tx) {
    for (const char* id : {"t1", "t2"}) {
      api::Task task = *tx.Get<api::Task>(id);
      task.set_desired_state(api::TASK_RUNNING);
      absl::Status status = tx.Update(task);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  });
  h.AdvanceTo(Ms(1060));
  h.Write([](store::WriteTx& tx) {
    absl::Status status = tx.Delete<api::Task>("t1");
    if (status.ok()) status = tx.Delete<api::Task>("t2");
    return status;
  });
  h.AdvanceTo(Ms(2000));
  auto messages = Messages(h, 2);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].at, Ms(1160));  // 100 ms after the last counted change.
  const api::AssignmentsMessage& batch = messages[1].envelope.assignments;
  ASSERT_EQ(batch.changes_size(), 2);
  EXPECT_EQ(batch.changes(0).action(), api::AssignmentChange::REMOVE);
  EXPECT_EQ(batch.changes(0).task().id(), "t1");
  EXPECT_EQ(batch.changes(1).action(), api::AssignmentChange::REMOVE);
  EXPECT_EQ(batch.changes(1).task().id(), "t2");
}

TEST(DispatcherAssignmentsTest, StatusOnlyChangeSendsNothing) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t1", "n1", api::TASK_RUNNING);
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.Assignments(2, "n1", session);
  h.AdvanceTo(Ms(1000));
  h.SetTaskState("t1", api::TASK_FAILED);  // The agent's report coming back through the store.
  h.AdvanceTo(Ms(1250));
  EXPECT_EQ(Messages(h, 2).size(), 1u);
  // A task created already ASSIGNED is not sent either: creations are not watched.
  h.AddTask("t5", "n1", api::TASK_ASSIGNED);
  h.AdvanceTo(Ms(1500));
  EXPECT_EQ(Messages(h, 2).size(), 1u);
  // Its first update sends it.
  h.SetTaskDesiredState("t5", api::TASK_RUNNING);
  h.AdvanceTo(Ms(1600));
  ASSERT_EQ(Messages(h, 2).size(), 2u);
  EXPECT_EQ(Messages(h, 2)[1].envelope.assignments.changes(0).task().id(), "t5");
}

TEST(DispatcherAssignmentsTest, EachChangeExtendsTheQuietPeriod) {
  DispatcherHarness h;
  h.AddNode("n1");
  for (int i = 0; i < 3; ++i) h.AddTask(absl::StrFormat("t%d", i), "n1", api::TASK_PENDING);
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.Assignments(2, "n1", session);
  for (int i = 0; i < 3; ++i) {
    h.AdvanceTo(Ms(1000 + 80 * i));
    h.SetTaskState(absl::StrFormat("t%d", i), api::TASK_ASSIGNED);
  }
  h.AdvanceTo(Ms(1259));
  EXPECT_EQ(Messages(h, 2).size(), 1u);
  h.AdvanceTo(Ms(1260));
  ASSERT_EQ(Messages(h, 2).size(), 2u);
  EXPECT_EQ(Messages(h, 2)[1].envelope.assignments.changes_size(), 3);
}

TEST(DispatcherAssignmentsTest, HundredModificationsFlushWithoutWaiting) {
  DispatcherHarness h;
  h.AddNode("n1");
  for (int i = 0; i < 150; ++i) h.AddTask(absl::StrFormat("t%03d", i), "n1", api::TASK_PENDING);
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.Assignments(2, "n1", session);
  h.AdvanceTo(Ms(1000));
  for (int i = 0; i < 150; ++i) h.SetTaskState(absl::StrFormat("t%03d", i), api::TASK_ASSIGNED);
  auto messages = Messages(h, 2);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].at, Ms(1000));  // The 100th modification flushes at once.
  EXPECT_EQ(messages[1].envelope.assignments.changes_size(), 100);
  h.AdvanceTo(Ms(1100));
  messages = Messages(h, 2);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[2].envelope.assignments.changes_size(), 50);
  EXPECT_EQ(messages[2].envelope.assignments.applies_to(), "2");
  EXPECT_EQ(messages[2].envelope.assignments.results_in(), "3");
}

TEST(DispatcherAssignmentsTest, StreamEndsWhenSessionExpires) {
  DispatcherHarness h;
  h.AddNode("n1");
  h.AddTask("t1", "n1", api::TASK_PENDING);
  h.Start();
  const std::string session = h.Register(1, "n1");
  h.Assignments(2, "n1", session);
  h.AdvanceTo(h.dispatcher().registry().Get("n1")->deadline + absl::Seconds(1));
  // Still open: the session is re-checked only after a message goes out.
  EXPECT_EQ(h.dispatcher().open_assignments(), 1u);
  h.SetTaskState("t1", api::TASK_ASSIGNED);
  h.AdvanceBy(absl::Milliseconds(100));
  EXPECT_EQ(h.LastSentTo(2)->envelope.kind, EnvelopeKind::kStreamEnd);
  EXPECT_EQ(h.LastSentTo(2)->envelope.status.message(), "node not registered");
  EXPECT_EQ(h.dispatcher().open_assignments(), 0u);
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
