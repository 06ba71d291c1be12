#include "scenarios/explore/explore_cli.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/faultpoints/catalog.h"
#include "scenarios/duration.h"
#include "scenarios/explore/explore.h"
#include "scenarios/explore/summary.h"
#include "scenarios/limits.h"
#include "scenarios/loader.h"
#include "scenarios/report.h"
#include "scenarios/wall_clock.h"

namespace scenarios {
namespace explore {

const char kExploreUsage[] = R"(usage: swarmsim explore BASE.textproto [flags]
  Runs the base scenario again and again, each run with a random fault plan (crashes, stops,
  restarts, pauses, isolations, partitions, one-way cuts, heals, packet loss, duplication and
  latency, clock offsets and drift, slow disks; at times and on protocol events; fault points)
  and a healing phase, and checks safety (every invariant)
  and liveness (a leader, every node READY, every agent connected, every service converged
  after healing, plus the base's expectations that close before the first fault). The first
  failure that is not known is shrunk and written as a scenario file that `swarmsim run`
  replays exactly. Exit status: 0 no unknown failure, 1 counterexample found, 2 bad input.

  --runs=N               runs to do (default 100; over all shards)
  --time-budget=D        start runs for this long instead (a duration: 30s, 5m, 1h)
  --seed=S               the explore seed (default 1): run i's plan depends only on the
                         binary, the base, S and i
  --faults=LIST          fault kinds to use, comma-separated (default: all): crash, stop,
                         restart, pause, isolate, partition, cut, heal, drop, duplicate,
                         latency, clock_offset, clock_drift, slow_disk; and `trigger` (some
                         steps fire on protocol events: a vote granted, an election, a status
                         batch, a task starting, ...), `fault_points` (half the runs enable
                         some named fault points, see --list-fault-points) and
                         `large_entries` (one run in four sends one Raft entry per message);
                         a list of step kinds alone uses none of the three
  --out=DIR              where the counterexample goes (default: $TEST_UNDECLARED_OUTPUTS_DIR
                         under Bazel, else ./explore-out)
  --summary=PATH         write the summary JSON (docs/explore.md) to PATH (`-`: stdout)
  --jobs=N               worker processes (default: the number of cores)
  --known=SIGNATURE      a known failure: counted and reported, the sweep goes on
                         (repeatable; also `explore { known_failure: "..." }` in BASE)
  --fault-window=D       faults are injected in [0, D] (default 1m); healing follows it and
                         the base's last step
  --settle=D             liveness must hold within D of the heal; the run ends then
                         (default 4m: TCP's 120 s retransmission cap, then an election)
  --shrink-time=D        stop shrinking after D of wall time (default 60s)
  --shrink-candidates=N  stop shrinking after N candidates (default 2000)
  --allow-large          run a base over the resource limits (each run's host-hours and
                         memory, docs/limits.md), which is refused otherwise
  --list-fault-points    print the named fault points, one per line, and exit
  --quiet                no progress line, no closing summary (only errors)
  Under Bazel test sharding (TEST_TOTAL_SHARDS, TEST_SHARD_INDEX) the shard does the runs i
  with i % total == index, and touches TEST_SHARD_STATUS_FILE.
)";

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

void Print(std::FILE* to, const std::string& text) {
  std::fputs(EscapeControls(text).c_str(), to);
}

int Usage(const std::string& message) {
  Print(stderr, absl::StrCat("swarmsim: ", message, "\nTry 'swarmsim explore --help'.\n"));
  return kExitUsage;
}

struct Flags {
  std::string base;
  std::optional<uint64_t> runs;
  std::optional<int64_t> budget_ns;
  uint64_t seed = 1;
  std::string faults;
  std::string out;
  std::string summary;
  std::optional<int> jobs;
  std::vector<std::string> known;
  std::optional<absl::Duration> fault_window;
  std::optional<absl::Duration> settle;
  int64_t shrink_ns = int64_t{60} * 1000000000;
  int shrink_candidates = 2000;
  bool list = false;
  bool quiet = false;
  bool allow_large = false;
};

std::string ParseDurationFlag(const std::string& name, const std::string& value,
                              absl::Duration& out) {
  absl::StatusOr<absl::Duration> d = ParseDurationExact(value);
  if (!d.ok() || *d <= absl::ZeroDuration()) {
    return absl::StrCat("--", name, " must be a positive duration such as 30s or 5m, got '",
                        value, "'");
  }
  out = *d;
  return "";
}

template <typename Int>
std::string ParsePositive(const std::string& name, const std::string& value, Int& out) {
  if (!absl::SimpleAtoi(value, &out) || out <= 0) {
    return absl::StrCat("--", name, " must be a positive integer, got '", value, "'");
  }
  return "";
}

std::string Parse(const std::vector<std::string>& args, Flags& f) {
  for (const std::string& arg : args) {
    if (!absl::StartsWith(arg, "--")) {
      if (!f.base.empty()) return absl::StrCat("explore takes one BASE file, got '", f.base, "' and '", arg, "'");
      f.base = arg;
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const bool has_value = eq != std::string::npos;
    const std::string value = has_value ? arg.substr(eq + 1) : "";
    if (name == "list-fault-points" && !has_value) {
      f.list = true;
      continue;
    }
    if (name == "quiet" && !has_value) {
      f.quiet = true;
      continue;
    }
    if (name == "allow-large" && !has_value) {
      f.allow_large = true;
      continue;
    }
    static const char* const kValued[] = {"runs",  "time-budget", "seed",   "faults",
                                          "out",   "summary",     "jobs",   "known",
                                          "fault-window", "settle", "shrink-time",
                                          "shrink-candidates"};
    bool valued = false;
    for (const char* v : kValued) valued = valued || name == v;
    if (!valued) return absl::StrCat("unknown flag ", arg);
    if (value.empty()) return absl::StrCat("--", name, " needs a value: --", name, "=...");
    std::string error;
    absl::Duration d;
    if (name == "runs") {
      uint64_t n = 0;
      error = ParsePositive(name, value, n);
      f.runs = n;
    } else if (name == "time-budget") {
      error = ParseDurationFlag(name, value, d);
      f.budget_ns = absl::ToInt64Nanoseconds(d);
    } else if (name == "seed") {
      if (!absl::SimpleAtoi(value, &f.seed)) {
        error = absl::StrCat("--seed must be a non-negative integer, got '", value, "'");
      }
    } else if (name == "faults") {
      f.faults = value;
    } else if (name == "out") {
      f.out = value;
    } else if (name == "summary") {
      f.summary = value;
    } else if (name == "jobs") {
      int n = 0;
      error = ParsePositive(name, value, n);
      f.jobs = n;
    } else if (name == "known") {
      f.known.push_back(value);
    } else if (name == "fault-window") {
      error = ParseDurationFlag(name, value, d);
      f.fault_window = d;
    } else if (name == "settle") {
      error = ParseDurationFlag(name, value, d);
      f.settle = d;
    } else if (name == "shrink-time") {
      error = ParseDurationFlag(name, value, d);
      f.shrink_ns = absl::ToInt64Nanoseconds(d);
    } else if (name == "shrink-candidates") {
      error = ParsePositive(name, value, f.shrink_candidates);
    }
    if (!error.empty()) return error;
  }
  if (f.runs.has_value() && f.budget_ns.has_value()) {
    return "--runs and --time-budget exclude each other";
  }
  return "";
}

// A non-negative integer from the environment, or nullopt when unset; `bad` on garbage.
std::optional<int> EnvInt(const char* name, bool& bad) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  int n = 0;
  if (!absl::SimpleAtoi(v, &n) || n < 0) {
    bad = true;
    return std::nullopt;
  }
  return n;
}

int ListFaultPoints() {
  for (const auto& info : swarmsim::faultpoints::FaultPointCatalog()) {
    Print(stdout, absl::StrCat(info.name, "  ", info.description, "\n"));
  }
  return kExitPass;
}

}  // namespace

int ExploreMain(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "-h" || arg == "--help") {
      std::fputs(kExploreUsage, stdout);
      return kExitPass;
    }
  }
  Flags f;
  const std::string error = Parse(args, f);
  if (!error.empty()) return Usage(error);
  if (f.list) return ListFaultPoints();
  if (f.base.empty()) return Usage("explore needs a BASE scenario file");

