// WellFormedChecker ("trace.well_formed"): the trace keeps the contract of trace_schema.h, so that
// the other verdicts mean something. Reports, without judging the protocol:
//   - a record of a schema kind with a required field missing, of the wrong type, negative where a
//     count is required, or not 0/1 where a flag is; or traced by no host (sim::kNoHost);
//   - Raft records out of sequence: an append that leaves a gap or lands in the compacted prefix,
//     a commit beyond the traced log, a compaction beyond it, a restart whose numbers disagree,
//     recovered entries that do not follow one another, or a restart's recovery left incomplete
//     (another Raft record from the host, a stop/crash, or the end of the trace before its
//     last recovered entry).
// CheckFields runs first on every record; the CheckerSet passes a record to no one else when it
// fails, so other checkers may read required fields without checking them.
#ifndef SWARMSIM_MODEL_CHECK_WELL_FORMED_H_
#define SWARMSIM_MODEL_CHECK_WELL_FORMED_H_

#include "model/check/checker.h"
#include "model/check/raft_logs.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {

class WellFormedChecker : public Checker {
 public:
  explicit WellFormedChecker(const RaftLogs* logs) : Checker(kTraceWellFormed), logs_(logs) {}

  // False (and a violation) when `record`, of kind `spec`, lacks a required field or has one of
  // the wrong type or range.
  bool CheckFields(const sim::TraceRecord& record, const KindSpec& spec);

  std::vector<std::string> Kinds() const override;
  void OnRecord(const sim::TraceRecord& record) override;
  void Finish() override;
  std::string Summary() const override;

 private:
  void CheckRaftSequence(const sim::TraceRecord& record, const HostLog* log);

  const RaftLogs* logs_;
  uint64_t records_ = 0;
  sim::Time last_at_;  // of the last schema record, to date what Finish finds
};

}  // namespace check
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CHECK_WELL_FORMED_H_
