// Steps that fire on protocol events (`step { trigger { ... } }`) and the set_disk step, as a run
// carries them out: when a trigger fires, on which record, what a trigger that never fires does,
// and how a slower disk shows in commit latency from the step on. Also what every step leaves in
// the trace: its record, then what it did as notes.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scenarios/loader.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"

namespace scenarios {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMs = 1000 * 1000;
constexpr int64_t kSecond = 1000 * kMs;

RunOutput RunText(const std::string& body, bool keep_records = true) {
  const absl::StatusOr<Scenario> scenario = ParseScenario(body, "trigger.textproto");
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  if (!scenario.ok()) return RunOutput();
  RunOptions options;
  options.keep_trace_records = keep_records;
  return RunScenario(*scenario, options);
}

// Records of `kind` from `host` (sim host id: m1 = 0, m2 = 1, ...), in trace order.
std::vector<sim::TraceRecord> Records(const sim::Trace& trace, const std::string& kind,
                                      sim::HostId host) {
  std::vector<sim::TraceRecord> out;
  for (uint64_t i = 0; i < trace.size(); ++i) {
    sim::TraceRecord r = trace.Get(i);
    if (r.kind == kind && (host == sim::kNoHost || r.host == host)) out.push_back(std::move(r));
  }
  return out;
}

constexpr sim::HostId kM2 = 1;

// m2 votes for the first candidate (seed 1: m2 is not the first to campaign); 1 ms after the
// answer leaves, m2 loses power. The label binds when the step fires: the restart at 60 s finds it.
constexpr char kCrashAfterVote[] = R"(
  seed: 1
  duration: "90s"
  cluster { managers: 3 }
  step { at: "0s" trigger { event: "raft.vote" node: "m2" where: "granted=1" delay: "1ms" }
         crash { node: "m2" label: "voter" } }
  step { at: "60s" restart { node: "voter" } }
  expect { name: "a leader" eventually { after: "60s" within: "30s" } leader {} }
)";

TEST(TriggerTest, TriggeredCrashFiresRightAfterTheVote) {
  const RunOutput out = RunText(kCrashAfterVote);
  ASSERT_NE(out.trace, nullptr);
  EXPECT_TRUE(out.result.passed) << FailureSummary(out.result);
  const std::vector<sim::TraceRecord> votes = Records(*out.trace, "raft.vote", kM2);
  std::optional<sim::TraceRecord> granted;
  for (const sim::TraceRecord& v : votes) {
    if (v.Int("granted") == 1) {
      granted = v;
      break;
    }
  }
  ASSERT_TRUE(granted.has_value()) << "m2 never granted a vote with this seed";
  ASSERT_EQ(out.result.triggers.size(), 1u);
  const TriggerResult& t = out.result.triggers[0];
  EXPECT_EQ(t.record_ns, granted->at.nanos());
  EXPECT_EQ(t.record_host, "m2");
  EXPECT_EQ(t.fired_ns, granted->at.nanos() + kMs);
  const std::vector<sim::TraceRecord> crashes = Records(*out.trace, "host.crash", kM2);
  ASSERT_FALSE(crashes.empty());
  EXPECT_EQ(crashes[0].at.nanos(), granted->at.nanos() + kMs);
  EXPECT_EQ(Records(*out.trace, "host.start", kM2).size(), 2u) << "the restart found the label";
}

TEST(TriggerTest, RaftVoteRecordsTheAnswerThatElectedTheLeader) {
  const RunOutput out = RunText(R"(
    seed: 1
    duration: "30s"
    cluster { managers: 3 }
  )");
  ASSERT_NE(out.trace, nullptr);
  ASSERT_FALSE(out.result.leaders.empty());
  const LeaderChange& first = out.result.leaders[0];
  const uint64_t leader_raft_id = static_cast<uint64_t>(first.node[1] - '0');
  int granted_to_leader = 0;
  for (const sim::TraceRecord& v : Records(*out.trace, "raft.vote", sim::kNoHost)) {
    EXPECT_EQ(v.Int("pre_vote"), 0);  // pre_vote is off by default
    if (v.Int("granted") == 1 && static_cast<uint64_t>(v.Int("candidate")) == leader_raft_id &&
        static_cast<uint64_t>(v.Int("term")) == first.term) {
      ++granted_to_leader;
    }
  }
  EXPECT_GE(granted_to_leader, 1) << "the leader of term " << first.term << " got no vote";
}

