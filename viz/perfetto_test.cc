#include "viz/perfetto.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "viz/test_trace.h"
#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {
namespace {

TEST(PerfettoTest, MicrosAreExactDecimalsOfTheNanoseconds) {
  EXPECT_EQ(Micros(0), "0.000");
  EXPECT_EQ(Micros(7), "0.007");
  EXPECT_EQ(Micros(17148593504), "17148593.504");
  EXPECT_EQ(Micros(-1500), "-1.500");
  EXPECT_EQ(Micros(INT64_MIN), "-9223372036854775.808");
}

Timeline Build(const std::string& text) {
  Timeline t;
  TraceError error;
  EXPECT_TRUE(BuildTimeline(ReadText(text), &t, &error)) << error.line << ": " << error.message;
  return t;
}

// Every host is a process named after it; its rows are named threads; spans are X events.
TEST(PerfettoTest, HostsAreNamedProcessesWithARowPerThread) {
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(ReadSmallTrace(), &t, &error));
  const std::string json = RenderPerfetto(t, PerfettoOptions{"small.jsonl", ""});
  EXPECT_NE(json.find("\"args\":{\"name\":\"cluster\"}"), std::string::npos);
  for (const Lane& l : t.lanes) {
    const std::string name = l.manager ? l.name + " (manager)" : l.name;
    EXPECT_EQ(Count(json, "\"process_name\",\"ph\":\"M\""), static_cast<int>(t.lanes.size()) + 1);
    EXPECT_NE(json.find("\"args\":{\"name\":\"" + name + "\"}"), std::string::npos) << name;
  }
  EXPECT_NE(json.find("\"args\":{\"name\":\"raft\"}"), std::string::npos);
  EXPECT_NE(json.find("\"args\":{\"name\":\"node status\"}"), std::string::npos);
  EXPECT_NE(json.find("\"args\":{\"name\":\"agent\"}"), std::string::npos);
  EXPECT_NE(json.find("\"name\":\"leader t2\",\"cat\":\"raft\",\"ph\":\"X\""), std::string::npos);
  EXPECT_EQ(Count(json, "\"ph\":\"B\""), 0);  // complete events only: nothing to unbalance
  EXPECT_NE(json.find("\"otherData\":{\"source\":\"small.jsonl\"}"), std::string::npos);
}

// `ts` is in microseconds with or without displayTimeUnit, but Perfetto builds before 2022 read
// that field as the unit of `ts`; leaving it out (its value was the default) reads the same
// everywhere.
TEST(PerfettoTest, ExportLeavesTimeUnitToTheFormatsDefault) {
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(ReadSmallTrace(), &t, &error));
  const std::string json = RenderPerfetto(t, PerfettoOptions{"small.jsonl", ""});
  EXPECT_EQ(json.find("displayTimeUnit"), std::string::npos);
  EXPECT_EQ(json.rfind("{\"otherData\":", 0), 0u);
}

TEST(PerfettoTest, FlowsAreZeroLengthSlicesSharingABindId) {
  const Timeline t = Build(
      "{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m1\"}\n"
      "{\"t_ns\":0,\"seq\":1,\"host\":-1,\"kind\":\"host.add\",\"host_id\":1,\"name\":\"w1\"}\n"
      "{\"t_ns\":8000,\"seq\":2,\"host\":0,\"kind\":\"dispatcher.register\",\"node\":\"w1\",\"session\":\"s1\",\"accepted\":1,\"reason\":\"\"}\n"
      "{\"t_ns\":9500,\"seq\":3,\"host\":1,\"kind\":\"agent.registered\",\"session\":\"s1\"}\n");
  ASSERT_EQ(t.flows.size(), 1u);
  const std::string json = RenderPerfetto(t, PerfettoOptions{});
  // m1 is lane 0 (pid 2), w1 lane 1 (pid 3); the rpc row is thread 5 of each.
  EXPECT_NE(json.find("{\"name\":\"session s1\",\"cat\":\"flow\",\"ph\":\"X\",\"ts\":8.000,"
                      "\"pid\":2,\"tid\":37,\"dur\":0.000,\"bind_id\":1,\"flow_out\":true,"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"name\":\"session s1\",\"cat\":\"flow\",\"ph\":\"X\",\"ts\":9.500,"
                      "\"pid\":3,\"tid\":53,\"dur\":0.000,\"bind_id\":1,\"flow_in\":true,"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"pid\":3,\"tid\":53,\"args\":{\"name\":\"rpc\"}"), std::string::npos);
}

// Events are written in time order whatever order the rows were visited in, so every track's
// timestamps are monotonic; faults land on their host's track, steps on the global track.
TEST(PerfettoTest, EventsAreInTimeOrderWithFaultsOnTheirHost) {
  const Timeline t = Build(
      "{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m1\"}\n"
      "{\"t_ns\":0,\"seq\":1,\"host\":0,\"kind\":\"host.start\",\"incarnation\":1}\n"
      "{\"t_ns\":2000,\"seq\":2,\"host\":-1,\"kind\":\"scenario.step\",\"action\":\"crash\",\"step\":1}\n"
      "{\"t_ns\":2000,\"seq\":3,\"host\":0,\"kind\":\"host.crash\",\"incarnation\":1}\n"
      "{\"t_ns\":3000,\"seq\":4,\"host\":0,\"kind\":\"host.start\",\"incarnation\":2}\n"
      "{\"t_ns\":4000,\"seq\":5,\"host\":0,\"kind\":\"rpc.done\",\"call\":1,\"method\":\"M\",\"code\":\"OK\"}\n");
  const std::string json = RenderPerfetto(t, PerfettoOptions{"t", "t:9: cut"});
  std::vector<std::string> order;
  // At one instant, a row's slices come before its instants (both orders are valid).
  for (const char* name : {"\"name\":\"up\"", "\"name\":\"step 1: crash\"", "\"name\":\"crashed\"",
                           "\"name\":\"crash m1\"", "\"name\":\"restart m1\"", "\"name\":\"M OK\""}) {
    order.push_back(name);
  }
  size_t last = 0;
  for (const std::string& name : order) {
    const size_t at = json.find(name);
    ASSERT_NE(at, std::string::npos) << name;
    EXPECT_GT(at, last) << name << " out of time order";
    last = at;
  }
  EXPECT_NE(json.find("\"name\":\"step 1: crash\",\"cat\":\"step\",\"ph\":\"i\",\"ts\":2.000,"
                      "\"pid\":1,\"tid\":18,\"s\":\"g\""),
            std::string::npos);
  EXPECT_NE(json.find("\"name\":\"crash m1\",\"cat\":\"fault\",\"ph\":\"i\",\"ts\":2.000,"
                      "\"pid\":2,\"tid\":33,\"s\":\"t\""),
            std::string::npos);
  EXPECT_NE(json.find("\"warning\":\"t:9: cut\""), std::string::npos);
}

TEST(PerfettoTest, NamesAreEscapedAsJson) {
  const Timeline t = Build(
      "{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m\\\"1\\u0007\"}\n"
      "{\"t_ns\":0,\"seq\":1,\"host\":0,\"kind\":\"host.start\",\"incarnation\":1}\n");
  const std::string json = RenderPerfetto(t, PerfettoOptions{});
  EXPECT_NE(json.find("\"args\":{\"name\":\"m\\\"1\\u0007\"}"), std::string::npos) << json;
}

}  // namespace
}  // namespace viz
}  // namespace swarmsim
