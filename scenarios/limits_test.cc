#include "scenarios/limits.h"

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "scenarios/loader.h"

namespace scenarios {
namespace {

// A scenario with `managers` + `workers` hosts for `duration`, loaded as a file would be.
Scenario Sized(int managers, int workers, const std::string& duration) {
  const std::string text = absl::StrCat("duration: \"", duration, "\"\ncluster {\n  managers: ",
                                        managers, "\n  workers: ", workers, "\n}\n");
  absl::StatusOr<Scenario> loaded = ParseScenario(text, "sized.textproto");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? *loaded : Scenario{};
}

TEST(LimitsTest, EstimateCountsHostHoursAndMemoryPerWorker) {
  const ResourceEstimate e = EstimateResources(Sized(3, 1000, "1h"));
  EXPECT_EQ(e.hosts, 1003);
  EXPECT_EQ(e.host_hours, 1003);
  // 16 MiB + 1,000 x 28 kB = 42.7 MiB, rounded up.
  EXPECT_EQ(e.memory_mib, 43);
  EXPECT_EQ(e.min_wall_seconds, 15);
}

// The run: it used to validate and then run silently towards 2.9 GB.
TEST(LimitsTest, EnormousRunIsRefusedNamingEachLimitEstimateAndOverride) {
  const absl::Status status = CheckResourceLimits(Sized(3, 100000, "100000h"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "sized.textproto:1:1: this run is too large to start by default: 100,003 hosts for "
            "100000h is 10,000,300,000 host-hours, over the limit of 10,000 (at the fastest "
            "measured rate, ~15 s per 1,000 host-hours, that is at least 4.8 years of wall "
            "time); pass --allow-large to run it anyway (docs/limits.md)\n"
            "sized.textproto:4:3: this run is too large to start by default: 100,000 workers "
            "need an estimated 2,687 MiB of memory (~28 kB per worker), over the limit of "
            "2,048 MiB; pass --allow-large to run it anyway (docs/limits.md)");
}

TEST(LimitsTest, HostHoursLimitIsInclusive) {
  EXPECT_TRUE(CheckResourceLimits(Sized(3, 97, "100h")).ok());  // exactly 10,000
  const absl::Status over = CheckResourceLimits(Sized(3, 97, "100h1s"));
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(absl::StrContains(over.message(), "10,001 host-hours, over the limit of 10,000"))
      << over.message();
  EXPECT_FALSE(absl::StrContains(over.message(), "MiB")) << "memory is within its limit";
}

TEST(LimitsTest, MemoryLimitIsInclusive) {
  EXPECT_TRUE(CheckResourceLimits(Sized(3, 76096, "1s")).ok());  // 2,048 MiB, rounded up
  const absl::Status over = CheckResourceLimits(Sized(3, 76097, "1s"));
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(absl::StartsWith(over.message(), "sized.textproto:4:3: "));
  EXPECT_TRUE(absl::StrContains(over.message(), "2,049 MiB of memory")) << over.message();
  EXPECT_FALSE(absl::StrContains(over.message(), "host-hours")) << "time is within its limit";
}

// Replicas cost the scheduler more than quadratic time: 20,000 of them ran for more than
// 10 minutes of a 30 s scenario. A scale step counts at its count, where it is written.
TEST(LimitsTest, ReplicasOverTheLimitAreRefusedAtTheLargestCount) {
  const std::string base =
      "duration: \"1m\"\ncluster { managers: 3 }\nservice { name: \"a\" replicas: 2000 }\n"
      "service { name: \"b\" replicas: 10 }\n";
  const absl::StatusOr<Scenario> within = ParseScenario(
      absl::StrCat(base, "step { at: \"10s\" scale_service { name: \"b\" replicas: 3000 } }\n"),
      "r.textproto");
  ASSERT_TRUE(within.ok()) << within.status();
  EXPECT_EQ(EstimateResources(*within).replicas, 5000);
  EXPECT_TRUE(CheckResourceLimits(*within).ok());
  const absl::StatusOr<Scenario> over = ParseScenario(
      absl::StrCat(base, "step { at: \"10s\" scale_service { name: \"b\" replicas: 3001 } }\n"),
      "r.textproto");
  ASSERT_TRUE(over.ok()) << over.status();
  const absl::Status status = CheckResourceLimits(*over);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::StartsWith(status.message(),
                               "r.textproto:5:1: this run is too large to start by default: its "
                               "services are given 5,001 replicas in all"))
      << status.message();
  EXPECT_TRUE(absl::StrContains(status.message(), "--allow-large"));
}

// A Scenario built in code has no positions: the message names the file alone.
TEST(LimitsTest, ScenarioBuiltInCodeIsNamedWithoutPosition) {
  Scenario s;
  s.file = "cluster_bench";
  s.duration = absl::Hours(1000);
  s.cluster.managers = 3;
  s.cluster.workers = 1000;
  const absl::Status status = CheckResourceLimits(s);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::StartsWith(status.message(), "cluster_bench: this run is too large"));
}

TEST(LimitsTest, LoadingAppliesTheLimitsUnlessAllowed) {
  const std::string file = "scenarios/testdata/too_large.textproto";
  const absl::StatusOr<Scenario> refused = LoadScenarioWithinLimits(file, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), absl::StrCat(file, ":4:1: ")));
  const absl::StatusOr<Scenario> allowed = LoadScenarioWithinLimits(file, true);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(allowed->cluster.workers, 100000);
  // Bad input is bad input whatever the flag.
  EXPECT_FALSE(LoadScenarioWithinLimits("scenarios/testdata/no_such_file", true).ok());
}

TEST(LimitsTest, RoughWallTimeReadsAtAGlance) {
  EXPECT_EQ(RoughWallTime(45), "45 s");
  EXPECT_EQ(RoughWallTime(12 * 60), "12 min");
  EXPECT_EQ(RoughWallTime(3 * 3600 + 1800), "3.5 h");
  EXPECT_EQ(RoughWallTime(41 * 86400), "41 days");
  EXPECT_EQ(RoughWallTime(int64_t{150004500}), "4.8 years");
}

}  // namespace
}  // namespace scenarios
