#include "viz/trace_model.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <utility>

#include "util/natural_order.h"

namespace swarmsim {
namespace viz {
namespace {

std::string Seconds(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(ns) / 1e9);
  return buf;
}

// A sequence of bands of which at most the last is open.
struct Track {
  std::vector<Band>* bands;
  bool open = false;

  // Opens a band at `t`, closing the open one; a band with the same kind, label and peer is
  // extended instead (only its tooltip is updated).
  void Set(int64_t t, std::string kind, std::string label, std::string tip, std::string peer) {
    if (open) {
      Band& last = bands->back();
      if (last.kind == kind && last.label == label && last.peer == peer) {
        last.tip = std::move(tip);
        return;
      }
    }
    Close(t);
    bands->push_back(Band{t, t, std::move(kind), std::move(label), std::move(tip), std::move(peer)});
    open = true;
  }

  // Ends the open band at `t`; a band of zero length is dropped.
  void Close(int64_t t) {
    if (!open) return;
    open = false;
    bands->back().end_ns = t;
    if (bands->back().end_ns <= bands->back().begin_ns) bands->pop_back();
  }
};

struct LaneBuild {
  Lane lane;
  Track life{&lane.life};
  Track raft{&lane.raft};
  Track status{&lane.status};
  Track session{&lane.session};
  std::string session_peer;
  size_t order = 0;  // first appearance, for lanes that are no host
};

struct NodeView {
  std::string state;
  std::string tip;
};

std::string ExtraFields(const JsonObject& o, std::initializer_list<const char*> skip) {
  static const char* const kCommon[] = {"t_ns", "seq", "host", "kind"};
  std::string out;
  for (const JsonObject::Field& f : o.fields()) {
    bool skipped = false;
    for (const char* k : kCommon) skipped = skipped || f.first == k;
    for (const char* k : skip) skipped = skipped || f.first == k;
    if (skipped) continue;
    out += out.empty() ? "" : ", ";
    out += f.first + "=" + (f.second.is_string ? f.second.str : std::to_string(f.second.num));
  }
  return out;
}

class Builder {
 public:
  explicit Builder(Timeline* out) : out_(out), leaders_{&out->leaders} {}

  void Add(const JsonObject& r) {
    const int64_t t = r.GetInt("t_ns");
    const int64_t host = r.GetInt("host");
    const std::string kind = r.GetString("kind");
    if (kind == "world.start") {
      out_->has_seed = r.HasInt("seed");
      out_->seed = r.GetInt("seed");
    } else if (kind == "host.add") {
      names_[r.GetInt("host_id")] = r.GetString("name");
      HostLane(r.GetInt("host_id"));
    } else if (kind.rfind("host.", 0) == 0 && host >= 0) {
      HostRecord(t, host, kind, r);
    } else if (kind == "manager.start") {
      LaneBuild& l = HostLane(host);
      l.lane.manager = true;
      raft_names_[r.GetInt("raft_id")] = l.lane.name;
    } else if (kind == "raft.state" && host >= 0) {
      RaftState(t, HostLane(host), r);
    } else if ((kind == "raft.wipe" || kind == "manager.stop") && host >= 0) {
      StopRaft(t, HostLane(host));
    } else if (kind == "node.status" && host >= 0) {
      NodeStatus(t, HostLane(host).lane.name, r);
    } else if (kind.rfind("agent.", 0) == 0 && host >= 0) {
      Agent(t, HostLane(host), kind, r);
    } else if (kind == "rpc.conn" && host >= 0) {
      Conn(t, HostLane(host).lane.name, r);
    } else if (kind == "rpc.done" && host >= 0) {
      const std::string code = r.GetString("code", "?");
      HostLane(host).lane.calls.push_back(
          Tick{t, code, r.GetString("method") + " " + code + " (call " +
                            std::to_string(r.GetInt("call")) + ")"});
    } else if (kind == "dispatcher.register" && host >= 0) {
      if (r.GetInt("accepted") == 1) {
        registered_[r.GetString("session")] =
            FlowEnd{HostLane(host).lane.name, t, "dispatcher.register " + r.GetString("node")};
      }
    } else if (kind == "task.assign" && host >= 0) {
      assigned_[r.GetString("task")] = FlowEnd{HostLane(host).lane.name, t,
                                               "task.assign to " + r.GetString("node")};
    } else if (kind == "task.state" && host >= 0) {
      const std::string task = r.GetString("task");
      EndFlow("task", task, &assigned_, task, t, HostLane(host).lane.name,
              "task.state " + r.GetString("state"));
      TaskState(t, HostLane(host).lane.name, task, r.GetString("service"), r.GetString("state"));
    } else if (kind == "scenario.note") {
      Note(t, r.HasInt("step") ? r.GetInt("step") : 0, r.GetString("text"));
    } else if (kind == "scenario.step" || kind.rfind("step.", 0) == 0 ||
               kind.find("fault") != std::string::npos) {
      // scenario.step {action, step} is labelled "step 2: partition" until its notes come;
      // others by name or fault.
      std::string what = r.GetString("name", r.GetString("fault", kind));
      if (r.HasString("action")) {
        what = r.GetString("action");
        if (r.HasInt("step")) what = "step " + std::to_string(r.GetInt("step")) + ": " + what;
      }
      std::string tip = kind;
      const std::string extra = ExtraFields(r, {});
      if (!extra.empty()) tip += " " + extra;
      AddMarker(t, kind, what, tip, host >= 0 ? HostLane(host).lane.name : "");
      if (kind == "scenario.step" && r.HasInt("step")) {
        steps_[r.GetInt("step")] = StepMarker{out_->markers.size() - 1, false};
      }
    }
  }

