// Task execution and status reporting through the whole Agent (reference §1.7, issue 5).
// Replies take 1 ms; worker steps use the defaults (prepare 100 ms, start 500 ms).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/agent/agent.h"
#include "model/agent/fake_cluster.h"

namespace swarmsim {
namespace agent {
namespace {

sim::Time T(absl::Duration d) { return sim::Time::Zero() + d; }

AgentConfig OneManager() {
  AgentConfig config;
  config.node_id = "worker-1";
  config.initial_remotes.push_back(FakeCluster::Manager("m1"));
  return config;
}

api::Task TaskFor(const std::string& id) {
  api::Task task;
  task.set_id(id);
  task.set_service_id("web");
  task.set_node_id("worker-1");
  task.set_desired_state(api::TASK_RUNNING);
  task.mutable_status()->set_state(api::TASK_ASSIGNED);
  return task;
}

std::vector<api::TaskState> StatesSent(const FakeDispatcher& d, const std::string& task_id) {
  std::vector<api::TaskState> states;
  for (const auto& u : d.status_updates) {
    if (u.task_id() == task_id) states.push_back(u.status().state());
  }
  return states;
}

// Session at 0, registered at 1 ms, Assignments opened at 1 ms, COMPLETE set at 2 ms: the task
// is PREPARING at 2 ms, READY/STARTING at 102 ms and RUNNING at 602 ms; the dispatcher has the
// RUNNING status at 602 ms (requests arrive at once in the fake; replies take 1 ms).
TEST(TaskReportingTest, AssignedTaskRunsAndIsReported) {
  FakeCluster c(OneManager(), 1);
  c.dispatcher("m1").tasks = {TaskFor("t1")};
  c.Start();
  c.RunUntil(T(absl::Seconds(2)));
  const WorkerTask* t = c.agent().worker().Find("t1");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->status.state(), api::TASK_RUNNING);
  EXPECT_EQ(t->status.timestamp_ns(), absl::ToInt64Nanoseconds(absl::Milliseconds(602)));
  const FakeDispatcher& d = c.dispatcher("m1");
  ASSERT_FALSE(d.status_updates.empty());
  EXPECT_EQ(d.status_updates.back().status().state(), api::TASK_RUNNING);
  EXPECT_EQ(d.status_update_times.back(), T(absl::Milliseconds(602)));
  // One task per call, one call at a time.
  for (const auto& call : c.CallsOf(CallKind::kUpdateTaskStatus)) {
    EXPECT_EQ(std::get<api::UpdateTaskStatusRequest>(call.call.request).updates_size(), 1);
  }
}

TEST(TaskReportingTest, TaskStatusNeverRegresses) {
  FakeCluster c(OneManager(), 1);
  c.dispatcher("m1").tasks = {TaskFor("t1"), TaskFor("t2"), TaskFor("t3")};
  // Failures force re-queues while newer statuses keep arriving.
  c.dispatcher("m1").update_status_errors = {absl::NotFoundError("a"),
                                             absl::NotFoundError("b")};
  c.Start();
  c.RunUntil(T(absl::Seconds(5)));
  for (const std::string id : {"t1", "t2", "t3"}) {
    std::vector<api::TaskState> states = StatesSent(c.dispatcher("m1"), id);
    ASSERT_FALSE(states.empty()) << id;
    for (size_t i = 1; i < states.size(); ++i) EXPECT_LE(states[i - 1], states[i]) << id;
    EXPECT_EQ(states.back(), api::TASK_RUNNING) << id;
  }
}

// swarmkit#1533: a failed UpdateTaskStatus (not NotFound) ends the session; the status goes
// back into the queue and reaches the dispatcher on the next session.
TEST(TaskReportingTest, UpdateTaskStatusErrorEndsSession) {
  FakeCluster c(OneManager(), 1);
  c.dispatcher("m1").tasks = {TaskFor("t1")};
  c.dispatcher("m1").update_status_errors = {absl::PermissionDeniedError("task on another node")};
  c.Start();
  c.RunUntil(T(absl::Seconds(3)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  // The first status call goes out at 2 ms (COMPLETE set) and fails at 3 ms.
  EXPECT_EQ(ended[0].at, T(absl::Milliseconds(3)));
  EXPECT_EQ(ended[0].note.code, absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ended[0].note.backoff, absl::Milliseconds(100));
  EXPECT_TRUE(c.agent().registered());
  std::vector<api::TaskState> states = StatesSent(c.dispatcher("m1"), "t1");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back(), api::TASK_RUNNING);
}

TEST(TaskReportingTest, NotFoundTaskStatusErrorIsIgnored) {
  FakeCluster c(OneManager(), 1);
  c.dispatcher("m1").tasks = {TaskFor("t1")};
  c.dispatcher("m1").update_status_errors = {absl::NotFoundError("task not found")};
  c.Start();
  c.RunUntil(T(absl::Seconds(3)));
  EXPECT_TRUE(c.NotesOf(NoteKind::kSessionEnded).empty());
  EXPECT_EQ(c.agent().sessions_created(), 1u);
  // The status that got NotFound is not re-sent (the dispatcher no longer cares); later ones are.
  std::vector<api::TaskState> states = StatesSent(c.dispatcher("m1"), "t1");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back(), api::TASK_RUNNING);
  EXPECT_EQ(c.agent().reporter().pending_size(), 0u);
}

// The task is RUNNING and reported; the session then fails (heartbeat error at 5.002 s + 1 ms):
// nothing is sent while unregistered, and on the new registration every status goes out again.
TEST(TaskReportingTest, StatusesReReportedOnRegistration) {
  FakeCluster c(OneManager(), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.dispatcher("m1").tasks = {TaskFor("t1"), TaskFor("t2")};
  c.Start();
  c.RunUntil(T(absl::Seconds(2)));
  const size_t reported_before = c.dispatcher("m1").status_updates.size();
  ASSERT_GT(reported_before, 0u);
  c.dispatcher("m1").heartbeat_errors = {absl::UnavailableError("blip")};
  c.RunUntil(T(absl::Seconds(8)));
  auto ended = c.NotesOf(NoteKind::kSessionEnded);
  auto registered = c.NotesOf(NoteKind::kRegistered);
  ASSERT_EQ(ended.size(), 1u);
  ASSERT_EQ(registered.size(), 2u);
  const FakeDispatcher& d = c.dispatcher("m1");
  int running_again = 0;
  for (size_t i = reported_before; i < d.status_updates.size(); ++i) {
    EXPECT_GE(d.status_update_times[i], registered[1].at);  // never while unregistered
    if (d.status_updates[i].status().state() == api::TASK_RUNNING) ++running_again;
  }
  EXPECT_EQ(running_again, 2);  // t1 and t2, once each
  for (const auto& call : c.CallsOf(CallKind::kUpdateTaskStatus)) {
    EXPECT_FALSE(call.at > ended[0].at && call.at < registered[1].at);
  }
}

TEST(TaskReportingTest, RemovedAssignmentStopsTheTask) {
  FakeCluster c(OneManager(), 1);
  c.dispatcher("m1").tasks = {TaskFor("t1")};
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  api::AssignmentsMessage shutdown;
  shutdown.set_type(api::AssignmentsMessage::INCREMENTAL);
  shutdown.set_applies_to("1");
  shutdown.set_results_in("2");
  api::Task t = TaskFor("t1");
  t.set_desired_state(api::TASK_SHUTDOWN);
  auto* change = shutdown.add_changes();
  change->set_action(api::AssignmentChange::UPDATE);
  *change->mutable_task() = t;
  c.PushAssignments(*c.OpenCall(CallKind::kAssignments), shutdown);
  c.RunUntil(T(absl::Seconds(2)));
  EXPECT_EQ(c.agent().worker().Find("t1")->status.state(), api::TASK_SHUTDOWN);
  EXPECT_EQ(StatesSent(c.dispatcher("m1"), "t1").back(), api::TASK_SHUTDOWN);
}

TEST(TaskReportingTest, SameSeedSameNotes) {
  auto run = [] {
    AgentConfig config = OneManager();
    config.initial_remotes.push_back(FakeCluster::Manager("m2"));
    FakeCluster c(config, 77);
    c.dispatcher("m1").managers = {FakeCluster::Manager("m1"), FakeCluster::Manager("m2")};
    c.dispatcher("m2").managers = c.dispatcher("m1").managers;
    c.dispatcher("m1").session_errors_left = 2;
    c.dispatcher("m2").session_errors_left = 2;
    c.dispatcher("m1").tasks = {TaskFor("t1")};
    c.dispatcher("m2").tasks = {TaskFor("t1")};
    c.Start();
    c.RunUntil(T(absl::Seconds(30)));
    std::string text;
    for (const auto& n : c.notes()) {
      text += std::to_string(n.at.nanos()) + " " + n.note.ToString() + "\n";
    }
    return text;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
