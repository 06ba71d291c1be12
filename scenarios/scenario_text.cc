#include "scenarios/scenario_text.h"

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "scenarios/duration.h"

namespace scenarios {

namespace sc = ::scenarios;

namespace {

// ---------------------------------------------------------------------------------------------
// Writing

std::string Quoted(absl::string_view text) { return absl::StrCat("\"", absl::CEscape(text), "\""); }
std::string Dur(absl::Duration d) { return Quoted(sc::FormatDurationExact(d)); }
std::string Instant(sim::Time t) { return Quoted(sc::FormatDurationNanos(t.nanos())); }
std::string Ratio(uint32_t ppm) { return Quoted(sc::FormatRatioPpm(ppm)); }

// The selector as a file writes it (the loader's canonical spelling).
std::string SelectorName(const sc::NodeSelector& s) {
  switch (s.kind) {
    case sc::NodeSelector::Kind::kHost:
      return s.host.Name();
    case sc::NodeSelector::Kind::kLeader:
      return "leader";
    case sc::NodeSelector::Kind::kFollower:
      return "follower";
    case sc::NodeSelector::Kind::kLabel:
      return s.label;
    case sc::NodeSelector::Kind::kGroup:
      return s.text;
  }
  return s.text;
}
std::string Sel(const sc::NodeSelector& s) { return Quoted(SelectorName(s)); }

std::string SelList(const std::vector<sc::NodeSelector>& list) {
  std::vector<std::string> names;
  for (const sc::NodeSelector& s : list) names.push_back(Sel(s));
  return absl::StrCat("[", absl::StrJoin(names, ", "), "]");
}

// `field: value` pairs joined into `name { ... }` on one line; `name {}` when there are none.
std::string Block(absl::string_view name, const std::vector<std::string>& fields) {
  if (fields.empty()) return absl::StrCat(name, " {}");
  return absl::StrCat(name, " { ", absl::StrJoin(fields, " "), " }");
}

std::vector<std::string> NodeFields(const sc::NodeSelector& node, const std::string& label) {
  std::vector<std::string> f = {absl::StrCat("node: ", Sel(node))};
  if (!label.empty()) f.push_back(absl::StrCat("label: ", Quoted(label)));
  return f;
}

const char* AvailabilityName(sc::Availability a) {
  switch (a) {
    case sc::Availability::kActive:
      return "ACTIVE";
    case sc::Availability::kPause:
      return "PAUSE";
    case sc::Availability::kDrain:
      return "DRAIN";
  }
  return "ACTIVE";
}

struct ActionWriter {
  std::string operator()(const sc::Crash& a) const { return Block("crash", NodeFields(a.node, a.label)); }
  std::string operator()(const sc::Stop& a) const { return Block("stop", NodeFields(a.node, a.label)); }
  std::string operator()(const sc::Restart& a) const {
    return Block("restart", NodeFields(a.node, a.label));
  }
  std::string operator()(const sc::Pause& a) const {
    std::vector<std::string> f = NodeFields(a.node, a.label);
    f.push_back(absl::StrCat("duration: ", Dur(a.duration)));
    return Block("pause", f);
  }
  std::string operator()(const sc::Isolate& a) const {
    std::vector<std::string> f = NodeFields(a.node, a.label);
    if (a.duration) f.push_back(absl::StrCat("duration: ", Dur(*a.duration)));
    return Block("isolate", f);
  }
  std::string operator()(const sc::Partition& a) const {
    std::vector<std::string> sides;
    for (const std::vector<sc::NodeSelector>& side : a.sides) {
      sides.push_back(Block("side", {absl::StrCat("nodes: ", SelList(side))}));
    }
    return Block("partition", sides);
  }
  std::string operator()(const sc::Cut& a) const {
    std::vector<std::string> f;
    if (a.from) f.push_back(absl::StrCat("from: ", Sel(*a.from)));
    f.push_back(absl::StrCat("to: ", Sel(a.to)));
    if (!a.label.empty()) f.push_back(absl::StrCat("label: ", Quoted(a.label)));
    return Block("cut", f);
  }
  std::string operator()(const sc::Heal&) const { return "heal {}"; }
  std::string operator()(const sc::SetNetwork& a) const {
    std::vector<std::string> f;
    if (a.from) f.push_back(absl::StrCat("from: ", Sel(*a.from)));
    if (a.to) f.push_back(absl::StrCat("to: ", Sel(*a.to)));
    if (a.latency) f.push_back(absl::StrCat("latency: ", Dur(*a.latency)));
    if (a.jitter) f.push_back(absl::StrCat("jitter: ", Dur(*a.jitter)));
    if (a.drop_ppm) f.push_back(absl::StrCat("drop: ", Ratio(*a.drop_ppm)));
    if (a.duplicate_ppm) f.push_back(absl::StrCat("duplicate: ", Ratio(*a.duplicate_ppm)));
    return Block("set_network", f);
  }
  std::string operator()(const sc::Clock& a) const {
    std::vector<std::string> f = NodeFields(a.node, a.label);
    if (a.offset) f.push_back(absl::StrCat("offset: ", Dur(*a.offset)));
    if (a.drift_ppm) f.push_back(absl::StrCat("drift_ppm: ", *a.drift_ppm));
    return Block("clock", f);
  }
  std::string operator()(const sc::ScaleService& a) const {
    return Block("scale_service",
                 {absl::StrCat("name: ", Quoted(a.name)), absl::StrCat("replicas: ", a.replicas)});
  }
  std::string operator()(const sc::RemoveService& a) const {
    return Block("remove_service", {absl::StrCat("name: ", Quoted(a.name))});
  }
  std::string operator()(const sc::Promote& a) const {
    return Block("promote", NodeFields(a.node, a.label));
  }
  std::string operator()(const sc::Demote& a) const { return Block("demote", NodeFields(a.node, a.label)); }
  std::string operator()(const sc::TransferLeadership& a) const {
    std::vector<std::string> f = {absl::StrCat("to: ", Sel(a.to))};
    if (!a.label.empty()) f.push_back(absl::StrCat("label: ", Quoted(a.label)));
    return Block("transfer_leadership", f);
  }
  std::string operator()(const sc::SetAvailability& a) const {
    std::vector<std::string> f = NodeFields(a.node, a.label);
    f.push_back(absl::StrCat("availability: ", AvailabilityName(a.availability)));
    return Block("set_availability", f);
  }
  std::string operator()(const sc::SetDisk& a) const {
    std::vector<std::string> f = NodeFields(a.node, a.label);
    f.push_back(absl::StrCat("sync_latency: ", Dur(a.sync_latency)));
    return Block("set_disk", f);
  }
};

// `trigger { event: ... }` followed by a space, or nothing for a timed step.
std::string TriggerText(const std::optional<sc::Trigger>& t) {
  if (!t.has_value()) return "";
  std::vector<std::string> f = {absl::StrCat("event: ", Quoted(t->event))};
  if (t->node) f.push_back(absl::StrCat("node: ", Sel(*t->node)));
  for (const auto& [key, value] : t->where) {
    f.push_back(absl::StrCat("where: ", Quoted(absl::StrCat(key, "=", value))));
  }
  if (t->delay != absl::ZeroDuration()) f.push_back(absl::StrCat("delay: ", Dur(t->delay)));
  if (t->until) f.push_back(absl::StrCat("until: ", Dur(t->until->SinceStart())));
  return absl::StrCat(Block("trigger", f), " ");
}

std::string ExceptBlock(absl::string_view name, const std::vector<sc::NodeSelector>& except) {
  if (except.empty()) return Block(name, {});
  return Block(name, {absl::StrCat("except: ", SelList(except))});
}

struct PredicateWriter {
  std::string operator()(const sc::LeaderElected& p) const {
    std::vector<std::string> f;
    if (p.not_node) f.push_back(absl::StrCat("not: ", Sel(*p.not_node)));
    if (p.is_node) f.push_back(absl::StrCat("is: ", Sel(*p.is_node)));
    return Block("leader", f);
  }
  std::string operator()(const sc::NoLeader&) const { return "no_leader {}"; }
  std::string operator()(const sc::AllNodesReady& p) const {
    return ExceptBlock("all_nodes_ready", p.except);
  }
  std::string operator()(const sc::NodeStatusIs& p) const {
    return Block("node_status", {absl::StrCat("node: ", Sel(p.node)),
                                 absl::StrCat("state: ", sc::NodeStateName(p.state))});
  }
  std::string operator()(const sc::NoNodeDown& p) const { return ExceptBlock("no_node_down", p.except); }
  std::string operator()(const sc::AgentsConnected& p) const {
    return ExceptBlock("agents_connected", p.except);
  }
  std::string operator()(const sc::ServiceConverged& p) const {
    return Block("service_converged", {absl::StrCat("name: ", Quoted(p.name))});
  }
  std::string operator()(const sc::Committed& p) const {
    return Block("committed", {absl::StrCat("min_index: ", p.min_index)});
  }
  std::string operator()(const sc::RaftMembers& p) const {
    return Block("raft_members", {absl::StrCat("nodes: ", SelList(p.nodes))});
  }
  std::string operator()(const sc::ReplicasRunning& p) const {
    return Block("replicas_running",
                 {absl::StrCat("service: ", Quoted(p.service)), absl::StrCat("min: ", p.min)});
  }
  std::string operator()(const sc::SessionUnchanged& p) const {
    return Block("session_unchanged", {absl::StrCat("node: ", Sel(p.node))});
  }
};

std::string WindowText(const sc::Window& window, sim::Time end) {
  if (const auto* e = std::get_if<sc::Eventually>(&window)) {
    std::vector<std::string> f;
    if (e->new_leader_after.has_value()) {
      f.push_back(absl::StrCat("new_leader_after: ", Instant(*e->new_leader_after)));
    }
    if (e->after != sim::Time::Zero()) f.push_back(absl::StrCat("after: ", Instant(e->after)));
    f.push_back(absl::StrCat("within: ", Dur(e->within)));
    return Block("eventually", f);
  }
  const sc::Always& a = std::get<sc::Always>(window);
  std::vector<std::string> f;
  if (a.new_leader_after.has_value()) {
    f.push_back(absl::StrCat("new_leader_after: ", Instant(*a.new_leader_after)));
  }
  if (a.from != sim::Time::Zero()) f.push_back(absl::StrCat("from: ", Instant(a.from)));
  if (a.until != end) f.push_back(absl::StrCat("until: ", Instant(a.until)));
  return Block("always", f);
}

// The overridden fields of a config section, `  name { ... }`, or nothing when all are default.
void AppendSection(std::string& out, absl::string_view name, const std::vector<std::string>& f) {
  if (!f.empty()) absl::StrAppend(&out, "  ", Block(name, f), "\n");
}

void WriteCluster(std::string& out, const sc::Cluster& c) {
  absl::StrAppend(&out, "cluster {\n  managers: ", c.managers, "\n  workers: ", c.workers, "\n");
  const sc::RaftConfig dr;
  std::vector<std::string> f;
  if (c.raft.tick_interval != dr.tick_interval)
    f.push_back(absl::StrCat("tick_interval: ", Dur(c.raft.tick_interval)));
  if (c.raft.election_tick != dr.election_tick)
    f.push_back(absl::StrCat("election_tick: ", c.raft.election_tick));
  if (c.raft.heartbeat_tick != dr.heartbeat_tick)
    f.push_back(absl::StrCat("heartbeat_tick: ", c.raft.heartbeat_tick));
  if (c.raft.snapshot_interval != dr.snapshot_interval)
    f.push_back(absl::StrCat("snapshot_interval: ", c.raft.snapshot_interval));
  if (c.raft.log_entries_for_slow_followers != dr.log_entries_for_slow_followers)
    f.push_back(absl::StrCat("log_entries_for_slow_followers: ", c.raft.log_entries_for_slow_followers));
  if (c.raft.max_size_per_msg != dr.max_size_per_msg)
    f.push_back(absl::StrCat("max_size_per_msg: ", c.raft.max_size_per_msg));
  if (c.raft.check_quorum != dr.check_quorum)
    f.push_back(absl::StrCat("check_quorum: ", c.raft.check_quorum ? "true" : "false"));
  if (c.raft.pre_vote != dr.pre_vote)
    f.push_back(absl::StrCat("pre_vote: ", c.raft.pre_vote ? "true" : "false"));
  AppendSection(out, "raft", f);

  const sc::DispatcherConfig dd;
  f.clear();
  if (c.dispatcher.heartbeat_period != dd.heartbeat_period)
    f.push_back(absl::StrCat("heartbeat_period: ", Dur(c.dispatcher.heartbeat_period)));
  if (c.dispatcher.heartbeat_epsilon != dd.heartbeat_epsilon)
    f.push_back(absl::StrCat("heartbeat_epsilon: ", Dur(c.dispatcher.heartbeat_epsilon)));
  if (c.dispatcher.grace_period_multiplier != dd.grace_period_multiplier)
    f.push_back(absl::StrCat("grace_period_multiplier: ", c.dispatcher.grace_period_multiplier));
  if (c.dispatcher.rate_limit_period != dd.rate_limit_period)
    f.push_back(absl::StrCat("rate_limit_period: ", Dur(c.dispatcher.rate_limit_period)));
  AppendSection(out, "dispatcher", f);

  const sc::AgentConfig da;
  f.clear();
  if (c.agent.initial_backoff != da.initial_backoff)
    f.push_back(absl::StrCat("initial_backoff: ", Dur(c.agent.initial_backoff)));
  if (c.agent.max_backoff != da.max_backoff)
    f.push_back(absl::StrCat("max_backoff: ", Dur(c.agent.max_backoff)));
  if (c.agent.rpc_timeout != da.rpc_timeout)
    f.push_back(absl::StrCat("rpc_timeout: ", Dur(c.agent.rpc_timeout)));
  AppendSection(out, "agent", f);

  const sc::LinkConfig dl;
  f.clear();
  if (c.network.latency != dl.latency) f.push_back(absl::StrCat("latency: ", Dur(c.network.latency)));
  if (c.network.jitter != dl.jitter) f.push_back(absl::StrCat("jitter: ", Dur(c.network.jitter)));
  if (c.network.drop_ppm != dl.drop_ppm) f.push_back(absl::StrCat("drop: ", Ratio(c.network.drop_ppm)));
  if (c.network.duplicate_ppm != dl.duplicate_ppm)
    f.push_back(absl::StrCat("duplicate: ", Ratio(c.network.duplicate_ppm)));
  AppendSection(out, "network", f);
  for (const sc::HostGroup& g : c.groups) {
    std::vector<std::string> hosts;
    for (const sc::Host& h : g.hosts) hosts.push_back(Quoted(h.Name()));
    absl::StrAppend(&out, "  group { name: ", Quoted(g.name), " nodes: [",
                    absl::StrJoin(hosts, ", "), "] }\n");
  }
  out += "}\n";
}

// ---------------------------------------------------------------------------------------------
// Describing every field, independently of the writer, for DescribeDifference.

std::string D(absl::Duration d) { return absl::StrCat(absl::ToInt64Nanoseconds(d), "ns"); }
std::string D(sim::Time t) { return absl::StrCat("@", t.nanos(), "ns"); }
template <typename T>
std::string D(const std::optional<T>& v) {
  return v ? D(*v) : std::string("unset");
}
std::string D(const sc::NodeSelector& s) {
  return absl::StrCat("sel(kind=", static_cast<int>(s.kind), " host=", static_cast<int>(s.host.role),
                      ":", s.host.index, " label='", s.label, "' text='", s.text, "')");
}
std::string D(const std::vector<sc::NodeSelector>& list) {
  std::vector<std::string> parts;
  for (const sc::NodeSelector& s : list) parts.push_back(D(s));
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}
std::string DPpm(const std::optional<uint32_t>& v) { return v ? absl::StrCat(*v, "ppm") : "unset"; }

struct ActionDescriber {
  std::string Node(const char* what, const sc::NodeSelector& node, const std::string& label) const {
    return absl::StrCat(what, " node=", D(node), " label='", label, "'");
  }
  std::string operator()(const sc::Crash& a) const { return Node("crash", a.node, a.label); }
  std::string operator()(const sc::Stop& a) const { return Node("stop", a.node, a.label); }
  std::string operator()(const sc::Restart& a) const { return Node("restart", a.node, a.label); }
  std::string operator()(const sc::Pause& a) const {
    return absl::StrCat(Node("pause", a.node, a.label), " duration=", D(a.duration));
  }
  std::string operator()(const sc::Isolate& a) const {
    return absl::StrCat(Node("isolate", a.node, a.label), " duration=", D(a.duration));
  }
  std::string operator()(const sc::Partition& a) const {
    std::vector<std::string> sides;
    for (const auto& side : a.sides) sides.push_back(D(side));
    return absl::StrCat("partition sides=", absl::StrJoin(sides, " | "));
  }
  std::string operator()(const sc::Cut& a) const {
    return absl::StrCat("cut from=", a.from ? D(*a.from) : "unset", " to=", D(a.to), " label='",
                        a.label, "'");
  }
  std::string operator()(const sc::Heal&) const { return "heal"; }
  std::string operator()(const sc::SetNetwork& a) const {
    return absl::StrCat("set_network from=", a.from ? D(*a.from) : "unset",
                        " to=", a.to ? D(*a.to) : "unset", " latency=", D(a.latency),
                        " jitter=", D(a.jitter), " drop=", DPpm(a.drop_ppm),
                        " duplicate=", DPpm(a.duplicate_ppm));
  }
  std::string operator()(const sc::Clock& a) const {
    return absl::StrCat(Node("clock", a.node, a.label), " offset=", D(a.offset), " drift=",
                        a.drift_ppm ? absl::StrCat(*a.drift_ppm) : "unset");
  }
  std::string operator()(const sc::ScaleService& a) const {
    return absl::StrCat("scale_service name='", a.name, "' replicas=", a.replicas);
  }
  std::string operator()(const sc::RemoveService& a) const {
    return absl::StrCat("remove_service name='", a.name, "'");
  }
  std::string operator()(const sc::Promote& a) const { return Node("promote", a.node, a.label); }
  std::string operator()(const sc::Demote& a) const { return Node("demote", a.node, a.label); }
  std::string operator()(const sc::TransferLeadership& a) const {
    return absl::StrCat("transfer_leadership to=", D(a.to), " label='", a.label, "'");
  }
  std::string operator()(const sc::SetAvailability& a) const {
    return absl::StrCat(Node("set_availability", a.node, a.label),
                        " availability=", static_cast<int>(a.availability));
  }
  std::string operator()(const sc::SetDisk& a) const {
    return absl::StrCat(Node("set_disk", a.node, a.label), " sync_latency=", D(a.sync_latency));
  }
};

std::string D(const std::optional<sc::Trigger>& t) {
  if (!t.has_value()) return "";
  std::vector<std::string> where;
  for (const auto& [key, value] : t->where) where.push_back(absl::StrCat(key, "='", value, "'"));
  return absl::StrCat("trigger(event='", t->event, "' node=", t->node ? D(*t->node) : "unset",
                      " where=[", absl::StrJoin(where, ","), "] delay=", D(t->delay),
                      t->until ? absl::StrCat(" until=", D(t->until->SinceStart())) : "", ") ");
}

struct PredicateDescriber {
  std::string operator()(const sc::LeaderElected& p) const {
    return absl::StrCat("leader not=", p.not_node ? D(*p.not_node) : "unset",
                        " is=", p.is_node ? D(*p.is_node) : "unset");
  }
  std::string operator()(const sc::NoLeader&) const { return "no_leader"; }
  std::string operator()(const sc::AllNodesReady& p) const {
    return absl::StrCat("all_nodes_ready except=", D(p.except));
  }
  std::string operator()(const sc::NodeStatusIs& p) const {
    return absl::StrCat("node_status node=", D(p.node), " state=", static_cast<int>(p.state));
  }
  std::string operator()(const sc::NoNodeDown& p) const {
    return absl::StrCat("no_node_down except=", D(p.except));
  }
  std::string operator()(const sc::AgentsConnected& p) const {
    return absl::StrCat("agents_connected except=", D(p.except));
  }
  std::string operator()(const sc::ServiceConverged& p) const {
    return absl::StrCat("service_converged name='", p.name, "'");
  }
  std::string operator()(const sc::Committed& p) const {
    return absl::StrCat("committed min_index=", p.min_index);
  }
  std::string operator()(const sc::RaftMembers& p) const {
    return absl::StrCat("raft_members nodes=", D(p.nodes));
  }
  std::string operator()(const sc::ReplicasRunning& p) const {
    return absl::StrCat("replicas_running service='", p.service, "' min=", p.min);
  }
  std::string operator()(const sc::SessionUnchanged& p) const {
    return absl::StrCat("session_unchanged node=", D(p.node));
  }
};

std::string NewLeaderAfter(const std::optional<sim::Time>& t) {
  return t.has_value() ? absl::StrCat(" new_leader_after=", D(*t)) : std::string();
}

std::string D(const sc::Window& w) {
  if (const auto* e = std::get_if<sc::Eventually>(&w)) {
    return absl::StrCat("eventually after=", D(e->after), " within=", D(e->within),
                        NewLeaderAfter(e->new_leader_after));
  }
  const sc::Always& a = std::get<sc::Always>(w);
  return absl::StrCat("always from=", D(a.from), " until=", D(a.until),
                      NewLeaderAfter(a.new_leader_after));
}

// One line per field or element, each starting with its path.
std::vector<std::string> DescribeAll(const sc::Scenario& s) {
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat("name: '", s.name, "'"));
  lines.push_back(absl::StrCat("description: '", s.description, "'"));
  lines.push_back(absl::StrCat("seed: ", s.seed));
  lines.push_back(absl::StrCat("duration: ", D(s.duration)));
  const sc::Cluster& c = s.cluster;
  lines.push_back(absl::StrCat("cluster: managers=", c.managers, " workers=", c.workers));
  lines.push_back(absl::StrCat("cluster.raft: tick=", D(c.raft.tick_interval),
                               " election_tick=", c.raft.election_tick,
                               " heartbeat_tick=", c.raft.heartbeat_tick,
                               " snapshot_interval=", c.raft.snapshot_interval,
                               " slow=", c.raft.log_entries_for_slow_followers,
                               " max_size_per_msg=", c.raft.max_size_per_msg,
                               " check_quorum=", static_cast<int>(c.raft.check_quorum),
                               " pre_vote=", static_cast<int>(c.raft.pre_vote)));
  lines.push_back(absl::StrCat("cluster.dispatcher: period=", D(c.dispatcher.heartbeat_period),
                               " epsilon=", D(c.dispatcher.heartbeat_epsilon),
                               " grace=", c.dispatcher.grace_period_multiplier,
                               " rate_limit=", D(c.dispatcher.rate_limit_period)));
  lines.push_back(absl::StrCat("cluster.agent: initial_backoff=", D(c.agent.initial_backoff),
                               " max_backoff=", D(c.agent.max_backoff),
                               " rpc_timeout=", D(c.agent.rpc_timeout)));
  lines.push_back(absl::StrCat("cluster.network: latency=", D(c.network.latency),
                               " jitter=", D(c.network.jitter), " drop=", c.network.drop_ppm,
                               " duplicate=", c.network.duplicate_ppm));
  for (const sc::HostGroup& g : c.groups) {
    std::vector<std::string> hosts;
    for (const sc::Host& h : g.hosts) hosts.push_back(h.Name());
    lines.push_back(absl::StrCat("cluster.group '", g.name, "': ", absl::StrJoin(hosts, " ")));
  }
  lines.push_back(absl::StrCat("services: ", s.services.size()));
  for (size_t i = 0; i < s.services.size(); ++i) {
    lines.push_back(absl::StrCat("services[", i, "]: name='", s.services[i].name,
                                 "' replicas=", s.services[i].replicas));
  }
  lines.push_back(absl::StrCat("buggify: all=", static_cast<int>(s.buggify.all), " enable=[",
                               absl::StrJoin(s.buggify.enable, ","),
                               "] fire=", s.buggify.fire_ppm, "ppm"));
  lines.push_back(absl::StrCat("golden_digest: '", s.golden_digest, "'"));
  lines.push_back(absl::StrCat("steps: ", s.steps.size()));
  for (size_t i = 0; i < s.steps.size(); ++i) {
    lines.push_back(absl::StrCat("steps[", i, "]: at=", D(s.steps[i].at), " ",
                                 s.steps[i].via ? absl::StrCat("via=", D(*s.steps[i].via), " ")
                                                : "",
                                 s.steps[i].may_be_lost ? "may_be_lost " : "",
                                 s.steps[i].skip_if_unresolved ? "skip_if_unresolved " : "",
                                 D(s.steps[i].trigger),
                                 std::visit(ActionDescriber{}, s.steps[i].action)));
  }
  lines.push_back(absl::StrCat("expectations: ", s.expectations.size()));
  for (size_t i = 0; i < s.expectations.size(); ++i) {
    const sc::Expectation& e = s.expectations[i];
    lines.push_back(absl::StrCat("expectations[", i, "]: name='", e.name, "' ", D(e.window), " ",
                                 std::visit(PredicateDescriber{}, e.predicate)));
  }
  return lines;
}

}  // namespace

