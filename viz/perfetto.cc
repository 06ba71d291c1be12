#include "viz/perfetto.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "util/json_string.h"
#include "viz/json_lines.h"

namespace swarmsim {
namespace viz {
namespace {

constexpr int kClusterPid = 1;
constexpr int kLeaderTid = 1;
constexpr int kStepsTid = 2;

// Rows of a host's process, in display order.
enum Row { kHostRow = 1, kRaftRow, kStatusRow, kAgentRow, kRpcRow };
constexpr const char* kRowNames[] = {"", "host", "raft", "node status", "agent", "rpc"};

// Thread ids are unique across processes (Perfetto treats a tid seen in two processes as reuse).
int Tid(int pid, int row) { return pid * 16 + row; }

struct Event {
  int64_t ts_ns = 0;
  std::string json;  // the whole event object
};

class Writer {
 public:
  // A metadata event: process_name, process_sort_index, thread_name, thread_sort_index.
  void Meta(const char* name, int pid, int tid, const std::string& arg_key, const std::string& arg) {
    meta_.push_back("{\"name\":\"" + std::string(name) + "\",\"ph\":\"M\",\"ts\":0,\"pid\":" +
                    std::to_string(pid) + ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"" +
                    arg_key + "\":" + arg + "}}");
  }

  void Slice(int pid, int tid, const std::string& cat, const std::string& name, int64_t begin_ns,
             int64_t end_ns, const std::string& detail, const std::string& extra = "") {
    Add(begin_ns, Head(pid, tid, cat, name, "X", begin_ns) + ",\"dur\":" +
                      Micros(end_ns - begin_ns) + extra + ",\"args\":{\"detail\":" +
                      util::JsonString(detail) + "}}");
  }

  // scope: "t" (the thread's track), "p" (the process) or "g" (global).
  void Instant(int pid, int tid, const std::string& cat, const std::string& name, int64_t at_ns,
               const char* scope, const std::string& detail) {
    Add(at_ns, Head(pid, tid, cat, name, "i", at_ns) + ",\"s\":\"" + scope +
                   "\",\"args\":{\"detail\":" + util::JsonString(detail) + "}}");
  }

  std::string Finish(const PerfettoOptions& options) {
    std::stable_sort(events_.begin(), events_.end(),
                     [](const Event& a, const Event& b) { return a.ts_ns < b.ts_ns; });
    // No "displayTimeUnit": "ms" is the format's default anyway, and Perfetto builds before 2022
    // read the field as the unit of `ts` (1000 times too long); without it every viewer agrees.
    std::string out = "{\"otherData\":{\"source\":" + util::JsonString(options.source);
    if (!options.warning.empty()) out += ",\"warning\":" + util::JsonString(options.warning);
    out += "},\n\"traceEvents\":[\n";
    bool first = true;
    auto line = [&](const std::string& json) {
      out += first ? "" : ",\n";
      out += json;
      first = false;
    };
    for (const std::string& m : meta_) line(m);
    for (const Event& e : events_) line(e.json);
    out += "\n]}\n";
    return out;
  }

 private:
  static std::string Head(int pid, int tid, const std::string& cat, const std::string& name,
                          const char* ph, int64_t ts_ns) {
    return "{\"name\":" + util::JsonString(name) + ",\"cat\":\"" + cat + "\",\"ph\":\"" + ph +
           "\",\"ts\":" + Micros(ts_ns) + ",\"pid\":" + std::to_string(pid) +
           ",\"tid\":" + std::to_string(tid);
  }

  void Add(int64_t ts_ns, std::string json) { events_.push_back(Event{ts_ns, std::move(json)}); }

  std::vector<std::string> meta_;
  std::vector<Event> events_;
};

std::string BandName(const Band& b) { return b.label.empty() ? b.kind : b.kind + " " + b.label; }

class Exporter {
 public:
  Exporter(const Timeline& t, Writer* w) : t_(t), w_(w) {
    // Process ids follow lane order: lane i is pid i + 2.
    for (size_t i = 0; i < t_.lanes.size(); ++i) pids_[t_.lanes[i].name] = static_cast<int>(i) + 2;
    // Indexed once: a lane must not scan every marker and flow (100,000 workers).
    for (const Marker& m : t_.markers) {
      if (!m.lane.empty()) host_markers_[m.lane].push_back(&m);
    }
    for (const Flow& f : t_.flows) {
      flow_lanes_.insert(f.from.lane);
      flow_lanes_.insert(f.to.lane);
    }
  }

  void Run() {
    w_->Meta("process_name", kClusterPid, Tid(kClusterPid, 0), "name", "\"cluster\"");
    w_->Meta("process_sort_index", kClusterPid, Tid(kClusterPid, 0), "sort_index", "0");
    Thread(kClusterPid, kLeaderTid, "leader");
    for (const Band& b : t_.leaders) {
      w_->Slice(kClusterPid, Tid(kClusterPid, kLeaderTid), "leader", b.label, b.begin_ns, b.end_ns, b.tip);
    }
    bool steps = false;
    for (const Marker& m : t_.markers) {
      if (!m.lane.empty()) continue;
      steps = true;
      w_->Instant(kClusterPid, Tid(kClusterPid, kStepsTid), "step", m.label, m.at_ns, "g", m.tip);
    }
    if (steps) Thread(kClusterPid, kStepsTid, "steps");

    for (size_t i = 0; i < t_.lanes.size(); ++i) HostProcess(static_cast<int>(i));
    for (size_t i = 0; i < t_.flows.size(); ++i) FlowEnds(t_.flows[i], static_cast<int>(i + 1));
  }