  void Finish(int64_t end_ns) {
    for (auto& l : lanes_) {
      l->life.Close(end_ns);
      l->raft.Close(end_ns);
      l->status.Close(end_ns);
      l->session.Close(end_ns);
    }
    leaders_.Close(end_ns);
    for (auto& [id, service] : services_) {
      service.track.Close(end_ns);
      out_->services.push_back(std::move(service.out));
    }
    std::stable_sort(out_->services.begin(), out_->services.end(),
                     [](const ServiceTrack& a, const ServiceTrack& b) { return NaturalLess(a.id, b.id); });
    std::vector<LaneBuild*> sorted;
    for (auto& l : lanes_) sorted.push_back(l.get());
    auto group = [](const LaneBuild* l) { return l->lane.manager ? 0 : l->lane.host_id >= 0 ? 1 : 2; };
    std::stable_sort(sorted.begin(), sorted.end(), [&](const LaneBuild* a, const LaneBuild* b) {
      if (group(a) != group(b)) return group(a) < group(b);
      if (group(a) == 2) return a->order < b->order;
      return NaturalLess(a->lane.name, b->lane.name);
    });
    for (LaneBuild* l : sorted) {
      if (l->lane.manager) out_->managers.push_back(l->lane.name);
      out_->lanes.push_back(std::move(l->lane));
    }
  }

 private:
  LaneBuild& LaneNamed(const std::string& name, int64_t host_id) {
    auto it = by_name_.find(name);
    if (it != by_name_.end()) return *lanes_[it->second];
    by_name_[name] = lanes_.size();
    lanes_.push_back(std::make_unique<LaneBuild>());
    LaneBuild& l = *lanes_.back();
    l.lane.name = name;
    l.lane.host_id = host_id;
    l.order = lanes_.size();
    return l;
  }

  LaneBuild& HostLane(int64_t host) {
    auto it = names_.find(host);
    const std::string name = it != names_.end() ? it->second : "host" + std::to_string(host);
    LaneBuild& l = LaneNamed(name, host);
    l.lane.host_id = host;
    return l;
  }

  void AddMarker(int64_t t, std::string kind, std::string label, std::string tip,
                 std::string lane) {
    out_->markers.push_back(
        Marker{t, std::move(kind), std::move(label), std::move(tip), std::move(lane)});
  }

