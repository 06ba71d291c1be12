#include "model/process/raft_host_test_util.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "sim/host.h"

namespace swarmsim {
namespace process {
namespace testing {

TestManager::TestManager(RaftHostOptions options, ManagerLog* log)
    : options_(std::move(options)), log_(log) {}

void TestManager::Start(sim::Context& ctx) {
  RaftHost::Callbacks cb;
  cb.apply = [this](sim::Context&, uint64_t, const api::InternalRaftRequest& request) {
    for (const api::StoreAction& action : request.actions()) {
      if (action.target().has_cluster()) values_.push_back(action.target().cluster().id());
    }
  };
  cb.restore = [this](sim::Context&, uint64_t, const api::StoreSnapshot& snapshot) {
    values_.clear();
    for (const api::Cluster& c : snapshot.clusters()) values_.push_back(c.id());
  };
  cb.save = [this]() {
    api::StoreSnapshot snapshot;
    for (const std::string& v : values_) snapshot.add_clusters()->set_id(v);
    return snapshot;
  };
  cb.leadership = [this](sim::Context& c, bool is_leader) {
    ManagerLog::Leadership l;
    l.at = c.LocalNow();
    l.is_leader = is_leader;
    l.term = raft_->term();
    l.applied = raft_->applied();
    l.last_index = raft_->last_index();
    log_->leadership.push_back(l);
  };
  cb.removed = [this](sim::Context& c) { log_->removed_at = c.LocalNow(); };
  // A stream per incarnation: a restarted node draws new election timeouts.
  raft_ = std::make_unique<RaftHost>(options_, std::move(cb),
                                     ctx.prng().Fork((uint64_t{1} << 32) + ctx.incarnation()));
  raft_->Start(ctx);
}

void TestManager::OnTimer(sim::Context& ctx, sim::TimerKey key) {
  SIM_CHECK(raft_->HandleTimer(ctx, key));
}

void TestManager::OnStop(sim::Context& ctx) { raft_->Stop(ctx); }

RaftWorld::RaftWorld(int n, RaftHostOptions base, uint64_t seed)
    : world_([seed] {
        sim::WorldOptions o;
        o.seed = seed;
        o.trace_messages = false;
        return o;
      }()),
      checkers_([seed] {
        check::CheckerOptions o;
        o.seed = seed;
        return o;
      }()),
      base_(std::move(base)) {
  checkers_.Install(&world_.trace());
  const std::vector<api::RaftMember> members = Members(n);
  for (int i = 0; i < n; ++i) {
    ManagerSpec spec;
    spec.name = members[static_cast<std::size_t>(i)].node_id();
    spec.raft_id = members[static_cast<std::size_t>(i)].raft_id();
    spec.bootstrap = true;
    spec.initial_members = members;
    AddManager(spec);
  }
}

RaftWorld::~RaftWorld() = default;

api::RaftMember RaftWorld::Member(const std::string& name, uint64_t raft_id) {
  api::RaftMember m;
  m.set_raft_id(raft_id);
  m.set_node_id(name);
  m.set_addr(name);
  return m;
}

std::vector<api::RaftMember> RaftWorld::Members(int n) const {
  std::vector<api::RaftMember> out;
  for (int i = 1; i <= n; ++i) out.push_back(Member(absl::StrCat("m", i), static_cast<uint64_t>(i)));
  return out;
}

int RaftWorld::AddManager(const ManagerSpec& spec) {
  RaftHostOptions options = base_;
  options.raft_id = spec.raft_id;
  options.node_id = spec.name;
  options.addr = spec.name;
  options.bootstrap = spec.bootstrap;
  options.initial_members = spec.initial_members;
  sim::World* world = &world_;
  options.resolve = [world](const std::string& addr) { return world->FindHost(addr); };
  logs_.push_back(std::make_unique<ManagerLog>());
  ManagerLog* log = logs_.back().get();
  const sim::HostId id = world_.AddHost(spec.name, [options, log]() -> std::unique_ptr<sim::Process> {
    return std::make_unique<TestManager>(options, log);
  });
  SIM_CHECK_EQ(static_cast<int>(id), size() - 1);
  return static_cast<int>(id);
}

void RaftWorld::StartAll() {
  for (int i = 0; i < size(); ++i) Start(i);
}

bool RaftWorld::Running(int i) {
  return world_.host(Host(i)).state() == sim::HostState::kRunning;
}

TestManager* RaftWorld::manager(int i) {
  if (!Running(i)) return nullptr;
  return dynamic_cast<TestManager*>(world_.host(Host(i)).process());
}

RaftHost& RaftWorld::raft(int i) {
  TestManager* m = manager(i);
  SIM_CHECK(m != nullptr);
  return m->raft();
}

sim::Context& RaftWorld::ctx(int i) { return world_.host(Host(i)).context(); }

int RaftWorld::Leader() {
  int best = -1;
  uint64_t best_term = 0;
  for (int i = 0; i < size(); ++i) {
    TestManager* m = manager(i);
    if (m == nullptr || !m->raft().IsLeader()) continue;
    if (best == -1 || m->raft().term() > best_term) {
      best = i;
      best_term = m->raft().term();
    }
  }
  return best;
}

bool RaftWorld::RunUntil(const std::function<bool()>& pred, absl::Duration limit) {
  const sim::Time deadline = world_.now() + limit;
  while (true) {
    if (pred()) return true;
    if (world_.now() > deadline) return false;
    if (!world_.Step()) {
      world_.RunUntil(deadline);
      return pred();
    }
  }
}

int RaftWorld::WaitForSignalledLeader(absl::Duration limit) {
  int leader = -1;
  RunUntil(
      [&] {
        for (int i = 0; i < size(); ++i) {
          TestManager* m = manager(i);
          if (m != nullptr && m->raft().SignalledLeader()) {
            leader = i;
            return true;
          }
        }
        return false;
      },
      limit);
  return leader;
}

RaftWorld::Result RaftWorld::Propose(int i, const std::string& value) {
  Result result = std::make_shared<std::optional<absl::Status>>();
  api::InternalRaftRequest request;
  api::StoreAction* action = request.add_actions();
  action->set_kind(api::StoreAction::CREATE);
  action->mutable_target()->mutable_cluster()->set_id(value);
  raft(i).ProposeValue(ctx(i), std::move(request),
                       [result](sim::Context&, absl::Status s) { *result = std::move(s); });
  return result;
}

absl::Status RaftWorld::ProposeAndWait(int i, const std::string& value, absl::Duration limit) {
  Result result = Propose(i, value);
  RunUntil([&] { return result->has_value(); }, limit);
  if (!result->has_value()) return absl::DeadlineExceededError("proposal not done");
  return **result;
}

bool RaftWorld::HasValue(int i, const std::string& value) {
  TestManager* m = manager(i);
  if (m == nullptr) return false;
  for (const std::string& v : m->values()) {
    if (v == value) return true;
  }
  return false;
}

std::string RaftWorld::CheckInvariants() {
  checkers_.Finish();
  std::string out;
  for (const check::Verdict& v : checkers_.verdicts()) {
    if (!v.passed) absl::StrAppend(&out, v.ToString(), "\n");
  }
  return out;
}

}  // namespace testing
}  // namespace process
}  // namespace swarmsim