TEST(TriggerTest, TriggerNeverFiredIsReportedNotFailed) {
  const RunOutput out = RunText(R"(
    duration: "20s"
    cluster { managers: 3 }
    step { at: "1s" trigger { event: "host.crash" } restart { node: "m1" } }
    expect { name: "a leader" eventually { within: "20s" } leader {} }
  )", /*keep_records=*/false);
  EXPECT_TRUE(out.result.passed) << FailureSummary(out.result);
  ASSERT_EQ(out.result.triggers.size(), 1u);
  EXPECT_EQ(out.result.triggers[0].fired_ns, -1);
  EXPECT_EQ(out.result.triggers[0].record_ns, -1);
  EXPECT_EQ(TriggerOutcome(out.result.triggers[0]), "never fired");
  EXPECT_THAT(SummaryJson(out.result), HasSubstr("\"outcome\":\"never fired\""));
  EXPECT_THAT(HumanReport(out.result), HasSubstr("never fired: no matching record"));
}

TEST(TriggerTest, RecordTooLateForUntilDisarmsTheTrigger) {
  // The only host.crash record is at 10 s, after the trigger's `until` (9 s): the restart armed
  // on it is disarmed and never runs.
  const RunOutput out = RunText(R"(
    seed: 1
    duration: "40s"
    cluster { managers: 3 }
    step { at: "5s" trigger { event: "host.crash" until: "9s" } restart { node: "m1" } }
    step { at: "10s" crash { node: "m1" } }
  )", /*keep_records=*/false);
  ASSERT_EQ(out.result.triggers.size(), 1u);
  EXPECT_EQ(out.result.triggers[0].fired_ns, -1);
  EXPECT_EQ(out.result.triggers[0].record_ns, 10 * kSecond);
  EXPECT_TRUE(out.result.triggers[0].too_late);
  EXPECT_EQ(TriggerOutcome(out.result.triggers[0]), "never fired");
  EXPECT_THAT(HumanReport(out.result), HasSubstr("too late for the trigger's until"));
}

TEST(TriggerTest, StepOnNoLeaderFailsTheRunUnlessSkipIfUnresolved) {
  // At 0 s no leader is elected yet.
  const std::string body = R"(
    duration: "20s"
    cluster { managers: 3 }
    step { at: "0s" SKIP crash { node: "leader" } }
  )";
  std::string failing = body;
  failing.replace(failing.find("SKIP"), 4, "");
  const RunOutput failed = RunText(failing, /*keep_records=*/false);
  EXPECT_THAT(failed.result.error, HasSubstr("(crash)"));
  std::string skipping = body;
  skipping.replace(skipping.find("SKIP"), 4, "skip_if_unresolved: true");
  const RunOutput skipped = RunText(skipping, /*keep_records=*/false);
  EXPECT_EQ(skipped.result.error, "");
  EXPECT_TRUE(skipped.result.passed) << FailureSummary(skipped.result);
  EXPECT_THAT(HumanReport(skipped.result), HasSubstr("(crash) skipped"));
}

TEST(TriggerTest, UntilNotAfterAtIsAnError) {
  const absl::StatusOr<Scenario> scenario = ParseScenario(R"(
    duration: "40s"
    cluster { managers: 3 }
    step { at: "5s" trigger { event: "host.crash" until: "5s" } restart { node: "m1" } }
  )", "until.textproto");
  ASSERT_FALSE(scenario.ok());
  EXPECT_THAT(std::string(scenario.status().message()),
              HasSubstr("until: 5s is not after the step's at (5s)"));
}

// The first leader signals within the first 20 s; the one elected after the crash at 30 s is the
// first leadership record at or after 20 s, where the second trigger is armed.
TEST(TriggerTest, TriggerArmedOnlyFromAt) {
  const RunOutput out = RunText(R"(
    seed: 1
    duration: "80s"
    cluster { managers: 3 }
    step { at: "0s" trigger { event: "manager.leadership" where: "leader=1" } heal {} }
    step { at: "20s" trigger { event: "manager.leadership" where: "leader=1" } heal {} }
    step { at: "30s" crash { node: "leader" } }
  )", /*keep_records=*/false);
  ASSERT_EQ(out.result.triggers.size(), 2u);
  ASSERT_GE(out.result.leaders.size(), 2u);
  EXPECT_LT(out.result.triggers[0].record_ns, 20 * kSecond);
  EXPECT_EQ(out.result.triggers[0].fired_ns, out.result.triggers[0].record_ns);
  EXPECT_GT(out.result.triggers[1].record_ns, 30 * kSecond);
  EXPECT_EQ(out.result.triggers[1].record_ns, out.result.leaders[1].at_ns);
}