 private:
  int PidOf(const std::string& lane) const {
    auto it = pids_.find(lane);
    return it != pids_.end() ? it->second : kClusterPid;  // every flow end is on a host's lane
  }

  void Thread(int pid, int tid, const std::string& name) {
    w_->Meta("thread_name", pid, Tid(pid, tid), "name", util::JsonString(name));
    w_->Meta("thread_sort_index", pid, Tid(pid, tid), "sort_index", std::to_string(tid));
  }

  void Bands(int pid, int row, const char* cat, const std::vector<Band>& bands) {
    for (const Band& b : bands) {
      w_->Slice(pid, Tid(pid, row), cat, BandName(b), b.begin_ns, b.end_ns, b.tip);
    }
  }

  // Lane `index` as a process (pid index + 2) with a thread per row that has anything.
  void HostProcess(int index) {
    const Lane& l = t_.lanes[index];
    const int pid = index + 2;
    w_->Meta("process_name", pid, Tid(pid, 0), "name",
             util::JsonString(l.manager ? l.name + " (manager)" : l.name));
    w_->Meta("process_sort_index", pid, Tid(pid, 0), "sort_index", std::to_string(index + 1));
    bool host_row = !l.life.empty();
    Bands(pid, kHostRow, "host", l.life);
    if (auto it = host_markers_.find(l.name); it != host_markers_.end()) {
      host_row = true;
      for (const Marker* m : it->second) {
        w_->Instant(pid, Tid(pid, kHostRow), "fault", m->label, m->at_ns, "t", m->tip);
      }
    }
    if (host_row) Thread(pid, kHostRow, kRowNames[kHostRow]);
    if (!l.raft.empty()) Thread(pid, kRaftRow, kRowNames[kRaftRow]);
    Bands(pid, kRaftRow, "raft", l.raft);
    if (!l.status.empty()) Thread(pid, kStatusRow, kRowNames[kStatusRow]);
    Bands(pid, kStatusRow, "node", l.status);
    if (!l.session.empty() || !l.session_ends.empty()) {
      Thread(pid, kAgentRow, kRowNames[kAgentRow]);
    }
    Bands(pid, kAgentRow, "agent", l.session);
    for (const Tick& k : l.session_ends) {
      w_->Instant(pid, Tid(pid, kAgentRow), "agent", "session end " + k.kind, k.at_ns, "t", k.tip);
    }
    const bool rpc_row = !l.calls.empty() || flow_lanes_.count(l.name) != 0;
    for (const Tick& k : l.calls) {
      // Named "Method CODE" (the tip without its call id), so that like calls share a name.
      w_->Instant(pid, Tid(pid, kRpcRow), "rpc", k.tip.substr(0, k.tip.find(" (call")), k.at_ns,
                  "t", k.tip);
    }
    if (rpc_row) Thread(pid, kRpcRow, kRowNames[kRpcRow]);
  }

  // Each end is a zero-length slice of its own carrying the flow's bind_id: a slice can bind only
  // one flow, and one record can end one flow and start another (a server's READY).
  void FlowEnds(const Flow& f, int id) {
    const std::string bind = ",\"bind_id\":" + std::to_string(id);
    const std::string name = f.name + " " + f.id;
    const int from = PidOf(f.from.lane);
    const int to = PidOf(f.to.lane);
    w_->Slice(from, Tid(from, kRpcRow), "flow", name, f.from.at_ns, f.from.at_ns,
              f.from.what + " -> " + f.to.lane, bind + ",\"flow_out\":true");
    w_->Slice(to, Tid(to, kRpcRow), "flow", name, f.to.at_ns, f.to.at_ns,
              f.to.what + " <- " + f.from.lane, bind + ",\"flow_in\":true");
  }

  const Timeline& t_;
  Writer* w_;
  std::map<std::string, int> pids_;  // lane name -> pid
  std::map<std::string, std::vector<const Marker*>> host_markers_;  // lane name -> its markers
  std::set<std::string> flow_lanes_;  // lanes with a flow end
};

}  // namespace

std::string Micros(int64_t ns) {
  const bool negative = ns < 0;
  // Magnitude as unsigned: INT64_MIN has no positive int64.
  const uint64_t mag = negative ? uint64_t{0} - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string frac = std::to_string(mag % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return (negative ? "-" : "") + std::to_string(mag / 1000) + "." + frac;
}

std::string RenderPerfetto(const Timeline& timeline, const PerfettoOptions& options) {
  Writer writer;
  Exporter(timeline, &writer).Run();
  return writer.Finish(options);
}

}  // namespace viz
}  // namespace swarmsim
