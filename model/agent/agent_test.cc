// Agent-level contract checks that are not about one session.
#include "model/agent/agent.h"

#include <vector>

#include "gtest/gtest.h"

namespace swarmsim {
namespace agent {
namespace {

TEST(AgentTest, StartOpensNothingBeforeTheDelayTimer) {
  AgentConfig config;
  api::WeightedPeer m1;
  m1.set_node_id("m1");
  m1.set_addr("m1:2377");
  m1.set_weight(10);
  config.initial_remotes.push_back(m1);
  Agent agent(config, sim::Prng(1));
  AgentOutput out = agent.Start(sim::Time::Zero());
  EXPECT_TRUE(out.calls.empty());
  ASSERT_EQ(out.timers.size(), 2u);  // node update ticker and the session start (delay 0)
  EXPECT_EQ(out.timers[0].kind, TimerKind::kNodeUpdate);
  EXPECT_EQ(out.timers[0].at, sim::Time::Zero() + absl::Seconds(20));
  EXPECT_EQ(out.timers[1].kind, TimerKind::kSessionStart);
  EXPECT_EQ(out.timers[1].at, sim::Time::Zero());
  AgentOutput started = agent.OnTimer(sim::Time::Zero(), out.timers[1]);
  ASSERT_EQ(started.calls.size(), 1u);
  EXPECT_EQ(started.calls[0].kind, CallKind::kSession);
  EXPECT_EQ(started.calls[0].target.node_id, "m1");
  EXPECT_EQ(started.calls[0].session_seq, 1u);
  ASSERT_EQ(started.timers.size(), 1u);
  EXPECT_EQ(started.timers[0].kind, TimerKind::kSessionInit);
  EXPECT_EQ(started.timers[0].at, sim::Time::Zero() + absl::Seconds(5));
  // The same timer fired twice is stale the second time.
  EXPECT_TRUE(agent.OnTimer(sim::Time::Zero(), out.timers[1]).calls.empty());
  // Closing a remote session closes its connection.
  AgentOutput stopped = agent.Stop(sim::Time::Zero());
  EXPECT_EQ(stopped.closed_sessions, std::vector<uint64_t>{1});
}

TEST(AgentTest, StopCancelsOpenCallsAndIgnoresLaterInput) {
  AgentConfig config;
  config.local_manager = true;
  Agent agent(config, sim::Prng(1));
  AgentOutput out = agent.Start(sim::Time::Zero());
  AgentOutput started = agent.OnTimer(sim::Time::Zero(), out.timers[1]);
  ASSERT_EQ(started.calls.size(), 1u);
  AgentOutput stopped = agent.Stop(sim::Time::Zero());
  EXPECT_TRUE(stopped.closed_sessions.empty());  // the local connection stays open
  ASSERT_EQ(stopped.cancels.size(), 1u);
  EXPECT_EQ(stopped.cancels[0], started.calls[0].id);
  api::SessionMessage msg;
  msg.set_session_id("s1");
  EXPECT_TRUE(agent.OnSessionMessage(sim::Time::Zero(), started.calls[0].id, msg).empty());
  EXPECT_FALSE(agent.registered());
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim

namespace swarmsim {
namespace agent {
namespace {

TEST(AgentTest, LeaveDropsAssignmentsAndIgnoresNewOnes) {
  AgentConfig config;
  config.local_manager = true;
  config.worker.prepare = absl::ZeroDuration();
  config.worker.start = absl::ZeroDuration();
  Agent agent(config, sim::Prng(1));
  const sim::Time t0 = sim::Time::Zero();
  AgentOutput out = agent.Start(t0);
  AgentOutput started = agent.OnTimer(t0, out.timers[1]);
  api::SessionMessage msg;
  msg.set_session_id("s1");
  AgentOutput registered = agent.OnSessionMessage(t0, started.calls[0].id, msg);
  CallId assignments = kNoCall;
  for (const RpcCall& call : registered.calls) {
    if (call.kind == CallKind::kAssignments) assignments = call.id;
  }
  ASSERT_NE(assignments, kNoCall);
  api::AssignmentsMessage set;
  set.set_type(api::AssignmentsMessage::COMPLETE);
  set.set_results_in("1");
  api::AssignmentChange* change = set.add_changes();
  change->mutable_task()->set_id("t1");
  change->mutable_task()->set_desired_state(api::TASK_RUNNING);
  agent.OnAssignmentsMessage(t0, assignments, set);
  ASSERT_NE(agent.worker().Find("t1"), nullptr);
  EXPECT_EQ(agent.worker().Find("t1")->status.state(), api::TASK_RUNNING);
  agent.Leave(t0);
  EXPECT_TRUE(agent.worker().tasks().empty());
  set.set_applies_to("1");
  set.set_results_in("2");
  agent.OnAssignmentsMessage(t0, assignments, set);
  EXPECT_TRUE(agent.worker().tasks().empty());
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
