#include "scenarios/explore/summary.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "scenarios/report.h"

namespace scenarios {
namespace explore {
namespace {

double Secs(int64_t ns) { return static_cast<double>(ns) / 1e9; }

double PerSecond(const ExploreReport& r) {
  return r.sweep_ns > 0 ? static_cast<double>(r.runs) / Secs(r.sweep_ns) : 0.0;
}

std::string JsonCounts(const std::map<std::string, uint64_t>& counts) {
  std::vector<std::string> items;
  for (const auto& [key, n] : counts) items.push_back(absl::StrCat(JsonString(key), ": ", n));
  return absl::StrCat("{", absl::StrJoin(items, ", "), "}");
}

// The coverage items whose name starts with `prefix`, without it.
std::map<std::string, uint64_t> WithPrefix(const std::map<std::string, uint64_t>& all,
                                           const std::string& prefix) {
  std::map<std::string, uint64_t> out;
  for (const auto& [key, n] : all) {
    if (absl::StartsWith(key, prefix)) out[key.substr(prefix.size())] = n;
  }
  return out;
}

// Mean milliseconds per counted run.
double MsPerRun(const ExploreReport& r, int64_t total_ns) {
  return r.runs == 0 ? 0.0 : static_cast<double>(total_ns) / 1e6 / static_cast<double>(r.runs);
}

}  // namespace

std::string ClosingSummary(const ExploreSpec& spec, const ExploreOptions& o,
                           const ExploreReport& r) {
  std::string s = absl::StrFormat(
      "explore %s (seed %d): %d runs in %.1fs (%.1f runs/s, %.0f runs/h with %d job%s), "
      "%d passed, %d discarded, %d failed\n",
      o.base_path, spec.seed, r.runs, Secs(r.sweep_ns), PerSecond(r), PerSecond(r) * 3600,
      o.jobs, o.jobs == 1 ? "" : "s", r.passed, r.discarded, r.failures);
  for (const auto& [why, n] : r.discarded_by) {
    absl::StrAppend(&s, "  discarded (", why, "): ", n, " run", n == 1 ? "" : "s", "\n");
  }
  for (const auto& [signature, n] : r.known_failures) {
    absl::StrAppend(&s, "  known failure ", signature, ": ", n, " run", n == 1 ? "" : "s", "\n");
  }
  absl::StrAppend(&s, absl::StrFormat("  per run: %.1f ms generating, %.1f ms simulating "
                                      "(%d events), %d worker forks\n",
                                      MsPerRun(r, r.generate_ns), MsPerRun(r, r.run_ns),
                                      r.runs == 0 ? 0 : r.events / r.runs, r.forks));
  if (!r.found) {
    absl::StrAppend(&s, "no unknown failure\n");
    return s;
  }
  absl::StrAppend(&s, "FAILED run ", r.run, ": ", r.signature, "\n  ", r.detail, "\n",
                  absl::StrFormat("  found after %.1fs; shrunk in %d steps (%d candidates, %.1fs%s)"
                                  " from %d to %d fault steps\n",
                                  Secs(r.found_after_ns), r.shrink.steps, r.shrink.candidates,
                                  Secs(r.shrink.wall_ns),
                                  r.shrink.bounded ? ", stopped by the bound" : "",
                                  r.fault_steps_before, r.shrink.verdict.fault_steps));
  if (!r.counterexample.empty()) {
    absl::StrAppend(&s, "  counterexample: ", r.counterexample, "\n  replay: swarmsim run ",
                    r.counterexample, "\n");
  } else {
    absl::StrAppend(&s, "  ", r.write_error, "\n");
  }
  return s;
}

std::string SummaryJson(const ExploreSpec& spec, const ExploreOptions& o, const ExploreReport& r) {
  std::string counterexample = "null";
  if (r.found) {
    counterexample = absl::StrFormat(
        "{\"run\": %d, \"signature\": %s, \"detail\": %s, \"path\": %s, \"digest\": \"%016x\", "
        "\"found_after_s\": %.3f, \"fault_steps_before\": %d, \"fault_steps\": %d, "
        "\"shrink_steps\": %d, \"shrink_candidates\": %d, \"shrink_s\": %.3f, "
        "\"shrink_bounded\": %s}",
        r.run, JsonString(r.signature), JsonString(r.detail),
        r.counterexample.empty() ? "null" : JsonString(r.counterexample), r.shrink.verdict.digest,
        Secs(r.found_after_ns), r.fault_steps_before, r.shrink.verdict.fault_steps, r.shrink.steps,
        r.shrink.candidates, Secs(r.shrink.wall_ns), r.shrink.bounded ? "true" : "false");
  }
  // Worker time not spent generating or simulating: forks, pipes, idle workers at the end.
  const int64_t other = r.sweep_ns * o.jobs - r.generate_ns - r.run_ns;
  return absl::StrCat(
      "{\"base\": ", JsonString(o.base_path), ", \"seed\": ", spec.seed, ", \"jobs\": ", o.jobs,
      ", \"shard\": {\"index\": ", o.shard_index, ", \"total\": ", o.shard_total, "}",
      ", \"runs\": ", r.runs, ", \"passed\": ", r.passed, ", \"discarded\": ", r.discarded,
      ", \"discarded_by\": ", JsonCounts(r.discarded_by), ", \"failures\": ", r.failures, ", \"known_failures\": ", JsonCounts(r.known_failures),
      absl::StrFormat(", \"wall_s\": %.3f, \"sweep_s\": %.3f, \"runs_per_s\": %.2f, "
                      "\"runs_per_hour\": %.0f",
                      Secs(r.wall_ns), Secs(r.sweep_ns), PerSecond(r), PerSecond(r) * 3600),
      absl::StrFormat(", \"time_per_run_ms\": {\"generate\": %.3f, \"run\": %.3f, \"other\": %.3f}",
                      MsPerRun(r, r.generate_ns), MsPerRun(r, r.run_ns), MsPerRun(r, other)),
      ", \"fault_kinds\": ", JsonCounts(r.fault_kinds), ", \"coverage\": {\"fault_points\": ",
      JsonCounts(WithPrefix(r.coverage, "fault_point:")),
      ", \"node_status\": ", JsonCounts(WithPrefix(r.coverage, "node_status:")),
      ", \"errors\": ", JsonCounts(WithPrefix(r.coverage, "error:")), "}",
      ", \"counterexample\": ", counterexample, "}\n");
}

}  // namespace explore
}  // namespace scenarios
