// The cost of a commit as a scenario sees it (README, "What a commit costs"): a 3-manager
// cluster on 1 ms links elects its first leader, whose empty entry (index 4, after the three
// bootstrap entries) is committed after four WAL fsyncs in a row: the candidate's term and vote,
// the voter's, the leader's entry, the follower's copy. The seed fixes when the election starts,
// so the commit moves by exactly 4 x sync_latency with the disk.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "scenarios/duration.h"
#include "scenarios/loader.h"
#include "scenarios/runner.h"

namespace scenarios {
namespace {

// When the first leader's empty entry is committed, with `disk` as the cluster's disk section.
absl::Duration FirstCommitAt(const std::string& disk) {
  const std::string text = absl::StrCat(R"(
    seed: 3
    duration: "40s"
    cluster { managers: 3 )",
                                        disk, R"( }
    expect {
      name: "first leader's entry committed"
      eventually { within: "40s" }
      committed { min_index: 4 }
    })");
  const absl::StatusOr<Scenario> scenario = ParseScenario(text, "disk_commit.textproto");
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  if (!scenario.ok()) return absl::InfiniteDuration();
  const RunOutput out = RunScenario(*scenario, RunOptions());
  EXPECT_TRUE(out.result.passed) << out.result.error;
  EXPECT_EQ(out.result.expectations.size(), 1u);
  if (out.result.expectations.empty() || out.result.expectations[0].at_ns < 0) {
    return absl::InfiniteDuration();
  }
  return absl::Nanoseconds(out.result.expectations[0].at_ns);
}

TEST(DiskCommitTest, CommitWaitsForFourFsyncsOfTheElection) {
  const absl::Duration instant = FirstCommitAt(R"(disk { sync_latency: "0s" })");
  const absl::Duration by_default = FirstCommitAt("");
  const absl::Duration slow = FirstCommitAt(R"(disk { sync_latency: "20ms" })");
  ASSERT_NE(instant, absl::InfiniteDuration());
  EXPECT_EQ(by_default - instant, 4 * absl::Milliseconds(1)) << FormatDurationExact(by_default);
  EXPECT_EQ(slow - instant, 4 * absl::Milliseconds(20)) << FormatDurationExact(slow);
}

// host_disk wins over disk for the hosts it names: every manager overridden back to 1 ms
// commits exactly as the default does.
TEST(DiskCommitTest, HostDiskOverridesTheClusterDisk) {
  const absl::Duration overridden = FirstCommitAt(R"(
      disk { sync_latency: "50ms" }
      host_disk { hosts: ["m1", "m2", "m3"] sync_latency: "1ms" })");
  EXPECT_EQ(overridden, FirstCommitAt(""));
  EXPECT_EQ(FirstCommitAt(R"(disk { sync_latency: "50ms" })") - FirstCommitAt(""),
            4 * absl::Milliseconds(49));
}

}  // namespace
}  // namespace scenarios
