// Test helper: a real sim::Trace with a CheckerSet installed on it, and shorthands for writing
// hand-made record sequences through the emitters (times in milliseconds).
#ifndef SWARMSIM_MODEL_CHECK_TEST_TRACE_H_
#define SWARMSIM_MODEL_CHECK_TEST_TRACE_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "model/check/checker_set.h"
#include "model/check/trace_emit.h"
#include "model/check/trace_schema.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace swarmsim {
namespace check {

inline constexpr uint64_t kTestSeed = 42;

inline CheckerOptions TestOptions() {
  CheckerOptions options;
  options.seed = kTestSeed;
  return options;
}

class TestTrace {
 public:
  TestTrace() : checkers_(TestOptions()) { checkers_.Install(&trace_); }

  // The sink for records at `ms` milliseconds on `host`.
  TraceAt At(int64_t ms, sim::HostId host) { return TraceAt(&trace_, Ms(ms), host); }
  static sim::Time Ms(int64_t ms) { return sim::Time::FromNanos(ms * 1000000); }

  // Kernel records, as sim/world.cc writes them.
  void Start(int64_t ms, sim::HostId host) {
    trace_.Append(Ms(ms), host, kind::kHostStart, {{field::kIncarnation, 1}});
  }
  void Stop(int64_t ms, sim::HostId host) {
    trace_.Append(Ms(ms), host, kind::kHostStop, {{field::kIncarnation, 1}});
  }
  void Crash(int64_t ms, sim::HostId host) {
    trace_.Append(Ms(ms), host, kind::kHostCrash,
                  {{field::kIncarnation, 1}, {"lost_bytes", 0}});
  }

  // Raft shorthands.
  void Boot(int64_t ms, sim::HostId host) {
    EmitRaftRestart(At(ms, host), RaftRecovery());
    EmitRaftState(At(ms, host), host + 1, 0, kRoleFollower, 0);
  }
  void Lead(int64_t ms, sim::HostId host, uint64_t term) {
    EmitRaftState(At(ms, host), host + 1, term, kRoleLeader, host + 1);
  }
  void Follow(int64_t ms, sim::HostId host, uint64_t term, sim::HostId leader) {
    EmitRaftState(At(ms, host), host + 1, term, kRoleFollower, leader + 1);
  }
  void Append(int64_t ms, sim::HostId host, uint64_t index, uint64_t term, const char* data) {
    EmitRaftAppend(At(ms, host), index, term, EntryDigest(data));
  }
  void Commit(int64_t ms, sim::HostId host, uint64_t index, uint64_t term) {
    EmitRaftCommit(At(ms, host), index, term);
  }
  void Apply(int64_t ms, sim::HostId host, uint64_t index, uint64_t term, const char* data) {
    EmitRaftApply(At(ms, host), index, term, EntryDigest(data));
  }

  sim::Trace& trace() { return trace_; }
  CheckerSet& checkers() { return checkers_; }

  // Finishes the run and expects every verdict to pass.
  void ExpectAllPass() {
    checkers_.Finish();
    for (const Verdict& v : checkers_.verdicts()) EXPECT_TRUE(v.passed) << v.ToString();
  }
  // Finishes the run; expects `name` violated and the trace well formed. Returns the verdict.
  Verdict ExpectViolated(const std::string& name) {
    checkers_.Finish();
    const Verdict v = checkers_.verdict(name);
    EXPECT_FALSE(v.passed) << v.ToString();
    if (name != kTraceWellFormed) {
      const Verdict wf = checkers_.verdict(kTraceWellFormed);
      EXPECT_TRUE(wf.passed) << wf.ToString();
    }
    EXPECT_FALSE(checkers_.passed());
    return v;
  }

 private:
  sim::Trace trace_;
  CheckerSet checkers_;
};

}  // namespace check
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CHECK_TEST_TRACE_H_
