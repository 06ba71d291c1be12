#include "model/check/trace_emit.h"

#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

// Trace integers are int64: counts and digests go in bit for bit.
int64_t I(uint64_t v) { return static_cast<int64_t>(v); }

void Emit(Sink sink, absl::string_view kind, std::initializer_list<sim::TraceField> fields) {
  sink(kind, absl::MakeConstSpan(fields.begin(), fields.size()));
}

}  // namespace

uint64_t EntryDigest(absl::string_view data) { return sim::Fnv1a64(sim::kFnvOffsetBasis, data); }

void EmitRaftState(Sink sink, uint64_t node, uint64_t term, absl::string_view role,
                   uint64_t lead) {
  Emit(sink, kind::kRaftState,
       {{field::kNode, I(node)}, {field::kTerm, I(term)}, {field::kRole, role},
        {field::kLead, I(lead)}});
}

void EmitRaftAppend(Sink sink, uint64_t index, uint64_t term, uint64_t entry_digest) {
  Emit(sink, kind::kRaftAppend,
       {{field::kIndex, I(index)}, {field::kTerm, I(term)}, {field::kDigest, I(entry_digest)}});
}

void EmitRaftSnapshot(Sink sink, uint64_t index, uint64_t term) {
  Emit(sink, kind::kRaftSnapshot, {{field::kIndex, I(index)}, {field::kTerm, I(term)}});
}

void EmitRaftCompact(Sink sink, uint64_t index, uint64_t term) {
  Emit(sink, kind::kRaftCompact, {{field::kIndex, I(index)}, {field::kTerm, I(term)}});
}

void EmitRaftCommit(Sink sink, uint64_t index, uint64_t term) {
  Emit(sink, kind::kRaftCommit, {{field::kIndex, I(index)}, {field::kTerm, I(term)}});
}

void EmitRaftApply(Sink sink, uint64_t index, uint64_t term, uint64_t entry_digest) {
  Emit(sink, kind::kRaftApply,
       {{field::kIndex, I(index)}, {field::kTerm, I(term)}, {field::kDigest, I(entry_digest)}});
}

void EmitRaftRestart(Sink sink, const RaftRecovery& r) {
  Emit(sink, kind::kRaftRestart,
       {{field::kTerm, I(r.term)},
        {field::kVote, I(r.vote)},
        {field::kCommit, I(r.commit)},
        {field::kSnapshotIndex, I(r.snapshot_index)},
        {field::kSnapshotTerm, I(r.snapshot_term)},
        {field::kLastIndex, I(r.last_index)}});
}

void EmitRaftRecovered(Sink sink, uint64_t index, uint64_t term, uint64_t entry_digest) {
  Emit(sink, kind::kRaftRecovered,
       {{field::kIndex, I(index)}, {field::kTerm, I(term)}, {field::kDigest, I(entry_digest)}});
}

void EmitRaftWipe(Sink sink, absl::string_view reason) {
  Emit(sink, kind::kRaftWipe, {{field::kReason, reason}});
}

void EmitRaftVote(Sink sink, uint64_t term, uint64_t candidate, bool granted, bool pre_vote) {
  Emit(sink, kind::kRaftVote,
       {{field::kTerm, I(term)},
        {field::kCandidate, I(candidate)},
        {field::kGranted, I(granted ? 1 : 0)},
        {field::kPreVote, I(pre_vote ? 1 : 0)}});
}

void EmitDispatcherStart(Sink sink, uint64_t term) {
  Emit(sink, kind::kDispatcherStart, {{field::kTerm, I(term)}});
}

void EmitDispatcherStop(Sink sink, uint64_t term) {
  Emit(sink, kind::kDispatcherStop, {{field::kTerm, I(term)}});
}

void EmitDispatcherRegistered(Sink sink, absl::string_view node, absl::string_view session,
                              absl::string_view note) {
  Emit(sink, kind::kDispatcherRegister,
       {{field::kNode, node}, {field::kSession, session}, {field::kAccepted, 1},
        {field::kReason, note}});
}

void EmitDispatcherRefused(Sink sink, absl::string_view node, absl::string_view reason) {
  Emit(sink, kind::kDispatcherRegister,
       {{field::kNode, node}, {field::kSession, ""}, {field::kAccepted, 0},
        {field::kReason, reason}});
}

void EmitDispatcherSessionEnd(Sink sink, absl::string_view node, absl::string_view session,
                              absl::string_view reason) {
  Emit(sink, kind::kDispatcherSessionEnd,
       {{field::kNode, node}, {field::kSession, session}, {field::kReason, reason}});
}

void EmitDispatcherInvariant(Sink sink, absl::string_view violation) {
  Emit(sink, kind::kDispatcherInvariant, {{field::kViolation, violation}});
}

void EmitAgentBackoff(Sink sink, absl::Duration backoff, absl::Duration delay,
                      absl::Duration initial, absl::Duration max) {
  Emit(sink, kind::kAgentBackoff,
       {{field::kBackoffNs, absl::ToInt64Nanoseconds(backoff)},
        {field::kDelayNs, absl::ToInt64Nanoseconds(delay)},
        {field::kInitialNs, absl::ToInt64Nanoseconds(initial)},
        {field::kMaxNs, absl::ToInt64Nanoseconds(max)}});
}

void EmitAgentRegistered(Sink sink, absl::string_view session) {
  Emit(sink, kind::kAgentRegistered, {{field::kSession, session}});
}

void EmitStoreApply(Sink sink, uint64_t index, uint64_t store_digest) {
  Emit(sink, kind::kStoreApply,
       {{field::kIndex, I(index)}, {field::kStoreDigest, I(store_digest)}});
}

void EmitNodeStatus(Sink sink, absl::string_view node, absl::string_view state) {
  Emit(sink, kind::kNodeStatus, {{field::kNode, node}, {field::kState, state}});
}

void EmitTaskAssign(Sink sink, absl::string_view task, absl::string_view service, uint64_t slot,
                    absl::string_view node) {
  Emit(sink, kind::kTaskAssign,
       {{field::kTask, task}, {field::kService, service}, {field::kSlot, I(slot)},
        {field::kNode, node}});
}

void EmitTaskState(Sink sink, absl::string_view task, absl::string_view service, uint64_t slot,
                   absl::string_view node, absl::string_view state) {
  Emit(sink, kind::kTaskState,
       {{field::kTask, task}, {field::kService, service}, {field::kSlot, I(slot)},
        {field::kNode, node}, {field::kState, state}});
}

}  // namespace check
}  // namespace swarmsim
