#include "model/process/node_process.h"

#include <utility>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "model/check/trace_emit.h"
#include "model/process/raft_disk.h"
#include "model/process/wire.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {
namespace {

// PRNG streams forked from the host's: (incarnation << 20) + offset + sequence.
constexpr uint64_t kAgentStream = 0x100;
constexpr uint64_t kManagerStream = 0x1000;
constexpr uint64_t kRelayStream = 0x2000;

uint64_t Stream(uint64_t incarnation, uint64_t offset, uint64_t seq) {
  return (incarnation << 20) + offset + seq;
}

const char* ControlMethod(const ControlRequest& request) {
  switch (request.index()) {
    case 0:
      return kCreateServiceMethod;
    case 1:
      return kUpdateServiceMethod;
    case 2:
      return kRemoveServiceMethod;
    case 3:
      return kUpdateNodeMethod;
    default:
      return kRemoveNodeMethod;
  }
}

}  // namespace

NodeProcess::NodeProcess(NodeOptions options) : options_(std::move(options)) {
  SIM_CHECK(!options_.node_id.empty());
  SIM_CHECK(options_.resolve != nullptr);
}

NodeProcess::~NodeProcess() = default;

sim::ProcessFactory NodeProcess::Factory(NodeOptions options) {
  return [options]() -> std::unique_ptr<sim::Process> {
    return std::make_unique<NodeProcess>(options);
  };
}

void NodeProcess::Start(sim::Context& ctx) {
  incarnation_ = ctx.incarnation();
  proxy_ = std::make_unique<RaftProxy>(
      options_.node_id, &loop_, [this]() { return CurrentManager(); }, options_.resolve);
  proxy_->Serve(ctx);
  PersistedRole role = LoadRole(ctx);
  if (role.manager) {
    ManagerStart start;
    start.raft_id = role.raft_id;
    if (options_.manager && role.raft_id == options_.raft_id) {
      // An initial member: bootstraps with the scenario's membership (RaftHost recovers from the
      // disk when it holds Raft state).
      start.bootstrap = true;
      start.members = options_.initial_members;
    } else {
      start.members = role.members;
    }
    StartManager(ctx, std::move(start));
  }
  relay_prng_ = std::make_unique<sim::Prng>(ctx.prng().Fork(Stream(incarnation_, kRelayStream, 0)));
  std::vector<std::string> remotes = options_.initial_remotes;
  if (!role.manager && remotes.empty()) {
    // A demoted manager restarting as a worker: the scenario's managers stand in for the remotes
    // SwarmKit would have persisted in state.json.
    for (const api::RaftMember& m : options_.initial_members) remotes.push_back(m.node_id());
  }
  StartAgent(ctx, role.manager, std::move(remotes));
}

NodeProcess::PersistedRole NodeProcess::LoadRole(sim::Context& ctx) const {
  PersistedRole role;
  const std::string* file = ctx.disk().Read(kRoleFile);
  if (file == nullptr) {
    role.manager = options_.manager;
    role.raft_id = options_.raft_id;
    return role;
  }
  // "manager <raft_id>\n" or "worker\n", then one "<raft_id> <node_id> <addr>" line per member.
  std::vector<std::string> lines = absl::StrSplit(*file, '\n', absl::SkipEmpty());
  SIM_CHECK(!lines.empty());
  std::vector<std::string> head = absl::StrSplit(lines[0], ' ');
  role.manager = head[0] == "manager";
  if (role.manager) SIM_CHECK(head.size() == 2 && absl::SimpleAtoi(head[1], &role.raft_id));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> parts = absl::StrSplit(lines[i], ' ');
    SIM_CHECK_EQ(parts.size(), 3u);
    api::RaftMember member;
    uint64_t raft_id = 0;
    SIM_CHECK(absl::SimpleAtoi(parts[0], &raft_id));
    member.set_raft_id(raft_id);
    member.set_node_id(parts[1]);
    member.set_addr(parts[2]);
    role.members.push_back(std::move(member));
  }
  return role;
}

void NodeProcess::PersistRole(sim::Context& ctx, const PersistedRole& role) {
  std::string text = role.manager ? absl::StrCat("manager ", role.raft_id, "\n") : "worker\n";
  for (const api::RaftMember& m : role.members) {
    absl::StrAppend(&text, m.raft_id(), " ", m.node_id(), " ", m.addr(), "\n");
  }
  ctx.disk().Write(kRoleFile, text);
  ctx.disk().Sync();
  ctx.Trace("node.role",
            {{"role", role.manager ? "manager" : "worker"}, {"raft_id", role.raft_id}});
}

void NodeProcess::StartManager(sim::Context& ctx, ManagerStart start) {
  SIM_CHECK(manager_ == nullptr);
  ++manager_seq_;
  const std::string prefix =
      absl::StrFormat("%s.%d.%d", options_.node_id, incarnation_, manager_seq_);
  sim::Prng prng = ctx.prng().Fork(Stream(incarnation_, kManagerStream, manager_seq_));
  manager_ = std::make_unique<Manager>(options_, std::move(start), &loop_, proxy_.get(), prng,
                                       prefix, [this](sim::Context& c) { OnRemoved(c); });
  manager_->Start(ctx);
}

