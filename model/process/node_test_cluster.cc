#include "model/process/node_test_cluster.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "model/check/trace_schema.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {
namespace testing {
namespace {

sim::WorldOptions WorldOptionsFor(uint64_t seed) {
  sim::WorldOptions options;
  options.seed = seed;
  options.trace_messages = false;
  options.trace.keep_records = false;
  return options;
}

check::CheckerOptions CheckerOptionsFor(uint64_t seed) {
  check::CheckerOptions options;
  options.seed = seed;
  return options;
}

}  // namespace

NodeTestCluster::NodeTestCluster(ClusterSpec spec)
    : spec_(std::move(spec)),
      world_(WorldOptionsFor(spec_.seed)),
      checkers_(CheckerOptionsFor(spec_.seed)) {
  checkers_.Install(&world_.trace());
  world_.trace().AddObserver([this](const sim::TraceRecord& r) {
    if (r.kind == check::kind::kNodeStatus) {
      status_changes_.push_back(
          StatusChange{r.at, r.host, r.Str(check::field::kNode), r.Str(check::field::kState)});
    }
    // Keep what tests read (the full trace is large).
    if ((r.kind.rfind("raft.", 0) == 0 && r.kind != check::kind::kRaftWipe) ||
        r.kind == check::kind::kStoreApply) {
      return;
    }
    records_.push_back(r);
  });
  std::vector<api::RaftMember> members;
  for (int i = 1; i <= spec_.managers; ++i) {
    managers_.push_back(absl::StrCat("m", i));
    api::RaftMember member;
    member.set_raft_id(static_cast<uint64_t>(i));
    member.set_node_id(managers_.back());
    member.set_addr(managers_.back());
    members.push_back(std::move(member));
  }
  for (int i = 1; i <= spec_.workers; ++i) workers_.push_back(absl::StrCat("w", i));
  sim::World* world = &world_;
  auto resolve = [world](const std::string& addr) { return world->FindHost(addr); };
  for (size_t i = 0; i < managers_.size() + workers_.size(); ++i) {
    const bool manager = i < managers_.size();
    NodeOptions options;
    options.node_id = manager ? managers_[i] : workers_[i - managers_.size()];
    options.manager = manager;
    options.raft_id = manager ? static_cast<uint64_t>(i + 1) : 0;
    options.initial_members = members;
    options.initial_workers = workers_;
    if (!manager) options.initial_remotes = managers_;
    options.resolve = resolve;
    if (spec_.customize) spec_.customize(options);
    world_.AddHost(options.node_id, NodeProcess::Factory(options));
  }
}

NodeTestCluster::~NodeTestCluster() = default;

std::vector<std::string> NodeTestCluster::all() const {
  std::vector<std::string> names = managers_;
  names.insert(names.end(), workers_.begin(), workers_.end());
  return names;
}

void NodeTestCluster::StartAll() {
  for (const std::string& name : all()) world_.StartHost(host(name));
}

sim::HostId NodeTestCluster::host(const std::string& name) const {
  const sim::HostId id = world_.FindHost(name);
  SIM_CHECK_NE(id, sim::kNoHost);
  return id;
}

sim::Context& NodeTestCluster::context(const std::string& name) {
  return world_.host(host(name)).context();
}

NodeProcess* NodeTestCluster::node(const std::string& name) {
  sim::Host& h = world_.host(host(name));
  if (h.state() != sim::HostState::kRunning) return nullptr;
  return static_cast<NodeProcess*>(h.process());
}

std::string NodeTestCluster::Leader() {
  std::string leader;
  uint64_t term = 0;
  for (const std::string& name : all()) {
    NodeProcess* n = node(name);
    if (n == nullptr || n->dispatcher() == nullptr) continue;
    if (leader.empty() || n->raft()->term() > term) {
      leader = name;
      term = n->raft()->term();
    }
  }
  return leader;
}

const store::MemoryStore* NodeTestCluster::LeaderStore() {
  const std::string leader = Leader();
  return leader.empty() ? nullptr : node(leader)->store();
}

api::NodeStatus::State NodeTestCluster::Status(const std::string& name) {
  const store::MemoryStore* store = LeaderStore();
  if (store == nullptr) return api::NodeStatus::UNKNOWN;
  const api::Node* n = store->GetNode(name);
  return n == nullptr ? api::NodeStatus::UNKNOWN : n->status().state();
}

bool NodeTestCluster::AllReady(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (Status(name) != api::NodeStatus::READY) return false;
  }
  return true;
}

std::optional<sim::Time> NodeTestCluster::RunUntil(const std::function<bool()>& done,
                                                   absl::Duration max, absl::Duration step) {
  const sim::Time deadline = world_.now() + max;
  while (true) {
    if (done()) return world_.now();
    if (world_.now() >= deadline) return std::nullopt;
    world_.RunFor(step);
  }
}

absl::Status NodeTestCluster::Control(const std::string& via, ControlRequest request,
                                      absl::Duration max) {
  NodeProcess* n = node(via);
  SIM_CHECK(n != nullptr);
  auto result = std::make_shared<std::optional<absl::Status>>();
  n->SubmitControl(context(via), std::move(request),
                   [result](sim::Context&, absl::Status status) { *result = status; });
  if (!RunUntil([&] { return result->has_value(); }, max, absl::Milliseconds(10))) {
    return absl::DeadlineExceededError("control call did not complete");
  }
  return **result;
}

std::vector<sim::TraceRecord> NodeTestCluster::Records(const std::string& kind) const {
  std::vector<sim::TraceRecord> out;
  for (const sim::TraceRecord& r : records_) {
    if (r.kind == kind) out.push_back(r);
  }
  return out;
}

std::string NodeTestCluster::Violations() {
  std::string out;
  for (const check::Verdict& v : checkers_.verdicts()) {
    if (!v.passed) absl::StrAppend(&out, v.ToString(), "\n");
  }
  return out;
}

}  // namespace testing
}  // namespace process
}  // namespace swarmsim