TEST(TriggerTest, WhereMatchesFieldValues) {
  const RunOutput out = RunText(R"(
    seed: 1
    duration: "60s"
    cluster { managers: 3 workers: 2 }
    service { name: "web" replicas: 2 }
    step { at: "0s" trigger { event: "raft.vote" where: "pre_vote=1" } heal {} }
    step { at: "0s" trigger { event: "raft.vote" where: "granted=1" where: "pre_vote=0" } heal {} }
    step { at: "0s" trigger { event: "task.state" where: "state=TASK_RUNNING" }
           heal {} }
  )");
  ASSERT_NE(out.trace, nullptr);
  ASSERT_EQ(out.result.triggers.size(), 3u);
  EXPECT_EQ(out.result.triggers[0].fired_ns, -1) << "pre-vote is off: no pre-vote answer";
  const std::vector<sim::TraceRecord> votes = Records(*out.trace, "raft.vote", sim::kNoHost);
  ASSERT_FALSE(votes.empty());
  int64_t first_granted = -1;
  for (const sim::TraceRecord& v : votes) {
    if (v.Int("granted") == 1) {
      first_granted = v.at.nanos();
      break;
    }
  }
  EXPECT_EQ(out.result.triggers[1].record_ns, first_granted);
  int64_t first_running = -1;
  std::string running_host;
  for (const sim::TraceRecord& r : Records(*out.trace, "task.state", sim::kNoHost)) {
    if (r.Str("state") == "TASK_RUNNING") {
      first_running = r.at.nanos();
      running_host = std::vector<std::string>{"m1", "m2", "m3", "w1", "w2"}.at(r.host);
      break;
    }
  }
  ASSERT_GE(first_running, 0) << "no task ran";
  EXPECT_EQ(out.result.triggers[2].record_ns, first_running);
  EXPECT_EQ(out.result.triggers[2].record_host, running_host);
}

// The rule at one instant: a timed step runs before a triggered step that fires at its instant.
TEST(TriggerTest, TimedStepRunsBeforeATriggeredStepAtTheSameInstant) {
  const std::string trigger =
      R"(step { at: "0s" trigger { event: "raft.vote" node: "m2" delay: "5ms" } heal {} })";
  const RunOutput probe = RunText(absl::StrCat("duration: \"30s\" cluster { managers: 3 }\n", trigger),
                              /*keep_records=*/false);
  ASSERT_EQ(probe.result.triggers.size(), 1u);
  const int64_t fire_ns = probe.result.triggers[0].fired_ns;
  ASSERT_GT(fire_ns, 0);
  const RunOutput out = RunText(
      absl::StrCat("duration: \"30s\" cluster { managers: 3 }\n", trigger, "\nstep { at: \"",
                   fire_ns, "ns\" set_network { latency: \"1ms\" } }\n"));
  ASSERT_NE(out.trace, nullptr);
  ASSERT_EQ(out.result.triggers.size(), 1u);
  EXPECT_EQ(out.result.triggers[0].fired_ns, fire_ns);
  std::vector<std::string> order;
  for (const sim::TraceRecord& r : Records(*out.trace, "scenario.step", sim::kNoHost)) {
    if (r.at.nanos() == fire_ns) order.push_back(r.Str("action"));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"set_network", "heal"}));
}