  absl::StatusOr<Scenario> base = LoadScenarioWithinLimits(f.base, f.allow_large);
  if (!base.ok()) {
    Print(stderr, absl::StrCat(base.status().message(), "\n"));
    return kExitUsage;
  }
  ExploreSpec spec;
  spec.base = *std::move(base);
  if (f.fault_window) spec.timing.fault_window = *f.fault_window;
  if (f.settle) spec.timing.settle = *f.settle;
  if (absl::ToInt64Milliseconds(spec.timing.fault_window) < 100) {
    return Usage("--fault-window must be at least 100ms");
  }
  spec.space = SpaceOf(spec.base, spec.timing);
  if (!f.faults.empty()) {
    std::string why;
    if (!ParseFaults(f.faults, spec.space, why)) return Usage(why);
  }
  spec.seed = f.seed;

  ExploreOptions o;
  o.base_path = f.base;
  o.command = absl::StrJoin(args, " ");
  o.command = absl::StrCat("swarmsim explore ", o.command);
  if (f.runs) o.runs = *f.runs;
  o.time_budget_ns = f.budget_ns;
  // forbidden-apis: allow(only sizes the pool of forked workers; runs never see it)
  o.jobs = f.jobs.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  o.known = f.known;
  for (const std::string& k : spec.base.explore.known_failures) o.known.push_back(k);
  o.shrink_ns = f.shrink_ns;
  o.shrink_candidates = f.shrink_candidates;
  bool bad_env = false;
  const std::optional<int> total = EnvInt("TEST_TOTAL_SHARDS", bad_env);
  const std::optional<int> index = EnvInt("TEST_SHARD_INDEX", bad_env);
  if (bad_env) return Usage("TEST_TOTAL_SHARDS and TEST_SHARD_INDEX must be non-negative integers");
  if (total.has_value() && *total > 0) {
    if (!index.has_value() || *index >= *total) {
      return Usage("TEST_SHARD_INDEX must be set and below TEST_TOTAL_SHARDS");
    }
    o.shard_total = *total;
    o.shard_index = *index;
  }
  if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE"); status != nullptr && *status) {
    std::ofstream touch(status, std::ios::app);  // "this test knows the sharding protocol"
  }
  const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  o.out_dir = !f.out.empty() ? f.out : (outputs != nullptr && *outputs ? outputs : "explore-out");
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (terminal && !f.quiet) {
    o.progress = [](const std::string& line) { Print(stderr, absl::StrCat("\r\033[K", line)); };
  }

  const ExploreReport report = Explore(spec, o, WallNanos);
  if (o.progress) std::fputs("\r\033[K", stderr);
  const bool summary_to_stdout = f.summary == "-";
  if (!f.quiet) Print(summary_to_stdout ? stderr : stdout, ClosingSummary(spec, o, report));
  if (!f.summary.empty()) {
    const std::string json = SummaryJson(spec, o, report);
    if (summary_to_stdout) {
      std::fputs(json.c_str(), stdout);
    } else {
      std::ofstream out(f.summary, std::ios::binary);
      out << json;
      out.close();
      if (!out) {
        Print(stderr, absl::StrCat("swarmsim: cannot write ", f.summary, "\n"));
        return kExitUsage;
      }
    }
  }
  if (!report.write_error.empty()) Print(stderr, absl::StrCat("swarmsim: ", report.write_error, "\n"));
  return report.found ? kExitFail : kExitPass;
}

}  // namespace explore
}  // namespace scenarios
