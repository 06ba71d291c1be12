#include "model/check/checker_set.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "sim/check.h"

namespace swarmsim {
namespace check {

CheckerSet::CheckerSet(CheckerOptions options) : options_(options) {
  auto well_formed = std::make_unique<WellFormedChecker>(&logs_);
  well_formed_ = well_formed.get();
  Add(std::move(well_formed));
  Add(NewElectionSafetyChecker());
  Add(NewLeaderAppendOnlyChecker(&logs_));
  Add(NewLogMatchingChecker(&logs_));
  Add(NewLeaderCompletenessChecker(&logs_));
  Add(NewCommitCurrentTermChecker(&logs_));
  Add(NewStateMachineSafetyChecker());
  Add(NewDurabilityChecker(&logs_));
  Add(NewOneDispatcherPerTermChecker());
  Add(NewUniqueSessionIdsChecker());
  Add(NewBackoffBoundsChecker());
  Add(NewNoRegistrationWhenStoppedChecker());
  Add(NewDispatcherLeaderOnlyChecker());
  Add(NewDispatcherInvariantsChecker());
  Add(NewStoreAgreementChecker());
  Add(NewSingleRunningTaskPerSlotChecker());
  Add(NewAssignOnlyToReadyNodeChecker());
  Add(NewUnknownGraceChecker(options_.unknown_grace_multiplier, options_.heartbeat_epsilon));
}

void CheckerSet::Add(std::unique_ptr<Checker> checker) {
  SIM_CHECK(routes_.empty());  // Routes are built from the checkers on the first record.
  if (options_.abort_on_violation) {
    const uint64_t seed = options_.seed;
    checker->set_on_violation([seed](const Checker& c) {
      SIM_CHECK_MSG(c.passed(), c.verdict(seed).ToString());
    });
  }
  checkers_.push_back(std::move(checker));
}

void CheckerSet::Install(sim::Trace* trace) {
  // Kinds without a schema entry are not the checkers' (OnRecord would ignore them): the trace
  // does not even build those records for us.
  trace->AddObserver([this](const sim::TraceRecord& record) { OnRecord(record); },
                     [](absl::string_view kind) { return FindKindSpec(kind) != nullptr; });
}

const CheckerSet::Route* CheckerSet::FindRoute(const std::string& kind) {
  auto it = routes_.find(kind);
  if (it != routes_.end()) return &it->second;
  Route route;
  route.spec = FindKindSpec(kind);
  route.raft_logs = absl::StartsWith(kind, "raft.") || kind == kind::kHostStop ||
                    kind == kind::kHostCrash;
  for (const std::unique_ptr<Checker>& c : checkers_) {
    const std::vector<std::string> kinds = c->Kinds();
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      route.checkers.push_back(c.get());
    }
  }
  return &routes_.emplace(kind, std::move(route)).first->second;
}

void CheckerSet::OnRecord(const sim::TraceRecord& record) {
  SIM_CHECK(!finished_);
  const Route* route = FindRoute(record.kind);
  if (route->spec == nullptr) return;  // Not ours (net.*, host.pause, component notes, ...).
  if (!well_formed_->CheckFields(record, *route->spec)) return;
  for (Checker* c : route->checkers) c->OnRecord(record);
  if (route->raft_logs) logs_.Apply(record);
}

void CheckerSet::Finish() {
  if (finished_) return;
  finished_ = true;
  for (const std::unique_ptr<Checker>& c : checkers_) c->Finish();
}

bool CheckerSet::passed() const {
  for (const std::unique_ptr<Checker>& c : checkers_) {
    if (!c->passed()) return false;
  }
  return true;
}

std::vector<Verdict> CheckerSet::verdicts() const {
  std::vector<Verdict> out;
  out.reserve(checkers_.size());
  for (const std::unique_ptr<Checker>& c : checkers_) out.push_back(c->verdict(options_.seed));
  return out;
}

Verdict CheckerSet::verdict(const std::string& name) const {
  for (const std::unique_ptr<Checker>& c : checkers_) {
    if (c->name() == name) return c->verdict(options_.seed);
  }
  SIM_CHECK_MSG(false, name);
  return Verdict();
}

std::optional<Verdict> CheckerSet::first_violation() const {
  std::optional<Verdict> first;
  for (const Verdict& v : verdicts()) {
    if (v.passed) continue;
    if (!first.has_value() || v.at < first->at) first = v;
  }
  return first;
}

}  // namespace check
}  // namespace swarmsim
