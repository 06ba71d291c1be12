#include "model/agent/worker.h"

#include <functional>
#include <vector>

#include "gtest/gtest.h"

namespace swarmsim {
namespace agent {
namespace {

api::AssignmentChange Change(const std::string& id, api::TaskState desired,
                             api::AssignmentChange::Action action = api::AssignmentChange::UPDATE) {
  api::AssignmentChange change;
  change.set_action(action);
  api::Task* task = change.mutable_task();
  task->set_id(id);
  task->set_service_id("svc");
  task->set_desired_state(desired);
  task->mutable_status()->set_state(api::TASK_ASSIGNED);
  return change;
}

google::protobuf::RepeatedPtrField<api::AssignmentChange> Set(
    std::vector<api::AssignmentChange> changes) {
  google::protobuf::RepeatedPtrField<api::AssignmentChange> set;
  for (auto& c : changes) *set.Add() = c;
  return set;
}

sim::Time At(absl::Duration d) { return sim::Time::Zero() + d; }

// Drives a Worker's own timers in time order, like a host would.
class WorkerDriver {
 public:
  explicit WorkerDriver(WorkerConfig config = WorkerConfig()) : worker(config) {}

  void Apply(sim::Time now, std::function<void(Effects*, StatusChanges*)> input) {
    Effects fx(&ids);
    StatusChanges changed;
    input(&fx, &changed);
    for (const auto& c : changed) reported.push_back({now, c.task_id(), c.status().state()});
    AgentOutput out = fx.Take();
    for (auto& t : out.timers) timers.push_back(t);
  }

  // Fires due timers up to `until`, earliest first (ties by generation = scheduling order).
  void RunUntil(sim::Time until) {
    for (;;) {
      auto next = timers.end();
      for (auto it = timers.begin(); it != timers.end(); ++it) {
        if (it->at > until) continue;
        if (next == timers.end() || it->at < next->at ||
            (it->at == next->at && it->generation < next->generation)) {
          next = it;
        }
      }
      if (next == timers.end()) return;
      TimerRequest fired = *next;
      timers.erase(next);
      Apply(fired.at, [&](Effects* fx, StatusChanges* changed) {
        worker.OnStepTimer(fired.at, fired, fx, changed);
      });
    }
  }

  struct Reported {
    sim::Time at;
    std::string task_id;
    api::TaskState state;
  };
  IdCounters ids;
  Worker worker;
  std::vector<TimerRequest> timers;
  std::vector<Reported> reported;
};

// Defaults: accept 0, begin_prepare 0, prepare 100 ms, begin_start 0, start 500 ms. A task
// assigned at t=0 is PREPARING at 0, READY at 100 ms, STARTING at 100 ms and RUNNING at 600 ms.
TEST(WorkerTest, TaskMovesThroughStatesToRunning) {
  WorkerDriver d;
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({Change("t1", api::TASK_RUNNING)}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(10)));
  const std::vector<std::pair<int64_t, api::TaskState>> expected = {
      {0, api::TASK_ASSIGNED},          {0, api::TASK_ACCEPTED},
      {0, api::TASK_PREPARING},         {100000000, api::TASK_READY},
      {100000000, api::TASK_STARTING},  {600000000, api::TASK_RUNNING}};
  ASSERT_EQ(d.reported.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(d.reported[i].at.nanos(), expected[i].first) << i;
    EXPECT_EQ(d.reported[i].state, expected[i].second) << i;
  }
  EXPECT_EQ(d.worker.Find("t1")->status.state(), api::TASK_RUNNING);
  EXPECT_EQ(d.worker.Find("t1")->status.timestamp_ns(), 600000000);
}

TEST(WorkerTest, ConfiguredDurationsAreUsed) {
  WorkerConfig config;
  config.accept = absl::Milliseconds(10);
  config.prepare = absl::Seconds(2);
  config.start = absl::Seconds(3);
  WorkerDriver d(config);
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({Change("t1", api::TASK_RUNNING)}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(60)));
  ASSERT_FALSE(d.reported.empty());
  EXPECT_EQ(d.reported.back().state, api::TASK_RUNNING);
  EXPECT_EQ(d.reported.back().at, At(absl::Milliseconds(5010)));
}

TEST(WorkerTest, DesiredStateReadyStopsAtReady) {
  WorkerDriver d;
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({Change("t1", api::TASK_READY)}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(10)));
  EXPECT_EQ(d.worker.Find("t1")->status.state(), api::TASK_READY);
}

// Desired SHUTDOWN while starting: the pending start step is superseded and the task is
// SHUTDOWN 100 ms after the update (300 ms), never RUNNING.
TEST(WorkerTest, DesiredShutdownSupersedesStartAndShutsDown) {
  WorkerDriver d;
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({Change("t1", api::TASK_RUNNING)}), fx, changed);
  });
  d.RunUntil(At(absl::Milliseconds(200)));
  d.Apply(At(absl::Milliseconds(200)), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Update(At(absl::Milliseconds(200)), Set({Change("t1", api::TASK_SHUTDOWN)}), fx,
                    changed);
  });
  d.RunUntil(At(absl::Seconds(10)));
  EXPECT_EQ(d.reported.back().state, api::TASK_SHUTDOWN);
  EXPECT_EQ(d.reported.back().at, At(absl::Milliseconds(300)));
  for (const auto& r : d.reported) EXPECT_NE(r.state, api::TASK_RUNNING);
}

