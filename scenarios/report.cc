#include "scenarios/report.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "util/json_string.h"
#include "util/utf8.h"

namespace scenarios {

std::string Thousands(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatSimTime(int64_t ns) {
  if (ns < 0) return "-";
  return absl::StrFormat("%d.%03ds", ns / 1000000000, (ns / 1000000) % 1000);
}

std::string EscapeControls(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const util::Utf8Char c = util::DecodeUtf8(s, i);
    if (c.valid && (c.code_point == '\n' || c.code_point == '\t' || !util::IsControl(c.code_point))) {
      out.append(s, i, c.size);
    } else if (!c.valid || c.code_point < 0x80) {  // a byte that is not UTF-8, C0 or DEL
      out += absl::StrFormat("\\x%02x", c.code_point);
    } else {  // C1
      out += absl::StrFormat("\\u%04x", c.code_point);
    }
    i += c.size;
  }
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

std::string Interval(int64_t from_ns, int64_t to_ns) {
  if (to_ns < 0) return absl::StrCat("from ", FormatSimTime(from_ns), " to the end of the run");
  return absl::StrCat("from ", FormatSimTime(from_ns), " to ", FormatSimTime(to_ns), " (",
                      FormatSimTime(to_ns - from_ns), ")");
}

// "17.139s ACCEPTED, 17.642s RUNNING, 60.000s LOST (host crashed)".
std::string TaskStates(const TaskHistory& t) {
  std::vector<std::string> parts;
  for (const auto& [at, state] : t.states) parts.push_back(FormatSimTime(at) + " " + state);
  return absl::StrJoin(parts, ", ");
}

// A task whose life was more than "placed once and ran to the end".
bool Eventful(const TaskHistory& t) {
  return t.states.empty() || t.states.back().second != "RUNNING" || t.states.size() > 2;
}
}  // namespace

std::vector<TimelineEntry> SummarizeTimeline(const std::vector<TimelineEntry>& entries,
                                             size_t max_lines) {
  std::vector<TimelineEntry> out;
  size_t i = 0;
  while (i < entries.size()) {
    if (entries[i].group_key.empty()) {
      out.push_back(entries[i++]);
      continue;
    }
    // A stretch of consecutive groupable lines, grouped by key in order of first appearance.
    size_t end = i;
    while (end < entries.size() && !entries[end].group_key.empty()) ++end;
    std::map<std::string, std::vector<size_t>> by_key;
    std::vector<std::string> order;
    for (size_t k = i; k < end; ++k) {
      auto [it, inserted] = by_key.emplace(entries[k].group_key, std::vector<size_t>());
      if (inserted) order.push_back(entries[k].group_key);
      it->second.push_back(k);
    }
    std::vector<TimelineEntry> stretch;
    for (const std::string& key : order) {
      const std::vector<size_t>& members = by_key[key];
      if (members.size() < kGroupMin) {
        for (size_t k : members) stretch.push_back(entries[k]);
        continue;
      }
      const int64_t first = entries[members.front()].at_ns;
      const int64_t last = entries[members.back()].at_ns;
      std::vector<std::string> names;
      for (size_t n = 0; n < 3; ++n) names.push_back(entries[members[n]].node);
      std::string key_text = key;
      if (key_text.compare(0, 3, "is ") == 0) key_text = "are " + key_text.substr(3);
      TimelineEntry line;
      line.at_ns = first;
      line.what = absl::StrCat(
          Thousands(members.size()), " nodes ", key_text,
          first == last ? "" : absl::StrCat(" between ", FormatSimTime(first), " and ",
                                            FormatSimTime(last)),
          ": ", absl::StrJoin(names, ", "),
          members.size() > 3 ? absl::StrCat(" and ", Thousands(members.size() - 3), " more") : "");
      stretch.push_back(std::move(line));
    }
    std::stable_sort(stretch.begin(), stretch.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) {
                       return a.at_ns < b.at_ns;
                     });
    for (TimelineEntry& e : stretch) out.push_back(std::move(e));
    i = end;
  }
  if (max_lines < 3 || out.size() <= max_lines) return out;
  const size_t head = (max_lines - 1) / 2;
  const size_t tail = max_lines - 1 - head;
  std::vector<TimelineEntry> cut(out.begin(), out.begin() + head);
  TimelineEntry gap;
  gap.at_ns = out[head].at_ns;
  gap.what = absl::StrCat("(", Thousands(out.size() - head - tail),
                          " more timeline lines not shown)");
  cut.push_back(std::move(gap));
  cut.insert(cut.end(), out.end() - tail, out.end());
  return cut;
}

