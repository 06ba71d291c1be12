// Emitters: one function per kind of trace_schema.h, so that adapters and checkers cannot
// disagree on names. Each builds the record's fields and hands them to a sink: a host's
// sim::Context (`[&](auto kind, auto fields) { context.Trace(kind, fields); }`) in an adapter, or
// TraceAt (a sim::Trace, a time and a host) in tests.
#ifndef SWARMSIM_MODEL_CHECK_TRACE_EMIT_H_
#define SWARMSIM_MODEL_CHECK_TRACE_EMIT_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "sim/time.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace swarmsim {
namespace check {

using Sink = absl::FunctionRef<void(absl::string_view kind,
                                    absl::Span<const sim::TraceField> fields)>;

// Appends to `trace` at `at` from `host`.
class TraceAt {
 public:
  TraceAt(sim::Trace* trace, sim::Time at, sim::HostId host)
      : trace_(trace), at_(at), host_(host) {}
  void operator()(absl::string_view kind, absl::Span<const sim::TraceField> fields) const {
    trace_->Append(at_, host_, kind, fields);
  }

 private:
  sim::Trace* trace_;
  sim::Time at_;
  sim::HostId host_;
};

// The digest of a Raft entry's data (FNV-1a 64), as raft.append/apply/recovered carry it.
uint64_t EntryDigest(absl::string_view data);

// Raft.
void EmitRaftState(Sink sink, uint64_t node, uint64_t term, absl::string_view role,
                   uint64_t lead);
void EmitRaftAppend(Sink sink, uint64_t index, uint64_t term, uint64_t entry_digest);
void EmitRaftSnapshot(Sink sink, uint64_t index, uint64_t term);
void EmitRaftCompact(Sink sink, uint64_t index, uint64_t term);
void EmitRaftCommit(Sink sink, uint64_t index, uint64_t term);
void EmitRaftApply(Sink sink, uint64_t index, uint64_t term, uint64_t entry_digest);

// What a manager's Raft recovered from its disk on start.
struct RaftRecovery {
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t commit = 0;
  uint64_t snapshot_index = 0;
  uint64_t snapshot_term = 0;
  uint64_t last_index = 0;  // == snapshot_index when the log holds no entry after the snapshot
};
// REQUIRES: followed by EmitRaftRecovered for every index in (snapshot_index, last_index].
void EmitRaftRestart(Sink sink, const RaftRecovery& recovery);
void EmitRaftRecovered(Sink sink, uint64_t index, uint64_t term, uint64_t entry_digest);
void EmitRaftWipe(Sink sink, absl::string_view reason);
void EmitRaftVote(Sink sink, uint64_t term, uint64_t candidate, bool granted, bool pre_vote);

// Dispatcher.
void EmitDispatcherStart(Sink sink, uint64_t term);
void EmitDispatcherStop(Sink sink, uint64_t term);
// `note` goes in the reason field (e.g. "released by stop"); empty for a plain acceptance.
void EmitDispatcherRegistered(Sink sink, absl::string_view node, absl::string_view session,
                              absl::string_view note = "");
void EmitDispatcherRefused(Sink sink, absl::string_view node, absl::string_view reason);
void EmitDispatcherSessionEnd(Sink sink, absl::string_view node, absl::string_view session,
                              absl::string_view reason);
void EmitDispatcherInvariant(Sink sink, absl::string_view violation);

// Agent.
void EmitAgentBackoff(Sink sink, absl::Duration backoff, absl::Duration delay,
                      absl::Duration initial, absl::Duration max);
void EmitAgentRegistered(Sink sink, absl::string_view session);

// Store.
void EmitStoreApply(Sink sink, uint64_t index, uint64_t store_digest);
void EmitNodeStatus(Sink sink, absl::string_view node, absl::string_view state);

// Tasks.
void EmitTaskAssign(Sink sink, absl::string_view task, absl::string_view service, uint64_t slot,
                    absl::string_view node);
void EmitTaskState(Sink sink, absl::string_view task, absl::string_view service, uint64_t slot,
                   absl::string_view node, absl::string_view state);

}  // namespace check
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CHECK_TRACE_EMIT_H_
