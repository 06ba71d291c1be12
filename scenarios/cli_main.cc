// The swarmsim command line: `run` one scenario, `check` a library of them, `validate` files,
// `explore` random fault plans over a base (delegated to scenarios/explore/explore_cli.h).
// Exit status: 0 when every expectation and invariant held, 1 when one failed, 2 on bad input
// or usage (with `FILE:LINE:COL: what is wrong` for scenario files).
//
// Everything printed passes through EscapeControls: names and paths come from files and
// arguments, and a control character in them must not reach the terminal raw. An output PATH
// of `-` is standard output; the report then goes to stderr so stdout holds only that data.
//
// This file is the only place that reads a wall clock: to report how fast a run was. Nothing it
// measures reaches the simulation or the trace.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scenarios/explore/explore_cli.h"
#include "scenarios/golden.h"
#include "scenarios/limits.h"
#include "scenarios/loader.h"
#include "scenarios/progress.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"
#include "scenarios/wall_clock.h"
#include "sim/check.h"
#include "viz/perfetto.h"
#include "viz/trace_file.h"

namespace scenarios {
namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

// The version of the CLI and of the scenario format it reads.
constexpr char kVersion[] = "0.3.0";

// How this binary was built, for `swarmsim version`: a debug or sanitizer build runs the same
// scenarios to the same digests, only slower, and bug reports should say which one ran.
const char* BuildMode() {
#if defined(__SANITIZE_ADDRESS__)
  return "asan";
#elif defined(__SANITIZE_THREAD__)
  return "tsan";
#elif defined(NDEBUG)
  return "opt";
#else
  return "fastbuild";  // assertions on
#endif
}

constexpr char kRunUsage[] = R"(usage: swarmsim run FILE [flags]
  Runs one scenario and reports the timeline, each expectation with the simulated time it was
  met or why not, every invariant, the trace digest and how to replay the run.

  --seed=N               use seed N instead of the file's `seed` (a run is replayed exactly
                         by the same binary, file and seed); a golden_digest is pinned for the
                         file's own seed and is not compared under another
  --summary=PATH         write the summary JSON (docs/summary-json.md) to PATH
  --trace=PATH           write every trace record as JSON Lines to PATH
  --perfetto=PATH        write the trace as Chrome trace-event JSON to PATH, to open in
                         ui.perfetto.dev or chrome://tracing (docs/perfetto.md)
                         (PATH `-` is standard output, for any of these flags; the report then
                         goes to stderr)
  --json                 print the summary JSON on stdout instead of the report
  --check-determinism    run twice and fail, naming the first differing trace record, if the
                         two traces differ
  --quiet                print only the final PASSED/FAILED line (and errors)
  --allow-large          run a scenario over the resource limits (host-hours, memory;
                         docs/limits.md), which is refused otherwise
)";

constexpr char kCheckUsage[] = R"(usage: swarmsim check PATH... [flags]
  Runs every *.textproto under the paths (sorted; directories named `testdata` are skipped)
  and prints a table, a row as each scenario finishes, and a closing "check: N passed,
  M failed" line.

  --junit=PATH           write JUnit XML (one testcase per scenario) to PATH (`-`: standard
                         output; the table then goes to stderr); the file is replaced after
                         every scenario, so a killed check leaves valid XML with the finished
                         scenarios (and the others as skipped)
  --update-golden        rewrite each file's golden_digest with this binary's digest for the
                         file's own seed (adds the field to files that have none)
  --check-determinism    run each scenario twice and compare the traces record by record
  --seed=N               override every file's seed: expectations are checked, golden digests
                         (pinned for each file's own seed) are not compared
  --allow-large          run scenarios over the resource limits (docs/limits.md)
)";

constexpr char kValidateUsage[] = R"(usage: swarmsim validate FILE... [--allow-large]
  Loads and validates scenario files without running them; bad input is reported as
  FILE:LINE:COL: what is wrong. A scenario over the resource limits (host-hours, memory;
  docs/limits.md) is reported too, unless --allow-large.
)";

constexpr char kVersionUsage[] = R"(usage: swarmsim version
  Prints the version and how this binary was built.
)";

constexpr char kUsage[] = R"(swarmsim — a deterministic simulator of Docker SwarmKit's control plane

usage:
  swarmsim run FILE [flags]        run one scenario and report what happened
  swarmsim check PATH... [flags]   run every scenario under the paths (sorted) as a suite
  swarmsim validate FILE...        load and validate scenario files without running them
  swarmsim explore BASE [flags]    random fault plans over a base scenario: find, shrink and
                                   write a counterexample (docs/explore.md)
  swarmsim version                 the version and the build mode
  swarmsim help [COMMAND]          this text, or one command's flags (also COMMAND --help)