GoldenVerdict CompareGolden(const RunResult& r) {
  if (r.golden_digest.empty()) return GoldenVerdict::kNone;
  if (r.seed != r.golden_seed) return GoldenVerdict::kOtherSeed;
  return r.golden_digest == DigestHex(r.semantic_digest) ? GoldenVerdict::kMatches
                                                           : GoldenVerdict::kDiffers;
}

std::string TriggerOutcome(const TriggerResult& t) {
  return t.fired_ns >= 0 ? "fired" : "never fired";
}

std::string SummaryJson(const RunResult& r) {
  std::string out = "{";
  absl::StrAppend(&out, "\"scenario\":", JsonString(r.scenario), ",\"file\":", JsonString(r.file),
                  ",\"seed\":", r.seed, ",\"passed\":", Bool(r.passed),
                  ",\"sim_time_ns\":", r.sim_time_ns, ",\"events\":", r.events,
                  ",\"wall_ns\":", r.wall_ns, ",\"digest\":", JsonString(DigestHex(r.digest)),
                  ",\"semantic_digest\":", JsonString(DigestHex(r.semantic_digest)),
                  ",\"golden_digest\":", JsonString(r.golden_digest),
                  ",\"trace_records\":", r.trace_records, ",\"error\":", JsonString(r.error));
  out += ",\"expectations\":[";
  for (size_t i = 0; i < r.expectations.size(); ++i) {
    const ExpectationResult& e = r.expectations[i];
    if (i > 0) out += ",";
    absl::StrAppend(&out, "{\"name\":", JsonString(e.name), ",\"passed\":", Bool(e.passed),
                    ",\"at_ns\":", e.at_ns, ",\"detail\":", JsonString(e.detail),
                    ",\"first_failed_ns\":", e.first_failed_ns,
                    ",\"held_again_ns\":", e.held_again_ns, ",\"down_ns\":", e.down_ns, "}");
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
  out += "],\"services\":[";
  for (size_t i = 0; i < r.services.size(); ++i) {
    const ServiceHealth& h = r.services[i];
    if (i > 0) out += ",";
    absl::StrAppend(&out, "{\"name\":", JsonString(h.name), ",\"replicas\":", h.replicas,
                    ",\"running\":", h.running, ",\"first_full_ns\":", h.first_full_ns,
                    ",\"down_ns\":", h.down_ns, ",\"outages\":[");
    for (size_t k = 0; k < h.outages.size(); ++k) {
      const ServiceOutage& o = h.outages[k];
      if (k > 0) out += ",";
      absl::StrAppend(&out, "{\"from_ns\":", o.from_ns, ",\"to_ns\":", o.to_ns,
                      ",\"lowest\":", o.lowest, "}");
    }
    out += "]}";
  }
  absl::StrAppend(&out, "],\"nodes_down_count\":", r.nodes_down.size(), ",\"nodes_down\":[");
  for (size_t i = 0; i < r.nodes_down.size(); ++i) {
    absl::StrAppend(&out, i > 0 ? "," : "", JsonString(r.nodes_down[i]));
  }
  out += "],\"node_status_changes\":[";
  for (size_t i = 0; i < r.node_status_changes.size(); ++i) {
    const NodeStatusChange& c = r.node_status_changes[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"node\":", JsonString(c.node),
                    ",\"at_ns\":", c.at_ns, ",\"state\":", JsonString(c.state), "}");
  }
  out += "],\"control_calls\":[";
  for (size_t i = 0; i < r.control_calls.size(); ++i) {
    const ControlCallResult& c = r.control_calls[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"what\":", JsonString(c.what),
                    ",\"via\":", JsonString(c.via), ",\"at_ns\":", c.at_ns,
                    ",\"outcome\":", JsonString(c.outcome), ",\"code\":", JsonString(c.code),
                    ",\"message\":", JsonString(c.message), ",\"answered_ns\":", c.answered_ns,
                    ",\"may_be_lost\":", Bool(c.may_be_lost), "}");
  }
  out += "],\"triggers\":[";
  for (size_t i = 0; i < r.triggers.size(); ++i) {
    const TriggerResult& t = r.triggers[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"line\":", t.line,
                    ",\"action\":", JsonString(t.action), ",\"event\":", JsonString(t.event),
                    ",\"armed_ns\":", t.armed_ns, ",\"record_ns\":", t.record_ns,
                    ",\"record_host\":", JsonString(t.record_host), ",\"fired_ns\":", t.fired_ns,
                    ",\"outcome\":", JsonString(TriggerOutcome(t)), "}");
  }
  out += "],\"tasks\":[";
  for (size_t i = 0; i < r.tasks.size(); ++i) {
    const TaskHistory& t = r.tasks[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"service\":", JsonString(t.service),
                    ",\"slot\":", t.slot, ",\"task\":", JsonString(t.task),
                    ",\"node\":", JsonString(t.node), ",\"states\":[");
    for (size_t k = 0; k < t.states.size(); ++k) {
      absl::StrAppend(&out, k > 0 ? "," : "", "{\"at_ns\":", t.states[k].first,
                      ",\"state\":", JsonString(t.states[k].second), "}");
    }
    out += "]}";
  }
  out += "],\"fault_points\":[";
  bool first = true;
  for (const auto& [name, count] : r.fault_points) {
    absl::StrAppend(&out, first ? "" : ",", "{\"name\":", JsonString(name),
                    ",\"hits\":", count.hits, ",\"fires\":", count.fires, "}");
    first = false;
  }
  out += "],\"counters\":{";
  first = true;
  for (const auto& [name, n] : r.counters) {
    absl::StrAppend(&out, first ? "" : ",", JsonString(name), ":", n);
    first = false;
  }
  out += "}}\n";
  return out;
}

std::string FailureSummary(const RunResult& r) {
  std::vector<std::string> what;
  if (!r.error.empty()) what.push_back(absl::StrCat("error: ", r.error));
  for (const ControlCallResult& c : r.control_calls) {
    if (c.outcome == "pending" && !c.may_be_lost) {
      what.push_back(absl::StrCat("control call \"", c.what, "\" at ", FormatSimTime(c.at_ns),
                                  " never answered"));
    }
  }
  for (const ExpectationResult& e : r.expectations) {
    if (!e.passed) what.push_back(absl::StrCat("expectation \"", e.name, "\": ", e.detail));
  }
  for (const InvariantResult& v : r.invariants) {
    if (!v.passed) what.push_back(absl::StrCat("invariant ", v.name, ": ", v.detail));
  }
  if (CompareGolden(r) == GoldenVerdict::kDiffers) {
    what.push_back(absl::StrCat("semantic digest ", DigestHex(r.semantic_digest),
                                " differs from golden_digest ", r.golden_digest));
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
    if (e.first_failed_ns >= 0) {
      absl::StrAppend(&out, "        not holding ",
                      Interval(e.first_failed_ns, e.held_again_ns),
                      e.held_again_ns >= 0 && e.down_ns != e.held_again_ns - e.first_failed_ns
                          ? absl::StrCat(", ", FormatSimTime(e.down_ns), " in total")
                          : "",
                      "\n");
    }
  }
  if (!r.services.empty()) {
    out += "\nservices (ground truth: replicas running on agents that are up):\n";
    for (const ServiceHealth& h : r.services) {
      absl::StrAppend(&out, "  ", h.name, "  ", h.running, "/", h.replicas,
                      " running at the end; ",
                      h.first_full_ns < 0 ? "never ran every replica"
                                          : absl::StrCat("all ", "running first at ",
                                                         FormatSimTime(h.first_full_ns)),
                      h.outages.empty() ? "; never short since"
                                        : absl::StrCat("; short ", h.outages.size(), " time",
                                                       h.outages.size() == 1 ? "" : "s", ", ",
                                                       FormatSimTime(h.down_ns), " in total"),
                      "\n");
      for (const ServiceOutage& o : h.outages) {
        absl::StrAppend(&out, "        below ", h.replicas, " ", Interval(o.from_ns, o.to_ns),
                        ", lowest ", o.lowest, "\n");
      }
    }
  }
  {
    absl::StrAppend(&out, "\nnodes marked DOWN: ", r.nodes_down.size(),
                    r.nodes_down.empty() ? "" : absl::StrCat(" (", absl::StrJoin(r.nodes_down, " "), ")"),
                    "\n");
    // Each node that went DOWN, with every status change it had; the others only went through
    // READY (and UNKNOWN at leader changes), which the timeline already summarises.
    std::map<std::string, std::vector<std::string>> changes;
    for (const NodeStatusChange& c : r.node_status_changes) {
      if (std::binary_search(r.nodes_down.begin(), r.nodes_down.end(), c.node)) {
        changes[c.node].push_back(absl::StrCat(FormatSimTime(c.at_ns), " ", c.state));
      }
    }
    for (const std::string& node : r.nodes_down) {
      absl::StrAppend(&out, "  ", node, "  ", absl::StrJoin(changes[node], ", "), "\n");
    }
  }
  if (!r.control_calls.empty()) {
    out += "\ncontrol calls:\n";
    for (const ControlCallResult& c : r.control_calls) {
      absl::StrAppend(&out, absl::StrFormat("  %12s  ", FormatSimTime(c.at_ns)), c.what,
                      c.via.empty() ? "" : absl::StrCat(" via ", c.via), ": ");
      if (c.outcome == "done") {
        absl::StrAppend(&out, "done at ", FormatSimTime(c.answered_ns));
      } else if (c.outcome == "refused") {
        absl::StrAppend(&out, "refused at ", FormatSimTime(c.answered_ns), ": ", c.code, ": ",
                        c.message);
      } else {
        absl::StrAppend(&out, "PENDING: no answer by the end of the run",
                        c.may_be_lost ? " (the step allows it: may_be_lost)" : " (FAIL)");
      }
      out += "\n";
    }
  }
  if (r.buggify) {
    // Which fault points misbehaved, and how often they were reached.
    out += "\nfault points fired:";
    bool any = false;
    for (const auto& [name, count] : r.fault_points) {
      if (count.fires == 0) continue;
      absl::StrAppend(&out, "\n  ", name, ": fired ", count.fires, " of ", count.hits, " times");
      any = true;
    }
    out += any ? "\n" : " none\n";
  }
  if (!r.triggers.empty()) {
    out += "\ntriggered steps:\n";
    for (const TriggerResult& t : r.triggers) {
      absl::StrAppend(&out, "  line ", t.line, " ", t.action, " on ", t.event, " (armed at ",
                      FormatSimTime(t.armed_ns), "): ");
      if (t.fired_ns >= 0) {
        absl::StrAppend(&out, "fired at ", FormatSimTime(t.fired_ns), " (record at ",
                        FormatSimTime(t.record_ns),
                        t.record_host.empty() ? "" : absl::StrCat(" on ", t.record_host), ")");
      } else if (t.too_late) {
        absl::StrAppend(&out, "never fired: record at ", FormatSimTime(t.record_ns),
                        ", too late for the trigger's until");
      } else if (t.record_ns >= 0) {
        absl::StrAppend(&out, "never fired: record at ", FormatSimTime(t.record_ns),
                        ", the run ended before the delay elapsed");
      } else {
        out += "never fired: no matching record";
      }
      out += "\n";
    }
  }
  if (!r.tasks.empty()) {
    // One line per task; with many, the uneventful ones (placed once, RUNNING to the end) are
    // counted instead of listed.
    constexpr size_t kTasksListed = 60;
    const bool all = r.tasks.size() <= kTasksListed;
    out += "\ntasks (as their agents ran them):\n";
    size_t listed = 0;
    size_t quiet = 0;
    // Consecutive slots with the same node and the same history share a line ("web.1-10").
    std::vector<const TaskHistory*> shown;
    for (const TaskHistory& t : r.tasks) {
      if (!all && (!Eventful(t) || listed >= kTasksListed)) {
        ++quiet;
        continue;
      }
      ++listed;
      shown.push_back(&t);
    }
    for (size_t i = 0; i < shown.size();) {
      const TaskHistory& t = *shown[i];
      const std::string states = TaskStates(t);
      size_t j = i + 1;
      while (j < shown.size() && shown[j]->service == t.service && shown[j]->node == t.node &&
             shown[j]->slot == shown[j - 1]->slot + 1 && TaskStates(*shown[j]) == states) {
        ++j;
      }
      absl::StrAppend(&out, "  ", t.service, ".", t.slot,
                      j - i > 1 ? absl::StrCat("-", shown[j - 1]->slot) : "", " on ", t.node,
                      ": ", states, "\n");
      i = j;
    }
    if (quiet > 0) {
      absl::StrAppend(&out, "  (", Thousands(quiet), " more tasks not listed",
                      listed < kTasksListed ? ": each placed once and RUNNING to the end" : "",
                      ")\n");
    }
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
  absl::StrAppend(&out, "digest ", DigestHex(r.digest), ", semantic ", DigestHex(r.semantic_digest));
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

size_t CheckTableWidth(const std::vector<std::string>& files) {
  size_t width = 8;  // "scenario"
  for (const std::string& file : files) width = std::max(width, file.size());
  return width;
}

std::string CheckTableHeader(size_t width) {
  return absl::StrFormat("%-*s  %-6s  %10s  %9s  %s\n", static_cast<int>(width), "scenario",
                         "result", "sim time", "events", "detail");
}

std::string CheckTableRow(const RunResult& r, size_t width) {
  return absl::StrFormat("%-*s  %-6s  %10s  %9d  %s\n", static_cast<int>(width), r.file,
                         r.passed ? "PASS" : "FAIL", FormatSimTime(r.sim_time_ns), r.events,
                         r.passed ? "" : FailureSummary(r));
}

std::string CheckTableTotals(const std::vector<RunResult>& results) {
  size_t passed = 0;
  for (const RunResult& r : results) passed += r.passed ? 1 : 0;
  return absl::StrCat("check: ", passed, " passed, ", results.size() - passed, " failed\n");
}

std::string CheckTable(const std::vector<RunResult>& results) {
  std::vector<std::string> files;
  for (const RunResult& r : results) files.push_back(r.file);
  const size_t width = CheckTableWidth(files);
  std::string out = CheckTableHeader(width);
  for (const RunResult& r : results) out += CheckTableRow(r, width);
  return out + CheckTableTotals(results);
}

namespace {
// XML 1.0 cannot hold most control characters even as &#N; references, so they are shown as
// EscapeControls does; so are bytes that are not UTF-8 (the file declares encoding="UTF-8").
std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : EscapeControls(s)) {
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

std::string JunitXml(const std::vector<RunResult>& results,
                     const std::vector<std::string>& not_run) {
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
  const size_t tests = results.size() + not_run.size();
  const std::string skipped =
      not_run.empty() ? "" : absl::StrCat("\" skipped=\"", not_run.size());
  absl::StrAppend(&out, "<testsuites tests=\"", tests, "\" failures=\"", failures, skipped,
                  "\" time=\"", seconds(wall_total), "\">\n");
  absl::StrAppend(&out, "  <testsuite name=\"swarmsim\" tests=\"", tests, "\" failures=\"",
                  failures, skipped, "\" time=\"", seconds(wall_total), "\">\n");
  for (const RunResult& r : results) {
    absl::StrAppend(&out, "    <testcase classname=\"swarmsim.scenarios\" name=\"",
                    XmlEscape(r.file), "\" time=\"", seconds(r.wall_ns), "\">");
    if (!r.passed) {
      absl::StrAppend(&out, "\n      <failure message=\"", XmlEscape(FailureSummary(r)),
                      "\">", XmlEscape(HumanReport(r)), "</failure>\n    ");
    }
    out += "</testcase>\n";
  }
  for (const std::string& file : not_run) {
    absl::StrAppend(&out, "    <testcase classname=\"swarmsim.scenarios\" name=\"",
                    XmlEscape(file), "\" time=\"0.000\">\n",
                    "      <skipped message=\"not run: check had not reached it\"/>\n",
                    "    </testcase>\n");
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace scenarios
