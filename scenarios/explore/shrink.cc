#include "scenarios/explore/shrink.h"

#include <algorithm>

namespace scenarios {
namespace explore {

ShrinkOutcome Shrink(const ExploreSpec& spec, uint64_t run, const Verdict& failed,
                     const Evaluate& evaluate, const ShrinkLimits& limits) {
  const int64_t start = limits.wall_now();
  ShrinkOutcome out;
  out.job.run = run;
  out.verdict = failed;
  rc::Shrinkable<Plan> current = GeneratePlan(spec.space, spec.seed, run);
  const size_t batch = static_cast<size_t>(std::max(1, limits.batch));
  bool improved = true;
  while (improved) {
    improved = false;
    rc::Seq<rc::Shrinkable<Plan>> shrinks = current.shrinks();
    uint32_t index = 0;
    bool exhausted = false;
    while (!improved && !exhausted) {
      if (out.candidates >= limits.max_candidates ||
          limits.wall_now() - start >= limits.max_wall_ns) {
        out.bounded = true;
        out.wall_ns = limits.wall_now() - start;
        return out;
      }
      std::vector<rc::Shrinkable<Plan>> candidates;
      std::vector<Job> jobs;
      const size_t room = static_cast<size_t>(limits.max_candidates - out.candidates);
      while (candidates.size() < std::min(batch, room)) {
        rc::Maybe<rc::Shrinkable<Plan>> next = shrinks.next();
        if (!next) {
          exhausted = true;
          break;
        }
        candidates.push_back(*next);
        Job job = out.job;
        job.path.push_back(index++);
        jobs.push_back(std::move(job));
      }
      if (jobs.empty()) break;
      const std::vector<Verdict> verdicts = evaluate(jobs);
      for (size_t i = 0; i < verdicts.size(); ++i) {
        ++out.candidates;
        const Verdict& v = verdicts[i];
        if (v.outcome != Outcome::kFail || v.signature != failed.signature) continue;
        current = candidates[i];
        out.job = jobs[i];
        out.verdict = v;
        ++out.steps;
        improved = true;
        break;
      }
    }
  }
  out.wall_ns = limits.wall_now() - start;
  return out;
}

}  // namespace explore
}  // namespace scenarios
