// NodeRegistry is the leader dispatcher's in-memory table of registered nodes (SwarmKit nodeStore):
// session ID, heartbeat deadline, and the registration rate-limit counters of each node.
//
// It holds no timers of its own. Each entry has a deadline and a timer generation; the caller
// (Dispatcher) allocates generations and turns them into timers, and on a timer firing asks
// IsLiveTimer(node, generation): a superseded generation is ignored instead of being cancelled.
// It never reads a clock (times come in as arguments) and draws periods only from the Prng it is
// handed. Entries are found by hashing the node ID (a heartbeat is one lookup whatever the
// cluster size; an ordered map of 10,000 IDs was a tree walk of string compares and cache misses
// per heartbeat); the only walks, FirstInIdOrder() and AllEntries(), answer the same whatever
// the hash order.
#ifndef SWARMSIM_MODEL_DISPATCHER_NODE_REGISTRY_H_
#define SWARMSIM_MODEL_DISPATCHER_NODE_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/dispatcher/period_chooser.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace swarmsim {
namespace dispatcher {

struct RegisteredNode {
  std::string node_id;
  // Empty for entries added by AddUnknown (leader start): such a node must register.
  std::string session_id;
  // Rate-limit state (SwarmKit Attempts/Registered). `registered` unset = Go's zero time, which
  // is always "more than the rate-limit period ago".
  int64_t attempts = 0;
  std::optional<sim::Time> registered;
  // Added by AddUnknown: its expiry writes a different DOWN message.
  bool unknown = false;
  // Heartbeat timer: expires at `deadline` unless superseded (a newer generation).
  sim::Time deadline;
  uint64_t generation = 0;
};

class NodeRegistry {
 public:
  struct Options {
    absl::Duration heartbeat_period = absl::Seconds(5);
    absl::Duration heartbeat_epsilon = absl::Milliseconds(500);
    int64_t grace_period_multiplier = 3;
    int64_t unknown_grace_period_multiplier = 6;
    absl::Duration rate_limit_period = absl::Seconds(8);
    int64_t rate_limit_count = 3;
  };

  explicit NodeRegistry(const Options& options);

  // A new period chooser; affects only heartbeats and additions from now on (updatePeriod).
  void UpdatePeriod(absl::Duration period, absl::Duration epsilon);
  const PeriodChooser& chooser() const { return chooser_; }

  // The register path's rate limit (reference §2.2), only for nodes with an entry: attempts reset
  // when the last checked attempt is more than the period ago; the attempt counts; more than
  // `rate_limit_count` → UNAVAILABLE; otherwise `registered` becomes now. Absent node: OK.
  absl::Status CheckRateLimit(sim::Time now, const std::string& node_id);

  // Registration: replaces any entry (its timer is superseded), carrying attempts and registered,
  // with `session_id` and a heartbeat deadline of Choose() × grace from now.
  const RegisteredNode& Add(sim::Time now, const std::string& node_id,
                            const std::string& session_id, uint64_t generation, sim::Prng& prng);
  // Leader start: an entry without session, deadline Choose() × unknown grace from now.
  const RegisteredNode& AddUnknown(sim::Time now, const std::string& node_id, uint64_t generation,
                                   sim::Prng& prng);

  // NOT_FOUND "node not registered" when absent; INVALID_ARGUMENT "session invalid" when
  // `session_id` is empty or not the entry's.
  absl::StatusOr<const RegisteredNode*> GetWithSession(const std::string& node_id,
                                                       const std::string& session_id) const;
  // Heartbeat: GetWithSession, then period = Choose(), deadline = now + period × grace. Returns
  // the period (what the agent is told); the new deadline goes to `*deadline` when given (the
  // caller arms its timer without a second lookup).
  absl::StatusOr<absl::Duration> Heartbeat(sim::Time now, const std::string& node_id,
                                           const std::string& session_id, uint64_t generation,
                                           sim::Prng& prng, sim::Time* deadline = nullptr);

  const RegisteredNode* Get(const std::string& node_id) const;
  bool IsLiveTimer(const std::string& node_id, uint64_t generation) const;
  // Removes the entry (its timer becomes stale). False when absent.
  bool Delete(const std::string& node_id);
  // Dispatcher stop: every entry and timer goes.
  void Clean() { nodes_.clear(); }

  size_t size() const { return nodes_.size(); }
  // The entry with the smallest node ID among those `pred` holds for, or nullptr. O(entries):
  // for invariant checks, not hot paths.
  const RegisteredNode* FirstInIdOrder(
      const std::function<bool(const RegisteredNode&)>& pred) const;
  // Whether `pred(key, entry)` holds for every entry, `key` being the ID the entry is filed
  // under. The answer does not depend on the order of the walk. O(entries): for invariant checks.
  template <typename Pred>
  bool AllEntries(Pred pred) const {
    // forbidden-apis: allow(a conjunction over every entry: its answer is the same in any order)
    for (const auto& [key, entry] : nodes_) {
      if (!pred(key, entry)) return false;
    }
    return true;
  }

 private:
  Options options_;
  PeriodChooser chooser_;
  // Never iterated but by FirstInIdOrder and AllEntries. node_hash_map: entries stay where they
  // are, so the pointers Get() and GetWithSession() return live until that entry is replaced or
  // removed.
  absl::node_hash_map<std::string, RegisteredNode> nodes_;
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_NODE_REGISTRY_H_
