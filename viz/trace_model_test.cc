#include "viz/trace_model.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "viz/test_trace.h"

namespace swarmsim {
namespace viz {
namespace {

// "kind label [begin,end)" per band, compact enough to compare whole tracks at once.
std::vector<std::string> Describe(const std::vector<Band>& bands) {
  std::vector<std::string> out;
  for (const Band& b : bands) {
    out.push_back(b.kind + (b.label.empty() ? "" : " " + b.label) + " [" +
                  std::to_string(b.begin_ns) + "," + std::to_string(b.end_ns) + ")");
  }
  return out;
}

using Strings = std::vector<std::string>;

class SmallTraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TraceError error;
    ASSERT_TRUE(BuildTimeline(ReadSmallTrace(), &t_, &error)) << error.line << ": "
                                                             << error.message;
    ASSERT_EQ(t_.lanes.size(), 3u);
  }
  const Lane& lane(const std::string& name) const {
    for (const Lane& l : t_.lanes) {
      if (l.name == name) return l;
    }
    ADD_FAILURE() << "no lane " << name;
    return t_.lanes[0];
  }
  Timeline t_;
};

TEST_F(SmallTraceTest, Header) {
  EXPECT_EQ(t_.begin_ns, 0);
  EXPECT_EQ(t_.end_ns, 11000);
  EXPECT_EQ(t_.records, 30);
  EXPECT_TRUE(t_.has_seed);
  EXPECT_EQ(t_.seed, 3);
  EXPECT_EQ(t_.managers, (Strings{"m1", "m2"}));
}

TEST_F(SmallTraceTest, LanesManagersFirst) {
  EXPECT_EQ(t_.lanes[0].name, "m1");
  EXPECT_TRUE(t_.lanes[0].manager);
  EXPECT_EQ(t_.lanes[1].name, "m2");
  EXPECT_EQ(t_.lanes[2].name, "w1");
  EXPECT_FALSE(t_.lanes[2].manager);
  EXPECT_EQ(t_.lanes[2].host_id, 2);
}

TEST_F(SmallTraceTest, HostLifecycle) {
  EXPECT_EQ(Describe(lane("m1").life),
            (Strings{"up [0,5000)", "crashed [5000,9000)", "up [9000,11000)"}));
  EXPECT_EQ(Describe(lane("w1").life), (Strings{"up [0,11000)"}));
}

TEST_F(SmallTraceTest, RaftRolesEndAtCrashAndMergeLeaderChanges) {
  EXPECT_EQ(Describe(lane("m1").raft),
            (Strings{"follower t1 [0,1000)", "candidate t2 [1000,2000)", "leader t2 [2000,5000)"}));
  // m2 learns the leader at 2100 within follower t2: one band, its tooltip names the leader.
  EXPECT_EQ(Describe(lane("m2").raft),
            (Strings{"follower t1 [0,2000)", "follower t2 [2000,7000)", "candidate t3 [7000,8000)",
                     "leader t3 [8000,11000)"}));
  EXPECT_EQ(lane("m2").raft[1].tip, "m2: follower, term 2, leader m1");
  EXPECT_TRUE(lane("w1").raft.empty());
}

TEST_F(SmallTraceTest, ClusterLeader) {
  EXPECT_EQ(Describe(t_.leaders),
            (Strings{"leader m1 t2 [2000,5000)", "leader m2 t3 [8000,11000)"}));
  EXPECT_EQ(t_.leaders[1].peer, "m2");
}

TEST_F(SmallTraceTest, NodeStatusFollowsTheLeadersStore) {
  // m1 (leader) saw w1 READY at 3000; m2 at 3100 is not shown. After m2 leads (8000) m2's view.
  EXPECT_EQ(Describe(lane("w1").status),
            (Strings{"UNKNOWN [2500,3000)", "READY [3000,8000)", "UNKNOWN [8000,11000)"}));
  EXPECT_EQ(Describe(lane("m1").status), (Strings{"DOWN [10000,11000)"}));
  ASSERT_EQ(t_.status_sources.size(), 2u);
  EXPECT_EQ(t_.status_sources[0].manager, "m1");
  EXPECT_EQ(t_.status_sources[0].at_ns, 2500);
  EXPECT_EQ(t_.status_sources[1].manager, "m2");
  EXPECT_EQ(t_.status_sources[1].at_ns, 8000);
}

TEST_F(SmallTraceTest, AgentSessions) {
  const Lane& w1 = lane("w1");
  EXPECT_EQ(Describe(w1.session),
            (Strings{"connecting m1 [2600,3000)", "session m1 [3000,6000)",
                     "connecting m2 [6000,11000)"}));
  EXPECT_EQ(w1.session[1].peer, "m1");
  EXPECT_EQ(w1.session[1].tip, "w1: session s1 with m1");
  ASSERT_EQ(w1.session_ends.size(), 1u);
  EXPECT_EQ(w1.session_ends[0].at_ns, 6000);
  EXPECT_EQ(w1.session_ends[0].kind, "UNAVAILABLE");
  EXPECT_EQ(w1.session_ends[0].tip,
            "0.000s w1: session with m1 ended: UNAVAILABLE: connection reset (session s1); next "
            "backoff 0.000s");
}

TEST_F(SmallTraceTest, FaultMarkers) {
  ASSERT_EQ(t_.markers.size(), 2u);
  EXPECT_EQ(t_.markers[0].kind, "crash");
  EXPECT_EQ(t_.markers[0].label, "crash m1");
  EXPECT_EQ(t_.markers[0].at_ns, 5000);
  EXPECT_EQ(t_.markers[1].kind, "restart");
  EXPECT_EQ(t_.markers[1].at_ns, 9000);
}

TEST(TraceModelTest, ManagerAgentTalksToItsOwnHost) {
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(
      ReadText("{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m1\"}\n"
               "{\"t_ns\":0,\"seq\":1,\"host\":0,\"kind\":\"agent.session_start\",\"manager\":\"local\",\"session\":\"\"}\n"
               "{\"t_ns\":5,\"seq\":2,\"host\":0,\"kind\":\"host.pause\",\"incarnation\":1}\n"
               "{\"t_ns\":9,\"seq\":3,\"host\":0,\"kind\":\"scenario.step\",\"name\":\"partition\"}\n"),
      &t, &error));
  ASSERT_EQ(t.lanes.size(), 1u);
  EXPECT_EQ(Describe(t.lanes[0].session), (Strings{"connecting m1 [0,9)"}));
  EXPECT_EQ(Describe(t.lanes[0].life), (Strings{"paused [5,9)"}));
  ASSERT_EQ(t.markers.size(), 2u);
  EXPECT_EQ(t.markers[1].label, "partition");
}

