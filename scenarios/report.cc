#include "scenarios/report.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace scenarios {

std::string FormatSimTime(int64_t ns) {
  if (ns < 0) return "-";
  return absl::StrFormat("%d.%03ds", ns / 1000000000, (ns / 1000000) % 1000);
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

namespace {
const char* Bool(bool b) { return b ? "true" : "false"; }

std::string DigestHex(uint64_t digest) { return absl::StrFormat("%016x", digest); }

// Simulated seconds per wall second, as an integer ratio rendered without floating point.
std::string SpeedRatio(int64_t sim_ns, int64_t wall_ns) {
  if (wall_ns <= 0) return "-";
  const int64_t whole = sim_ns / wall_ns;
  const int64_t tenths = (sim_ns % wall_ns) * 10 / wall_ns;
  return absl::StrFormat("%d.%dx", whole, tenths);
}
}  // namespace

GoldenVerdict CompareGolden(const RunResult& r) {
  if (r.golden_digest.empty()) return GoldenVerdict::kNone;
  if (r.seed != r.golden_seed) return GoldenVerdict::kOtherSeed;
  return r.golden_digest == DigestHex(r.digest) ? GoldenVerdict::kMatches : GoldenVerdict::kDiffers;
}

std::string SummaryJson(const RunResult& r) {
  std::string out = "{";
  absl::StrAppend(&out, "\"scenario\":", JsonString(r.scenario), ",\"file\":", JsonString(r.file),
                  ",\"seed\":", r.seed, ",\"passed\":", Bool(r.passed),
                  ",\"sim_time_ns\":", r.sim_time_ns, ",\"events\":", r.events,
                  ",\"wall_ns\":", r.wall_ns, ",\"digest\":", JsonString(DigestHex(r.digest)),
                  ",\"golden_digest\":", JsonString(r.golden_digest),
                  ",\"trace_records\":", r.trace_records, ",\"error\":", JsonString(r.error));
  out += ",\"expectations\":[";
  for (size_t i = 0; i < r.expectations.size(); ++i) {
    const ExpectationResult& e = r.expectations[i];
    if (i > 0) out += ",";
    absl::StrAppend(&out, "{\"name\":", JsonString(e.name), ",\"passed\":", Bool(e.passed),
                    ",\"at_ns\":", e.at_ns, ",\"detail\":", JsonString(e.detail), "}");
  }
  out += "],\"invariants\":[";
  for (size_t i = 0; i < r.invariants.size(); ++i) {
    const InvariantResult& v = r.invariants[i];
    if (i > 0) out += ",";
    absl::StrAppend(&out, "{\"name\":", JsonString(v.name), ",\"passed\":", Bool(v.passed),
                    ",\"detail\":", JsonString(v.detail), "}");
  }
  out += "],\"leaders\":[";
  for (size_t i = 0; i < r.leaders.size(); ++i) {
    const LeaderChange& l = r.leaders[i];
    if (i > 0) out += ",";
    absl::StrAppend(&out, "{\"term\":", l.term, ",\"node\":", JsonString(l.node),
                    ",\"at_ns\":", l.at_ns, "}");
  }
  out += "]}\n";
  return out;
}

std::string FailureSummary(const RunResult& r) {
  std::vector<std::string> what;
  if (!r.error.empty()) what.push_back(absl::StrCat("error: ", r.error));
  for (const ExpectationResult& e : r.expectations) {
    if (!e.passed) what.push_back(absl::StrCat("expectation \"", e.name, "\": ", e.detail));
  }
  for (const InvariantResult& v : r.invariants) {
    if (!v.passed) what.push_back(absl::StrCat("invariant ", v.name, ": ", v.detail));
  }
  if (CompareGolden(r) == GoldenVerdict::kDiffers) {
    what.push_back(absl::StrCat("trace digest ", DigestHex(r.digest), " differs from golden_digest ",
                                r.golden_digest));
  }
  return absl::StrJoin(what, "; ");
}

std::string HumanReport(const RunResult& r) {
  std::string out;
  absl::StrAppend(&out, "scenario ", r.scenario, " (", r.file, ") seed=", r.seed, "\n\n");
  out += "timeline (simulated time):\n";
  if (r.timeline.empty()) out += "  (nothing happened)\n";
  for (const TimelineEntry& t : r.timeline) {
    absl::StrAppend(&out, absl::StrFormat("  %12s  ", FormatSimTime(t.at_ns)), t.what, "\n");
  }
  out += "\nexpectations:\n";
  if (r.expectations.empty()) out += "  (none)\n";
  for (const ExpectationResult& e : r.expectations) {
    absl::StrAppend(&out, "  ", e.passed ? "PASS" : "FAIL", "  ", e.name);
    if (!e.detail.empty()) absl::StrAppend(&out, " — ", e.detail);
    out += "\n";
  }
  out += "\ninvariants:\n";
  for (const InvariantResult& v : r.invariants) {
    absl::StrAppend(&out, "  ", v.passed ? "ok  " : "FAIL", "  ", v.name);
    if (!v.detail.empty()) absl::StrAppend(&out, " — ", v.detail);
    out += "\n";
  }
  if (!r.error.empty()) absl::StrAppend(&out, "\nerror: ", r.error, "\n");
  absl::StrAppend(&out, "\n", r.events, " events, ", r.trace_records, " trace records, ",
                  FormatSimTime(r.sim_time_ns), " simulated in ",
                  absl::StrFormat("%d.%03ds", r.wall_ns / 1000000000, (r.wall_ns / 1000000) % 1000),
                  " wall (", SpeedRatio(r.sim_time_ns, r.wall_ns), " real time)\n");
  absl::StrAppend(&out, "digest ", DigestHex(r.digest));
  switch (CompareGolden(r)) {
    case GoldenVerdict::kNone:
      break;
    case GoldenVerdict::kMatches:
      out += " (matches golden)";
      break;
    case GoldenVerdict::kDiffers:
      absl::StrAppend(&out, " (DIFFERS from golden ", r.golden_digest, ")");
      break;
    case GoldenVerdict::kOtherSeed:
      absl::StrAppend(&out, " (golden digest not compared: it is pinned for seed ", r.golden_seed,
                      ", this run used seed ", r.seed, ")");
      break;
  }
  absl::StrAppend(&out, "\n", r.passed ? "PASSED" : "FAILED", "  (reproduce: swarmsim run ",
                  r.file, " --seed=", r.seed, ")\n");
  return out;
}

std::string CheckTable(const std::vector<RunResult>& results) {
  size_t width = 8;
  for (const RunResult& r : results) width = std::max(width, r.file.size());
  std::string out = absl::StrFormat("%-*s  %-6s  %10s  %9s  %s\n", static_cast<int>(width),
                                    "scenario", "result", "sim time", "events", "detail");
  int passed = 0;
  for (const RunResult& r : results) {
    if (r.passed) ++passed;
    absl::StrAppend(&out, absl::StrFormat("%-*s  %-6s  %10s  %9d  %s\n", static_cast<int>(width),
                                          r.file, r.passed ? "PASS" : "FAIL",
                                          FormatSimTime(r.sim_time_ns), r.events,
                                          r.passed ? "" : FailureSummary(r)));
  }
  absl::StrAppend(&out, "check: ", passed, " passed, ", results.size() - passed, " failed\n");
  return out;
}

namespace {
std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}
}  // namespace

std::string JunitXml(const std::vector<RunResult>& results) {
  int failures = 0;
  int64_t wall_total = 0;
  for (const RunResult& r : results) {
    if (!r.passed) ++failures;
    wall_total += r.wall_ns;
  }
  auto seconds = [](int64_t ns) {
    return absl::StrFormat("%d.%03d", ns / 1000000000, (ns / 1000000) % 1000);
  };
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(&out, "<testsuites tests=\"", results.size(), "\" failures=\"", failures,
                  "\" time=\"", seconds(wall_total), "\">\n");
  absl::StrAppend(&out, "  <testsuite name=\"swarmsim\" tests=\"", results.size(),
                  "\" failures=\"", failures, "\" time=\"", seconds(wall_total), "\">\n");
  for (const RunResult& r : results) {
    absl::StrAppend(&out, "    <testcase classname=\"swarmsim.scenarios\" name=\"",
                    XmlEscape(r.file), "\" time=\"", seconds(r.wall_ns), "\">");
    if (!r.passed) {
      absl::StrAppend(&out, "\n      <failure message=\"", XmlEscape(FailureSummary(r)),
                      "\">", XmlEscape(HumanReport(r)), "</failure>\n    ");
    }
    out += "</testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace scenarios