  // Ends the flow waiting in `pending` under `key` (if any) at this record, and forgets it: each
  // start pairs with the first end that follows it.
  void EndFlow(const std::string& name, const std::string& id, std::map<std::string, FlowEnd>* pending,
               const std::string& key, int64_t t, const std::string& lane, std::string what) {
    auto it = pending->find(key);
    if (it == pending->end()) return;
    out_->flows.push_back(Flow{name, id, std::move(it->second), FlowEnd{lane, t, std::move(what)}});
    pending->erase(it);
  }

  // rpc.conn: the client's CONNECTING and the server's READY carry the same conn id; the client's
  // READY answers the server's.
  void Conn(int64_t t, const std::string& lane, const JsonObject& r) {
    const std::string id = "conn " + std::to_string(r.GetInt("conn"));
    const std::string state = r.GetString("state");
    const bool client = r.GetInt("client") == 1;
    const std::string what = std::string("rpc.conn ") + (client ? "client " : "server ") + state;
    if (client && state == "CONNECTING") {
      connecting_[id] = FlowEnd{lane, t, what};
    } else if (!client && state == "READY") {
      if (connecting_.count(id) != 0) {
        EndFlow("connect", id, &connecting_, id, t, lane, what);
        accepted_[id] = FlowEnd{lane, t, what};
      }
    } else if (client && state == "READY") {
      EndFlow("accept", id, &accepted_, id, t, lane, what);
    }
  }

  void HostRecord(int64_t t, int64_t host, const std::string& kind, const JsonObject& r) {
    LaneBuild& l = HostLane(host);
    const std::string& name = l.lane.name;
    const std::string inc = "incarnation " + std::to_string(r.GetInt("incarnation"));
    if (kind == "host.start") {
      l.life.Set(t, "up", "", name + " up, " + inc, "");
      if (r.GetInt("incarnation") > 1) {
        AddMarker(t, "restart", "restart " + name, "host.start " + inc, name);
      }
    } else if (kind == "host.resume") {
      l.life.Set(t, "up", "", name + " up (resumed), " + inc, "");
      AddMarker(t, "resume", "resume " + name, "host.resume " + ExtraFields(r, {}), name);
    } else if (kind == "host.pause") {
      l.life.Set(t, "paused", "", name + " paused, " + inc, "");
      AddMarker(t, "pause", "pause " + name, "host.pause " + inc, name);
    } else if (kind == "host.stop" || kind == "host.crash") {
      const bool crash = kind == "host.crash";
      l.life.Set(t, crash ? "crashed" : "stopped", "",
                 name + (crash ? " crashed (power off), " : " stopped (graceful), ") + inc, "");
      StopRaft(t, l);
      l.session.Close(t);
      DropTasks(t, name);
      AddMarker(t, crash ? "crash" : "stop", (crash ? "crash " : "stop ") + name,
                kind + " " + ExtraFields(r, {}), name);
    } else if (kind == "host.clock") {
      AddMarker(t, "clock", "clock " + name, "host.clock " + ExtraFields(r, {}), name);
    }
  }

  // A note of a step (its number in `step`, 0 for none) labels that step's marker with the
  // first of its notes; the others add to its tooltip. A note of no step we know is a marker of
  // its own.
  void Note(int64_t t, int64_t step, const std::string& text) {
    auto it = steps_.find(step);
    if (step == 0 || it == steps_.end()) {
      AddMarker(t, "note", text, "scenario.note", "");
      return;
    }
    Marker& m = out_->markers[it->second.marker];
    if (!it->second.noted) {
      m.tip = m.label + " (" + m.tip + ")";
      m.label = text;
      it->second.noted = true;
    } else {
      m.tip += "; " + text;
    }
  }

  // 0 running, 1 starting, -1 neither (TaskState_Name order: NEW..STARTING come before RUNNING,
  // COMPLETE and later after it).
  static int TaskCategory(const std::string& state) {
    static const char* const kStarting[] = {"TASK_NEW",      "TASK_PENDING", "TASK_ASSIGNED",
                                            "TASK_ACCEPTED", "TASK_PREPARING", "TASK_READY",
                                            "TASK_STARTING"};
    if (state == "TASK_RUNNING") return 0;
    for (const char* s : kStarting) {
      if (state == s) return 1;
    }
    return -1;
  }

