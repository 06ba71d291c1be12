// The run loop: build the world, schedule steps and check points, then run event by event to
// the end, evaluating expectations after every event that may have changed what they read.
#include "scenarios/runner.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "scenarios/report.h"
#include "scenarios/run_state.h"
#include "sim/check.h"
#include "sim/host.h"

namespace scenarios {

namespace {
// Lines of the report's timeline: repetitive node status lines are summarised first
// (SummarizeTimeline), so a failover stays visible whatever the cluster's size.
constexpr size_t kTimelineMax = 400;
}  // namespace

RunOutput RunScenario(const Scenario& scenario, const RunOptions& options) {
  RunState state(scenario, options);
  return state.Run();
}

RunState::RunState(const Scenario& scenario, const RunOptions& options)
    : scenario_(scenario), options_(options) {}

sim::HostId RunState::HostOf(const Host& host) const {
  const std::vector<sim::HostId>& list = host.role == HostRole::kManager ? managers_ : workers_;
  SIM_CHECK_GE(host.index, 1);
  SIM_CHECK_LE(static_cast<size_t>(host.index), list.size());
  return list[host.index - 1];
}

const std::string& RunState::NameOf(sim::HostId id) const {
  SIM_CHECK_LT(id, host_names_.size());
  return host_names_[id];
}

bool RunState::IsUp(sim::HostId id) {
  const sim::HostState s = world_->host(id).state();
  return s == sim::HostState::kRunning || s == sim::HostState::kPaused;
}

swarmsim::process::NodeProcess* RunState::Node(sim::HostId id) {
  if (!IsUp(id)) return nullptr;
  return static_cast<swarmsim::process::NodeProcess*>(world_->host(id).process());
}

void RunState::AddManagerCandidate(sim::HostId id) {
  auto it = std::lower_bound(manager_candidates_.begin(), manager_candidates_.end(), id);
  if (it == manager_candidates_.end() || *it != id) manager_candidates_.insert(it, id);
}

sim::HostId RunState::HighestTermManager(bool signalled_only) {
  sim::HostId best = sim::kNoHost;
  uint64_t best_term = 0;
  for (sim::HostId id : manager_candidates_) {
    swarmsim::process::NodeProcess* node = Node(id);
    if (node == nullptr || node->raft() == nullptr) continue;
    const swarmsim::process::RaftHost& raft = *node->raft();
    if (!(signalled_only ? raft.SignalledLeader() : raft.IsLeader())) continue;
    if (best == sim::kNoHost || raft.term() > best_term) {
      best = id;
      best_term = raft.term();
    }
  }
  return best;
}

sim::HostId RunState::SignalledLeader() { return HighestTermManager(/*signalled_only=*/true); }

sim::HostId RunState::RaftLeader() { return HighestTermManager(/*signalled_only=*/false); }

std::optional<sim::HostId> RunState::Resolve(const NodeSelector& selector, std::string& why) {
  switch (selector.kind) {
    case NodeSelector::Kind::kHost:
      return HostOf(selector.host);
    case NodeSelector::Kind::kLeader: {
      const sim::HostId leader = RaftLeader();
      if (leader == sim::kNoHost) {
        why = "\"leader\": no manager is leader now";
        return std::nullopt;
      }
      return leader;
    }
    case NodeSelector::Kind::kFollower: {
      const sim::HostId leader = RaftLeader();
      for (sim::HostId id : manager_candidates_) {
        swarmsim::process::NodeProcess* node = Node(id);
        if (id != leader && node != nullptr && node->raft() != nullptr) return id;
      }
      why = "\"follower\": no manager is up besides the leader";
      return std::nullopt;
    }
    case NodeSelector::Kind::kLabel: {
      auto it = labels_.find(selector.label);
      if (it == labels_.end()) {
        why = absl::StrCat("label \"", selector.label, "\" is not bound");
        return std::nullopt;
      }
      return it->second;
    }
    case NodeSelector::Kind::kGroup:
      why = absl::StrCat("\"", selector.text, "\" is a group, not one node");
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<sim::HostId> RunState::ResolveInExpectation(const NodeSelector& selector) {
  if (selector.kind == NodeSelector::Kind::kHost) return HostOf(selector.host);
  if (selector.kind == NodeSelector::Kind::kLabel) {
    auto it = labels_.find(selector.label);
    if (it == labels_.end()) return std::nullopt;
    return it->second;
  }
  return std::nullopt;  // The loader keeps leader/follower out of expectations.
}

std::vector<sim::HostId> RunState::Members(const NodeSelector& group) const {
  std::vector<sim::HostId> ids;
  for (const Host& host : group.members) ids.push_back(HostOf(host));
  return ids;
}

void RunState::Bind(const std::string& label, sim::HostId host) {
  if (label.empty()) return;
  labels_[label] = host;
}

void RunState::Note(const std::string& what) {
  timeline_.push_back(TimelineEntry{world_->now().nanos(), what, "", ""});
}

sim::HostId RunState::HostByName(const std::string& name) const {
  auto it = host_ids_.find(name);
  return it == host_ids_.end() ? sim::kNoHost : it->second;
}

void RunState::Fail(const std::string& error) {
  Note(absl::StrCat("ERROR: ", error));
  if (error_.empty()) error_ = absl::StrCat("at ", FormatSimTime(world_->now().nanos()), ": ", error);
}

void RunState::TrackLeader() {
  const sim::HostId leader = SignalledLeader();
  if (leader == sim::kNoHost) {
    if (last_leader_ != sim::kNoHost) {
      // Leadership lost without a successor yet: worth a line, not a summary entry.
      Note(absl::StrCat("no leader (", NameOf(last_leader_), " lost leadership)"));
      last_leader_ = sim::kNoHost;
    }
    return;
  }
  const swarmsim::process::RaftHost& raft = *Node(leader)->raft();
  const uint64_t term = raft.term();
  const auto read_at = std::make_tuple(leader, term, raft.applied(), raft.snapshot_index());
  if (read_at != members_read_at_) {
    members_read_at_ = read_at;
    std::vector<std::string> members;
    for (const swarmsim::api::RaftMember& m : raft.Members()) members.push_back(m.node_id());
    std::sort(members.begin(), members.end(), NaturalLess);
    std::string joined = absl::StrJoin(members, " ");
    if (joined != last_members_) {
      if (!last_members_.empty()) Note(absl::StrCat("raft members: ", joined));
      last_members_ = std::move(joined);
    }
  }
  if (leader == last_leader_ && term == last_leader_term_) return;
  last_leader_ = leader;
  last_leader_term_ = term;
  leaders_.push_back(LeaderChange{term, NameOf(leader), world_->now().nanos()});
  Note(absl::StrCat(NameOf(leader), " is leader (term ", term, ")"));
}

void RunState::TrackNodeStatuses() {
  if (committed_.generation() == seen_store_generation_) return;
  seen_store_generation_ = committed_.generation();
  std::vector<std::string> changed = committed_.TakeChangedNodes();
  std::sort(changed.begin(), changed.end(), NaturalLess);  // w2 before w10 in the timeline
  for (const std::string& id : changed) {
    const swarmsim::api::Node* node = committed_.store().GetNode(id);
    if (node == nullptr) continue;
    const int state = static_cast<int>(node->status().state());
    auto [it, inserted] = node_states_.emplace(id, state);
    if (!inserted && it->second == state) continue;
    if (!inserted || state != swarmsim::api::NodeStatus::UNKNOWN) {
      const std::string& name = swarmsim::api::NodeStatus::State_Name(node->status().state());
      const std::string key =
          absl::StrCat("is ", name,
                       node->status().message().empty()
                           ? ""
                           : absl::StrCat(" (", node->status().message(), ")"));
      timeline_.push_back(
          TimelineEntry{world_->now().nanos(), absl::StrCat(id, " ", key), key, id});
      node_changes_.push_back(NodeStatusChange{id, world_->now().nanos(), name});
    }
    it->second = state;
  }
}

void RunState::AfterEvent() {
  if (committed_.generation() != evaluated_store_generation_) {
    evaluated_store_generation_ = committed_.generation();
    dirty_ = true;
  }
  if (!dirty_) return;
  dirty_ = false;
  TrackLeader();
  TrackNodeStatuses();
  MaybeCreateServices();
  EvaluateExpectations(/*final_pass=*/false);
  TrackServices();
}

RunOutput RunState::Run() {
  sim::SetCheckSeed(scenario_.seed);
  BuildWorld();
  ScheduleSteps();
  ScheduleChecks();
  const sim::Time end = scenario_.end();
  const uint64_t progress_every = std::max<uint64_t>(1, options_.progress_every_events);
  uint64_t until_progress = progress_every;
  while (true) {
    const std::optional<sim::Time> next = world_->NextEventTime();
    if (!next.has_value() || *next > end) break;
    world_->Step();
    AfterEvent();
    if (options_.progress && --until_progress == 0) {
      options_.progress(world_->now().nanos(), world_->event_count());
      until_progress = progress_every;
    }
  }
  world_->RunUntil(end);  // Nothing left at or before the end; sets the clock to it.
  EvaluateExpectations(/*final_pass=*/true);
  RunOutput output;
  Finish(output.result);
  if (options_.keep_trace_records) {
    // The run is over: the trace is all that is left to read, and the caller outlives the world.
    output.trace = std::make_unique<sim::Trace>(std::move(world_->trace()));
  }
  return output;
}

void RunState::Finish(RunResult& result) {
  checkers_->Finish();
  result.scenario = scenario_.name;
  result.file = scenario_.file;
  result.seed = scenario_.seed;
  result.sim_time_ns = world_->now().nanos();
  result.events = world_->event_count();
  for (const auto& [name, n] : world_->counters()) result.counters[name] = n;
  const sim::World::EventStats& stats = world_->event_stats();
  result.counters["events.deliveries"] = stats.deliveries;
  result.counters["events.host_actions"] = stats.host_actions;
  result.counters["events.moved_timers"] = stats.moved_timers;
  result.counters["events.retransmits"] = stats.retransmits;
  result.counters["events.stale_host_actions"] = stats.stale_host_actions;
  result.counters["events.stale_timers"] = stats.stale_timers;
  result.counters["events.timers"] = stats.timers;
  result.counters["events.world_actions"] = stats.world_actions;
  result.digest = world_->trace().digest();
  result.semantic_digest = world_->trace().semantic_digest();
  result.trace_records = world_->trace().size();
  result.golden_digest = scenario_.golden_digest;
  result.golden_seed = scenario_.file_seed;
  result.error = error_;
  result.leaders = leaders_;
  result.timeline = SummarizeTimeline(timeline_, kTimelineMax);
  result.node_status_changes = node_changes_;
  for (const NodeStatusChange& c : node_changes_) {
    if (c.state == "DOWN") result.nodes_down.push_back(c.node);
  }
  std::sort(result.nodes_down.begin(), result.nodes_down.end());
  result.nodes_down.erase(std::unique(result.nodes_down.begin(), result.nodes_down.end()),
                          result.nodes_down.end());
  result.services = service_health_;
  for (ServiceHealth& h : result.services) {
    if (!h.outages.empty() && h.outages.back().to_ns < 0) {
      h.down_ns += world_->now().nanos() - h.outages.back().from_ns;
    }
  }
  for (const auto& [id, history] : task_log_) result.tasks.push_back(history);
  std::stable_sort(result.tasks.begin(), result.tasks.end(),
                   [](const TaskHistory& a, const TaskHistory& b) {
                     if (a.service != b.service) return a.service < b.service;
                     if (a.slot != b.slot) return a.slot < b.slot;
                     return a.states.front().first < b.states.front().first;
                   });
  bool passed = error_.empty();
  // Every control call ends in a reported outcome; one still unanswered fails the run unless
  // its step allows it to be lost.
  result.control_calls = control_calls_;
  result.buggify = scenario_.buggify.all || !scenario_.buggify.enable.empty();
  for (const auto& [name, site] : world_->fault_points().sites()) {
    result.fault_points[name] = FaultPointCount{site.hits, site.fires};
  }
  for (const auto& [index, trigger] : trigger_results_) result.triggers.push_back(trigger);
  for (const ControlCallResult& c : control_calls_) {
    if (c.outcome == "pending" && !c.may_be_lost) passed = false;
  }
  for (size_t i = 0; i < scenario_.expectations.size(); ++i) {
    const ExpectState& s = expect_states_[i];
    ExpectationResult e;
    e.name = scenario_.expectations[i].name;
    e.passed = s.passed;
    e.at_ns = s.at_ns;
    e.detail = s.detail;
    e.first_failed_ns = s.first_failed_ns;
    e.held_again_ns = s.held_again_ns;
    e.down_ns = s.down_ns;
    passed = passed && s.passed;
    result.expectations.push_back(std::move(e));
  }
  for (const swarmsim::check::Verdict& v : checkers_->verdicts()) {
    InvariantResult inv;
    inv.name = v.name;
    inv.passed = v.passed;
    inv.detail = v.passed ? v.detail : v.ToString();
    passed = passed && v.passed;
    result.invariants.push_back(std::move(inv));
  }
  if (CompareGolden(result) == GoldenVerdict::kDiffers) passed = false;
  result.passed = passed;
}

}  // namespace scenarios
