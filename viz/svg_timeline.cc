#include "viz/svg_timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>
#include <string_view>

#include "util/utf8.h"
#include "viz/timeline_js.h"

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
constexpr double kServiceRow = 24;  // a service's tasks: as high as its most tasks
constexpr double kSummaryNodeRow = 20;  // a worker group's node status counts
// Workers are summarised in groups of at most this many, in lane order, from kSummaryFrom
// workers on; the groups start collapsed (their lanes hidden) above kCollapseAbove workers, where
// the page no longer reads at a glance.
constexpr size_t kWorkersPerGroup = 32;
constexpr size_t kSummaryFrom = 2;
constexpr size_t kCollapseAbove = 12;

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
  if (kind == "note") return "#6b7280";
  return "#7c3aed";
}

// Time-positioned elements carry data-b / data-e (or data-t): nanoseconds since the trace's
// first record. The page's script (timeline.js) re-places them when the view zooms or pans; the
// positions written here are those of the whole run, the view the page opens with.
std::string TimeAttrs(int64_t begin_ns, int64_t end_ns, int64_t origin_ns) {
  return " data-b=\"" + std::to_string(begin_ns - origin_ns) + "\" data-e=\"" +
         std::to_string(end_ns - origin_ns) + "\"";
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
        // "crash m1 m2"; labels that do not start with their kind (steps) are kept whole.
        last.label += m.label.rfind(prefix, 0) == 0 ? " " + m.label.substr(prefix.size())
                                                    : "; " + m.label;
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
    const int rows = static_cast<int>(std::min<size_t>(markers_.size(), kMarkerLevels));
    const double lanes_top = kAxisHeight + rows * kMarkerLevel + 2;
    double y = lanes_top;
    std::string lanes;
    // A lane is a group translated to its place; timeline.js restacks the groups when worker
    // lanes are shown or hidden.
    auto add = [&](const std::string& cls, const std::string& attrs, bool hidden, double h,
                   const std::string& body) {
      lanes += "<g class=\"lane " + cls + "\" data-h=\"" + Num(h) + "\"" + attrs +
               " transform=\"translate(0," + Num(y) + ")\"" +
               (hidden ? " style=\"display:none\"" : "") + ">\n" + body + "</g>\n";
      if (!hidden) y += h;
    };
    {
      std::string body;
      const double h = LeaderLane(&body);
      add("leader", "", false, h, body);
    }
    for (const ServiceTrack& service : t_.services) {
      std::string body;
      const double h = ServiceLane(service, &body);
      add("service", "", false, h, body);
    }
    // Workers in groups of at most kWorkersPerGroup, in lane order, each under a summary lane.
    std::vector<const Lane*> workers;
    for (size_t i = 0; i < t_.lanes.size(); ++i) {
      if (!t_.lanes[i].manager && t_.lanes[i].host_id >= 0) workers.push_back(&t_.lanes[i]);
    }
    const bool summaries = workers.size() >= kSummaryFrom;
    collapsed_ = workers.size() > kCollapseAbove;
    const size_t groups = (workers.size() + kWorkersPerGroup - 1) / kWorkersPerGroup;
    const size_t per_group = groups == 0 ? 0 : (workers.size() + groups - 1) / groups;
    size_t worker = 0;
    // Every group's summary is drawn, with its workers' lanes up to the --max-lanes cap.
    for (size_t i = 0; i < t_.lanes.size(); ++i) {
      const Lane& lane = t_.lanes[i];
      const bool is_worker = !lane.manager && lane.host_id >= 0;
      std::string attrs = " data-name=\"" + EscapeHtml(lane.name) + "\"";
      bool hidden = false;
      if (is_worker && summaries) {
        const size_t group = worker / per_group;
        if (worker % per_group == 0) {
          const size_t first = group * per_group;
          const std::vector<const Lane*> members(
              workers.begin() + static_cast<std::ptrdiff_t>(first),
              workers.begin() + static_cast<std::ptrdiff_t>(std::min(first + per_group, workers.size())));
          std::string body;
          const double h = SummaryLane(members, "g" + std::to_string(group + 1), &body);
          add("summary", " data-group=\"g" + std::to_string(group + 1) + "\"", false, h, body);
        }
        attrs += " data-in=\"g" + std::to_string(group + 1) + "\"";
        hidden = collapsed_;
        ++worker;
      }
      if (i >= shown) continue;
      std::string body;
      const double h = HostLane(lane, &body);
      add(lane.manager ? "manager" : is_worker ? "worker" : "node", attrs, hidden, h, body);
    }
    const double lanes_bottom = y;
    std::string tail;
    if (shown < t_.lanes.size()) {
      tail += "<g id=\"tail\" data-h=\"16\" transform=\"translate(0," + Num(y) + ")\">"
              "<text x=\"6\" y=\"16\" class=\"omitted\">" +
              std::to_string(t_.lanes.size() - shown) + " more lanes omitted (" +
              EscapeHtml(t_.lanes[shown].name) + " … " + EscapeHtml(t_.lanes.back().name) +
              "); raise --max-lanes to see them</text></g>\n";
      y += 16;
    }
    const double height = y + 8;

    std::string s;
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"" +
         std::to_string(o_.width) + "\" height=\"" + Num(height) + "\" viewBox=\"0 0 " +
         std::to_string(o_.width) + " " + Num(height) + "\" data-left=\"" + Num(kLabelWidth) +
         "\" data-right=\"" + Num(plot_right_) + "\" data-begin=\"" + std::to_string(t_.begin_ns) +
         "\" data-span=\"" + std::to_string(span_ns_) + "\" data-axis=\"" + Num(kAxisHeight) +
         "\" data-rows=\"" + std::to_string(rows) + "\" data-lanes-top=\"" + Num(lanes_top) +
         "\">\n";
    s += "<defs><pattern id=\"crashed\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fee2e2\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#f87171\" stroke-width=\"2\"/>"
         "</pattern>\n<clipPath id=\"plot\"><rect x=\"" + Num(kLabelWidth) +
         "\" y=\"-100000\" width=\"" + Num(plot_right_ - kLabelWidth) +
         "\" height=\"1000000\"/></clipPath></defs>\n";
    s += "<rect id=\"brushzone\" x=\"" + Num(kLabelWidth) + "\" y=\"0\" width=\"" +
         Num(plot_right_ - kLabelWidth) + "\" height=\"" + Num(lanes_top - 2) +
         "\" fill=\"transparent\"/>\n";
    s += "<line x1=\"" + Num(kLabelWidth) + "\" y1=\"" + Num(kAxisHeight) + "\" x2=\"" +
         Num(plot_right_) + "\" y2=\"" + Num(kAxisHeight) + "\" class=\"axis\"/>\n";
    s += "<g id=\"axis\"></g>\n";
    s += "<g id=\"lanes\">\n" + lanes + "</g>\n";
    s += Markers(rows, lanes_top, lanes_bottom);
    s += "<rect id=\"brush\" x=\"0\" y=\"0\" width=\"0\" height=\"" + Num(lanes_top - 2) +
         "\" style=\"display:none\"/>\n";
    s += tail;
    s += "</svg>\n";
    return s;
  }

 private:
  // A band from begin_ns to end_ns, `h` high at `y` of its lane.
  std::string Rect(int64_t begin_ns, int64_t end_ns, double y, double h, const std::string& fill,
                   const std::string& tip, const std::string& extra = "") const {
    const double x1 = X(begin_ns);
    const double w = std::max(X(end_ns) - x1, 0.8);
    return "<rect x=\"" + Num(x1) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) + "\" height=\"" +
           Num(h) + "\" fill=\"" + fill + "\"" + extra +
           TimeAttrs(begin_ns, end_ns, t_.begin_ns) + "><title>" + EscapeHtml(tip) +
           "</title></rect>\n";
  }

  // Text centred in its band; hidden where it does not fit (the script shows it once the view is
  // zoomed in far enough).
  std::string Label(int64_t begin_ns, int64_t end_ns, double y, const std::string& text,
                    const std::string& cls) const {
    if (text.empty()) return "";
    const double need = static_cast<double>(text.size()) * 6.2 + 4;
    const double x1 = X(begin_ns), x2 = X(end_ns);
    return "<text x=\"" + Num((x1 + x2) / 2) + "\" y=\"" + Num(y) + "\" class=\"" + cls +
           "\" data-w=\"" + Num(need) + "\"" + TimeAttrs(begin_ns, end_ns, t_.begin_ns) +
           (x2 - x1 < need ? " style=\"display:none\"" : "") + ">" + EscapeHtml(text) +
           "</text>\n";
  }

  static std::string Span(const Band& b) {
    return " [" + Seconds(b.begin_ns) + " – " + Seconds(b.end_ns) + "]";
  }
  static std::string Span(const CountSegment& c) {
    return " [" + Seconds(c.begin_ns) + " – " + Seconds(c.end_ns) + "]";
  }

  // The lane's name on the left, and its separator line.
  std::string Frame(const std::string& name, double h, const std::string& cls = "lane") const {
    return "<line x1=\"0\" y1=\"" + Num(h) + "\" x2=\"" + Num(plot_right_) + "\" y2=\"" + Num(h) +
           "\" class=\"sep\"/>\n<text x=\"6\" y=\"" + Num(h / 2 + 4) + "\" class=\"" + cls +
           "\">" + EscapeHtml(name) + "</text>\n";
  }

  std::string RowLabel(double y, const char* text, const char* extra = "") const {
    return "<text x=\"" + Num(kLabelWidth - 4) + "\" y=\"" + Num(y) + "\" class=\"row" + extra +
           "\">" + text + "</text>\n";
  }

  double LeaderLane(std::string* s) const {
    const double h = kLeaderRow + 6;
    const double y = 2;
    *s += Frame("leader", h);
    *s += "<g clip-path=\"url(#plot)\">\n";
    *s += Rect(t_.begin_ns, t_.end_ns, y, kLeaderRow, "#fee2e2", "no leader");
    for (const Band& b : t_.leaders) {
      *s += Rect(b.begin_ns, b.end_ns, y, kLeaderRow, PeerColour(b.peer), b.tip + Span(b),
                 " class=\"leader-band\"");
      *s += Label(b.begin_ns, b.end_ns, y + 11.5, b.label, "in light");
    }
    *s += "</g>\n";
    return h;
  }

  // Running (solid) and starting (pale) tasks, stacked, as high as the most the service had.
  double ServiceLane(const ServiceTrack& service, std::string* s) const {
    const double h = kServiceRow + 2 * kLanePad;
    *s += Frame("service", h);
    *s += "<text x=\"6\" y=\"" + Num(h / 2 + 13) + "\" class=\"sub\">" + EscapeHtml(service.id) +
          "<title>" + EscapeHtml(service.id) + "</title></text>\n";
    *s += RowLabel(kLanePad + 9, "tasks");
    *s += "<g clip-path=\"url(#plot)\">\n";
    const double most = static_cast<double>(std::max<int64_t>(service.most, 1));
    for (const CountSegment& c : service.tasks) {
      const int64_t running = c.counts[0], starting = c.counts[1];
      const std::string tip = service.id + ": " + std::to_string(running) + " running, " +
                              std::to_string(starting) + " starting" + Span(c);
      const double hr = kServiceRow * static_cast<double>(running) / most;
      const double hs = kServiceRow * static_cast<double>(starting) / most;
      const double bottom = kLanePad + kServiceRow;
      if (running > 0) {
        *s += Rect(c.begin_ns, c.end_ns, bottom - hr, hr, "#15803d", tip, " class=\"replicas\"");
      }
      if (starting > 0) {
        *s += Rect(c.begin_ns, c.end_ns, bottom - hr - hs, hs, "#86efac", tip,
                   " class=\"starting\"");
      }
      if (running == 0 && starting == 0) {
        *s += Rect(c.begin_ns, c.end_ns, bottom - 1, 1, "#dc2626", tip, " class=\"replicas-none\"");
      }
      *s += Label(c.begin_ns, c.end_ns, kLanePad + 9, std::to_string(running), "in");
    }
    *s += "</g>\n";
    return h;
  }

  // One row of stacked counts: for each segment, one rect per state in `fills` (the others,
  // the last slot, are left blank).
  std::string CountRow(const std::vector<CountSegment>& counts, const std::vector<std::string>& kinds,
                       const std::vector<const char*>& fills, double y, double h, int64_t total,
                       const std::string& what, const std::string& cls) const {
    std::string s;
    for (const CountSegment& c : counts) {
      std::string tip = what + ":";
      for (size_t k = 0; k < kinds.size(); ++k) {
        tip += (k == 0 ? " " : ", ") + kinds[k] + " " + std::to_string(c.counts[k]);
      }
      if (c.counts.back() > 0) tip += ", other " + std::to_string(c.counts.back());
      tip += Span(c);
      double bottom = y + h;
      for (size_t k = 0; k < kinds.size(); ++k) {
        if (c.counts[k] == 0) continue;
        const double part = h * static_cast<double>(c.counts[k]) / static_cast<double>(total);
        s += Rect(c.begin_ns, c.end_ns, bottom - part, part, fills[k], tip,
                  " class=\"" + cls + "-" + kinds[k] + "\"");
        bottom -= part;
      }
    }
    return s;
  }

  // A group of workers in one lane: how many are up, READY/UNKNOWN/DOWN, in session, over time.
  // A click on it shows or hides the group's own lanes (timeline.js).
  double SummaryLane(const std::vector<const Lane*>& members, const std::string& group,
                     std::string* s) const {
    const double h = 2 * kLanePad + kHostRow + kSummaryNodeRow + kRow + 2 * kRowGap;
    const std::string name = members.size() == 1
                                 ? members.front()->name
                                 : members.front()->name + "–" + members.back()->name;
    const std::string what = name + " (" + std::to_string(members.size()) + " workers)";
    *s += "<line x1=\"0\" y1=\"" + Num(h) + "\" x2=\"" + Num(plot_right_) + "\" y2=\"" + Num(h) +
          "\" class=\"sep\"/>\n";
    *s += "<text x=\"6\" y=\"" + Num(h / 2 - 2) + "\" class=\"lane toggle\" data-toggle=\"" +
          group + "\">" + std::string(collapsed_ ? "▸ " : "▾ ") + EscapeHtml(name) +
          "<title>click to show or hide these workers' lanes</title></text>\n";
    *s += "<text x=\"6\" y=\"" + Num(h / 2 + 10) + "\" class=\"sub\">" +
          std::to_string(members.size()) + " workers</text>\n";
    std::vector<const std::vector<Band>*> life, status, session;
    for (const Lane* l : members) {
      life.push_back(&l->life);
      status.push_back(&l->status);
      session.push_back(&l->session);
    }
    const int64_t n = static_cast<int64_t>(members.size());
    double y = kLanePad;
    *s += RowLabel(y + 5, "host", " host");
    *s += "<g clip-path=\"url(#plot)\">\n";
    const std::vector<std::string> life_kinds = {"up", "paused", "stopped", "crashed"};
    *s += CountRow(CountBands(life, life_kinds, t_.begin_ns, t_.end_ns), life_kinds,
                   {LifeFill("up"), LifeFill("paused"), LifeFill("stopped"), LifeFill("crashed")},
                   y, kHostRow, n, what + " host", "count-host");
    y += kHostRow + kRowGap;
    const std::vector<std::string> status_kinds = {"READY", "UNKNOWN", "DOWN", "DISCONNECTED"};
    *s += CountRow(CountBands(status, status_kinds, t_.begin_ns, t_.end_ns), status_kinds,
                   {StatusFill("READY"), StatusFill("UNKNOWN"), StatusFill("DOWN"),
                    StatusFill("DISCONNECTED")},
                   y, kSummaryNodeRow, n, what + " node", "count");
    y += kSummaryNodeRow + kRowGap;
    const std::vector<std::string> session_kinds = {"session", "connecting"};
    *s += CountRow(CountBands(session, session_kinds, t_.begin_ns, t_.end_ns), session_kinds,
                   {"#475569", "#cbd5e1"}, y, kRow, n, what + " agent", "count-agent");
    *s += "</g>\n";
    *s += RowLabel(kLanePad + kHostRow + kRowGap + kSummaryNodeRow / 2 + 3, "node");
    *s += RowLabel(y + 8, "agent");
    return h;
  }

  // Marker labels go on up to `rows` rows above the lanes; timeline.js lays them out (a label
  // with no free row is hidden until the view is zoomed in; its line stays).
  std::string Markers(int rows, double lanes_top, double bottom) const {
    std::string s = "<g id=\"markers\">\n";
    for (size_t i = 0; i < markers_.size(); ++i) {
      const Marker& m = markers_[i];
      const double x = X(m.at_ns);
      const std::string colour = MarkerColour(m.kind);
      const std::string tip = EscapeHtml(Seconds(m.at_ns) + " " + m.tip);
      const int row = static_cast<int>(i % static_cast<size_t>(std::max(rows, 1)));
      const double ly = kAxisHeight + (row + 1) * kMarkerLevel - 2;
      s += "<g class=\"marker\" data-t=\"" + std::to_string(m.at_ns - t_.begin_ns) +
           "\" data-w=\"" + Num(static_cast<double>(m.label.size()) * 5.6 + 8) + "\">";
      s += "<text x=\"" + Num(x + 2) + "\" y=\"" + Num(ly) + "\" class=\"marker\" fill=\"" +
           colour + "\">" + EscapeHtml(m.label) + "<title>" + tip + "</title></text>";
      s += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(ly - 9) + "\" x2=\"" + Num(x) + "\" y2=\"" +
           Num(std::max(bottom, lanes_top)) + "\" stroke=\"" + colour +
           "\" class=\"marker-line\"><title>" + tip + "</title></line></g>\n";
    }
    s += "</g>\n";
    return s;
  }

  double HostLane(const Lane& lane, std::string* s) const {
    const int rows = lane.manager ? 3 : 2;
    const double h = 2 * kLanePad + kHostRow + rows * (kRow + kRowGap);
    *s += "<g clip-path=\"url(#plot)\">\n";
    for (const Band& b : lane.life) {
      *s += Rect(b.begin_ns, b.end_ns, 0, h, LifeShade(b.kind), b.tip + Span(b));
    }
    *s += "</g>\n";
    *s += Frame(lane.name, h);
    double row_y = kLanePad;
    *s += RowLabel(row_y + 5, "host", " host");
    std::string plot;
    for (const Band& b : lane.life) {
      plot += Rect(b.begin_ns, b.end_ns, row_y, kHostRow, LifeFill(b.kind), b.tip + Span(b),
                   " class=\"host-" + b.kind + "\"");
    }
    row_y += kHostRow + kRowGap;
    if (lane.manager) {
      *s += RowLabel(row_y + 8, "raft");
      for (const Band& b : lane.raft) {
        plot += Rect(b.begin_ns, b.end_ns, row_y, kRow, RoleFill(b.kind), b.tip + Span(b),
                     " class=\"raft-" + b.kind + "\"");
        plot += Label(b.begin_ns, b.end_ns, row_y + 8, b.label, "in");
      }
      row_y += kRow + kRowGap;
    }
    *s += RowLabel(row_y + 8, "node");
    for (const Band& b : lane.status) {
      plot += Rect(b.begin_ns, b.end_ns, row_y, kRow, StatusFill(b.kind), b.tip + Span(b),
                   " class=\"status-" + b.kind + "\"");
      plot += Label(b.begin_ns, b.end_ns, row_y + 8, b.kind, "in");
    }
    row_y += kRow + kRowGap;
    *s += RowLabel(row_y + 8, "agent");
    for (const Band& b : lane.session) {
      const bool up = b.kind == "session";
      plot += Rect(b.begin_ns, b.end_ns, row_y, kRow, PeerColour(b.peer), b.tip + Span(b),
                   up ? " class=\"session\"" : " class=\"connecting\" fill-opacity=\"0.3\"");
      plot += Label(b.begin_ns, b.end_ns, row_y + 8, b.label, up ? "in light" : "in");
    }
    for (const Tick& k : lane.session_ends) {
      // 2 px wide at any zoom: a tick, not a band (timeline.js keeps data-tick marks so wide).
      plot += "<rect x=\"" + Num(X(k.at_ns) - 1) + "\" y=\"" + Num(row_y - 2) +
              "\" width=\"2\" height=\"" + Num(kRow + 4) + "\" fill=\"" + CodeFill(k.kind) +
              "\" class=\"session-end\" data-tick=\"" + std::to_string(k.at_ns - t_.begin_ns) +
              "\"><title>" + EscapeHtml(k.tip) + "</title></rect>\n";
    }
    *s += "<g clip-path=\"url(#plot)\">\n" + plot + "</g>\n";
    return h;
  }

  const Timeline& t_;
  const RenderOptions& o_;
  double plot_right_ = 0;
  int64_t span_ns_ = 1;
  bool collapsed_ = false;  // worker lanes start hidden under their summary lanes
  std::vector<Marker> markers_;
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
  s += "<br><b>service</b> tasks ";
  s += Swatch("#15803d", "running");
  s += Swatch("#86efac", "starting");
  s += " <b>workers</b> (a group's counts, stacked) agent ";
  s += Swatch("#475569", "in session");
  s += Swatch("#cbd5e1", "connecting");
  s += " <b>markers</b> ";
  for (const char* k : {"crash", "stop", "pause", "resume", "restart"}) s += Swatch(MarkerColour(k), k);
  s += Swatch(MarkerColour("scenario.step"), "step");
  s += Swatch(MarkerColour("note"), "note");
  s += "</div>\n";
  return s;
}

}  // namespace