TEST(TraceModelTest, StatusOfANodeThatIsNoHostGetsItsOwnLane) {
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(
      ReadText("{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m1\"}\n"
               "{\"t_ns\":1,\"seq\":1,\"host\":0,\"kind\":\"node.status\",\"node\":\"ghost\",\"state\":\"DOWN\"}\n"
               "{\"t_ns\":4,\"seq\":2,\"host\":0,\"kind\":\"rpc.done\"}\n"),
      &t, &error));
  ASSERT_EQ(t.lanes.size(), 2u);
  EXPECT_EQ(t.lanes[1].name, "ghost");
  EXPECT_EQ(t.lanes[1].host_id, -1);
  EXPECT_EQ(Describe(t.lanes[1].status), (Strings{"DOWN [1,4)"}));
}

// Flows pair records on two hosts by the ID both carry; a start without its end draws nothing.
TEST(TraceModelTest, FlowsPairConnectionsRegistrationsAndAssignmentsByTheirIds) {
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(
      ReadText(
          "{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m1\"}\n"
          "{\"t_ns\":0,\"seq\":1,\"host\":-1,\"kind\":\"host.add\",\"host_id\":1,\"name\":\"w1\"}\n"
          "{\"t_ns\":1,\"seq\":2,\"host\":1,\"kind\":\"rpc.conn\",\"conn\":3,\"peer\":0,\"client\":1,\"state\":\"CONNECTING\",\"code\":\"OK\"}\n"
          "{\"t_ns\":1,\"seq\":3,\"host\":1,\"kind\":\"rpc.conn\",\"conn\":5,\"peer\":0,\"client\":1,\"state\":\"CONNECTING\",\"code\":\"OK\"}\n"
          "{\"t_ns\":4,\"seq\":4,\"host\":0,\"kind\":\"rpc.conn\",\"conn\":3,\"peer\":1,\"client\":0,\"state\":\"READY\",\"code\":\"OK\"}\n"
          "{\"t_ns\":7,\"seq\":5,\"host\":1,\"kind\":\"rpc.conn\",\"conn\":3,\"peer\":0,\"client\":1,\"state\":\"READY\",\"code\":\"OK\"}\n"
          "{\"t_ns\":8,\"seq\":6,\"host\":0,\"kind\":\"dispatcher.register\",\"node\":\"w1\",\"session\":\"s1\",\"accepted\":1,\"reason\":\"\"}\n"
          "{\"t_ns\":8,\"seq\":7,\"host\":0,\"kind\":\"dispatcher.register\",\"node\":\"w1\",\"session\":\"\",\"accepted\":0,\"reason\":\"no\"}\n"
          "{\"t_ns\":9,\"seq\":8,\"host\":1,\"kind\":\"agent.registered\",\"session\":\"s1\"}\n"
          "{\"t_ns\":10,\"seq\":9,\"host\":0,\"kind\":\"task.assign\",\"task\":\"t1\",\"service\":\"s\",\"slot\":1,\"node\":\"w1\"}\n"
          "{\"t_ns\":12,\"seq\":10,\"host\":1,\"kind\":\"task.state\",\"task\":\"t1\",\"service\":\"s\",\"slot\":1,\"node\":\"w1\",\"state\":\"TASK_ACCEPTED\"}\n"
          "{\"t_ns\":13,\"seq\":11,\"host\":1,\"kind\":\"task.state\",\"task\":\"t1\",\"service\":\"s\",\"slot\":1,\"node\":\"w1\",\"state\":\"TASK_RUNNING\"}\n"
          "{\"t_ns\":14,\"seq\":12,\"host\":1,\"kind\":\"rpc.done\",\"call\":4,\"method\":\"Dispatcher.Heartbeat\",\"code\":\"OK\"}\n"),
      &t, &error))
      << error.line << ": " << error.message;
  Strings flows;
  for (const Flow& f : t.flows) {
    flows.push_back(f.name + " " + f.id + ": " + f.from.lane + "@" + std::to_string(f.from.at_ns) +
                    " " + f.from.what + " -> " + f.to.lane + "@" + std::to_string(f.to.at_ns) +
                    " " + f.to.what);
  }
  EXPECT_EQ(flows, (Strings{
                       "connect conn 3: w1@1 rpc.conn client CONNECTING -> m1@4 rpc.conn server READY",
                       "accept conn 3: m1@4 rpc.conn server READY -> w1@7 rpc.conn client READY",
                       "session s1: m1@8 dispatcher.register w1 -> w1@9 agent.registered",
                       "task t1: m1@10 task.assign to w1 -> w1@12 task.state TASK_ACCEPTED",
                   }));
  ASSERT_EQ(t.lanes[1].calls.size(), 1u);
  EXPECT_EQ(t.lanes[1].calls[0].tip, "Dispatcher.Heartbeat OK (call 4)");
}