std::string CommentLines(const std::string& text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StrAppend(&out, line.empty() ? "#" : absl::StrCat("# ", line), "\n");
  }
  return out;
}

std::string ScenarioText(const sc::Scenario& s, const std::string& header) {
  std::string out = header.empty() ? "" : CommentLines(header);
  absl::StrAppend(&out, "name: ", Quoted(s.name), "\n");
  if (!s.description.empty()) absl::StrAppend(&out, "description: ", Quoted(s.description), "\n");
  absl::StrAppend(&out, "seed: ", s.seed, "\n");
  absl::StrAppend(&out, "duration: ", Dur(s.duration), "\n");
  if (!s.golden_digest.empty()) absl::StrAppend(&out, "golden_digest: ", Quoted(s.golden_digest), "\n");
  out += "\n";
  WriteCluster(out, s.cluster);
  if (!s.services.empty()) out += "\n";
  for (const sc::Service& service : s.services) {
    absl::StrAppend(&out, Block("service", {absl::StrCat("name: ", Quoted(service.name)),
                                            absl::StrCat("replicas: ", service.replicas)}),
                    "\n");
  }
  const bool fire_set = s.buggify.fire_ppm != sc::BuggifyConfig::kDefaultFirePpm;
  if (s.buggify.all || !s.buggify.enable.empty() || fire_set) {
    std::vector<std::string> f;
    if (s.buggify.all) f.push_back("all: true");
    if (!s.buggify.enable.empty()) {
      std::vector<std::string> names;
      for (const std::string& name : s.buggify.enable) names.push_back(Quoted(name));
      f.push_back(absl::StrCat("enable: [", absl::StrJoin(names, ", "), "]"));
    }
    if (fire_set) f.push_back(absl::StrCat("fire: ", Ratio(s.buggify.fire_ppm)));
    absl::StrAppend(&out, "\n", Block("buggify", f), "\n");
  }
  if (!s.steps.empty()) out += "\n";
  for (const sc::Step& step : s.steps) {
    absl::StrAppend(&out, "step { at: ", Instant(step.at), " ",
                    step.via ? absl::StrCat("via: ", Sel(*step.via), " ") : "",
                    step.may_be_lost ? "may_be_lost: true " : "",
                    step.skip_if_unresolved ? "skip_if_unresolved: true " : "",
                    TriggerText(step.trigger),
                    std::visit(ActionWriter{}, step.action), " }\n");
  }
  for (const sc::Expectation& e : s.expectations) {
    absl::StrAppend(&out, "\nexpect {\n  name: ", Quoted(e.name), "\n  ",
                    WindowText(e.window, s.end()), "\n  ", std::visit(PredicateWriter{}, e.predicate),
                    "\n}\n");
  }
  return out;
}

std::string DescribeDifference(const sc::Scenario& a, const sc::Scenario& b) {
  const std::vector<std::string> la = DescribeAll(a);
  const std::vector<std::string> lb = DescribeAll(b);
  for (size_t i = 0; i < la.size() && i < lb.size(); ++i) {
    if (la[i] != lb[i]) return absl::StrCat(la[i], "\n  vs\n", lb[i]);
  }
  if (la.size() != lb.size()) {
    return absl::StrCat("one scenario has more fields: ", la.size(), " vs ", lb.size(), " lines");
  }
  return "";
}

}  // namespace scenarios