exit status: 0 all expectations and invariants held; 1 something failed; 2 bad input or usage.
Scenario files are read only if they are regular files of at most 4 MiB. A scenario larger
than 10,000 host-hours, 2,048 MiB (estimated) or 5,000 replicas is refused unless
--allow-large (docs/limits.md).
Scenario format: docs/scenario-format.md; summary JSON: docs/summary-json.md; what the model
covers and simplifies: docs/model.md (all in the swarmsim source tree).
)";

static_assert(kScenarioFileMaxBytes == 4 * 1024 * 1024, "kUsage states the limit: update it");
static_assert(kMaxHostHours == 10000 && kMaxMemoryMib == 2048 && kMaxReplicas == 5000,
              "kUsage states the limits");

// The usage of one command, or nullptr when `command` is not one.
const char* CommandUsage(const std::string& command) {
  if (command == "run") return kRunUsage;
  if (command == "check") return kCheckUsage;
  if (command == "validate") return kValidateUsage;
  if (command == "version") return kVersionUsage;
  if (command == "explore") return explore::kExploreUsage;
  return nullptr;
}

struct Flags {
  std::vector<std::string> positional;
  std::optional<uint64_t> seed;
  std::string summary_path;
  std::string trace_path;
  std::string perfetto_path;
  std::string junit_path;
  bool json = false;
  bool check_determinism = false;
  bool update_golden = false;
  bool quiet = false;
  bool help = false;
  bool allow_large = false;  // lift the resource limits (scenarios/limits.h)
};

// Prints `text` with its control characters made visible (see the file comment).
void Print(std::FILE* to, const std::string& text) {
  std::fputs(EscapeControls(text).c_str(), to);
}

int UsageError(const std::string& message, const std::string& command = "") {
  Print(stderr, absl::StrCat("swarmsim: ", message, "\nTry 'swarmsim ",
                             command.empty() ? "help" : absl::StrCat(command, " --help"),
                             "'.\n"));
  return kExitUsage;
}

// An output PATH of `-` means standard output.
constexpr char kStdout[] = "-";

// Returns an error message, or empty on success.
std::string ParseFlags(const std::vector<std::string>& args, Flags& flags) {
  // Asking for help wins over anything else on the line, even a flag that does not parse.
  for (const std::string& arg : args) {
    if (arg == "-h" || arg == "--help") flags.help = true;
  }
  for (const std::string& arg : args) {
    if (arg == "-h") {
      flags.help = true;
      continue;
    }
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
    } else if (name == "perfetto") {
      if (!need_value().empty()) return need_value();
      flags.perfetto_path = value;
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
    } else if (name == "allow-large" && !has_value) {
      flags.allow_large = true;
    } else if (name == "help" && !has_value) {
      flags.help = true;
    } else {
      return absl::StrCat("unknown flag ", arg);
    }
  }
  return "";
}

// Writes `contents` to `path`, or to standard output when `path` is `-`. The contents are
// already escaped for their format (JSON, XML).
bool WriteFile(const std::string& path, const std::string& contents) {
  if (path == kStdout) {
    std::fwrite(contents.data(), 1, contents.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::ofstream out(path, std::ios::binary);
  out << contents;
  out.close();
  if (!out) {
    Print(stderr, absl::StrCat("swarmsim: cannot write ", path, "\n"));
    return false;
  }
  return true;
}

// Replaces the file at `path` through a temporary file beside it and a rename, so that a reader,
// or a kill at any moment, finds the old contents or the new, never half of them. Only for a
// path that is a regular file or does not exist yet (anything else, say /dev/stdout, is
// written in place by WriteFile): a rename would replace the device's name, not write to it.
// A symbolic link is followed: the file it names is replaced, the link stays.
bool ReplaceFile(const std::string& path, const std::string& contents);

// Whether ReplaceFile renames over `path` (a regular file, or nothing yet) rather than writing
// in place (`-`, a device, a FIFO).
bool IsReplaceable(const std::string& path) {
  if (path == kStdout) return false;
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  return !std::filesystem::exists(status) || std::filesystem::is_regular_file(status);
}

bool ReplaceFile(const std::string& path, const std::string& contents) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!IsReplaceable(path)) return WriteFile(path, contents);
  std::string target = path;
  if (fs::is_symlink(fs::symlink_status(path, ec))) target = fs::canonical(path, ec).string();
  if (ec || target.empty()) return WriteFile(path, contents);
  const std::string temporary = absl::StrCat(target, ".tmp");
  if (!WriteFile(temporary, contents)) return false;
  fs::rename(temporary, target, ec);
  if (ec) {
    fs::remove(temporary, ec);
    Print(stderr, absl::StrCat("swarmsim: cannot write ", path, "\n"));
    return false;
  }
  return true;
}