// Markers say which host they concern (none for a step) and a step is named by its action.
TEST(TraceModelTest, MarkersNameTheirHostAndStepsTheirAction) {
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(
      ReadText("{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m1\"}\n"
               "{\"t_ns\":3,\"seq\":1,\"host\":-1,\"kind\":\"scenario.step\",\"action\":\"crash\",\"step\":2}\n"
               "{\"t_ns\":3,\"seq\":2,\"host\":0,\"kind\":\"host.crash\",\"incarnation\":1}\n"),
      &t, &error));
  ASSERT_EQ(t.markers.size(), 2u);
  EXPECT_EQ(t.markers[0].label, "step 2: crash");
  EXPECT_EQ(t.markers[0].lane, "");
  EXPECT_EQ(t.markers[1].label, "crash m1");
  EXPECT_EQ(t.markers[1].lane, "m1");
}

// People read host lists naturally: w2 before w10, whatever order the hosts were added in.
TEST(TraceModelTest, LanesAreSortedNaturallyManagersFirst) {
  TraceText trace;
  trace.Hosts({"w10", "w2", "m2", "w1", "m10"});
  trace.Add(0, 2, "manager.start", "\"raft_id\":1");
  trace.Add(0, 4, "manager.start", "\"raft_id\":2");
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(trace.Lines(), &t, &error)) << error.message;
  Strings names;
  for (const Lane& l : t.lanes) names.push_back(l.name);
  EXPECT_EQ(names, (Strings{"m2", "m10", "w1", "w2", "w10"}));
  EXPECT_EQ(t.managers, (Strings{"m2", "m10"}));
}

