#include "viz/svg_timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>
#include <string_view>

namespace swarmsim {
namespace viz {
namespace {

constexpr double kLabelWidth = 100;  // left column: lane names and row names
constexpr double kRightMargin = 16;
constexpr double kAxisHeight = 22;
constexpr double kMarkerLevel = 12;  // one row of marker labels
constexpr int kMarkerLevels = 4;
constexpr double kLeaderRow = 16;
constexpr double kRow = 10;          // one band row inside a lane
constexpr double kRowGap = 3;
constexpr double kLanePad = 3;
constexpr double kHostRow = 5;      // the thin host lifecycle row at the top of a lane

// Manager colours, in lane order; agent bands take the colour of the manager they talk to.
constexpr const char* kPalette[] = {"#2563eb", "#db2777", "#0d9488", "#7c3aed",
                                    "#ea580c", "#65a30d", "#0891b2", "#a16207"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Seconds(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(ns) / 1e9);
  return buf;
}

// The lane's background while the host is in this state.
const char* LifeShade(std::string_view kind) {
  if (kind == "up") return "#f3faf5";
  if (kind == "paused") return "#fef3c7";
  if (kind == "stopped") return "#e5e7eb";
  if (kind == "crashed") return "url(#crashed)";
  return "#ffffff";
}

// The lane's thin "host" row.
const char* LifeFill(std::string_view kind) {
  if (kind == "up") return "#a7f3d0";
  if (kind == "paused") return "#b45309";
  if (kind == "stopped") return "#6b7280";
  if (kind == "crashed") return "#dc2626";
  return "#ffffff";
}

const char* RoleFill(std::string_view role) {
  if (role == "leader") return "#f59e0b";
  if (role == "candidate") return "#a855f7";
  if (role == "pre-candidate") return "#d8b4fe";
  if (role == "follower") return "#93c5fd";
  return "#9ca3af";
}

const char* StatusFill(std::string_view state) {
  if (state == "READY") return "#22c55e";
  if (state == "UNKNOWN") return "#facc15";
  if (state == "DOWN") return "#ef4444";
  if (state == "DISCONNECTED") return "#fb923c";
  return "#9ca3af";
}

const char* CodeFill(std::string_view code) {
  if (code == "UNAVAILABLE") return "#ea580c";
  if (code == "DEADLINE_EXCEEDED") return "#dc2626";
  if (code == "CANCELLED" || code == "OK") return "#6b7280";
  return "#111827";
}

const char* MarkerColour(std::string_view kind) {
  if (kind == "crash") return "#dc2626";
  if (kind == "stop") return "#4b5563";
  if (kind == "pause") return "#d97706";
  if (kind == "resume") return "#16a34a";
  if (kind == "restart") return "#2563eb";
  return "#7c3aed";
}

// 1, 2 or 5 times a power of ten seconds, so that about `target` ticks fit.
double TickStep(double span_s, int target) {
  const double raw = span_s / std::max(target, 1);
  double p = std::pow(10.0, std::floor(std::log10(raw > 0 ? raw : 1e-9)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (p * m >= raw) return p * m;
  }
  return p * 10;
}

class Svg {
 public:
  Svg(const Timeline& t, const RenderOptions& o) : t_(t), o_(o) {
    plot_right_ = o.width - kRightMargin;
    span_ns_ = std::max<int64_t>(t.end_ns - t.begin_ns, 1);
    // Markers of one kind at one instant share a label: "crash m1 m2 m3".
    std::map<std::pair<int64_t, std::string>, size_t> index;
    for (const Marker& m : t.markers) {
      auto [it, fresh] = index.emplace(std::make_pair(m.at_ns, m.kind), markers_.size());
      if (!fresh) {
        Marker& last = markers_[it->second];
        const std::string prefix = m.kind + " ";
        last.label += " " + (m.label.rfind(prefix, 0) == 0 ? m.label.substr(prefix.size()) : m.label);
        last.tip += "; " + m.label + ": " + m.tip;
      } else {
        markers_.push_back(m);
        markers_.back().tip = m.label + ": " + m.tip;
      }
    }
  }

  double X(int64_t ns) const {
    return kLabelWidth +
           static_cast<double>(ns - t_.begin_ns) / static_cast<double>(span_ns_) *
               (plot_right_ - kLabelWidth);
  }

  std::string PeerColour(const std::string& name) const {
    for (size_t i = 0; i < t_.managers.size(); ++i) {
      if (t_.managers[i] == name) return kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
    }
    return "#6b7280";
  }

  std::string Render() {
    const size_t shown = std::min(t_.lanes.size(), static_cast<size_t>(std::max(o_.max_lanes, 0)));
    const int levels = MarkerLevels();
    double y = kAxisHeight + levels * kMarkerLevel;
    const double leader_y = y + 2;
    y = leader_y + kLeaderRow + 4;
    const double lanes_top = y;
    std::string lanes;
    for (size_t i = 0; i < shown; ++i) y = DrawLane(t_.lanes[i], y, &lanes);
    const double lanes_bottom = y;
    std::string tail;
    if (shown < t_.lanes.size()) {
      y += 16;
      tail += "<text x=\"6\" y=\"" + Num(y) + "\" class=\"omitted\">" +
              std::to_string(t_.lanes.size() - shown) + " more lanes omitted (" +
              EscapeHtml(t_.lanes[shown].name) + " … " + EscapeHtml(t_.lanes.back().name) +
              "); raise --max-lanes to see them</text>\n";
    }
    const double height = y + 8;

    std::string s;
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"" + std::to_string(o_.width) +
         "\" height=\"" + Num(height) + "\" viewBox=\"0 0 " + std::to_string(o_.width) + " " +
         Num(height) + "\">\n";
    s += "<defs><pattern id=\"crashed\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fee2e2\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#f87171\" stroke-width=\"2\"/>"
         "</pattern></defs>\n";
    s += Axis(lanes_bottom);
    s += Leaders(leader_y);
    s += lanes;
    s += Markers(kAxisHeight, lanes_top - 2, lanes_bottom);
    s += tail;
    s += "</svg>\n";
    return s;
  }

 private:
  std::string Rect(double x1, double x2, double y, double h, const std::string& fill,
                   const std::string& tip, const std::string& extra = "") const {
    const double w = std::max(x2 - x1, 0.8);
    return "<rect x=\"" + Num(x1) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) + "\" height=\"" +
           Num(h) + "\" fill=\"" + fill + "\"" + extra + "><title>" + EscapeHtml(tip) +
           "</title></rect>\n";
  }

  // Text centred in [x1, x2] when it fits.
  std::string Label(double x1, double x2, double y, const std::string& text,
                    const std::string& cls) const {
    const double need = static_cast<double>(text.size()) * 6.2 + 4;
    if (text.empty() || x2 - x1 < need) return "";
    return "<text x=\"" + Num((x1 + x2) / 2) + "\" y=\"" + Num(y) + "\" class=\"" + cls +
           "\">" + EscapeHtml(text) + "</text>\n";
  }

  static std::string Span(const Band& b) {
    return " [" + Seconds(b.begin_ns) + " – " + Seconds(b.end_ns) + "]";
  }

  std::string Axis(double bottom) const {
    std::string s;
    const double span_s = static_cast<double>(span_ns_) / 1e9;
    const double step = TickStep(span_s, static_cast<int>((plot_right_ - kLabelWidth) / 90));
    const double first = std::ceil(static_cast<double>(t_.begin_ns) / 1e9 / step) * step;
    s += "<line x1=\"" + Num(kLabelWidth) + "\" y1=\"" + Num(kAxisHeight) + "\" x2=\"" +
         Num(plot_right_) + "\" y2=\"" + Num(kAxisHeight) + "\" class=\"axis\"/>\n";
    for (double v = first; v * 1e9 <= static_cast<double>(t_.end_ns) + 1; v += step) {
      const double x = X(static_cast<int64_t>(std::llround(v * 1e9)));
      char text[32];
      std::snprintf(text, sizeof text, step < 1 ? "%.3gs" : "%.0fs", v);
      s += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(kAxisHeight - 4) + "\" x2=\"" + Num(x) +
           "\" y2=\"" + Num(bottom) + "\" class=\"grid\"/>\n";
      s += "<text x=\"" + Num(x) + "\" y=\"" + Num(kAxisHeight - 7) + "\" class=\"tick\">" +
           text + "</text>\n";
    }
    return s;
  }

  std::string Leaders(double y) const {
    std::string s = "<text x=\"6\" y=\"" + Num(y + 11) + "\" class=\"lane\">leader</text>\n";
    s += Rect(kLabelWidth, plot_right_, y, kLeaderRow, "#fee2e2", "no leader");
    for (const Band& b : t_.leaders) {
      const double x1 = X(b.begin_ns), x2 = X(b.end_ns);
      s += Rect(x1, x2, y, kLeaderRow, PeerColour(b.peer), b.tip + Span(b),
                " class=\"leader-band\"");
      s += Label(x1, x2, y + 11.5, b.label, "in light");
    }
    return s;
  }

  // Greedy placement of marker labels on up to kMarkerLevels rows; returns the rows used.
  int MarkerLevels() {
    std::vector<double> level_end(kMarkerLevels, -1e9);
    levels_.clear();
    int used = 0;
    for (const Marker& m : markers_) {
      const double x = X(m.at_ns);
      int level = 0;
      while (level < kMarkerLevels && level_end[level] > x) ++level;
      if (level == kMarkerLevels) {  // every row overlaps: take the one that frees up first
        level = static_cast<int>(std::min_element(level_end.begin(), level_end.end()) -
                                 level_end.begin());
      }
      level_end[level] = x + static_cast<double>(m.label.size()) * 5.6 + 8;
      levels_.push_back(level);
      used = std::max(used, level + 1);
    }
    return used;
  }

  std::string Markers(double top, double lanes_top, double bottom) const {
    std::string s;
    for (size_t i = 0; i < markers_.size(); ++i) {
      const Marker& m = markers_[i];
      const double x = X(m.at_ns);
      const std::string colour = MarkerColour(m.kind);
      const std::string tip = EscapeHtml(Seconds(m.at_ns) + " " + m.tip);
      const double ly = top + (levels_[i] + 1) * kMarkerLevel - 2;
      s += "<text x=\"" + Num(x + 2) + "\" y=\"" + Num(ly) + "\" class=\"marker\" fill=\"" +
           colour + "\">" + EscapeHtml(m.label) + "<title>" + tip + "</title></text>\n";
      s += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(ly - 9) + "\" x2=\"" + Num(x) +
           "\" y2=\"" + Num(std::max(bottom, lanes_top)) + "\" stroke=\"" + colour +
           "\" class=\"marker-line\"><title>" + tip + "</title></line>\n";
    }
    return s;
  }

  double DrawLane(const Lane& lane, double y, std::string* s) const {
    const int rows = lane.manager ? 3 : 2;
    const double h = 2 * kLanePad + kHostRow + rows * (kRow + kRowGap);
    for (const Band& b : lane.life) {
      *s += Rect(X(b.begin_ns), X(b.end_ns), y, h, LifeShade(b.kind), b.tip + Span(b));
    }
    *s += "<line x1=\"0\" y1=\"" + Num(y + h) + "\" x2=\"" + Num(plot_right_) + "\" y2=\"" +
          Num(y + h) + "\" class=\"sep\"/>\n";
    *s += "<text x=\"6\" y=\"" + Num(y + h / 2 + 4) + "\" class=\"lane\">" +
          EscapeHtml(lane.name) + "</text>\n";
    double row_y = y + kLanePad;
    *s += "<text x=\"" + Num(kLabelWidth - 4) + "\" y=\"" + Num(row_y + 5) +
          "\" class=\"row host\">host</text>\n";
    for (const Band& b : lane.life) {
      *s += Rect(X(b.begin_ns), X(b.end_ns), row_y, kHostRow, LifeFill(b.kind), b.tip + Span(b),
                 " class=\"host-" + b.kind + "\"");
    }
    row_y += kHostRow + kRowGap;
    auto row_label = [&](const char* text) {
      *s += "<text x=\"" + Num(kLabelWidth - 4) + "\" y=\"" + Num(row_y + 8) +
            "\" class=\"row\">" + text + "</text>\n";
    };
    if (lane.manager) {
      row_label("raft");
      for (const Band& b : lane.raft) {
        const double x1 = X(b.begin_ns), x2 = X(b.end_ns);
        *s += Rect(x1, x2, row_y, kRow, RoleFill(b.kind), b.tip + Span(b),
                   " class=\"raft-" + b.kind + "\"");
        *s += Label(x1, x2, row_y + 8, b.label, "in");
      }
      row_y += kRow + kRowGap;
    }
    row_label("node");
    for (const Band& b : lane.status) {
      *s += Rect(X(b.begin_ns), X(b.end_ns), row_y, kRow, StatusFill(b.kind), b.tip + Span(b),
                 " class=\"status-" + b.kind + "\"");
      *s += Label(X(b.begin_ns), X(b.end_ns), row_y + 8, b.kind, "in");
    }
    row_y += kRow + kRowGap;
    row_label("agent");
    for (const Band& b : lane.session) {
      const double x1 = X(b.begin_ns), x2 = X(b.end_ns);
      const bool up = b.kind == "session";
      *s += Rect(x1, x2, row_y, kRow, PeerColour(b.peer), b.tip + Span(b),
                 up ? " class=\"session\"" : " class=\"connecting\" fill-opacity=\"0.3\"");
      *s += Label(x1, x2, row_y + 8, b.label, up ? "in light" : "in");
    }
    for (const Tick& k : lane.session_ends) {
      *s += Rect(X(k.at_ns) - 1, X(k.at_ns) + 1, row_y - 2, kRow + 4, CodeFill(k.kind), k.tip,
                 " class=\"session-end\"");
    }
    return y + h;
  }

  const Timeline& t_;
  const RenderOptions& o_;
  double plot_right_ = 0;
  int64_t span_ns_ = 1;
  std::vector<Marker> markers_;
  std::vector<int> levels_;
};

std::string Swatch(const std::string& fill, const std::string& text, double opacity = 1) {
  return "<span class=\"sw\"><svg width=\"14\" height=\"10\"><rect width=\"14\" height=\"10\" "
         "fill=\"" + fill + "\" fill-opacity=\"" + Num(opacity) + "\"/></svg>" +
         EscapeHtml(text) + "</span>\n";
}

std::string Legend(const Timeline& t) {
  std::string s = "<div class=\"legend\"><b>host</b> ";
  for (const char* k : {"up", "paused", "stopped", "crashed"}) s += Swatch(LifeFill(k), k);
  s += " (the lane is shaded alike; hatched while crashed) ";
  s += " <b>raft</b> ";
  for (const char* r : {"leader", "candidate", "pre-candidate", "follower"}) s += Swatch(RoleFill(r), r);
  s += " (label: term)<br><b>node</b> ";
  for (const char* st : {"READY", "UNKNOWN", "DOWN", "DISCONNECTED"}) s += Swatch(StatusFill(st), st);
  s += " <b>agent</b> session with ";
  for (size_t i = 0; i < t.managers.size(); ++i) {
    s += Swatch(kPalette[i % (sizeof kPalette / sizeof kPalette[0])], t.managers[i]);
  }
  s += " (pale: connecting, not yet registered); session end ";
  for (const char* c : {"UNAVAILABLE", "DEADLINE_EXCEEDED"}) s += Swatch(CodeFill(c), c);
  s += Swatch(CodeFill("UNKNOWN"), "other code");
  s += " <b>faults</b> ";
  for (const char* k : {"crash", "stop", "pause", "resume", "restart"}) s += Swatch(MarkerColour(k), k);
  s += "</div>\n";
  return s;
}

}  // namespace

std::string EscapeHtml(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n': case '\t': out.push_back(c); break;
      default:
        // A control character is not allowed in HTML text (nor in the SVG, which is XML): it
        // is shown as \xNN, as the swarmsim CLI shows it.
        if (byte < 0x20 || byte == 0x7f) {
          out += "\\x";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string RenderHtml(const Timeline& t, const RenderOptions& o) {
  Svg svg(t, o);
  std::string s;
  s += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>swarmsim timeline: " +
       EscapeHtml(o.title) + "</title>\n<style>\n"
       "body{font-family:sans-serif;margin:12px;color:#111827}\n"
       "h1{font-size:16px;margin:0 0 4px}\n"
       ".meta{font-size:12px;color:#374151;margin:0 0 6px}\n"
       ".legend{font-size:11px;line-height:18px;margin-bottom:6px}\n"
       ".sw{margin-right:8px;white-space:nowrap}.sw svg{vertical-align:middle;margin-right:3px}\n"
       "svg.timeline{max-width:100%;height:auto}\n"
       "svg text{font-family:sans-serif}\n"
       "text.lane{font-size:11px;font-weight:bold}\n"
       "text.row{font-size:8px;fill:#6b7280;text-anchor:end}text.host{font-size:6px}\n"
       "text.in{font-size:9px;text-anchor:middle;pointer-events:none}\n"
       "text.light{fill:#ffffff}\n"
       "text.tick{font-size:10px;text-anchor:middle;fill:#374151}\n"
       "text.marker{font-size:10px}\n"
       "text.omitted{font-size:12px;fill:#b91c1c}\n"
       ".warning{font-size:13px;color:#b91c1c;font-weight:bold;margin:0 0 6px}\n"
       "line.axis{stroke:#6b7280}line.grid{stroke:#e5e7eb}line.sep{stroke:#e5e7eb}\n"
       "line.marker-line{stroke-dasharray:3 3;stroke-width:1.2}\n"
       "</style></head><body>\n";
  s += "<h1>swarmsim timeline: " + EscapeHtml(o.title) + "</h1>\n<p class=\"meta\">";
  s += std::to_string(t.records) + " records, " + Seconds(t.begin_ns) + " – " + Seconds(t.end_ns) +
       " (" + Seconds(t.end_ns - t.begin_ns) + " simulated)";
  if (t.has_seed) s += ", seed " + std::to_string(t.seed);
  s += ", " + std::to_string(t.lanes.size()) + " lanes (" + std::to_string(t.managers.size()) +
       " managers)";
  if (static_cast<int>(t.lanes.size()) > o.max_lanes) {
    s += ", <b>" + std::to_string(t.lanes.size() - static_cast<size_t>(std::max(o.max_lanes, 0))) +
         " omitted</b>";
  }
  s += ".<br>Node status as the store saw it: ";
  if (t.status_sources.empty()) s += "no node.status records";
  for (size_t i = 0; i < t.status_sources.size(); ++i) {
    s += (i == 0 ? "" : ", then ") + EscapeHtml(t.status_sources[i].manager) + "'s from " +
         Seconds(t.status_sources[i].at_ns);
  }
  s += " (the leader's store when there is one). Hover over anything for details.</p>\n";
  if (!o.warning.empty()) s += "<p class=\"warning\">" + EscapeHtml(o.warning) + "</p>\n";
  s += Legend(t);
  s += svg.Render();
  s += "</body></html>\n";
  return s;
}

}  // namespace viz
}  // namespace swarmsim