// Runs `scenario`, timing it. On a terminal, prints a progress line on stderr every few
// seconds of wall time (never into files or pipes: summaries and traces stay clean).
RunOutput TimedRun(const Scenario& scenario, bool keep_records) {
  RunOptions options;
  options.keep_trace_records = keep_records;
  const int64_t start = WallNanos();
  ProgressMeter meter(scenario.name, absl::ToInt64Nanoseconds(scenario.duration), WallNanos);
  if (isatty(STDERR_FILENO)) {
    options.progress = [&meter](int64_t sim_ns, uint64_t events) {
      const std::string line = meter.Update(sim_ns, events);
      if (!line.empty()) Print(stderr, absl::StrCat(line, "\n"));
    };
  }
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

// The trace as Chrome trace-event JSON, through viz's reader (the same code as
// `viz_timeline --perfetto` on the --trace file, so the two outputs cannot disagree).
std::string PerfettoJson(const sim::Trace& trace, const std::string& scenario_file) {
  std::ostringstream text;
  trace.WriteJsonLines(text);
  const std::string name = std::filesystem::path(scenario_file).filename().string() + " trace";
  swarmsim::viz::LoadedTrace loaded;
  std::string error;
  // The simulator's own trace is well formed; a failure here is a bug, reported rather than
  // hidden in an empty file.
  SIM_CHECK_MSG(swarmsim::viz::LoadTraceText(text.str(), name, &loaded, &error), error);
  swarmsim::viz::PerfettoOptions options;
  options.source = name;
  return swarmsim::viz::RenderPerfetto(loaded.timeline, options);
}

int Run(const Flags& flags) {
  if (flags.positional.size() != 1) return UsageError("run takes exactly one scenario FILE");
  const int to_stdout = (flags.trace_path == kStdout) + (flags.summary_path == kStdout) +
                        (flags.perfetto_path == kStdout) + (flags.json ? 1 : 0);
  if (to_stdout > 1) {
    return UsageError(
        "only one of --trace=-, --perfetto=-, --summary=- and --json can write to stdout", "run");
  }
  absl::StatusOr<Scenario> loaded =
      LoadScenarioWithinLimits(flags.positional[0], flags.allow_large);
  if (!loaded.ok()) {
    Print(stderr, absl::StrCat(loaded.status().message(), "\n"));
    return kExitUsage;
  }
  Scenario scenario = *std::move(loaded);
  ApplySeedOverride(flags.seed, scenario);
  const bool keep =
      !flags.trace_path.empty() || !flags.perfetto_path.empty() || flags.check_determinism;
  RunOutput output = TimedRun(scenario, keep);
  if (flags.check_determinism) CheckDeterminism(scenario, output);
  const RunResult& result = output.result;
  if (!flags.summary_path.empty() && !WriteFile(flags.summary_path, SummaryJson(result))) {
    return kExitUsage;
  }
  if (!flags.trace_path.empty()) {
    std::ofstream file;
    if (flags.trace_path != kStdout) file.open(flags.trace_path, std::ios::binary);
    std::ostream& out = flags.trace_path == kStdout ? std::cout : file;
    output.trace->WriteJsonLines(out);
    out.flush();
    if (!out) return UsageError(absl::StrCat("cannot write ", flags.trace_path));
  }
  if (!flags.perfetto_path.empty() &&
      !WriteFile(flags.perfetto_path, PerfettoJson(*output.trace, scenario.file))) {
    return kExitUsage;
  }
  // With a data file on stdout, the report goes to stderr.
  std::FILE* report = to_stdout > 0 && !flags.json ? stderr : stdout;
  if (flags.json) {
    std::fputs(SummaryJson(result).c_str(), stdout);
  } else if (flags.quiet) {
    Print(report, absl::StrCat(result.passed ? "PASSED " : "FAILED ", result.file, "\n"));
  } else {
    Print(report, HumanReport(result));
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
    if (!fs::exists(path, ec)) {
      error = absl::StrCat(path, ": no such file or directory");
      return {};
    }
    if (!fs::is_directory(path, ec)) {
      files.push_back(path);  // LoadScenario says what is wrong with anything but a scenario
      continue;
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
  if (flags.update_golden && flags.seed.has_value()) {
    // A golden digest belongs to the file's own seed; pinning another seed's would break it.
    return UsageError("--update-golden pins each file's digest for its own seed; drop --seed");
  }
  // With the JUnit XML on stdout, the table goes to stderr.
  std::FILE* table = flags.junit_path == kStdout ? stderr : stdout;
  std::string error;
  const std::vector<std::string> files = CollectScenarioFiles(flags.positional, error);
  if (!error.empty()) return UsageError(error);
  if (files.empty()) return UsageError("no .textproto scenario files under the given paths");
  // The table streams: each row is printed (and flushed, for pipes) as its scenario finishes,
  // and a JUnit file is replaced after each one (see --junit in kCheckUsage). Standard output
  // or a device cannot be rewritten, so `--junit=-` (or /dev/stdout) is written once, at the end.
  const size_t width = CheckTableWidth(files);
  Print(table, CheckTableHeader(width));
  std::fflush(table);
  const bool junit_each = !flags.junit_path.empty() && IsReplaceable(flags.junit_path);
  std::vector<RunResult> results;
  auto write_junit = [&](size_t done) {  // the files not reached yet are "skipped"
    const std::vector<std::string> not_run(files.begin() + static_cast<std::ptrdiff_t>(done),
                                           files.end());
    return ReplaceFile(flags.junit_path, JunitXml(results, not_run));
  };
  if (junit_each && !write_junit(0)) return kExitUsage;
  bool bad_input = false;
  for (const std::string& file : files) {
    absl::StatusOr<Scenario> loaded = LoadScenarioWithinLimits(file, flags.allow_large);
    if (!loaded.ok()) {
      Print(stderr, absl::StrCat(loaded.status().message(), "\n"));
      RunResult failed;
      failed.file = file;
      failed.scenario = file;
      failed.error = std::string(loaded.status().message());
      results.push_back(failed);
      bad_input = true;
    } else {
      Scenario scenario = *std::move(loaded);
      ApplySeedOverride(flags.seed, scenario);
      RunOutput output = TimedRun(scenario, flags.check_determinism);
      if (flags.check_determinism) CheckDeterminism(scenario, output);
      RunResult& result = output.result;
      const std::string digest = absl::StrFormat("%016x", result.semantic_digest);
      if (flags.update_golden && result.golden_digest != digest) {
        absl::StatusOr<std::string> text = ReadScenarioFile(file);
        if (!text.ok()) {
          Print(stderr, absl::StrCat(text.status().message(), "\n"));
          return kExitUsage;
        }
        // Replaced, not rewritten in place: a check killed here leaves the file whole.
        if (!ReplaceFile(file, WithGoldenDigest(*text, digest))) return kExitUsage;
        Print(stderr, absl::StrCat(file, ": golden_digest set to ", digest, "\n"));
        result.golden_digest = digest;
        result.golden_seed = result.seed;
        // The old pin no longer counts against the run; everything else still does.
        result.passed = FailureSummary(result).empty();
      }
      results.push_back(std::move(result));
    }
    Print(table, CheckTableRow(results.back(), width));
    std::fflush(table);
    if (junit_each && !write_junit(results.size())) return kExitUsage;
  }
  Print(table, CheckTableTotals(results));
  if (!flags.junit_path.empty() && !junit_each &&
      !WriteFile(flags.junit_path, JunitXml(results))) {
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
    absl::StatusOr<Scenario> loaded = LoadScenarioWithinLimits(file, flags.allow_large);
    if (loaded.ok()) {
      Print(stdout,
            absl::StrFormat("%s: ok (%d managers, %d workers, %zu steps, %zu expectations)\n",
                            file, loaded->cluster.managers, loaded->cluster.workers,
                            loaded->steps.size(), loaded->expectations.size()));
    } else {
      Print(stderr, absl::StrCat(loaded.status().message(), "\n"));
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
    const char* usage = args.size() > 1 ? CommandUsage(args[1]) : nullptr;
    if (args.size() > 1 && usage == nullptr) {
      return UsageError(absl::StrCat("unknown command '", args[1], "'"));
    }
    std::fputs(usage != nullptr ? usage : kUsage, stdout);
    return kExitPass;
  }
  if (command == "version" || command == "--version") {
    std::printf("swarmsim %s (%s build)\n", kVersion, BuildMode());
    return kExitPass;
  }
  if (CommandUsage(command) == nullptr) {
    return UsageError(absl::StrCat("unknown command '", command, "'"));
  }
  // explore has its own flags (scenarios/explore/explore_cli.h).
  if (command == "explore") return explore::ExploreMain({args.begin() + 1, args.end()});
  Flags flags;
  const std::string error = ParseFlags({args.begin() + 1, args.end()}, flags);
  if (flags.help) {  // `run --help` wins over anything else on the line, even a bad flag.
    std::fputs(CommandUsage(command), stdout);
    return kExitPass;
  }
  if (!error.empty()) return UsageError(error, command);
  if (command == "run") return Run(flags);
  if (command == "check") return Check(flags);
  return Validate(flags);
}

}  // namespace
}  // namespace scenarios

int main(int argc, char** argv) { return scenarios::Main(argc, argv); }
