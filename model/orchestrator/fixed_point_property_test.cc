// Properties of the replicated orchestrator, the task reaper and the scheduler run together, as a
// leader runs them, on random clusters perturbed by random node and service changes.
#include <map>
#include <memory>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/orchestrator/replicated_orchestrator.h"
#include "model/orchestrator/task_reaper.h"
#include "model/orchestrator/task_rules.h"
#include "model/orchestrator/test_cluster.h"
#include "model/scheduler/scheduler.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace swarmsim {
namespace {

using testing::TestCluster;

api::NodeStatus::State AnyNodeState() {
  return *rc::gen::element(api::NodeStatus::READY, api::NodeStatus::READY, api::NodeStatus::DOWN,
                           api::NodeStatus::UNKNOWN, api::NodeStatus::DISCONNECTED);
}

api::NodeAvailability AnyAvailability() {
  return *rc::gen::element(api::AVAILABILITY_ACTIVE, api::AVAILABILITY_ACTIVE,
                           api::AVAILABILITY_PAUSE, api::AVAILABILITY_DRAIN);
}

class Leader {
 public:
  explicit Leader(TestCluster& cluster)
      : cluster_(cluster), orchestrator_(orchestrator::OrchestratorOptions(), [this] {
          return absl::StrFormat("t%06d", ++task_counter_);
        }) {}

  // Runs the three components until none has anything to do, jumping time to the orchestrator's
  // wake-ups. Checks every placement as it is made.
  void RunToFixedPoint() {
    for (int round = 0; round < 200; ++round) {
      const orchestrator::OrchestratorOutput out =
          orchestrator_.Reconcile(now_, cluster_.nodes, cluster_.services, cluster_.tasks);
      cluster_.Apply(out.actions);
      const std::vector<api::StoreAction> reaped = orchestrator::ReapTasks(
          cluster_.services, cluster_.tasks, orchestrator::kDefaultTaskHistoryRetentionLimit);
      cluster_.Apply(reaped);
      const std::vector<api::StoreAction> placed =
          scheduler::Schedule(now_, cluster_.nodes, cluster_.tasks);
      for (const api::StoreAction& a : placed) {
        const api::Task& t = a.target().task();
        if (t.node_id().empty()) continue;
        const api::Node* node = orchestrator::FindNode(cluster_.nodes, t.node_id());
        RC_ASSERT(node != nullptr);
        RC_ASSERT(node->status().state() == api::NodeStatus::READY);
        RC_ASSERT(node->spec().availability() == api::AVAILABILITY_ACTIVE);
      }
      cluster_.Apply(placed);
      now_ += absl::Milliseconds(100);
      if (!out.actions.empty() || !reaped.empty() || !placed.empty()) continue;
      if (!out.wakeup_at.has_value()) return;
      if (*out.wakeup_at > now_) now_ = *out.wakeup_at;
    }
    RC_FAIL("no fixed point within 200 rounds");
  }

