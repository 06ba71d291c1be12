#include "model/check/trace_schema.h"

#include <algorithm>

namespace swarmsim {
namespace check {

const std::vector<KindSpec>& KindSpecs() {
  // Built once, never modified: immutable after first use.
  static const std::vector<KindSpec>* const specs = [] {
    using F = FieldType;
    return new std::vector<KindSpec>{
        {kind::kHostStart, {{field::kIncarnation, F::kCount}}},
        {kind::kHostStop, {{field::kIncarnation, F::kCount}}},
        {kind::kHostCrash, {{field::kIncarnation, F::kCount}}},
        {kind::kHostClock, {{field::kOffsetNs, F::kInt}, {field::kDriftPpm, F::kInt}}},
        {kind::kRaftState,
         {{field::kNode, F::kCount},
          {field::kTerm, F::kCount},
          {field::kRole, F::kString},
          {field::kLead, F::kCount}}},
        {kind::kRaftAppend,
         {{field::kIndex, F::kCount}, {field::kTerm, F::kCount}, {field::kDigest, F::kInt}}},
        {kind::kRaftSnapshot, {{field::kIndex, F::kCount}, {field::kTerm, F::kCount}}},
        {kind::kRaftCompact, {{field::kIndex, F::kCount}, {field::kTerm, F::kCount}}},
        {kind::kRaftCommit, {{field::kIndex, F::kCount}, {field::kTerm, F::kCount}}},
        {kind::kRaftApply,
         {{field::kIndex, F::kCount}, {field::kTerm, F::kCount}, {field::kDigest, F::kInt}}},
        {kind::kRaftRestart,
         {{field::kTerm, F::kCount},
          {field::kVote, F::kCount},
          {field::kCommit, F::kCount},
          {field::kSnapshotIndex, F::kCount},
          {field::kSnapshotTerm, F::kCount},
          {field::kLastIndex, F::kCount}}},
        {kind::kRaftRecovered,
         {{field::kIndex, F::kCount}, {field::kTerm, F::kCount}, {field::kDigest, F::kInt}}},
        {kind::kRaftWipe, {{field::kReason, F::kString}}},
        {kind::kRaftVote,
         {{field::kTerm, F::kCount},
          {field::kCandidate, F::kCount},
          {field::kGranted, F::kFlag},
          {field::kPreVote, F::kFlag}}},
        {kind::kDispatcherStart, {{field::kTerm, F::kCount}}},
        {kind::kDispatcherStop, {{field::kTerm, F::kCount}}},
        {kind::kDispatcherRegister,
         {{field::kNode, F::kString},
          {field::kSession, F::kString},
          {field::kAccepted, F::kFlag},
          {field::kReason, F::kString}}},
        {kind::kDispatcherSessionEnd,
         {{field::kNode, F::kString}, {field::kSession, F::kString}, {field::kReason, F::kString}}},
        {kind::kDispatcherInvariant, {{field::kViolation, F::kString}}},
        {kind::kDispatcherStarting, {{field::kDetail, F::kString}}},
        {kind::kDispatcherNodeUnknown, {{field::kNode, F::kString}, {field::kDetail, F::kString}}},
        {kind::kDispatcherHeartbeatExpired,
         {{field::kNode, F::kString}, {field::kDetail, F::kString}}},
        {kind::kAgentBackoff,
         {{field::kBackoffNs, F::kInt},
          {field::kDelayNs, F::kInt},
          {field::kInitialNs, F::kInt},
          {field::kMaxNs, F::kInt}}},
        {kind::kAgentRegistered, {{field::kSession, F::kString}}},
        {kind::kStoreApply, {{field::kIndex, F::kCount}, {field::kStoreDigest, F::kInt}}},
        {kind::kNodeStatus, {{field::kNode, F::kString}, {field::kState, F::kString}}},
        {kind::kTaskAssign,
         {{field::kTask, F::kString},
          {field::kService, F::kString},
          {field::kSlot, F::kCount},
          {field::kNode, F::kString}}},
        {kind::kTaskState,
         {{field::kTask, F::kString},
          {field::kService, F::kString},
          {field::kSlot, F::kCount},
          {field::kNode, F::kString},
          {field::kState, F::kString}}},
    };
  }();
  return *specs;
}

const KindSpec* FindKindSpec(absl::string_view kind) {
  // A linear scan of ~25 names; the CheckerSet resolves each kind once and caches the result.
  for (const KindSpec& spec : KindSpecs()) {
    if (kind == spec.kind) return &spec;
  }
  return nullptr;
}

const std::vector<KindSpec>& ObservedKindSpecs() {
  // Emitted by model/process (dispatcher notes, agent, manager, node) and the kernel. Fields as the
  // emitters write them; a dispatcher note always carries node, session and detail.
  static const std::vector<KindSpec>* const specs = [] {
    using F = FieldType;
    const std::vector<FieldSpec> note = {
        {"node", F::kString}, {"session", F::kString}, {"detail", F::kString}};
    return new std::vector<KindSpec>{
        {"agent.session_end",
         {{"manager", F::kString},
          {"session", F::kString},
          {"code", F::kString},
          {"reason", F::kString}}},
        {"agent.session_start", {{"manager", F::kString}, {"session", F::kString}}},
        {"dispatcher.assignments.ended", note},
        {"dispatcher.assignments.started", note},
        {"dispatcher.node.not_ready", note},
        {"dispatcher.registration.pending", note},
        {"dispatcher.session.started", note},
        {"dispatcher.status_batch.done", note},
        {"dispatcher.status_batch.started", note},
        {"manager.leadership", {{"leader", F::kFlag}, {"term", F::kCount}}},
    };
  }();
  return *specs;
}

const KindSpec* FindTriggerKind(absl::string_view kind) {
  if (const KindSpec* spec = FindKindSpec(kind)) return spec;
  for (const KindSpec& spec : ObservedKindSpecs()) {
    if (kind == spec.kind) return &spec;
  }
  return nullptr;
}

std::vector<std::string> TriggerKindNames() {
  std::vector<std::string> names;
  for (const KindSpec& spec : KindSpecs()) names.push_back(spec.kind);
  for (const KindSpec& spec : ObservedKindSpecs()) names.push_back(spec.kind);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace check
}  // namespace swarmsim