std::string EscapeHtml(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; ++i; continue;
      case '<': out += "&lt;"; ++i; continue;
      case '>': out += "&gt;"; ++i; continue;
      case '"': out += "&quot;"; ++i; continue;
      case '\'': out += "&#39;"; ++i; continue;
      case '\n': case '\t': out.push_back(c); ++i; continue;
      default: break;
    }
    // A control character is not allowed in HTML text (nor in the SVG, which is XML), and a
    // byte that is not UTF-8 would make the page invalid (a hostile or damaged trace file): each
    // of their bytes is shown as \xNN (the CLI's EscapeControls, scenarios/report.cc, writes a
    // C1 control as \u00NN instead; the two could share one function in util/).
    const util::Utf8Char ch = util::DecodeUtf8(text, i);
    if (!ch.valid || util::IsControl(ch.code_point)) {
      for (size_t k = 0; k < ch.size; ++k) {
        const unsigned char byte = static_cast<unsigned char>(text[i + k]);
        out += "\\x";
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xf]);
      }
    } else {
      out.append(text, i, ch.size);
    }
    i += ch.size;
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
       "text.sub{font-size:9px;fill:#6b7280}\n"
       "text.toggle,g.summary{cursor:pointer}text.toggle:hover{fill:#2563eb}\n"
       "g.marker text{cursor:zoom-in}\n"
       "#brushzone{cursor:col-resize}#brush{fill:#2563eb;fill-opacity:0.15;stroke:#2563eb}\n"
       "svg.timeline.panning{cursor:grabbing}\n"
       ".toolbar{font-size:12px;margin:0 0 6px;display:flex;gap:6px;align-items:center;"
       "flex-wrap:wrap}\n"
       ".toolbar button{font-size:12px;padding:1px 8px}\n"
       ".toolbar .help{color:#6b7280}\n"
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
  s += "<div class=\"toolbar\"><button data-act=\"in\" title=\"zoom in (+ or W)\">+</button>"
       "<button data-act=\"out\" title=\"zoom out (- or S)\">&minus;</button>"
       "<button data-act=\"left\" title=\"pan left (A or &larr;)\">&larr;</button>"
       "<button data-act=\"right\" title=\"pan right (D or &rarr;)\">&rarr;</button>"
       "<button data-act=\"fit\" title=\"the whole run (0)\">whole run</button>"
       "<button data-act=\"expand\">show all workers</button>"
       "<button data-act=\"collapse\">hide all workers</button>"
       "<span id=\"view\"></span><span class=\"help\">Ctrl+wheel zooms, Shift+wheel or drag "
       "pans, drag along the time axis zooms into a range, a click on a marker zooms to it, on a "
       "worker group shows its lanes; the address (#t=FROM,TO) keeps the view.</span></div>\n";
  s += svg.Render();
  // The page's behaviour, inline: the file stays one offline file.
  s += "<script>\n";
  s += kTimelineJs;
  s += "</script>\n</body></html>\n";
  return s;
}

}  // namespace viz
}  // namespace swarmsim
