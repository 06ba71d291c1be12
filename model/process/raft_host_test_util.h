// Test-only: a world of manager hosts that each run a RaftHost over a toy replicated store (a
// list of values, one StoreAction creating a Cluster object named after the value per
// proposal), with every invariant checker of model/check installed on the world's trace.
#ifndef SWARMSIM_MODEL_PROCESS_RAFT_HOST_TEST_UTIL_H_
#define SWARMSIM_MODEL_PROCESS_RAFT_HOST_TEST_UTIL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "model/check/checker_set.h"
#include "model/process/raft_host.h"
#include "sim/context.h"
#include "sim/process.h"
#include "sim/world.h"

namespace swarmsim {
namespace process {
namespace testing {

// What a manager host saw across its incarnations (owned by the test world).
struct ManagerLog {
  struct Leadership {
    sim::Time at;
    bool is_leader = false;
    uint64_t term = 0;
    uint64_t applied = 0;
    uint64_t last_index = 0;
  };
  std::vector<Leadership> leadership;
  std::optional<sim::Time> removed_at;
};

// One manager: a RaftHost and its store, for one incarnation of the host.
class TestManager : public sim::Process {
 public:
  TestManager(RaftHostOptions options, ManagerLog* log);
  void Start(sim::Context& ctx) override;
  void OnTimer(sim::Context& ctx, sim::TimerKey key) override;
  void OnStop(sim::Context& ctx) override;

  RaftHost& raft() { return *raft_; }
  // The store: values in the order their entries were applied (restored from snapshots).
  const std::vector<std::string>& values() const { return values_; }

 private:
  RaftHostOptions options_;
  ManagerLog* log_;
  std::unique_ptr<RaftHost> raft_;
  std::vector<std::string> values_;
};

struct ManagerSpec {
  std::string name;       // host name = node id = address
  uint64_t raft_id = 0;
  bool bootstrap = true;  // false: a joiner that waits for a leader
  std::vector<api::RaftMember> initial_members;
};

class RaftWorld {
 public:
  // `base` is the options template (raft_id, names, bootstrap, members and resolve are set per
  // manager). With n > 0, adds managers m1..mn (raft ids 1..n) bootstrapped together.
  explicit RaftWorld(int n, RaftHostOptions base = RaftHostOptions(), uint64_t seed = 1);
  ~RaftWorld();

  sim::World& world() { return world_; }
  sim::Time now() const { return world_.now(); }
  check::CheckerSet& checkers() { return checkers_; }

  // Adds a host (stopped). Returns its index in this world (0-based, = host id).
  int AddManager(const ManagerSpec& spec);
  static api::RaftMember Member(const std::string& name, uint64_t raft_id);
  std::vector<api::RaftMember> Members(int n) const;
  int size() const { return static_cast<int>(logs_.size()); }

  void StartAll();
  void Start(int i) { world_.StartHost(Host(i)); }
  void Stop(int i) { world_.StopHost(Host(i)); }
  void Crash(int i) { world_.CrashHost(Host(i)); }
  bool Running(int i);
  sim::HostId Host(int i) const { return static_cast<sim::HostId>(i); }

  // The running manager i (nullptr when its host is down).
  TestManager* manager(int i);
  RaftHost& raft(int i);
  sim::Context& ctx(int i);
  const ManagerLog& log(int i) const { return *logs_[static_cast<std::size_t>(i)]; }

  // Index of the running raw leader with the highest term, or -1.
  int Leader();
  // Runs events until `pred` holds (checked before each event) or `limit` of simulated time has
  // passed. Returns whether it held.
  bool RunUntil(const std::function<bool()>& pred, absl::Duration limit);
  void RunFor(absl::Duration d) { world_.RunFor(d); }
  // Runs until some running manager is the signalled leader; returns it (-1 on timeout).
  int WaitForSignalledLeader(absl::Duration limit);

  // Proposes `value` on manager i. The result lands in *result when done runs.
  using Result = std::shared_ptr<std::optional<absl::Status>>;
  Result Propose(int i, const std::string& value);
  // Proposes and runs until done; returns the status (DeadlineExceeded if never done).
  absl::Status ProposeAndWait(int i, const std::string& value, absl::Duration limit);
  bool HasValue(int i, const std::string& value);

  // Finishes the checkers; "" when every invariant held, else the violations.
  std::string CheckInvariants();

 private:
  sim::World world_;
  check::CheckerSet checkers_;
  RaftHostOptions base_;
  std::vector<std::unique_ptr<ManagerLog>> logs_;
};

}  // namespace testing
}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_RAFT_HOST_TEST_UTIL_H_
