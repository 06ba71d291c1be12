// dispatcher.unknown_grace: a node put in UNKNOWN by a starting dispatcher is expired only after
// 6 x (period - epsilon) = 27 s with SwarmKit's defaults (5 s, 500 ms).
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/check/test_trace.h"

namespace swarmsim {
namespace check {
namespace {

using ::testing::HasSubstr;

void Starting(TestTrace& t, int64_t ms, sim::HostId host) {
  t.trace().Append(TestTrace::Ms(ms), host, kind::kDispatcherStarting,
                   {{"node", "m1"}, {"session", ""}, {field::kDetail, "heartbeat_period=5s"}});
}
void Unknown(TestTrace& t, int64_t ms, sim::HostId host, const std::string& node) {
  t.trace().Append(TestTrace::Ms(ms), host, kind::kDispatcherNodeUnknown,
                   {{field::kNode, node}, {"session", ""}, {field::kDetail, "deadline_ns=0"}});
}
void Expired(TestTrace& t, int64_t ms, sim::HostId host, const std::string& node, bool unknown) {
  t.trace().Append(
      TestTrace::Ms(ms), host, kind::kDispatcherHeartbeatExpired,
      {{field::kNode, node},
       {"session", ""},
       {field::kDetail,
        unknown ? "heartbeat failure for node in \"unknown\" state" : "heartbeat failure"}});
}

TEST(UnknownGraceTest, ExpiryAfterTheSixfoldGracePasses) {
  TestTrace t;
  Starting(t, 1000, 0);
  Unknown(t, 1010, 0, "w1");
  Unknown(t, 1010, 0, "w2");
  Expired(t, 1010 + 27000, 0, "w1", true);  // the least grace: 6 x 4.5 s
  Expired(t, 1010 + 33000, 0, "w2", true);
  t.ExpectAllPass();
  EXPECT_THAT(t.checkers().verdict(kUnknownGrace).detail, HasSubstr("2 nodes expired"));
}

TEST(UnknownGraceTest, ExpiryAfterTheOrdinaryThreefoldGraceIsReported) {
  TestTrace t;
  Starting(t, 1000, 0);
  Unknown(t, 1010, 0, "w1");
  Expired(t, 1010 + 15000, 0, "w1", true);
  const Verdict v = t.ExpectViolated(kUnknownGrace);
  EXPECT_EQ(v.at, TestTrace::Ms(16010));
  EXPECT_THAT(v.detail, HasSubstr("expired node w1 from UNKNOWN after 15s"));
  EXPECT_THAT(v.detail, HasSubstr("at least 27s"));
}

TEST(UnknownGraceTest, ANodeThatRegisteredSinceHasTheOrdinaryGrace) {
  TestTrace t;
  Starting(t, 1000, 0);
  Unknown(t, 1010, 0, "w1");
  Expired(t, 1010 + 15000, 0, "w1", false);  // registered, then stopped heartbeating
  t.ExpectAllPass();
}

TEST(UnknownGraceTest, AClockSetDuringTheGraceIsNotJudged) {
  TestTrace t;
  Starting(t, 1000, 0);
  Unknown(t, 1010, 0, "w1");
  t.trace().Append(TestTrace::Ms(2000), 0, kind::kHostClock,
                   {{field::kOffsetNs, 0}, {field::kDriftPpm, 50000}});
  Expired(t, 1010 + 26000, 0, "w1", true);
  t.ExpectAllPass();
}

// A clock that runs 5 % fast fires a 27 s local grace after 25.7 s of simulated time: drift set
// long before the mark still changes the rate.
TEST(UnknownGraceTest, AClockDriftingSinceBeforeTheMarkIsNotJudged) {
  TestTrace t;
  t.trace().Append(TestTrace::Ms(10), 0, kind::kHostClock,
                   {{field::kOffsetNs, 0}, {field::kDriftPpm, 50000}});
  Starting(t, 1000, 0);
  Unknown(t, 1010, 0, "w1");
  Expired(t, 1010 + 25715, 0, "w1", true);
  t.ExpectAllPass();
}

TEST(UnknownGraceTest, AClockBackAtTheTrueRateIsJudgedAgain) {
  TestTrace t;
  t.trace().Append(TestTrace::Ms(10), 0, kind::kHostClock,
                   {{field::kOffsetNs, 0}, {field::kDriftPpm, 50000}});
  t.trace().Append(TestTrace::Ms(500), 0, kind::kHostClock,
                   {{field::kOffsetNs, 0}, {field::kDriftPpm, 0}});
  Starting(t, 1000, 0);
  Unknown(t, 1010, 0, "w1");
  Expired(t, 1010 + 20000, 0, "w1", true);
  t.ExpectViolated(kUnknownGrace);
}

TEST(UnknownGraceTest, ARestartedManagerForgetsItsMarks) {
  TestTrace t;
  Starting(t, 1000, 0);
  Unknown(t, 1010, 0, "w1");
  t.Crash(2000, 0);
  t.Start(3000, 0);
  Expired(t, 4000, 0, "w1", true);  // no dispatcher.node.unknown of this process: not judged
  t.ExpectAllPass();
}

}  // namespace
}  // namespace check
}  // namespace swarmsim
