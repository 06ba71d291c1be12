#include "scenarios/explore/run_job.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "scenarios/explore/coverage.h"
#include "scenarios/runner.h"
#include "scenarios/wall_clock.h"
#include "sim/check.h"

namespace scenarios {
namespace explore {
namespace {

void MaybeAbortForTest(const Plan& plan) {
  const char* kind = std::getenv("SWARMSIM_EXPLORE_TEST_ABORT_ON");
  if (kind == nullptr || *kind == '\0') return;
  for (const Fault& f : plan.faults) {
    if (std::string(FaultKindName(f.kind)) == kind) {
      sim::CheckFailed(__FILE__, __LINE__,
                       absl::StrCat("CHECK(test hook) SWARMSIM_EXPLORE_TEST_ABORT_ON=", kind));
    }
  }
}

// The plan at the end of the job's path down the shrink tree.
std::optional<Plan> PlanAt(const ExploreSpec& spec, const Job& job) {
  rc::Shrinkable<Plan> at = GeneratePlan(spec.space, spec.seed, job.run);
  for (uint32_t index : job.path) {
    rc::Seq<rc::Shrinkable<Plan>> shrinks = at.shrinks();
    for (uint32_t i = 0; i < index; ++i) {
      if (!shrinks.next()) return std::nullopt;
    }
    const rc::Maybe<rc::Shrinkable<Plan>> next = shrinks.next();
    if (!next) return std::nullopt;
    at = *next;
  }
  return at.value();
}

}  // namespace

std::vector<std::string> FaultKindNames(const Plan& plan) {
  std::vector<std::string> names;
  for (const Fault& f : plan.faults) {
    names.push_back(FaultKindName(f.kind));
    if (f.trigger.has_value()) {
      names.push_back(absl::StrCat("trigger:", TriggerMoments()[static_cast<size_t>(f.trigger->moment)].event));
    }
  }
  if (!plan.fault_points.empty()) names.push_back("fault_points");
  if (plan.large_entries) names.push_back("large_entries");
  return names;
}

std::string EncodeJob(const Job& job) {
  std::string line = absl::StrCat(job.run);
  for (uint32_t p : job.path) absl::StrAppend(&line, " ", p);
  return line;
}

bool DecodeJob(const std::string& line, Job& job) {
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (parts.empty() || !absl::SimpleAtoi(parts[0], &job.run)) return false;
  job.path.clear();
  for (size_t i = 1; i < parts.size(); ++i) {
    uint32_t p = 0;
    if (!absl::SimpleAtoi(parts[i], &p)) return false;
    job.path.push_back(p);
  }
  return true;
}

std::optional<Plan> PlanOf(const ExploreSpec& spec, const Job& job) {
  try {
    return PlanAt(spec, job);
  } catch (const std::exception&) {
    return std::nullopt;  // rapidcheck gave up generating (a filter that never passed)
  }
}


Verdict RunJob(const ExploreSpec& spec, const Job& job) {
  const int64_t start = WallNanos();
  const std::optional<Plan> plan = PlanOf(spec, job);
  if (!plan.has_value()) {
    Verdict v;
    v.outcome = Outcome::kDiscard;
    v.detail = absl::StrCat("no plan at ", EncodeJob(job));
    return v;
  }
  MaybeAbortForTest(*plan);
  const Scenario scenario = BuildRunScenario(spec.base, *plan, spec.timing);
  const int64_t generated = WallNanos();
  CoverageCollector coverage;
  RunOptions options;
  options.observe = [&coverage](const sim::TraceRecord& r) { coverage.Observe(r); };
  options.observe_kinds = CoverageCollector::Wants;
  const RunOutput out = RunScenario(scenario, options);
  Verdict v = Judge(out.result,
                    absl::ToInt64Nanoseconds(HealAt(spec.base, spec.timing) - sim::Time::Zero()));
  v.coverage = coverage.Items(out.result);
  v.fault_kinds = FaultKindNames(*plan);
  v.fault_steps = static_cast<int>(plan->faults.size());
  v.generate_ns = generated - start;
  v.wall_ns = WallNanos() - start;
  return v;
}

}  // namespace explore
}  // namespace scenarios