void NodeProcess::StopManager(sim::Context& ctx, const std::string& reason, bool clear_data) {
  if (manager_ == nullptr) return;
  known_managers_.clear();
  for (const api::RaftMember& m : manager_->raft()->Members()) {
    if (m.node_id() != options_.node_id) known_managers_.push_back(m.node_id());
  }
  manager_->Shutdown(ctx);
  retired_managers_.push_back(std::move(manager_));
  if (clear_data) {
    WipeRaftState(ctx.disk());
    auto sink = [&ctx](absl::string_view kind, absl::Span<const sim::TraceField> fields) {
      ctx.Trace(kind, fields);
    };
    check::EmitRaftWipe(sink, reason);
  }
}

void NodeProcess::StartAgent(sim::Context& ctx, bool local, std::vector<std::string> remotes) {
  if (agent_ != nullptr) {
    agent_->Retire(ctx);
    retired_agents_.push_back(std::move(agent_));
  }
  agent::AgentConfig config = options_.agent;
  config.node_id = options_.node_id;
  config.local_manager = local;
  if (config.description.hostname().empty()) config.description.set_hostname(options_.node_id);
  config.initial_remotes.clear();
  for (const std::string& remote : remotes) {
    if (remote == options_.node_id) continue;
    api::WeightedPeer peer;
    peer.set_node_id(remote);
    peer.set_addr(remote);
    peer.set_weight(10);  // remotes.DefaultObservationWeight
    config.initial_remotes.push_back(std::move(peer));
  }
  ++agent_seq_;
  sim::Prng prng = ctx.prng().Fork(Stream(incarnation_, kAgentStream, agent_seq_));
  LocalLink link;
  link.call = [this](sim::Context& c, const std::string& method, bool streaming,
                     DispatcherCall call, uint64_t session_seq, LocalSink sink) {
    return LocalCall(c, method, streaming, std::move(call), session_seq, std::move(sink));
  };
  link.cancel = [this](sim::Context& c, uint64_t handle) { LocalCancel(c, handle); };
  agent_ = std::make_unique<AgentHost>(
      std::move(config), prng, &loop_, std::move(link), options_.resolve,
      [this](sim::Context& c, const api::Node& node) { OnNodeChanged(c, node); });
  ctx.Trace("agent.start", {{"local", local ? 1 : 0}});
  agent_->Start(ctx);
}

void NodeProcess::SwitchAgentMode(sim::Context& ctx, bool local) {
  const agent::Agent& current = agent_->agent();
  if (current.config().local_manager == local) return;
  if (!current.registered() || current.backoff() != absl::ZeroDuration()) {
    ctx.Trace("agent.mode_kept", {{"local", current.config().local_manager ? 1 : 0}});
    return;
  }
  std::vector<std::string> remotes;
  for (const auto& [peer, weight] : current.remotes().weights()) remotes.push_back(peer.node_id);
  if (remotes.empty()) {
    for (const api::RaftMember& m : options_.initial_members) remotes.push_back(m.node_id());
  }
  StartAgent(ctx, local, std::move(remotes));
}

