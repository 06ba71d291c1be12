#include "scenarios/limits.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "scenarios/duration.h"
#include "scenarios/loader.h"
#include "scenarios/report.h"

namespace scenarios {
namespace {

constexpr int64_t kSecondsPerHour = 3600;
constexpr int64_t kMib = 1024 * 1024;
constexpr char kHowToOverride[] = "pass --allow-large to run it anyway (docs/limits.md)";

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::string At(const Scenario& scenario, SourceLocation at) {
  if (at.line <= 0) return scenario.file;  // built in code: no position to point at
  return absl::StrCat(scenario.file, ":", at.line, ":", at.column);
}

}  // namespace

ResourceEstimate EstimateResources(const Scenario& scenario) {
  ResourceEstimate e;
  e.hosts = int64_t{scenario.cluster.managers} + scenario.cluster.workers;
  // Whole simulated seconds, rounded up: at most 100000h = 3.6e8 s, times at most ~1e5 hosts,
  // fits an int64 with room to spare.
  const int64_t sim_seconds = CeilDiv(absl::ToInt64Nanoseconds(scenario.duration), 1000000000);
  e.host_hours = CeilDiv(e.hosts * sim_seconds, kSecondsPerHour);
  e.memory_mib = CeilDiv(kBaseBytes + int64_t{scenario.cluster.workers} * kBytesPerWorker, kMib);
  e.min_wall_seconds = e.host_hours * kWallMsPerThousandHostHours / 1000 / 1000;
  // Each service at its largest count. Scenario::services and scale steps name services by
  // name; a std::map keeps the walk in name order.
  std::map<std::string, std::pair<int64_t, SourceLocation>> largest;
  for (const Service& service : scenario.services) {
    largest[service.name] = {service.replicas, service.location};
  }
  for (const Step& step : scenario.steps) {
    const auto* scale = std::get_if<ScaleService>(&step.action);
    if (scale == nullptr) continue;
    auto& [count, at] = largest[scale->name];
    if (scale->replicas > count) {
      count = scale->replicas;
      at = step.location;
    }
  }
  int64_t top = -1;
  for (const auto& [name, count_at] : largest) {
    e.replicas += count_at.first;
    if (count_at.first > top) {
      top = count_at.first;
      e.replicas_location = count_at.second;
    }
  }
  return e;
}

absl::Status CheckResourceLimits(const Scenario& scenario) {
  const ResourceEstimate e = EstimateResources(scenario);
  std::vector<std::pair<int, std::string>> lines;  // (line, message)
  if (e.host_hours > kMaxHostHours) {
    lines.emplace_back(scenario.duration_location.line, absl::StrCat(
        At(scenario, scenario.duration_location), ": this run is too large to start by default: ",
        Thousands(e.hosts), " hosts for ", FormatDurationExact(scenario.duration), " is ",
        Thousands(e.host_hours), " host-hours, over the limit of ", Thousands(kMaxHostHours),
        " (at the fastest measured rate, ~", kWallMsPerThousandHostHours / 1000,
        " s per 1,000 host-hours, that is at least ", RoughWallTime(e.min_wall_seconds),
        " of wall time); ", kHowToOverride));
  }
  if (e.memory_mib > kMaxMemoryMib) {
    lines.emplace_back(scenario.workers_location.line, absl::StrCat(
        At(scenario, scenario.workers_location), ": this run is too large to start by default: ",
        Thousands(scenario.cluster.workers), " workers need an estimated ",
        Thousands(e.memory_mib), " MiB of memory (~", kBytesPerWorker / 1000,
        " kB per worker), over the limit of ", Thousands(kMaxMemoryMib), " MiB; ",
        kHowToOverride));
  }
  if (e.replicas > kMaxReplicas) {
    lines.emplace_back(e.replicas_location.line, absl::StrCat(
        At(scenario, e.replicas_location), ": this run is too large to start by default: its "
        "services are given ", Thousands(e.replicas), " replicas in all (each at its largest "
        "count), over the limit of ", Thousands(kMaxReplicas), " (the scheduler's time grows "
        "faster than the square of the count: 2,000 replicas took ~3 s, 20,000 more than "
        "10 min); ", kHowToOverride));
  }
  if (lines.empty()) return absl::OkStatus();
  // In file order, as the loader reports its errors.
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> text;
  for (const auto& line : lines) text.push_back(line.second);
  return absl::InvalidArgumentError(absl::StrJoin(text, "\n"));
}

absl::StatusOr<Scenario> LoadScenarioWithinLimits(const std::string& path, bool allow_large) {
  absl::StatusOr<Scenario> loaded = LoadScenario(path);
  if (!loaded.ok() || allow_large) return loaded;
  absl::Status limits = CheckResourceLimits(*loaded);
  if (!limits.ok()) return limits;
  return loaded;
}

std::string RoughWallTime(int64_t seconds) {
  constexpr int64_t kMinute = 60, kHour = 3600, kDay = 86400, kYear = 365 * kDay;
  // One decimal where it matters ("3.5 h"), whole units where it does not ("41 days").
  auto tenths = [](int64_t n, int64_t unit) {
    const int64_t t = (n * 10 + unit / 2) / unit;
    return t % 10 == 0 ? absl::StrCat(t / 10) : absl::StrFormat("%d.%d", t / 10, t % 10);
  };
  if (seconds < 2 * kMinute) return absl::StrCat(seconds, " s");
  if (seconds < 2 * kHour) return absl::StrCat((seconds + kMinute / 2) / kMinute, " min");
  if (seconds < 2 * kDay) return absl::StrCat(tenths(seconds, kHour), " h");
  if (seconds < kYear) return absl::StrCat((seconds + kDay / 2) / kDay, " days");
  return absl::StrCat(tenths(seconds, kYear), " years");
}

}  // namespace scenarios
