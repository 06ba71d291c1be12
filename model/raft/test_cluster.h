// TestCluster: a deterministic in-process cluster of RaftNodes for tests (testonly).
//
// Each node has a "disk" (durable.h records), a MemoryStorage recovered from it on restart, and a
// tiny replicated application: a map index -> value of every non-empty normal entry applied,
// whose snapshot is the encoded map. The network is one queue of in-flight messages; tests pick
// what to deliver, drop, duplicate or reorder. Links can be cut; nodes crash (memory and
// unpersisted state lost, disk kept) and restart. Hosting follows the contract in raft_node.h
// (persist, then send with the current configuration stamped on a MsgSnap, then apply, snapshot
// every snapshot_interval applied entries keeping keep_entries, then Advance).
//
// Cross-node safety is tracked as it happens (violations() lists them, never aborts):
//   election safety  — at most one leader per term;
//   leader completeness — a new leader holds every entry known committed;
//   committed entries never change — any log holding a committed index has the committed term
//                       (this is also durability: checked again on every restart);
//   state machine safety — every node applies the same value at an index;
//   log matching — CheckLogMatching(): equal (index, term) implies equal prefixes.
#ifndef SWARMSIM_MODEL_RAFT_TEST_CLUSTER_H_
#define SWARMSIM_MODEL_RAFT_TEST_CLUSTER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/raft/raft_node.h"
#include "model/raft/storage.h"
#include "sim/prng.h"

namespace swarmsim {
namespace raft {

struct ClusterOptions {
  int size = 3;                     // Voters 1..size, bootstrapped together.
  RaftOptions raft;                 // Template; the id is set per node.
  uint64_t seed = 1;
  uint64_t snapshot_interval = 0;   // 0: never snapshot.
  uint64_t keep_entries = 0;        // log_entries_for_slow_followers.
  bool report_transport = true;     // ReportSnapshot / ReportUnreachable on delivery results.
};

struct TestNode {
  uint64_t id = 0;
  bool up = false;
  int incarnation = 0;
  std::vector<std::string> disk;
  std::unique_ptr<MemoryStorage> storage;
  std::unique_ptr<RaftNode> raft;
  std::map<uint64_t, std::string> values;  // The application: index -> value.
  uint64_t applied = 0;
  uint64_t snapshot_index = 0;
  SoftState soft;
};

std::string FormatMessage(const Message& m);
std::string FormatEntry(const Entry& e);

class TestCluster {
 public:
  explicit TestCluster(const ClusterOptions& options);

  // --- Membership of the harness ---
  // A fresh node with empty storage (to be added by a conf change), up.
  void AddNode(uint64_t id);
  void Crash(uint64_t id);
  // REQUIRES: !IsRemoved(id).
  void Restart(uint64_t id);
  // A node whose removal was applied anywhere stops for good, and its messages (in either
  // direction) are dropped, as SwarmKit's transport refuses removed members (reference §4.5).
  bool IsRemoved(uint64_t id) const { return removed_.count(id) != 0; }
  bool IsUp(uint64_t id) const;
  TestNode& node(uint64_t id);
  const TestNode& node(uint64_t id) const;
  RaftNode& raft(uint64_t id) { return *node(id).raft; }
  std::vector<uint64_t> ids() const;
  std::vector<uint64_t> up_ids() const;

  // --- Network ---
  void Cut(uint64_t a, uint64_t b);
  void Isolate(uint64_t id);
  void Heal() { cuts_.clear(); }
  bool Linked(uint64_t a, uint64_t b) const;
  std::vector<Message>& in_flight() { return in_flight_; }

  // --- Driving ---
  void Tick(uint64_t id);
  // Every up node ticks once, in id order, and the network settles after each tick.
  void TickAllAndStabilize();
  // Handles every Ready of the node (persist, send, apply, snapshot, Advance).
  void Process(uint64_t id);
  void ProcessAll();
  // Delivers one message now: false (and dropped) when the target is down or the link is cut.
  bool Deliver(const Message& m);
  // Loses a message; a lost MsgSnap is reported to its sender as a failed snapshot.
  void Drop(const Message& m);
  // Delivers what is in flight now, FIFO; messages they produce wait for the next round.
  void DeliverRound();
  // Rounds until nothing is in flight. CHECK-fails after max_rounds (a livelock).
  int Stabilize(int max_rounds = 10000);
  StepResult Propose(uint64_t id, const std::string& value);
  StepResult ProposeConfChange(uint64_t id, ConfChangeType type, uint64_t node_id);

  // --- Observers ---
  // The up leader with the highest term, or kNone.
  uint64_t Leader() const;
  // The configuration of the up node that applied the most (ties: lowest id).
  std::vector<uint64_t> Voters() const;
  // Up nodes that applied `value`.
  int CountApplied(const std::string& value) const;
  bool HasValue(uint64_t id, const std::string& value) const;

  // --- Safety ---
  const std::vector<std::string>& violations() const { return violations_; }
  void CheckLogMatching();
  const std::map<uint64_t, uint64_t>& committed() const { return committed_; }

  // Events for golden scripts (role changes, deliveries, drops); off unless enabled.
  void set_verbose(bool verbose) { verbose_ = verbose; }
  std::vector<std::string> TakeEvents();

 private:
  void StartNode(TestNode& n);
  void HandleReady(TestNode& n, Ready& rd);
  void ApplyCommitted(TestNode& n, const Entry& e);
  void MaybeSnapshot(TestNode& n);
  void TrackSafety(TestNode& n);
  void CheckCommittedPrefix(const TestNode& n, const char* when);
  void Violation(std::string what);
  void Event(std::string what);

  ClusterOptions options_;
  sim::Prng root_;
  std::map<uint64_t, TestNode> nodes_;
  std::vector<Message> in_flight_;
  std::set<std::pair<uint64_t, uint64_t>> cuts_;  // Unordered pairs stored as (min, max).
  std::set<uint64_t> removed_;
  std::vector<uint64_t> pending_removals_;  // Applied removals, acted on after the Ready.

  std::map<uint64_t, uint64_t> leaders_;      // term -> leader.
  std::map<uint64_t, uint64_t> committed_;    // index -> term, as any node committed it.
  std::map<uint64_t, std::string> applied_;   // index -> value applied there.
  std::vector<std::string> violations_;
  bool verbose_ = false;
  std::vector<std::string> events_;
};

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_TEST_CLUSTER_H_
