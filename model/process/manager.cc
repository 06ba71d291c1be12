#include "model/process/manager.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "model/process/leader_subsystems.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {
namespace {

// Streams forked from the manager's PRNG.
constexpr uint64_t kRaftStream = 1;
constexpr uint64_t kDispatcherStream = 2;
constexpr uint64_t kLeaderStream = 3;

}  // namespace

Manager::Manager(const NodeOptions& options, ManagerStart start, HostLoop* loop, RaftProxy* proxy,
                 sim::Prng prng, std::string session_prefix,
                 std::function<void(sim::Context&)> removed)
    : options_(options),
      loop_(loop),
      proxy_(proxy),
      prng_(prng.Fork(kLeaderStream)),
      dispatcher_prng_(prng.Fork(kDispatcherStream)),
      removed_(std::move(removed)),
      start_(std::move(start)) {
  RaftHostOptions raft_options = options_.raft;
  raft_options.raft_id = start_.raft_id;
  raft_options.node_id = options_.node_id;
  raft_options.addr = options_.node_id;
  raft_options.bootstrap = start_.bootstrap;
  raft_options.initial_members = start_.members;
  raft_options.resolve = options_.resolve;
  RaftHost::Callbacks callbacks;
  callbacks.apply = [this](sim::Context& ctx, uint64_t index,
                           const api::InternalRaftRequest& request) {
    if (active_) OnApply(ctx, index, request);
  };
  callbacks.restore = [this](sim::Context& ctx, uint64_t index,
                             const api::StoreSnapshot& snapshot) {
    if (active_) OnRestore(ctx, index, snapshot);
  };
  callbacks.save = [this]() { return store_.Save(); };
  callbacks.leadership = [this](sim::Context& ctx, bool is_leader) {
    if (active_) OnLeadership(ctx, is_leader);
  };
  callbacks.membership = [this](sim::Context& ctx, const std::vector<api::RaftMember>& members) {
    if (active_) OnMembership(ctx, members);
  };
  callbacks.removed = [this](sim::Context& ctx) {
    // Never re-entered from Raft's own call: the node tears this manager down from a later event.
    loop_->Post(ctx, [this](sim::Context& c) {
      if (active_ && removed_) removed_(c);
    });
  };
  raft_ = std::make_unique<RaftHost>(std::move(raft_options), std::move(callbacks),
                                     prng.Fork(kRaftStream));
  dispatcher_ = std::make_unique<dispatcher::Dispatcher>(
      options_.dispatcher, options_.node_id, std::move(session_prefix), &store_, &dispatcher_prng_);
}

Manager::~Manager() = default;

void Manager::Start(sim::Context& ctx) {
  ctx.Trace("manager.start",
            {{"raft_id", start_.raft_id}, {"bootstrap", start_.bootstrap ? 1 : 0}});
  raft_->Start(ctx);
}

void Manager::Shutdown(sim::Context& ctx) {
  if (!active_) return;
  StopLeader(ctx);
  raft_->Stop(ctx);
  active_ = false;
  // Writers waiting on this manager learn that it is gone (control callers get their answer).
  const absl::Status stopped = absl::UnavailableError("manager stopped");
  if (write_in_flight_) {
    write_in_flight_ = false;
    std::function<void(sim::Context&, absl::Status)> done = std::move(in_flight_.done);
    in_flight_ = InFlight();
    if (done) done(ctx, stopped);
  }
  FailQueuedWrites(ctx, stopped);
  ctx.Trace("manager.stop", {{"raft_id", start_.raft_id}});
}

bool Manager::HandleTimer(sim::Context& ctx, sim::TimerKey key) {
  if (key < kRaftTimerBase || key >= kRaftTimerBase + kRaftTimerSpan) return false;
  if (active_) raft_->HandleTimer(ctx, key);
  return true;
}

const dispatcher::Dispatcher* Manager::running_dispatcher() const {
  return active_ && dispatcher_started_ ? dispatcher_.get() : nullptr;
}

void Manager::ServeLocally(sim::Context& ctx, InboundId id) {
  const RaftProxy::Inbound* in = proxy_->Find(id);
  if (in == nullptr) return;
  if (!active_) {
    proxy_->Fail(ctx, id,
                 sim::RpcStatus::Error(sim::StatusCode::kUnavailable, "manager is not running"));
    return;
  }
  if (absl::StartsWith(in->method, "Dispatcher.")) {
    ServeDispatcher(ctx, id, *in);
  } else if (in->method == kRaftJoinMethod) {
    ServeJoin(ctx, id, *in);
  } else if (in->method == kNodeCertificateMethod) {
    ServeNodeCertificate(ctx, id, *in);
  } else {
    ServeControl(ctx, id, *in);
  }
}

void Manager::OnApply(sim::Context& ctx, uint64_t index, const api::InternalRaftRequest& request) {
  absl::StatusOr<std::vector<store::Event>> events = store_.Apply(index, request);
  if (!events.ok()) {
    ctx.Trace("store.apply_error", {{"index", index}, {"reason", events.status().ToString()}});
    events = std::vector<store::Event>();
  }
  tracer_.OnApply(ctx, index, *events, signalled_leader_);
  if (options_.on_apply) options_.on_apply(index, request);
  AfterStoreEvents(ctx, *events);
}

void Manager::OnRestore(sim::Context& ctx, uint64_t index, const api::StoreSnapshot& snapshot) {
  std::vector<store::Event> events = store_.Restore(index, snapshot);
  tracer_.OnRestore(ctx, index, store_);
  if (options_.on_restore) options_.on_restore(index, snapshot);
  AfterStoreEvents(ctx, events);
}

void Manager::AfterStoreEvents(sim::Context& ctx, const std::vector<store::Event>& events) {
  // The dispatcher sees every apply before any other input (its header's contract).
  ApplyDispatcher(ctx, dispatcher_->OnStoreEvents(ctx.LocalNow(), events));
  if (subsystems_ != nullptr) subsystems_->OnStoreEvents(ctx, events);
}

void Manager::OnMembership(sim::Context& ctx, const std::vector<api::RaftMember>& members) {
  ctx.Trace("manager.membership", {{"members", static_cast<int64_t>(members.size())}});
  if (dispatcher_started_) {
    ApplyDispatcher(ctx, dispatcher_->OnMembershipChange(ctx.LocalNow(), members));
  }
}

rolemanager::RaftMembershipView Manager::MembershipView() const {
  rolemanager::RaftMembershipView view;
  view.self_raft_id = raft_->raft_id();
  view.members = raft_->Members();
  for (const api::RaftMember& member : view.members) {
    if (member.raft_id() == view.self_raft_id || raft_->PeerActive(member.raft_id())) {
      view.reachable_raft_ids.push_back(member.raft_id());
    }
  }
  return view;
}

std::string Manager::NewId(const char* prefix) {
  return absl::StrFormat("%s.%s.%d.%d", prefix, options_.node_id, raft_->term(), next_id_++);
}

}  // namespace process
}  // namespace swarmsim
