// The swarmsim command line: `run` one scenario, `check` a library of them, `validate` files.
// Exit status: 0 when every expectation and invariant held, 1 when one failed, 2 on bad input
// or usage (with `FILE:LINE:COL: what is wrong` for scenario files).
//
// This file is the only place that reads a wall clock: to report how fast a run was. Nothing it
// measures reaches the simulation or the trace.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scenarios/golden.h"
#include "scenarios/loader.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"

namespace scenarios {
namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] = R"(swarmsim — a deterministic simulator of Docker SwarmKit's control plane

usage:
  swarmsim run FILE [flags]        run one scenario and report what happened
  swarmsim check PATH... [flags]   run every scenario under the paths (sorted) as a suite
  swarmsim validate FILE...        load and validate scenario files without running them
  swarmsim help                    this text

run flags:
  --seed=N               use seed N instead of the file's `seed` (a run is replayed exactly
                         by the same binary, file and seed)
  --summary=PATH         write the summary JSON (DESIGN.md contract) to PATH
  --trace=PATH           write every trace record as JSON Lines to PATH
  --json                 print the summary JSON on stdout instead of the report
  --check-determinism    run twice and fail, naming the first differing trace record, if the
                         two traces differ
  --quiet                print only the final PASSED/FAILED line (and errors)

check flags:
  --junit=PATH           write JUnit XML (one testcase per scenario) to PATH
  --update-golden        rewrite each file's golden_digest with this binary's digest (adds the
                         field to files that have none)
  --check-determinism    run each scenario twice and compare the traces record by record
  --seed=N               override every file's seed

exit status: 0 all expectations and invariants held; 1 something failed; 2 bad input or usage.
Scenario format: SCENARIO_FORMAT.md. Directories named `testdata` are skipped by `check`.
)";

struct Flags {
  std::vector<std::string> positional;
  std::optional<uint64_t> seed;
  std::string summary_path;
  std::string trace_path;
  std::string junit_path;
  bool json = false;
  bool check_determinism = false;
  bool update_golden = false;
  bool quiet = false;
};

int UsageError(const std::string& message) {
  std::fprintf(stderr, "swarmsim: %s\nTry 'swarmsim help'.\n", message.c_str());
  return kExitUsage;
}