uint64_t NodeProcess::LocalCall(sim::Context& ctx, const std::string& method, bool streaming,
                                DispatcherCall call, uint64_t session_seq, LocalSink sink) {
  const uint64_t handle = next_local_++;
  LocalSink wrapped = [this, handle, sink](sim::Context& c, bool end, const sim::RpcStatus& status,
                                           const sim::Payload& payload) {
    if (end) local_routes_.erase(handle);
    sink(c, end, status, payload);
  };
  LocalRoute route;
  if (is_manager()) {
    route.inbound = proxy_->CallLocal(ctx, method, streaming, std::move(call), std::move(wrapped));
    local_routes_[handle] = route;
    return handle;
  }
  // No manager here any more: relay to a remote manager, one connection per agent session. Once
  // the agent is registered with a zero backoff it can be replaced by a remote-mode agent.
  route.relayed = true;
  if (!switch_posted_ && agent_->agent().registered() &&
      agent_->agent().backoff() == absl::ZeroDuration()) {
    switch_posted_ = true;
    loop_.Post(ctx, [this](sim::Context& c) {
      switch_posted_ = false;
      if (!is_manager()) SwitchAgentMode(c, /*local=*/false);
    });
  }
  agent::Remotes fallback;
  for (const std::string& m : known_managers_) {
    fallback.Observe(agent::Peer{m, m}, agent::kDefaultObservationWeight);
  }
  const agent::Remotes& remotes =
      agent_->agent().remotes().empty() ? fallback : agent_->agent().remotes();
  absl::StatusOr<agent::Peer> peer = remotes.Select(*relay_prng_, {options_.node_id});
  if (!peer.ok()) {
    local_routes_[handle] = route;
    loop_.Post(ctx, [wrapped, message = std::string(peer.status().message())](sim::Context& c) {
      wrapped(c, true, sim::RpcStatus::Error(sim::StatusCode::kUnavailable, message),
              sim::Payload());
    });
    return handle;
  }
  for (auto it = relay_conns_.begin(); it != relay_conns_.end();) {
    if (it->first >= session_seq) break;
    ctx.CloseConn(it->second);
    it = relay_conns_.erase(it);
  }
  auto conn_it = relay_conns_.find(session_seq);
  if (conn_it == relay_conns_.end()) {
    conn_it = relay_conns_.emplace(session_seq, ctx.Dial(options_.resolve(peer->addr))).first;
  }
  const int64_t size = call.request.size_bytes() + static_cast<int64_t>(call.node_id.size()) + 8;
  sim::Payload payload = sim::Payload::Make<DispatcherCall>(std::move(call), size);
  if (streaming) {
    sim::StreamCallbacks callbacks;
    callbacks.on_message = [wrapped](sim::Context& c, const sim::Payload& message) {
      wrapped(c, false, sim::RpcStatus::Ok(), message);
    };
    callbacks.on_done = [wrapped](sim::Context& c, const sim::RpcStatus& status) {
      wrapped(c, true, status, sim::Payload());
    };
    route.sim_call = ctx.OpenStream(conn_it->second, method, std::move(payload),
                                    absl::ZeroDuration(), std::move(callbacks));
  } else {
    route.sim_call =
        ctx.Call(conn_it->second, method, std::move(payload), absl::ZeroDuration(),
                 [wrapped](sim::Context& c, const sim::RpcStatus& status,
                           const sim::Payload& response) { wrapped(c, true, status, response); });
  }
  local_routes_[handle] = route;
  return handle;
}

void NodeProcess::LocalCancel(sim::Context& ctx, uint64_t handle) {
  auto it = local_routes_.find(handle);
  if (it == local_routes_.end()) return;
  const LocalRoute route = it->second;
  local_routes_.erase(it);
  if (route.relayed) {
    if (route.sim_call != 0) ctx.CancelCall(route.sim_call);
  } else {
    proxy_->CancelLocal(ctx, route.inbound);
  }
}

ProxyTarget* NodeProcess::CurrentManager() {
  return manager_ != nullptr && manager_->active() ? manager_.get() : nullptr;
}

void NodeProcess::OnTimer(sim::Context& ctx, sim::TimerKey key) {
  if (loop_.HandleTimer(ctx, key)) return;
  if (manager_ != nullptr) manager_->HandleTimer(ctx, key);
}

void NodeProcess::OnStop(sim::Context& ctx) {
  // Graceful: the dispatcher ends its streams (agents see ABORTED at once), Raft stops.
  if (manager_ != nullptr) manager_->Shutdown(ctx);
}

const agent::Agent& NodeProcess::agent() const {
  SIM_CHECK(agent_ != nullptr);
  return agent_->agent();
}

bool NodeProcess::is_manager() const { return manager_ != nullptr && manager_->active(); }

const RaftHost* NodeProcess::raft() const { return is_manager() ? manager_->raft() : nullptr; }

const store::MemoryStore* NodeProcess::store() const {
  return is_manager() ? &manager_->store() : nullptr;
}

const dispatcher::Dispatcher* NodeProcess::dispatcher() const {
  return is_manager() ? manager_->running_dispatcher() : nullptr;
}

void NodeProcess::SubmitControl(sim::Context& ctx, ControlRequest request,
                                std::function<void(sim::Context&, absl::Status)> done) {
  DispatcherCall call;
  call.node_id = options_.node_id;
  call.forwarded = false;
  call.request = std::visit([](auto& r) -> sim::Payload { return MessagePayload(r); }, request);
  proxy_->CallLocal(
      ctx, ControlMethod(request), /*streaming=*/false, std::move(call),
      [done](sim::Context& c, bool end, const sim::RpcStatus& status, const sim::Payload&) {
        if (!end) return;
        done(c, status.ok()
                    ? absl::OkStatus()
                    : absl::Status(static_cast<absl::StatusCode>(status.code), status.message));
      });
}

void NodeProcess::TransferLeadership(sim::Context& ctx, uint64_t to_raft_id,
                                     std::function<void(sim::Context&, absl::Status)> done) {
  if (!is_manager() || !manager_->raft()->IsLeader()) {
    loop_.Post(
        ctx, [done](sim::Context& c) { done(c, absl::FailedPreconditionError("not the leader")); });
    return;
  }
  manager_->mutable_raft().TransferLeadership(ctx, to_raft_id, std::move(done));
}

void NodeProcess::FailTask(sim::Context& ctx, const std::string& task_id,
                           const std::string& message) {
  if (agent_ != nullptr) agent_->FailTask(ctx, task_id, message);
}

}  // namespace process
}  // namespace swarmsim