TEST(WorkerTest, CompleteAssignmentReplacesTheSet) {
  WorkerDriver d;
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()),
                    Set({Change("t1", api::TASK_RUNNING), Change("t2", api::TASK_RUNNING)}), fx,
                    changed);
  });
  d.RunUntil(At(absl::Seconds(1)));
  d.Apply(At(absl::Seconds(1)), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::Seconds(1)),
                    Set({Change("t2", api::TASK_RUNNING), Change("t3", api::TASK_RUNNING)}), fx,
                    changed);
  });
  EXPECT_EQ(d.worker.Find("t1"), nullptr);
  ASSERT_NE(d.worker.Find("t2"), nullptr);
  // The known task keeps its own status (RUNNING), not the manager's copy (ASSIGNED).
  EXPECT_EQ(d.worker.Find("t2")->status.state(), api::TASK_RUNNING);
  ASSERT_NE(d.worker.Find("t3"), nullptr);
}

TEST(WorkerTest, IncrementalRemoveDropsTaskAndItsTimer) {
  WorkerDriver d;
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()),
                    Set({Change("t1", api::TASK_RUNNING), Change("t2", api::TASK_RUNNING)}), fx,
                    changed);
  });
  d.Apply(At(absl::Milliseconds(50)), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Update(At(absl::Milliseconds(50)),
                    Set({Change("t1", api::TASK_RUNNING, api::AssignmentChange::REMOVE)}), fx,
                    changed);
  });
  const size_t before = d.reported.size();
  d.RunUntil(At(absl::Seconds(10)));
  EXPECT_EQ(d.worker.Find("t1"), nullptr);
  EXPECT_EQ(d.worker.Find("t2")->status.state(), api::TASK_RUNNING);
  for (size_t i = before; i < d.reported.size(); ++i) EXPECT_EQ(d.reported[i].task_id, "t2");
}

TEST(WorkerTest, FailedTaskIsTerminal) {
  WorkerDriver d;
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({Change("t1", api::TASK_RUNNING)}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(1)));
  d.Apply(At(absl::Seconds(2)), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Fail(At(absl::Seconds(2)), "t1", "exit 1", fx, changed);
  });
  d.Apply(At(absl::Seconds(3)), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Update(At(absl::Seconds(3)), Set({Change("t1", api::TASK_SHUTDOWN)}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(10)));
  EXPECT_EQ(d.worker.Find("t1")->status.state(), api::TASK_FAILED);
  EXPECT_EQ(d.reported.back().state, api::TASK_FAILED);
}

// After an agent restart the dispatcher assigns the node's tasks again with the manager's copy
// of their status. A RUNNING one lost its container with the old agent: it must not be taken as
// running (it was, silently, before), but reported FAILED so the orchestrator replaces it.
TEST(WorkerTest, RunningTaskAssignedToARestartedAgentIsReportedFailed) {
  WorkerDriver d;
  api::AssignmentChange change = Change("t1", api::TASK_RUNNING);
  change.mutable_task()->mutable_status()->set_state(api::TASK_RUNNING);
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({change}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(10)));
  ASSERT_NE(d.worker.Find("t1"), nullptr);
  EXPECT_EQ(d.worker.Find("t1")->status.state(), api::TASK_FAILED);
  EXPECT_EQ(d.worker.Find("t1")->status.message(), kContainerLostMessage);
  ASSERT_FALSE(d.reported.empty());
  EXPECT_EQ(d.reported.back().state, api::TASK_FAILED);
  EXPECT_TRUE(d.timers.empty());
}

// A task assigned again before it started (PREPARING on the manager) resumes: preparing is
// idempotent in SwarmKit's controller.
TEST(WorkerTest, TaskAssignedAgainBeforeRunningResumes) {
  WorkerDriver d;
  api::AssignmentChange change = Change("t1", api::TASK_RUNNING);
  change.mutable_task()->mutable_status()->set_state(api::TASK_PREPARING);
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({change}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(10)));
  EXPECT_EQ(d.worker.Find("t1")->status.state(), api::TASK_RUNNING);
}

// A RUNNING task that is being shut down is shut down, not failed (Shutdown of a missing
// container succeeds).
TEST(WorkerTest, RunningTaskAssignedAgainWithDesiredShutdownShutsDown) {
  WorkerDriver d;
  api::AssignmentChange change = Change("t1", api::TASK_SHUTDOWN);
  change.mutable_task()->mutable_status()->set_state(api::TASK_RUNNING);
  d.Apply(At(absl::ZeroDuration()), [&](Effects* fx, StatusChanges* changed) {
    d.worker.Assign(At(absl::ZeroDuration()), Set({change}), fx, changed);
  });
  d.RunUntil(At(absl::Seconds(10)));
  EXPECT_EQ(d.worker.Find("t1")->status.state(), api::TASK_SHUTDOWN);
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