// Returns an error message, or empty on success.
std::string ParseFlags(const std::vector<std::string>& args, Flags& flags) {
  for (const std::string& arg : args) {
    if (!absl::StartsWith(arg, "--")) {
      flags.positional.push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const bool has_value = eq != std::string::npos;
    const std::string value = has_value ? arg.substr(eq + 1) : "";
    auto need_value = [&]() -> std::string {
      return has_value && !value.empty() ? "" : absl::StrCat("--", name, " needs a value: --", name, "=...");
    };
    if (name == "seed") {
      if (!need_value().empty()) return need_value();
      uint64_t seed = 0;
      if (!absl::SimpleAtoi(value, &seed)) return absl::StrCat("--seed must be a non-negative integer, got '", value, "'");
      flags.seed = seed;
    } else if (name == "summary") {
      if (!need_value().empty()) return need_value();
      flags.summary_path = value;
    } else if (name == "trace") {
      if (!need_value().empty()) return need_value();
      flags.trace_path = value;
    } else if (name == "junit") {
      if (!need_value().empty()) return need_value();
      flags.junit_path = value;
    } else if (name == "json" && !has_value) {
      flags.json = true;
    } else if (name == "check-determinism" && !has_value) {
      flags.check_determinism = true;
    } else if (name == "update-golden" && !has_value) {
      flags.update_golden = true;
    } else if (name == "quiet" && !has_value) {
      flags.quiet = true;
    } else if (name == "help") {
      std::fputs(kUsage, stdout);
      std::exit(kExitPass);
    } else {
      return absl::StrCat("unknown flag ", arg);
    }
  }
  return "";
}

bool WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  out.close();
  if (!out) {
    std::fprintf(stderr, "swarmsim: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Runs `scenario`, timing it, printing progress on stderr when a run takes a while.
RunOutput TimedRun(const Scenario& scenario, bool keep_records) {
  RunOptions options;
  options.keep_trace_records = keep_records;
  const int64_t start = WallNanos();
  int64_t last_progress = start;
  options.progress = [&](int64_t sim_ns, uint64_t events) {
    const int64_t now = WallNanos();
    if (now - last_progress < 2000000000) return;
    last_progress = now;
    std::fprintf(stderr, "  ... %s: simulated %s of %s, %llu events\n", scenario.name.c_str(),
                 FormatSimTime(sim_ns).c_str(),
                 FormatSimTime(absl::ToInt64Nanoseconds(scenario.duration)).c_str(),
                 static_cast<unsigned long long>(events));
  };
  RunOutput output = RunScenario(scenario, options);
  output.result.wall_ns = WallNanos() - start;
  return output;
}

// Runs a second time and compares the two traces record by record. Returns false (and marks
// the result failed with the first difference) when they differ.
bool CheckDeterminism(const Scenario& scenario, RunOutput& first) {
  RunOutput second = TimedRun(scenario, /*keep_records=*/true);
  std::optional<sim::TraceDifference> diff = sim::FirstDifference(*first.trace, *second.trace);
  InvariantResult verdict;
  verdict.name = "determinism (two runs, same seed, same trace)";
  if (diff.has_value()) {
    verdict.passed = false;
    verdict.detail = absl::StrCat("the traces first differ at ", diff->description);
    first.result.passed = false;
  } else {
    verdict.detail = absl::StrCat(first.trace->size(), " records identical");
  }
  first.result.invariants.push_back(verdict);
  return verdict.passed;
}

int Run(const Flags& flags) {
  if (flags.positional.size() != 1) return UsageError("run takes exactly one scenario FILE");
  absl::StatusOr<Scenario> loaded = LoadScenario(flags.positional[0]);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
    return kExitUsage;
  }
  Scenario scenario = *std::move(loaded);
  ApplySeedOverride(flags.seed, scenario);
  const bool keep = !flags.trace_path.empty() || flags.check_determinism;
  RunOutput output = TimedRun(scenario, keep);
  if (flags.check_determinism) CheckDeterminism(scenario, output);
  const RunResult& result = output.result;
  if (!flags.summary_path.empty() && !WriteFile(flags.summary_path, SummaryJson(result))) {
    return kExitUsage;
  }
  if (!flags.trace_path.empty()) {
    std::ofstream out(flags.trace_path, std::ios::binary);
    output.trace->WriteJsonLines(out);
    if (!out) return UsageError(absl::StrCat("cannot write ", flags.trace_path));
  }
  if (flags.json) {
    std::fputs(SummaryJson(result).c_str(), stdout);
  } else if (flags.quiet) {
    std::printf("%s %s\n", result.passed ? "PASSED" : "FAILED", result.file.c_str());
  } else {
    std::fputs(HumanReport(result).c_str(), stdout);
  }
  return result.passed ? kExitPass : kExitFail;
}

// Every *.textproto under the paths, sorted, skipping `testdata` directories (bad inputs live
// there on purpose).
std::vector<std::string> CollectScenarioFiles(const std::vector<std::string>& paths,
                                              std::string& error) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
      continue;
    }
    if (!fs::is_directory(path, ec)) {
      error = absl::StrCat(path, ": no such file or directory");
      return {};
    }
    for (auto it = fs::recursive_directory_iterator(path, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_directory() && it->path().filename() == "testdata") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && it->path().extension() == ".textproto") {
        files.push_back(it->path().lexically_normal().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

int Check(const Flags& flags) {
  if (flags.positional.empty()) return UsageError("check needs at least one PATH");
  std::string error;
  const std::vector<std::string> files = CollectScenarioFiles(flags.positional, error);
  if (!error.empty()) return UsageError(error);
  if (files.empty()) return UsageError("no .textproto scenario files under the given paths");
  std::vector<RunResult> results;
  bool bad_input = false;
  for (const std::string& file : files) {
    absl::StatusOr<Scenario> loaded = LoadScenario(file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      RunResult failed;
      failed.file = file;
      failed.scenario = file;
      failed.error = std::string(loaded.status().message());
      results.push_back(failed);
      bad_input = true;
      continue;
    }
    Scenario scenario = *std::move(loaded);
    ApplySeedOverride(flags.seed, scenario);
    RunOutput output = TimedRun(scenario, flags.check_determinism);
    if (flags.check_determinism) CheckDeterminism(scenario, output);
    RunResult& result = output.result;
    const std::string digest = absl::StrFormat("%016x", result.digest);
    if (flags.update_golden && result.golden_digest != digest) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (!WriteFile(file, WithGoldenDigest(text.str(), digest))) return kExitUsage;
      std::fprintf(stderr, "%s: golden_digest set to %s\n", file.c_str(), digest.c_str());
      result.golden_digest = digest;
    }
    if (!result.golden_digest.empty() && result.golden_digest != digest) result.passed = false;
    std::fprintf(stderr, "%s %s\n", result.passed ? "PASS" : "FAIL", file.c_str());
    results.push_back(std::move(result));
  }
  std::fputs(CheckTable(results).c_str(), stdout);
  if (!flags.junit_path.empty() && !WriteFile(flags.junit_path, JunitXml(results))) {
    return kExitUsage;
  }
  if (bad_input) return kExitUsage;
  for (const RunResult& r : results) {
    if (!r.passed) return kExitFail;
  }
  return kExitPass;
}

int Validate(const Flags& flags) {
  if (flags.positional.empty()) return UsageError("validate needs at least one FILE");
  int status = kExitPass;
  for (const std::string& file : flags.positional) {
    absl::StatusOr<Scenario> loaded = LoadScenario(file);
    if (loaded.ok()) {
      std::printf("%s: ok (%d managers, %d workers, %zu steps, %zu expectations)\n", file.c_str(),
                  loaded->cluster.managers, loaded->cluster.workers, loaded->steps.size(),
                  loaded->expectations.size());
    } else {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      status = kExitUsage;
    }
  }
  return status;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string command = args[0];
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return kExitPass;
  }
  Flags flags;
  const std::string error = ParseFlags({args.begin() + 1, args.end()}, flags);
  if (!error.empty()) return UsageError(error);
  if (command == "run") return Run(flags);
  if (command == "check") return Check(flags);
  if (command == "validate") return Validate(flags);
  return UsageError(absl::StrCat("unknown command '", command, "'"));
}

}  // namespace
}  // namespace scenarios

int main(int argc, char** argv) { return scenarios::Main(argc, argv); }
