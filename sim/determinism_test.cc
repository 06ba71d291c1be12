// Same seed => same trace, in one process. The cross-process half is
// determinism_cross_process_test.
#include <gtest/gtest.h>

#include "sim/random_workload.h"
#include "sim/trace.h"

namespace sim {
namespace {

TEST(DeterminismTest, SameSeedGivesSameDigestTwiceInOneProcess) {
  RandomWorkloadOptions options;
  options.seed = 7;
  RandomWorkloadRun a = RunRandomWorkload(options);
  RandomWorkloadRun b = RunRandomWorkload(options);
  EXPECT_EQ(a.counts->sent, 10000);
  auto diff = FirstDifference(a.world->trace(), b.world->trace());
  EXPECT_FALSE(diff.has_value()) << diff->description;
  EXPECT_EQ(a.world->trace().digest(), b.world->trace().digest());
  EXPECT_EQ(a.world->event_count(), b.world->event_count());
}

TEST(DeterminismTest, WorkloadExercisesEveryFault) {
  RandomWorkloadOptions options;
  options.seed = 7;
  RandomWorkloadRun run = RunRandomWorkload(options);
  const NetworkStats& stats = run.world->network().stats();
  EXPECT_GT(stats.dropped_loss, 0u);
  EXPECT_GT(stats.dropped_unreachable, 0u);
  EXPECT_GT(stats.duplicated, 0u);
  EXPECT_GT(stats.retransmitted, 0u);
  EXPECT_GT(run.counts->faults, 20);
  EXPECT_GT(run.counts->rpc_ok, 0);
  EXPECT_GT(run.counts->rpc_failed, 0);
  int crashes = 0, pauses = 0, stops = 0;
  for (uint64_t i = 0; i < run.world->trace().size(); ++i) {
    const TraceRecord r = run.world->trace().Get(i);
    if (r.kind == "host.crash") ++crashes;
    if (r.kind == "host.pause") ++pauses;
    if (r.kind == "host.stop") ++stops;
  }
  EXPECT_GT(crashes, 0);
  EXPECT_GT(pauses, 0);
  EXPECT_GT(stops, 0);
}

TEST(DeterminismTest, DifferentSeedsGiveDifferentTraces) {
  RandomWorkloadOptions options;
  options.message_count = 1000;
  options.seed = 1;
  RandomWorkloadRun a = RunRandomWorkload(options);
  options.seed = 2;
  RandomWorkloadRun b = RunRandomWorkload(options);
  EXPECT_NE(a.world->trace().digest(), b.world->trace().digest());
  EXPECT_TRUE(FirstDifference(a.world->trace(), b.world->trace()).has_value());
}

TEST(DeterminismTest, DigestDoesNotDependOnKeepingRecords) {
  RandomWorkloadOptions options;
  options.message_count = 1000;
  RandomWorkloadRun a = RunRandomWorkload(options);
  options.keep_records = false;
  RandomWorkloadRun b = RunRandomWorkload(options);
  EXPECT_EQ(a.world->trace().digest(), b.world->trace().digest());
}

}  // namespace
}  // namespace sim
