#include "scenarios/progress.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scenarios {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

// Whole seconds as "45s", "3m05s", "1h02m03s": enough precision for people watching a run.
std::string Rough(int64_t ns) {
  const int64_t s = ns / kNanosPerSecond;
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
}

// a * b / c without overflow for the magnitudes of a run (up to 100000 h in ns).
int64_t MulDiv(int64_t a, int64_t b, int64_t c) {
  return static_cast<int64_t>(static_cast<__int128>(a) * b / c);
}

}  // namespace

std::string ProgressLine(const std::string& scenario, int64_t sim_ns, int64_t run_ns,
                         uint64_t events, int64_t wall_ns) {
  std::string line = absl::StrCat("  ... ", scenario, ": simulated ", Rough(sim_ns), " of ",
                                  Rough(run_ns));
  if (run_ns > 0) absl::StrAppend(&line, " (", MulDiv(sim_ns, 100, run_ns), "%)");
  if (wall_ns > 0) {
    absl::StrAppend(&line, ", ",
                    MulDiv(static_cast<int64_t>(events), kNanosPerSecond, wall_ns), " events/s");
  }
  // The time left at the pace so far: simulated time still to go over simulated time per wall.
  if (sim_ns > 0 && sim_ns < run_ns) {
    absl::StrAppend(&line, ", about ", Rough(MulDiv(run_ns - sim_ns, wall_ns, sim_ns)), " left");
  }
  return line;
}

ProgressMeter::ProgressMeter(std::string scenario, int64_t run_ns,
                             std::function<int64_t()> wall_now, int64_t every_ns)
    : scenario_(std::move(scenario)),
      run_ns_(run_ns),
      wall_now_(std::move(wall_now)),
      every_ns_(every_ns),
      start_ns_(wall_now_()),
      last_line_ns_(start_ns_) {}

std::string ProgressMeter::Update(int64_t sim_ns, uint64_t events) {
  const int64_t now = wall_now_();
  if (now - last_line_ns_ < every_ns_) return "";
  last_line_ns_ = now;
  return ProgressLine(scenario_, sim_ns, run_ns_, events, now - start_ns_);
}

}  // namespace scenarios
