#include "viz/shiviz.h"

#include <string>

#include "gtest/gtest.h"
#include "viz/test_trace.h"
#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {
namespace {

// A registration travels from m1's dispatcher to w1's agent: the receive merges m1's clock, so
// w1's event after it knows of m1's events up to the send; each host counts its own events.
TEST(ShiVizTest, AReceiveMergesTheSendersClock) {
  Timeline t;
  TraceError error;
  ASSERT_TRUE(BuildTimeline(
      ReadText(
          "{\"t_ns\":0,\"seq\":0,\"host\":-1,\"kind\":\"host.add\",\"host_id\":0,\"name\":\"m1\"}\n"
          "{\"t_ns\":0,\"seq\":1,\"host\":-1,\"kind\":\"host.add\",\"host_id\":1,\"name\":\"w1\"}\n"
          "{\"t_ns\":0,\"seq\":2,\"host\":0,\"kind\":\"host.start\",\"incarnation\":1}\n"
          "{\"t_ns\":0,\"seq\":3,\"host\":1,\"kind\":\"host.start\",\"incarnation\":1}\n"
          "{\"t_ns\":8,\"seq\":4,\"host\":0,\"kind\":\"dispatcher.register\",\"node\":\"w1\",\"session\":\"s1\",\"accepted\":1,\"reason\":\"\"}\n"
          "{\"t_ns\":1000000009,\"seq\":5,\"host\":1,\"kind\":\"agent.registered\",\"session\":\"s1\"}\n"
          "{\"t_ns\":2000000000,\"seq\":6,\"host\":-1,\"kind\":\"scenario.step\",\"action\":\"crash\",\"step\":1}\n"),
      &t, &error));
  const std::string log = RenderShiViz(t);
  EXPECT_EQ(log,
            std::string(kShiVizRegex) + "\n\n" +
                "0.000000000s host up: m1 up, incarnation 1\n"
                "m1 {\"m1\":1}\n"
                "0.000000000s host up: w1 up, incarnation 1\n"
                "w1 {\"w1\":1}\n"
                "0.000000008s send session s1: dispatcher.register w1 -> w1\n"
                "m1 {\"m1\":2}\n"
                "1.000000009s receive session s1: agent.registered <- m1\n"
                "w1 {\"m1\":2, \"w1\":2}\n"
                "1.000000009s agent session: w1: session s1 with \n"
                "w1 {\"m1\":2, \"w1\":3}\n"
                "2.000000000s step 1: crash: scenario.step action=crash, step=1\n"
                "scenario {\"scenario\":1}\n");
}

}  // namespace
}  // namespace viz
}  // namespace swarmsim
