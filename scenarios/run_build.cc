// Building the world from the scenario's cluster, and the services created at the start.
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "scenarios/run_state.h"
#include "sim/check.h"

namespace scenarios {

namespace {
sim::LinkConfig ToLink(const LinkConfig& config) {
  sim::LinkConfig link;
  link.latency = config.latency;
  link.jitter = config.jitter;
  link.loss = sim::Ratio::Ppm(config.drop_ppm);
  link.duplicate = sim::Ratio::Ppm(config.duplicate_ppm);
  return link;
}

// SwarmKit's UNKNOWN grace is twice the normal one (gracePeriodMultiplierUnknown = 2 × 3): what
// the managers use and what dispatcher.unknown_grace judges them by.
int64_t UnknownGraceMultiplier(const Cluster& cluster) {
  return 2 * cluster.dispatcher.grace_period_multiplier;
}
}  // namespace

void RunState::BuildWorld() {
  sim::WorldOptions world_options;
  world_options.seed = scenario_.seed;
  world_options.trace.keep_records = options_.keep_trace_records;
  world_options.buggify = scenario_.buggify.all;
  world_ = std::make_unique<sim::World>(world_options);
  world_->network().set_default_link(ToLink(scenario_.cluster.network));
  // `buggify { all: true }` lets the seed choose which sites are active (a quarter of them);
  // `enable` names sites that are active in this run whatever the seed, firing with `fire`.
  for (const std::string& site : scenario_.buggify.enable) {
    world_->fault_points().Force(site, sim::Ratio::Ppm(scenario_.buggify.fire_ppm));
  }

  swarmsim::check::CheckerOptions checker_options;
  checker_options.seed = scenario_.seed;
  checker_options.unknown_grace_multiplier = UnknownGraceMultiplier(scenario_.cluster);
  checker_options.heartbeat_epsilon = scenario_.cluster.dispatcher.heartbeat_epsilon;
  checkers_ = std::make_unique<swarmsim::check::CheckerSet>(checker_options);
  checkers_->Install(&world_->trace());
  if (options_.observe) world_->trace().AddObserver(options_.observe, options_.observe_kinds);
  // State changes that predicates read are all traced; anything else (messages, RPC
  // completions) cannot change a predicate's value, so the observer is not even shown those.
  // An agent's task states are what replicas_running reads, and the task timeline's source.
  auto changes_state = [](absl::string_view kind) {
    return absl::StartsWith(kind, "raft") || absl::StartsWith(kind, "agent") ||
           absl::StartsWith(kind, "dispatcher") || absl::StartsWith(kind, "host") ||
           absl::StartsWith(kind, "manager") || absl::StartsWith(kind, "node");
  };
  auto task_log_kind = [](absl::string_view kind) {
    return kind == "task.state" || kind == "host.crash" || kind == "host.stop";
  };
  world_->trace().AddObserver(
      [this, task_log_kind](const sim::TraceRecord& record) {
        dirty_ = true;
        if (task_log_kind(record.kind)) ObserveForTaskLog(record);
      },
      [changes_state, task_log_kind](absl::string_view kind) {
        return changes_state(kind) || task_log_kind(kind);
      });

  const Cluster& cluster = scenario_.cluster;
  // Host ids are dense: managers first (m1 = 0), then workers, so host names and ids agree in
  // order and the trace reads naturally.
  for (int32_t i = 1; i <= cluster.managers; ++i) {
    const std::string name = absl::StrCat("m", i);
    const sim::HostId id = static_cast<sim::HostId>(host_names_.size());
    host_names_.push_back(name);
    const uint64_t raft_id = static_cast<uint64_t>(i);
    world_->AddHost(name, [this, id, raft_id]() { return MakeNode(id, true, raft_id); });
    managers_.push_back(id);
  }
  for (int32_t i = 1; i <= cluster.workers; ++i) {
    const std::string name = absl::StrCat("w", i);
    const sim::HostId id = static_cast<sim::HostId>(host_names_.size());
    host_names_.push_back(name);
    world_->AddHost(name, [this, id]() { return MakeNode(id, false, 0); });
    workers_.push_back(id);
  }
  manager_candidates_ = managers_;
  all_hosts_ = managers_;
  all_hosts_.insert(all_hosts_.end(), workers_.begin(), workers_.end());
  for (sim::HostId id : all_hosts_) host_ids_[host_names_[id]] = id;
  for (const Service& service : scenario_.services) {
    ServiceHealth health;
    health.name = service.name;
    health.replicas = service.replicas;
    service_health_.push_back(std::move(health));
  }
  for (sim::HostId id : all_hosts_) world_->StartHost(id);
  expect_states_.assign(scenario_.expectations.size(), ExpectState());
}

std::unique_ptr<sim::Process> RunState::MakeNode(sim::HostId id, bool manager, uint64_t raft_id) {
  const Cluster& cluster = scenario_.cluster;
  swarmsim::process::NodeOptions o;
  o.node_id = host_names_[id];
  o.manager = manager;
  o.raft_id = raft_id;
  for (size_t i = 0; i < managers_.size(); ++i) {
    swarmsim::api::RaftMember member;
    member.set_raft_id(i + 1);
    member.set_node_id(host_names_[managers_[i]]);
    member.set_addr(host_names_[managers_[i]]);
    o.initial_members.push_back(member);
    o.initial_remotes.push_back(host_names_[managers_[i]]);
  }
  // Only a manager can be the first leader that creates the workers' node objects; copying the
  // list into every worker would make memory grow with the square of the cluster.
  if (manager) {
    for (sim::HostId w : workers_) o.initial_workers.push_back(host_names_[w]);
  }
  o.raft.tick_interval = cluster.raft.tick_interval;
  o.raft.election_tick = cluster.raft.election_tick;
  o.raft.heartbeat_tick = cluster.raft.heartbeat_tick;
  o.raft.check_quorum = cluster.raft.check_quorum;
  o.raft.pre_vote = cluster.raft.pre_vote;
  o.raft.snapshot_interval = static_cast<uint64_t>(cluster.raft.snapshot_interval);
  o.raft.log_entries_for_slow_followers =
      static_cast<uint64_t>(cluster.raft.log_entries_for_slow_followers);
  o.raft.max_size_per_msg = static_cast<uint64_t>(cluster.raft.max_size_per_msg);
  // Workers too: a promoted worker runs Raft on its own disk.
  o.raft.sync_latency = cluster.DiskOf(host_names_[id]).sync_latency;
  if (auto it = sync_latency_.find(id); it != sync_latency_.end()) o.raft.sync_latency = it->second;
  o.dispatcher.heartbeat_period = cluster.dispatcher.heartbeat_period;
  o.dispatcher.heartbeat_epsilon = cluster.dispatcher.heartbeat_epsilon;
  o.dispatcher.grace_period_multiplier = cluster.dispatcher.grace_period_multiplier;
  o.dispatcher.unknown_grace_period_multiplier = UnknownGraceMultiplier(cluster);
  o.dispatcher.rate_limit_period = cluster.dispatcher.rate_limit_period;
  o.agent.backoff.initial = cluster.agent.initial_backoff;
  o.agent.backoff.max = cluster.agent.max_backoff;
  o.agent.dispatcher_rpc_timeout = cluster.agent.rpc_timeout;
  o.resolve = [this](const std::string& addr) { return world_->FindHost(addr); };
  o.on_apply = [this](uint64_t index, const swarmsim::api::InternalRaftRequest& request) {
    committed_.OnApply(index, request);
  };
  o.on_restore = [this](uint64_t index, const swarmsim::api::StoreSnapshot& snapshot) {
    committed_.OnRestore(index, snapshot);
  };
  return std::make_unique<swarmsim::process::NodeProcess>(std::move(o));
}

const swarmsim::api::Service* RunState::FindService(const std::string& name) const {
  for (const auto& [id, service] : committed_.store().services()) {
    if (service.spec().name() == name) return &service;
  }
  return nullptr;
}

void RunState::MaybeCreateServices() {
  if (services_created_ || scenario_.services.empty()) return;
  const sim::HostId leader = SignalledLeader();
  if (leader == sim::kNoHost) return;
  const uint64_t term = Node(leader)->raft()->term();
  // Still waiting on the leader that was asked: its answer comes, or it loses leadership.
  if (services_requested_ && leader == services_leader_ && term == services_term_) return;
  if (services_requested_) {
    Note(absl::StrCat("creating services: ", NameOf(services_leader_),
                      " lost leadership before answering; asking ", NameOf(leader)));
  }
  services_requested_ = true;
  services_leader_ = leader;
  services_term_ = term;
  const uint64_t round = ++services_round_;
  auto remaining = std::make_shared<size_t>(scenario_.services.size());
  for (const Service& service : scenario_.services) {
    // Created before a leadership change (a new signalled leader has applied its whole log, so
    // a creation the old leader replicated is visible here; one it did not can never commit).
    if (FindService(service.name) != nullptr) {
      if (--*remaining == 0) services_created_ = true;
      continue;
    }
    swarmsim::api::CreateServiceRequest request;
    request.mutable_spec()->set_name(service.name);
    request.mutable_spec()->set_replicas(static_cast<uint64_t>(service.replicas));
    const std::string name = service.name;
    swarmsim::process::NodeProcess* node = Node(leader);
    node->SubmitControl(world_->host(leader).context(), request,
                        [this, name, remaining, round](sim::Context&, absl::Status status) {
                          if (round != services_round_) return;  // an abandoned round
                          if (status.ok()) {
                            Note(absl::StrCat("service ", name, " created"));
                            if (--*remaining == 0) services_created_ = true;
                          } else {
                            // Lost leadership before it committed: ask the next leader.
                            Note(absl::StrCat("creating service ", name, " failed: ",
                                              status.ToString(), "; will retry"));
                            services_requested_ = false;
                          }
                        });
  }
}

}  // namespace scenarios
