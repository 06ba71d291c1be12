#include "model/process/node_process.h"

#include <algorithm>
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
constexpr uint64_t kNodeStream = 0x2000;

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
  // A node may run several Raft instances in one incarnation (demotion, then promotion): the
  // process serves the Raft methods once and routes them (raft_router_).
  options_.raft.serve_rpcs = false;
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
  raft_router_.Serve(ctx);
  node_prng_ = std::make_unique<sim::Prng>(ctx.prng().Fork(Stream(incarnation_, kNodeStream, 0)));
  PersistedRole role = LoadRole(ctx);
  cert_manager_ = role.manager;
  expected_manager_ = role.manager;
  last_desired_manager_ = role.manager;
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
  std::vector<std::string> remotes = options_.initial_remotes;
  if (remotes.empty() && (!role.manager || incarnation_ > 1)) {
    // A restart, or a demoted manager running as a worker: the scenario's managers and the
    // membership it joined with stand in for the remotes SwarmKit persists in state.json (a
    // manager needs them too once its manager is removed).
    for (const api::RaftMember& m : options_.initial_members) remotes.push_back(m.node_id());
    for (const api::RaftMember& m : role.members) {
      if (std::find(remotes.begin(), remotes.end(), m.node_id()) == remotes.end()) {
        remotes.push_back(m.node_id());
      }
    }
  }
  StartAgent(ctx, std::move(remotes));
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
  raft_router_.set_target(&manager_->mutable_raft());
  raft_router_.set_serving_without_target(false);
  manager_->Start(ctx);
  // initManagerConnection runs alongside the manager: its first health check is at once (so an
  // initial manager's agent starts on the local connection), then every 500 ms.
  PollControlHealth(ctx, ++control_poll_generation_);
}

void NodeProcess::StopManager(sim::Context& ctx, const std::string& reason, bool clear_data) {
  if (manager_ == nullptr) return;
  ++control_poll_generation_;
  // runManager's deferred setControlSocket(nil): the agent's local connection closes. First, so
  // that the agent sees one failure ("transport is closing") and not the manager's own stream
  // ends followed by a next session on a connection about to go.
  SetLocalConnection(ctx, false);
  raft_router_.set_target(nullptr);
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

void NodeProcess::PollControlHealth(sim::Context& ctx, uint64_t generation) {
  if (generation != control_poll_generation_ || manager_ == nullptr || local_conn_) return;
  // The control API reports SERVING once the manager runs (Raft started or joined).
  if (manager_->active()) {
    SetLocalConnection(ctx, true);
    return;
  }
  loop_.After(ctx, kControlHealthPoll,
              [this, generation](sim::Context& c) { PollControlHealth(c, generation); });
}

void NodeProcess::SetLocalConnection(sim::Context& ctx, bool set) {
  if (local_conn_ == set) return;
  local_conn_ = set;
  ctx.Trace("node.local_conn", {{"set", set ? 1 : 0}});
  if (agent_ != nullptr) agent_->SetLocalConnection(ctx, set);
}

void NodeProcess::StartAgent(sim::Context& ctx, std::vector<std::string> remotes) {
  SIM_CHECK(agent_ == nullptr);
  agent::AgentConfig config = options_.agent;
  config.node_id = options_.node_id;
  config.local_manager = local_conn_;
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
  sim::Prng prng = ctx.prng().Fork(Stream(incarnation_, kAgentStream, 1));
  LocalLink link;
  link.call = [this](sim::Context& c, const std::string& method, bool streaming,
                     DispatcherCall call, uint64_t session_seq, LocalSink sink) {
    return LocalCall(c, method, streaming, std::move(call), session_seq, std::move(sink));
  };
  link.cancel = [this](sim::Context& c, uint64_t handle) { LocalCancel(c, handle); };
  agent_ = std::make_unique<AgentHost>(
      std::move(config), prng, &loop_, std::move(link), options_.resolve,
      [this](sim::Context& c, const api::Node& node) { OnNodeChanged(c, node); });
  ctx.Trace("agent.start", {{"local", local_conn_ ? 1 : 0}});
  agent_->Start(ctx);
}

uint64_t NodeProcess::LocalCall(sim::Context& ctx, const std::string& method, bool streaming,
                                DispatcherCall call, uint64_t, LocalSink sink) {
  const uint64_t handle = next_local_++;
  LocalSink wrapped = [this, handle, sink](sim::Context& c, bool end, const sim::RpcStatus& status,
                                           const sim::Payload& payload) {
    if (end) local_routes_.erase(handle);
    sink(c, end, status, payload);
  };
  // The agent calls locally only while the local connection is set, which implies a manager;
  // the raft proxy fails the call UNAVAILABLE if that manager is gone meanwhile.
  local_routes_[handle] =
      proxy_->CallLocal(ctx, method, streaming, std::move(call), std::move(wrapped));
  return handle;
}

void NodeProcess::LocalCancel(sim::Context& ctx, uint64_t handle) {
  auto it = local_routes_.find(handle);
  if (it == local_routes_.end()) return;
  const InboundId inbound = it->second;
  local_routes_.erase(it);
  proxy_->CancelLocal(ctx, inbound);
}

void NodeProcess::BrokerCall(
    sim::Context& ctx, const char* method, sim::Payload request, absl::Duration timeout,
    std::function<void(sim::Context&, const sim::RpcStatus&, const sim::Payload&)> done) {
  DispatcherCall call;
  call.node_id = options_.node_id;
  call.request = std::move(request);
  if (local_conn_) {
    auto replied = std::make_shared<bool>(false);
    proxy_->CallLocal(ctx, method, /*streaming=*/false, std::move(call),
                      [done, replied](sim::Context& c, bool end, const sim::RpcStatus& status,
                                      const sim::Payload& payload) {
                        if (!end || *replied) return;
                        *replied = true;
                        done(c, status, payload);
                      });
    return;
  }
  absl::StatusOr<agent::Peer> peer = agent_->agent().remotes().Select(*node_prng_);
  if (!peer.ok()) {
    loop_.Post(ctx, [done, message = std::string(peer.status().message())](sim::Context& c) {
      done(c, sim::RpcStatus::Error(sim::StatusCode::kUnavailable, message), sim::Payload());
    });
    return;
  }
  const int64_t size = call.request.size_bytes() + static_cast<int64_t>(call.node_id.size()) + 8;
  const sim::ConnId conn = ctx.Dial(options_.resolve(peer->addr));
  ctx.Call(conn, method, sim::Payload::Make<DispatcherCall>(std::move(call), size), timeout,
           [conn, done](sim::Context& c, const sim::RpcStatus& status,
                        const sim::Payload& response) {
             c.CloseConn(conn);
             done(c, status, response);
           });
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
  raft_router_.set_target(nullptr);
  if (manager_ != nullptr) manager_->Shutdown(ctx);
}

const agent::Agent& NodeProcess::agent() const {
  SIM_CHECK(agent_ != nullptr);
  return agent_->agent();
}

bool NodeProcess::is_manager() const { return manager_ != nullptr && manager_->active(); }

void NodeProcess::SetSyncLatency(absl::Duration latency) {
  options_.raft.sync_latency = latency;
  if (manager_ != nullptr && manager_->raft() != nullptr) {
    manager_->mutable_raft().SetSyncLatency(latency);
  }
}

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