// After a step ran the runner traces what it did as scenario.note {step, text}: the first note
// of a step labels it, the others go in its tooltip; a note of no known step is a marker of its
// own; a step without notes (an older trace) keeps its action as its label.
TEST(TraceModelTest, StepsAreLabelledWithWhatTheirNotesSayTheyDid) {
  TraceText trace;
  trace.Hosts({"m1", "m2", "m3"});
  trace.Add(5, -1, "scenario.step", "\"action\":\"partition\",\"step\":1");
  trace.Add(5, -1, "scenario.note", "\"step\":1,\"text\":\"partition {m1} | {m2 m3}\"");
  trace.Add(8, -1, "scenario.step", "\"action\":\"crash\",\"step\":2");
  trace.Add(8, 1, "host.crash", "\"incarnation\":1");
  trace.Add(8, -1, "scenario.note", "\"step\":2,\"text\":\"crash m2 (rackA): power off\"");
  trace.Add(8, -1, "scenario.note", "\"step\":2,\"text\":\"crash m3 (rackA): power off\"");
  trace.Add(9, -1, "scenario.note", "\"text\":\"isolation of m1 ends\"");
  trace.Add(12, -1, "scenario.step", "\"action\":\"heal\",\"step\":3");
  trace.Add(13, -1, "scenario.note", "\"step\":4,\"text\":\"a step never traced\"");
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(trace.Lines(), &t, &error)) << error.message;
  Strings markers;
  for (const Marker& m : t.markers) {
    markers.push_back(std::to_string(m.at_ns) + " " + m.kind + ": " + m.label);
  }
  EXPECT_EQ(markers, (Strings{"5 scenario.step: partition {m1} | {m2 m3}",
                              "8 scenario.step: crash m2 (rackA): power off", "8 crash: crash m2",
                              "9 note: isolation of m1 ends", "12 scenario.step: step 3: heal",
                              "13 note: a step never traced"}));
  EXPECT_EQ(t.markers[0].tip, "step 1: partition (scenario.step action=partition, step=1)");
  EXPECT_EQ(t.markers[1].tip,
            "step 2: crash (scenario.step action=crash, step=2); crash m3 (rackA): power off");
}

// A service's lane counts its tasks from the workers' task.state records: running, starting,
// neither (finished); a crashed host's tasks are gone, a paused host's still run.
TEST(TraceModelTest, ServicesCountRunningAndStartingTasksOnHostsThatAreUp) {
  auto state = [](const std::string& task, const std::string& s) {
    return "\"task\":\"" + task + "\",\"service\":\"svc1\",\"slot\":1,\"node\":\"w\",\"state\":\"" +
           s + "\"";
  };
  TraceText trace;
  trace.Hosts({"m1", "w1", "w2"});
  trace.Add(0, 1, "host.start", "\"incarnation\":1");
  trace.Add(0, 2, "host.start", "\"incarnation\":1");
  trace.Add(10, 1, "task.state", state("t1", "TASK_ACCEPTED"));
  trace.Add(10, 2, "task.state", state("t2", "TASK_PREPARING"));
  trace.Add(20, 1, "task.state", state("t1", "TASK_RUNNING"));
  trace.Add(20, 2, "task.state", state("t2", "TASK_STARTING"));
  trace.Add(25, 2, "task.state", state("t2", "TASK_RUNNING"));
  trace.Add(30, 2, "host.pause", "\"incarnation\":1");
  trace.Add(40, 1, "host.crash", "\"incarnation\":1");
  trace.Add(50, 2, "task.state", state("t2", "TASK_SHUTDOWN"));
  trace.Add(60, 2, "task.state", state("t3", "TASK_RUNNING"));
  trace.Add(70, 0, "rpc.done", "\"call\":1,\"method\":\"Raft.ProcessRaftMessage\",\"code\":\"OK\"");
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(trace.Lines(), &t, &error)) << error.message;
  ASSERT_EQ(t.services.size(), 1u);
  EXPECT_EQ(t.services[0].id, "svc1");
  EXPECT_EQ(t.services[0].most, 2);
  Strings counts;
  for (const CountSegment& c : t.services[0].tasks) {
    counts.push_back("[" + std::to_string(c.begin_ns) + "," + std::to_string(c.end_ns) + ") " +
                     std::to_string(c.counts[0]) + " running " + std::to_string(c.counts[1]) +
                     " starting");
  }
  EXPECT_EQ(counts, (Strings{"[10,20) 0 running 2 starting", "[20,25) 1 running 1 starting",
                             "[25,40) 2 running 0 starting", "[40,50) 1 running 0 starting",
                             "[50,60) 0 running 0 starting", "[60,70) 1 running 0 starting"}));
}

TEST(TraceModelTest, Errors) {
  Timeline t;
  TraceError error;
  EXPECT_FALSE(BuildTimeline({}, &t, &error));
  EXPECT_EQ(error.message, "no trace records");

  EXPECT_FALSE(BuildTimeline(ReadText("{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"a\"}\n\n"
                                      "{\"t_ns\":1,\"seq\":1,\"kind\":\"b\"}\n"),
                             &t, &error));
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.message, "missing integer field \"host\"");

  EXPECT_FALSE(BuildTimeline(ReadText("{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":7}\n"), &t, &error));
  EXPECT_EQ(error.message, "missing string field \"kind\"");

  EXPECT_FALSE(BuildTimeline(ReadText("{\"t_ns\":5,\"seq\":0,\"host\":-1,\"kind\":\"a\"}\n"
                                      "{\"t_ns\":4,\"seq\":1,\"host\":-1,\"kind\":\"a\"}\n"),
                             &t, &error));
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.message, "t_ns 4 goes back in time (after 5)");
}

}  // namespace
}  // namespace viz
}  // namespace swarmsim
