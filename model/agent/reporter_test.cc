#include "model/agent/reporter.h"

#include "gtest/gtest.h"

namespace swarmsim {
namespace agent {
namespace {

api::TaskStatus Status(api::TaskState state, int64_t ts = 0) {
  api::TaskStatus s;
  s.set_state(state);
  s.set_timestamp_ns(ts);
  return s;
}

TEST(StatusReporterTest, TaskStatusNeverRegressesInTheQueue) {
  StatusReporter r;
  r.Add("t1", Status(api::TASK_RUNNING));
  r.Add("t1", Status(api::TASK_STARTING));
  ASSERT_NE(r.Pending("t1"), nullptr);
  EXPECT_EQ(r.Pending("t1")->state(), api::TASK_RUNNING);
  // Same state, newer details: replaces.
  r.Add("t1", Status(api::TASK_RUNNING, 7));
  EXPECT_EQ(r.Pending("t1")->timestamp_ns(), 7);
}

TEST(StatusReporterTest, BatchesInTaskIdOrderOneCallAtATime) {
  StatusReporter r;
  r.Add("t3", Status(api::TASK_RUNNING));
  r.Add("t1", Status(api::TASK_RUNNING));
  r.Add("t2", Status(api::TASK_RUNNING));
  auto batch = r.TakeBatch(2, /*call=*/11);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].task_id(), "t1");
  EXPECT_EQ(batch[1].task_id(), "t2");
  EXPECT_TRUE(r.in_flight());
  r.Finish(11, /*delivered=*/true);
  EXPECT_FALSE(r.in_flight());
  EXPECT_EQ(r.pending_size(), 1u);
}

TEST(StatusReporterTest, FailedBatchIsRequeuedUnlessANewerStatusArrived) {
  StatusReporter r;
  r.Add("t1", Status(api::TASK_STARTING));
  r.Add("t2", Status(api::TASK_STARTING));
  r.TakeBatch(2, 5);
  r.Add("t2", Status(api::TASK_RUNNING));  // Arrives while the batch is in flight.
  r.Finish(5, /*delivered=*/false);
  EXPECT_EQ(r.Pending("t1")->state(), api::TASK_STARTING);
  EXPECT_EQ(r.Pending("t2")->state(), api::TASK_RUNNING);
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
