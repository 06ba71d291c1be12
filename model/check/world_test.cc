// The checkers on a real sim::World: emitters through a host's sim::Context, and the kernel's own
// host lifecycle records under the names trace_schema.h gives them.
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "model/check/checker_set.h"
#include "model/check/trace_emit.h"
#include "model/check/trace_schema.h"
#include "sim/context.h"
#include "sim/lambda_process.h"
#include "sim/world.h"

namespace swarmsim {
namespace check {
namespace {

// A process that starts a dispatcher for term 1 as soon as it starts.
sim::ProcessFactory DispatcherOfTermOne() {
  sim::LambdaProcessSpec spec;
  spec.on_start = [](sim::Context& ctx) {
    EmitDispatcherStart(
        [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
          ctx.Trace(kind, fields);
        },
        1);
  };
  return sim::LambdaFactory(spec);
}

TEST(WorldTest, KernelCrashEndsTheHostsDispatcher) {
  sim::World world;
  CheckerOptions options;
  options.seed = world.seed();
  CheckerSet checkers(options);
  checkers.Install(&world.trace());
  const sim::HostId m1 = world.AddHost("m1", DispatcherOfTermOne());
  const sim::HostId m2 = world.AddHost("m2", DispatcherOfTermOne());
  world.StartHost(m1);
  world.CrashHost(m1);  // The kernel traces host.crash: m1 runs no dispatcher any more.
  world.StartHost(m2);
  checkers.Finish();
  for (const Verdict& v : checkers.verdicts()) EXPECT_TRUE(v.passed) << v.ToString();
}

TEST(WorldTest, TwoRunningHostsInOneTermAreReported) {
  sim::World world;
  CheckerSet checkers;
  checkers.Install(&world.trace());
  const sim::HostId m1 = world.AddHost("m1", DispatcherOfTermOne());
  const sim::HostId m2 = world.AddHost("m2", DispatcherOfTermOne());
  world.StartHost(m1);
  world.StartHost(m2);
  checkers.Finish();
  const Verdict v = checkers.verdict(kOneDispatcherPerTerm);
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.hosts, (std::vector<sim::HostId>{m1, m2}));
  EXPECT_TRUE(checkers.verdict(kTraceWellFormed).passed);
}

}  // namespace
}  // namespace check
}  // namespace swarmsim