  struct TaskView {
    std::string service;
    std::string lane;
    int category = -1;
  };
  struct ServiceBuild {
    ServiceTrack out;
    CountTrack track{&out.tasks};
    std::vector<int64_t> counts = std::vector<int64_t>(2, 0);
  };

  void Count(int64_t t, const TaskView& task, int64_t delta) {
    if (task.category < 0) return;
    ServiceBuild& s = services_[task.service];
    s.counts[static_cast<size_t>(task.category)] += delta;
    s.track.Set(t, s.counts);
    s.out.most = std::max(s.out.most, s.counts[0] + s.counts[1]);
  }

  void TaskState(int64_t t, const std::string& lane, const std::string& task,
                 const std::string& service, const std::string& state) {
    auto [it, fresh] = tasks_.try_emplace(task);
    TaskView& v = it->second;
    if (!fresh) Count(t, v, -1);
    v = TaskView{service, lane, TaskCategory(state)};
    services_[service].out.id = service;
    Count(t, v, +1);
  }

  // A host that crashed or stopped runs none of its tasks any more.
  void DropTasks(int64_t t, const std::string& lane) {
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (it->second.lane == lane) {
        Count(t, it->second, -1);
        it = tasks_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void StopRaft(int64_t t, LaneBuild& l) {
    l.raft.Close(t);
    if (leader_ == l.lane.name) {
      leaders_.Close(t);
      leader_.clear();
    }
  }

  void RaftState(int64_t t, LaneBuild& l, const JsonObject& r) {
    l.lane.manager = true;
    const std::string role = r.GetString("role");
    const int64_t term = r.GetInt("term");
    const int64_t lead = r.GetInt("lead");
    std::string lead_name = "none";
    if (lead != 0) {
      auto it = raft_names_.find(lead);
      lead_name = it != raft_names_.end() ? it->second : "raft id " + std::to_string(lead);
    }
    const std::string& name = l.lane.name;
    const std::string term_text = "term " + std::to_string(term);
    l.raft.Set(t, role, "t" + std::to_string(term),
               name + ": " + role + ", " + term_text + ", leader " + lead_name, "");
    if (role == "leader") {
      leaders_.Set(t, "leader", name + " t" + std::to_string(term), name + " leads " + term_text,
                   name);
      leader_ = name;
      if (name != viewer_ && views_.count(name) != 0) SwitchViewer(t, name);
    } else if (leader_ == name) {
      leaders_.Close(t);
      leader_.clear();
    }
  }

  void SetStatus(int64_t t, const std::string& node, const NodeView& v) {
    LaneNamed(node, -1).status.Set(t, v.state, "", v.tip, "");
  }

  void SwitchViewer(int64_t t, const std::string& manager) {
    viewer_ = manager;
    out_->status_sources.push_back(StatusSource{t, manager});
    for (const auto& [node, view] : views_[manager]) SetStatus(t, node, view);
  }

  void NodeStatus(int64_t t, const std::string& manager, const JsonObject& r) {
    const std::string node = r.GetString("node");
    NodeView v;
    v.state = r.GetString("state");
    v.tip = node + " " + v.state + " (as " + manager + "'s store saw it at " + Seconds(t) + ")";
    const std::string extra = ExtraFields(r, {"node", "state"});
    if (!extra.empty()) v.tip += " " + extra;
    views_[manager][node] = v;
    if (viewer_.empty() || (manager == leader_ && manager != viewer_)) {
      SwitchViewer(t, manager);
    } else if (manager == viewer_) {
      SetStatus(t, node, v);
    }
  }

  void Agent(int64_t t, LaneBuild& l, const std::string& kind, const JsonObject& r) {
    const std::string& name = l.lane.name;
    if (kind == "agent.session_start") {
      const std::string m = r.GetString("manager");
      l.session_peer = m == "local" ? name : m;
      const std::string session = r.GetString("session");
      l.session.Set(t, "connecting", l.session_peer,
                    name + " connecting to " + l.session_peer +
                        (session.empty() ? "" : " (reusing session " + session + ")"),
                    l.session_peer);
    } else if (kind == "agent.registered") {
      const std::string session = r.GetString("session");
      EndFlow("session", session, &registered_, session, t, name, "agent.registered");
      l.session.Set(t, "session", l.session_peer,
                    name + ": session " + r.GetString("session") + " with " + l.session_peer,
                    l.session_peer);
    } else if (kind == "agent.session_end") {
      const std::string m = r.GetString("manager");
      const std::string peer = m == "local" ? name : m;
      const std::string code = r.GetString("code", "?");
      std::string tip = Seconds(t) + " " + name + ": session with " + peer + " ended: " + code +
                        ": " + r.GetString("reason");
      const std::string session = r.GetString("session");
      if (!session.empty()) tip += " (session " + session + ")";
      if (r.HasInt("backoff_ns")) tip += "; next backoff " + Seconds(r.GetInt("backoff_ns"));
      l.lane.session_ends.push_back(Tick{t, code, tip});
      l.session.Close(t);
    }
  }

  Timeline* out_;
  Track leaders_;
  std::string leader_;
  std::map<int64_t, std::string> names_;       // host id -> name
  std::map<int64_t, std::string> raft_names_;  // raft id -> host name
  std::map<std::string, size_t> by_name_;
  std::vector<std::unique_ptr<LaneBuild>> lanes_;  // on the heap: Tracks point into them
  std::map<std::string, std::map<std::string, NodeView>> views_;  // manager -> node -> status
  std::string viewer_;
  // Flow starts waiting for their end, by the ID that pairs them.
  std::map<std::string, FlowEnd> connecting_;  // "conn N" -> the client's CONNECTING
  std::map<std::string, FlowEnd> accepted_;    // "conn N" -> the server's READY
  std::map<std::string, FlowEnd> registered_;  // session id -> the dispatcher's registration
  std::map<std::string, FlowEnd> assigned_;    // task id -> the scheduler's assignment
  struct StepMarker {
    size_t marker = 0;   // index in out_->markers
    bool noted = false;  // labelled by a note already
  };
  std::map<int64_t, StepMarker> steps_;  // step number -> its latest scenario.step marker
  std::map<std::string, TaskView> tasks_;           // task id -> its last state and host
  std::map<std::string, ServiceBuild> services_;    // service id -> its counts
};

bool Check(const JsonLine& l, TraceError* error) {
  for (const char* key : {"t_ns", "seq", "host"}) {
    if (!l.object.HasInt(key)) {
      *error = TraceError{l.line, std::string("missing integer field \"") + key + "\""};
      return false;
    }
  }
  if (!l.object.HasString("kind")) {
    *error = TraceError{l.line, "missing string field \"kind\""};
    return false;
  }
  return true;
}

}  // namespace

bool BuildTimeline(const std::vector<JsonLine>& lines, Timeline* out, TraceError* error) {
  *out = Timeline();
  if (lines.empty()) {
    *error = TraceError{0, "no trace records"};
    return false;
  }
  int64_t last = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!Check(lines[i], error)) return false;
    const int64_t t = lines[i].object.GetInt("t_ns");
    if (i > 0 && t < last) {
      *error = TraceError{lines[i].line, "t_ns " + std::to_string(t) + " goes back in time (after " +
                                             std::to_string(last) + ")"};
      return false;
    }
    last = t;
  }
  out->begin_ns = lines.front().object.GetInt("t_ns");
  out->end_ns = last;
  out->records = static_cast<int64_t>(lines.size());
  Builder b(out);
  for (const JsonLine& l : lines) b.Add(l.object);
  b.Finish(out->end_ns);
  return true;
}

}  // namespace viz
}  // namespace swarmsim
