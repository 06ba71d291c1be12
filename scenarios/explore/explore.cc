#include "scenarios/explore/explore.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scenarios/explore/worker_pool.h"
#include "scenarios/report.h"
#include "scenarios/scenario_text.h"

namespace scenarios {
namespace explore {
namespace {

constexpr int64_t kProgressEveryNs = 1000000000;

std::string Seconds(int64_t ns) { return absl::StrFormat("%.1fs", static_cast<double>(ns) / 1e9); }

// Thousands separators: 1234567 -> "1,234,567".
std::string Count(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The verdict of an answer to `job`. A worker that died said nothing about the plan: the
// parent regenerates it for the fault steps and kinds (cheap: no simulation).
Verdict ToVerdict(const ExploreSpec& spec, const Job& job, const WorkerPool::Answer& a) {
  if (a.died) {
    Verdict v = InternalFailure(a.stderr_tail);
    if (const std::optional<Plan> plan = PlanOf(spec, job)) {
      v.fault_kinds = FaultKindNames(*plan);
      v.fault_steps = static_cast<int>(plan->faults.size());
    }
    return v;
  }
  Verdict v;
  if (!DecodeVerdict(a.answer, v)) {
    return InternalFailure(absl::StrCat("malformed answer from a worker; stderr: ", a.stderr_tail));
  }
  return v;
}

void Aggregate(const Verdict& v, bool known, ExploreReport& r) {
  ++r.runs;
  r.generate_ns += v.generate_ns;
  r.run_ns += v.wall_ns - v.generate_ns;
  r.events += v.events;
  for (const std::string& k : v.fault_kinds) ++r.fault_kinds[k];
  for (const std::string& c : v.coverage) ++r.coverage[c];
  switch (v.outcome) {
    case Outcome::kPass:
      ++r.passed;
      break;
    case Outcome::kDiscard:
      ++r.discarded;
      ++r.discarded_by[v.signature.substr(v.signature.find(':') + 1)];
      break;
    case Outcome::kFail:
      ++r.failures;
      if (known) ++r.known_failures[v.signature];
      break;
  }
}

std::string Header(const ExploreSpec& spec, const ExploreOptions& o, const ExploreReport& r,
                   const std::string& file) {
  const ShrinkOutcome& s = r.shrink;
  std::string h = absl::StrCat(
      "Counterexample found by swarmsim explore (docs/explore.md):\n  ", o.command, "\n",
      "Base ", o.base_path, ", explore seed ", spec.seed, ", run ", r.run,
      o.shard_total > 1 ? absl::StrCat(" (shard ", o.shard_index, " of ", o.shard_total, ")") : "",
      ".\n", "Failed: ", r.signature, "\n  ", r.detail, "\n",
      "Found after ", Seconds(r.found_after_ns), " of wall time; shrunk in ", s.steps,
      " steps (", s.candidates, " candidates, ", Seconds(s.wall_ns), s.bounded ? ", stopped by the bound" : "",
      ") from ", r.fault_steps_before, " to ", s.verdict.fault_steps, " fault steps.\n");
  if (r.signature.rfind("internal:", 0) == 0) {
    absl::StrAppend(&h, "Replay: swarmsim run ", file, "  (aborts the same way)");
  } else {
    absl::StrAppend(&h, "Replay: swarmsim run ", file, "  (fails the same way, trace digest ",
                    absl::StrFormat("%016x", s.verdict.digest), ")");
  }
  return h;
}

}  // namespace

std::string ProgressLine(uint64_t runs, uint64_t failures, uint64_t known, int64_t elapsed_ns,
                         std::optional<int64_t> left_ns) {
  const double seconds = static_cast<double>(std::max<int64_t>(elapsed_ns, 1)) / 1e9;
  std::string line = absl::StrFormat("explore: %s runs (%.1f/s), %s failure%s", Count(runs),
                                     static_cast<double>(runs) / seconds, Count(failures),
                                     failures == 1 ? "" : "s");
  if (known > 0) absl::StrAppend(&line, " (", Count(known), " known)");
  absl::StrAppend(&line, ", ", FormatSimTime(elapsed_ns), " elapsed");
  if (left_ns.has_value()) absl::StrAppend(&line, ", about ", FormatSimTime(*left_ns), " left");
  return line;
}

std::string CounterexampleText(const ExploreSpec& spec, const Job& job, const std::string& header) {
  const std::optional<Plan> plan = PlanOf(spec, job);
  if (!plan.has_value()) return "";
  return ScenarioText(BuildRunScenario(spec.base, *plan, spec.timing), header);
}

ExploreReport Explore(const ExploreSpec& spec, const ExploreOptions& o,
                      const std::function<int64_t()>& wall_now) {
  const int64_t start = wall_now();
  ExploreReport report;
  auto is_known = [&o](const Verdict& v) {
    return v.outcome == Outcome::kFail &&
           std::find(o.known.begin(), o.known.end(), v.signature) != o.known.end();
  };
  WorkerPool pool(o.jobs, [&spec](const std::string& request) {
    Job job;
    if (!DecodeJob(request, job)) return EncodeVerdict(InternalFailure("malformed job " + request));
    return EncodeVerdict(RunJob(spec, job));
  });

  const uint64_t step = static_cast<uint64_t>(o.shard_total);
  uint64_t next = static_cast<uint64_t>(o.shard_index);   // next run to start
  uint64_t commit = next;                                 // next run to count, in order
  std::map<uint64_t, Verdict> pending;                    // answered, not yet counted
  std::optional<uint64_t> stop_after;                     // lowest unknown failure seen
  uint64_t answered = 0, failed = 0, known = 0;
  int64_t last_line = start;
  auto can_start = [&]() {
    if (stop_after.has_value() && next > *stop_after) return false;
    if (o.time_budget_ns.has_value()) return wall_now() - start < *o.time_budget_ns;
    return next < o.runs;
  };
  while (true) {
    while (pool.has_idle() && can_start()) {
      pool.Submit(next, EncodeJob(Job{next, {}}));
      next += step;
    }
    if (pool.busy() == 0) break;
    const WorkerPool::Answer a = pool.Next();
    Verdict v = ToVerdict(spec, Job{a.ticket, {}}, a);
    ++answered;
    if (v.outcome == Outcome::kFail) {
      ++failed;
      if (is_known(v)) {
        ++known;
      } else if (!stop_after.has_value() || a.ticket < *stop_after) {
        stop_after = a.ticket;
        report.found_after_ns = wall_now() - start;
      }
    }
    pending.emplace(a.ticket, std::move(v));
    // Count runs in index order, so that what is counted does not depend on which worker
    // answered first; nothing after the first unknown failure is counted.
    for (auto it = pending.find(commit); it != pending.end(); it = pending.find(commit)) {
      if (stop_after.has_value() && commit > *stop_after) break;
      Aggregate(it->second, is_known(it->second), report);
      if (it->second.outcome == Outcome::kFail && !is_known(it->second)) {
        report.found = true;
        report.run = commit;
        report.signature = it->second.signature;
        report.detail = it->second.detail;
        report.fault_steps_before = it->second.fault_steps;
        report.shrink.verdict = it->second;
      }
      pending.erase(it);
      commit += step;
    }
    const int64_t now = wall_now();
    if (o.progress && now - last_line >= kProgressEveryNs) {
      last_line = now;
      std::optional<int64_t> left;
      if (o.time_budget_ns.has_value()) {
        left = std::max<int64_t>(0, *o.time_budget_ns - (now - start));
      } else if (answered > 0) {
        const uint64_t mine = (o.runs + step - 1 - static_cast<uint64_t>(o.shard_index)) / step;
        const uint64_t rest = mine > answered ? mine - answered : 0;
        left = static_cast<int64_t>(static_cast<double>(now - start) / static_cast<double>(answered) *
                                    static_cast<double>(rest));
      }
      o.progress(ProgressLine(answered, failed, known, now - start, left));
    }
  }

  report.sweep_ns = wall_now() - start;
  if (report.found) {
    uint64_t ticket = 0;
    Evaluate evaluate = [&spec, &pool, &ticket](const std::vector<Job>& jobs) {
      std::map<uint64_t, size_t> slot;
      for (size_t i = 0; i < jobs.size(); ++i) {
        slot[ticket] = i;
        pool.Submit(ticket++, EncodeJob(jobs[i]));
      }
      std::vector<Verdict> verdicts(jobs.size());
      for (size_t n = 0; n < jobs.size(); ++n) {
        const WorkerPool::Answer a = pool.Next();
        const size_t i = slot[a.ticket];
        verdicts[i] = ToVerdict(spec, jobs[i], a);
      }
      return verdicts;
    };
    ShrinkLimits limits;
    limits.max_candidates = o.shrink_candidates;
    limits.max_wall_ns = o.shrink_ns;
    limits.batch = pool.size();
    limits.wall_now = wall_now;
    const Verdict first = report.shrink.verdict;
    report.shrink = Shrink(spec, report.run, first, evaluate, limits);
    report.detail = report.shrink.verdict.detail;

    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    const std::string file =
        (std::filesystem::path(o.out_dir) /
         absl::StrCat("counterexample-", spec.seed, "-", report.run, ".textproto"))
            .string();
    const std::string text = CounterexampleText(spec, report.shrink.job, Header(spec, o, report, file));
    std::ofstream out(file, std::ios::binary);
    out << text;
    out.close();
    if (text.empty() || !out) {
      report.write_error = absl::StrCat("cannot write ", file);
    } else {
      report.counterexample = file;
    }
  }
  report.forks = pool.forks();
  report.wall_ns = wall_now() - start;
  return report;
}

}  // namespace explore
}  // namespace scenarios
