#include "viz/shiviz.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "util/json_string.h"
#include "viz/json_lines.h"

namespace swarmsim {
namespace viz {
namespace {

constexpr char kScenarioHost[] = "scenario";

struct Event {
  int64_t at_ns = 0;
  std::string host;
  std::string text;
  int flow_out = -1;  // index into Timeline::flows of the flow this event starts
  int flow_in = -1;   // ... ends
};

// ShiViz reads one event per line and a host as \S+: no line breaks in the text, no white space
// in a host's name.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? ' ' : c;
  }
  return out;
}

std::string HostName(const std::string& name) {
  std::string out = name.empty() ? "?" : name;
  for (char& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) c = '_';
  }
  return out;
}

// "17.148593504s": seconds with every nanosecond, from integers.
std::string Seconds(int64_t ns) {
  const bool negative = ns < 0;
  const uint64_t mag = negative ? uint64_t{0} - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string frac = std::to_string(mag % 1000000000);
  frac.insert(0, 9 - frac.size(), '0');
  return (negative ? "-" : "") + std::to_string(mag / 1000000000) + "." + frac;
}

void AddBands(const Lane& l, const std::vector<Band>& bands, const std::string& row,
              std::vector<Event>* out) {
  for (const Band& b : bands) {
    out->push_back(Event{b.begin_ns, l.name,
                         row + " " + b.kind + (b.label.empty() ? "" : " " + b.label) + ": " + b.tip});
  }
}

std::vector<Event> CollectEvents(const Timeline& t) {
  std::vector<Event> events;
  // Flows first: at one instant a receive comes before the state change it caused (an agent's
  // session band starts at the agent.registered that ends a registration flow).
  for (size_t i = 0; i < t.flows.size(); ++i) {
    const Flow& f = t.flows[i];
    const std::string name = f.name + " " + f.id;
    // The start right before the end: at equal times the stable sort keeps it first.
    events.push_back(Event{f.from.at_ns, f.from.lane,
                           "send " + name + ": " + f.from.what + " -> " + f.to.lane,
                           static_cast<int>(i), -1});
    events.push_back(Event{f.to.at_ns, f.to.lane,
                           "receive " + name + ": " + f.to.what + " <- " + f.from.lane, -1,
                           static_cast<int>(i)});
  }
  for (const Marker& m : t.markers) {
    events.push_back(Event{m.at_ns, m.lane.empty() ? kScenarioHost : m.lane, m.label + ": " + m.tip});
  }
  for (const Lane& l : t.lanes) {
    if (l.host_id < 0) continue;  // a node that is no host: nothing happens on it
    AddBands(l, l.life, "host", &events);
    AddBands(l, l.raft, "raft", &events);
    AddBands(l, l.session, "agent", &events);
    for (const Tick& k : l.session_ends) events.push_back(Event{k.at_ns, l.name, k.tip});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.at_ns < b.at_ns; });
  return events;
}

std::string ClockJson(const std::map<std::string, int64_t>& clock) {
  std::string out = "{";
  for (const auto& [host, n] : clock) {
    out += (out.size() > 1 ? ", " : "") + util::JsonString(host) + ":" + std::to_string(n);
  }
  return out + "}";
}

}  // namespace

std::string RenderShiViz(const Timeline& timeline) {
  std::string out = std::string(kShiVizRegex) + "\n\n";
  std::map<std::string, std::map<std::string, int64_t>> clocks;  // host -> its vector clock
  std::map<int, std::map<std::string, int64_t>> sent;           // flow index -> clock at send
  for (const Event& e : CollectEvents(timeline)) {
    const std::string host = HostName(e.host);
    std::map<std::string, int64_t>& clock = clocks[host];
    if (e.flow_in >= 0) {
      auto it = sent.find(e.flow_in);
      if (it != sent.end()) {
        for (const auto& [other, n] : it->second) clock[other] = std::max(clock[other], n);
        sent.erase(it);
      }
    }
    ++clock[host];
    if (e.flow_out >= 0) sent[e.flow_out] = clock;
    out += Seconds(e.at_ns) + "s " + OneLine(e.text) + "\n" + host + " " + ClockJson(clock) + "\n";
  }
  return out;
}

}  // namespace viz
}  // namespace swarmsim