 private:
  TestCluster& cluster_;
  int task_counter_ = 0;
  orchestrator::ReplicatedOrchestrator orchestrator_;
  sim::Time now_ = sim::Time::FromNanos(1);
};

void CheckFixedPoint(const TestCluster& cluster) {
  bool any_eligible = false;
  for (const auto& [id, n] : cluster.nodes) any_eligible |= scheduler::NodeAcceptsTasks(n);
  for (const auto& [id, s] : cluster.services) {
    std::set<uint64_t> slots;
    for (const api::Task* t : cluster.RunnableTasksOf(s.id())) {
      RC_ASSERT(slots.insert(t->slot()).second);  // distinct slots
      RC_ASSERT(t->desired_state() == api::TASK_RUNNING);
      if (!t->node_id().empty()) {
        RC_ASSERT(!orchestrator::InvalidNode(orchestrator::FindNode(cluster.nodes, t->node_id())));
      } else if (any_eligible) {
        RC_FAIL("runnable task left unplaced although a node accepts tasks");
      }
    }
    RC_ASSERT(slots.size() == s.spec().replicas());
  }
  for (const auto& [id, t] : cluster.tasks) {
    // Tasks of deleted services are on their way out.
    if (orchestrator::FindService(cluster.services, t.service_id()) == nullptr) {
      RC_ASSERT(t.desired_state() == api::TASK_REMOVE);
    }
  }
}

RC_GTEST_PROP(FixedPointProperty, ReplicasRunnableTasksWithDistinctSlotsAndValidPlacement, ()) {
  TestCluster cluster;
  const int node_count = *rc::gen::inRange(0, 7);
  for (int i = 0; i < node_count; ++i) {
    const api::NodeStatus::State state = AnyNodeState();
    const api::NodeAvailability availability = AnyAvailability();
    cluster.AddNode(absl::StrFormat("n%d", i), state, availability);
  }
  const int service_count = *rc::gen::inRange(1, 4);
  for (int i = 0; i < service_count; ++i) {
    cluster.AddService(absl::StrFormat("s%d", i), absl::StrFormat("svc%d", i),
                       *rc::gen::inRange<uint64_t>(0, 13));
  }
  // Leftovers from an earlier leader, in arbitrary states.
  const int leftover_count = *rc::gen::inRange(0, 10);
  for (int i = 0; i < leftover_count; ++i) {
    // One draw per line: argument evaluation order is unspecified.
    const std::string node =
        node_count == 0 ? "" : absl::StrFormat("n%d", *rc::gen::inRange(0, node_count + 1));
    const std::string service = absl::StrFormat("s%d", *rc::gen::inRange(0, service_count + 1));
    const uint64_t slot = *rc::gen::inRange<uint64_t>(1, 8);
    const api::TaskState state =
        *rc::gen::element(api::TASK_PENDING, api::TASK_ASSIGNED, api::TASK_RUNNING,
                          api::TASK_FAILED, api::TASK_ORPHANED);
    const api::TaskState desired = *rc::gen::element(api::TASK_RUNNING, api::TASK_SHUTDOWN);
    cluster.AddTask(absl::StrFormat("old%02d", i), service, slot, node, state, desired);
  }
  Leader leader(cluster);
  leader.RunToFixedPoint();
  CheckFixedPoint(cluster);

  const int perturbations = *rc::gen::inRange(0, 8);
  for (int p = 0; p < perturbations; ++p) {
    const int kind = *rc::gen::inRange(0, 3);
    if (kind == 2 && !cluster.tasks.empty()) {
      // An agent reports a task's fate: it runs, fails or completes.
      const size_t index = *rc::gen::inRange<size_t>(0, cluster.tasks.size());
      const api::TaskState state =
          *rc::gen::element(api::TASK_RUNNING, api::TASK_FAILED, api::TASK_COMPLETE);
      api::Task& t = std::next(cluster.tasks.begin(), index)->second;
      if (!t.node_id().empty() && t.status().state() < state) {
        t.mutable_status()->set_state(state);
        cluster.Touch(t);
      }
    } else if (node_count > 0 && kind == 1) {
      api::Node* n = cluster.node(absl::StrFormat("n%d", *rc::gen::inRange(0, node_count)));
      n->mutable_status()->set_state(AnyNodeState());
      n->mutable_spec()->set_availability(AnyAvailability());
      cluster.Touch(*n);
    } else {
      api::Service* s =
          cluster.service(absl::StrFormat("s%d", *rc::gen::inRange(0, service_count)));
      s->mutable_spec()->set_replicas(*rc::gen::inRange<uint64_t>(0, 13));
      cluster.Touch(*s);
    }
    leader.RunToFixedPoint();
    CheckFixedPoint(cluster);
  }
}

TEST(FixedPointTest, SixtyReplicasOnThreeManagersAndThreeWorkersSpreadTenEach) {
  TestCluster cluster;
  for (int i = 0; i < 6; ++i) cluster.AddNode(absl::StrFormat("n%d", i));
  cluster.AddService("s1", "web", 60);
  Leader leader(cluster);
  leader.RunToFixedPoint();
  std::map<std::string, int> per_node;
  for (const api::Task* t : cluster.RunnableTasksOf("s1")) ++per_node[t->node_id()];
  ASSERT_EQ(per_node.size(), 6u);
  for (const auto& [node, count] : per_node) EXPECT_EQ(count, 10) << node;
}

TEST(FixedPointTest, SameInputsGiveTheSameStore) {
  auto run = [] {
    TestCluster cluster;
    for (int i = 0; i < 5; ++i) cluster.AddNode(absl::StrFormat("n%d", i));
    cluster.AddService("s1", "web", 17);
    cluster.AddService("s2", "api", 9);
    Leader leader(cluster);
    leader.RunToFixedPoint();
    cluster.node("n2")->mutable_status()->set_state(api::NodeStatus::DOWN);
    cluster.Touch(*cluster.node("n2"));
    leader.RunToFixedPoint();
    std::string bytes;
    for (const auto& [id, t] : cluster.tasks) bytes += t.SerializeAsString();
    return bytes;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace swarmsim