// A control call's answer waits for the leader's and a follower's fsync: 50 ms disks from 20 s on
// add about 2 x 49 ms to a call at 30 s, and leave the first election (before 20 s) as it was.
TEST(TriggerTest, SetDiskSlowsSyncFromThenOn) {
  auto run = [](bool slow) {
    return RunText(absl::StrCat(R"(
      seed: 2
      duration: "40s"
      cluster { managers: 3 workers: 1 }
      service { name: "web" replicas: 1 }
    )", slow ? R"(step { at: "20s" set_disk { node: "m1" sync_latency: "50ms" } }
                  step { at: "20s" set_disk { node: "m2" sync_latency: "50ms" } }
                  step { at: "20s" set_disk { node: "m3" sync_latency: "50ms" } })"
             : "",
                            R"(
      step { at: "30s" scale_service { name: "web" replicas: 2 } }
      expect { name: "first commit" eventually { within: "20s" } committed { min_index: 4 } }
    )"), /*keep_records=*/false);
  };
  const RunOutput fast = run(false);
  const RunOutput slow = run(true);
  ASSERT_EQ(fast.result.control_calls.size(), 1u);
  ASSERT_EQ(slow.result.control_calls.size(), 1u);
  const int64_t fast_ns = fast.result.control_calls[0].answered_ns - 30 * kSecond;
  const int64_t slow_ns = slow.result.control_calls[0].answered_ns - 30 * kSecond;
  EXPECT_EQ(fast.result.control_calls[0].outcome, "done");
  EXPECT_EQ(slow.result.control_calls[0].outcome, "done");
  // Two fsyncs 49 ms longer each, less what they overlap with the 1 ms network hops.
  EXPECT_GE(slow_ns - fast_ns, 2 * 45 * kMs) << fast_ns << " vs " << slow_ns;
  ASSERT_EQ(fast.result.expectations.size(), 1u);
  EXPECT_EQ(slow.result.expectations[0].at_ns, fast.result.expectations[0].at_ns);
}

// The latency belongs to the host: a crash and restart keep the slow disk.
TEST(TriggerTest, SetDiskOutlivesARestart) {
  auto run = [](bool slow) {
    return RunText(absl::StrCat(R"(
      seed: 2
      duration: "90s"
      cluster { managers: 3 }
    )", slow ? R"(step { at: "5s" set_disk { node: "m1" sync_latency: "50ms" } }
                  step { at: "5s" set_disk { node: "m2" sync_latency: "50ms" } }
                  step { at: "5s" set_disk { node: "m3" sync_latency: "50ms" } })"
             : "",
                            R"(
      step { at: "30s" crash { node: "m1" } }
      step { at: "30s" crash { node: "m2" } }
      step { at: "30s" crash { node: "m3" } }
      step { at: "31s" restart { node: "m1" } }
      step { at: "31s" restart { node: "m2" } }
      step { at: "31s" restart { node: "m3" } }
      expect { name: "a leader again" eventually { after: "31s" within: "50s" } leader {} }
    )"), /*keep_records=*/false);
  };
  const RunOutput fast = run(false);
  const RunOutput slow = run(true);
  ASSERT_EQ(fast.result.expectations.size(), 1u);
  ASSERT_EQ(slow.result.expectations.size(), 1u);
  ASSERT_TRUE(fast.result.expectations[0].passed);
  ASSERT_TRUE(slow.result.expectations[0].passed);
  // The election after the restart takes at least the candidate's and a voter's fsync longer.
  EXPECT_GE(slow.result.expectations[0].at_ns - fast.result.expectations[0].at_ns, 2 * 45 * kMs);
}

// After its scenario.step record a step traces what it did as the report's timeline says it, one
// scenario.note {step, text} per line, at the same instant: selectors are resolved there, which
// the step record cannot say (viz labels the step's marker with the first note).
TEST(TriggerTest, StepsTraceWhatTheyDidAsNotes) {
  const RunOutput out = RunText(R"(
    seed: 3
    duration: "40s"
    cluster { managers: 3 workers: 1 }
    step { at: "10s" partition { side { nodes: ["m1"] } side { nodes: ["m2", "m3", "w1"] } } }
    step { at: "20s" heal {} }
    expect { name: "a leader" eventually { after: "30s" within: "10s" } leader {} }
  )");
  ASSERT_NE(out.trace, nullptr);
  std::vector<std::string> seen;
  for (uint64_t i = 0; i < out.trace->size(); ++i) {
    const sim::TraceRecord r = out.trace->Get(i);
    if (r.kind == "scenario.step") {
      seen.push_back(absl::StrCat(r.at.nanos() / kSecond, "s step ", r.Int("step"), " ",
                                  r.Str("action")));
    } else if (r.kind == "scenario.note") {
      seen.push_back(absl::StrCat(r.at.nanos() / kSecond, "s note ", r.Int("step"), " ",
                                  r.Str("text")));
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "10s step 1 partition", "10s note 1 partition {m1} | {m2 m3 w1}",
                      "20s step 2 heal",
                      "20s note 2 heal: every partition, cut and isolation removed"}));
}

}  // namespace
}  // namespace scenarios
