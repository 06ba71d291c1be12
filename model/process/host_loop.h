// HostLoop: the node process's own timers and mailbox on top of the host's keyed timers.
//
// After() runs a closure once after a delay on the host's local clock; Post() runs one from a
// later event at the same instant (a 0-delay timer), in FIFO order, so that nothing is ever
// re-entered from the call that caused it. Each After() takes a fresh timer key from a counter
// (keys in [kDynamicBase, kRaftTimerBase)), so closures never supersede one another; a closure is
// kept in a hash map by key until it fires (found by key only, never walked: the order of firing
// is the world's timer order). Closures that may outlive what they capture check a
// liveness flag of their own (components are retired, never freed, while the process lives).
#ifndef SWARMSIM_MODEL_PROCESS_HOST_LOOP_H_
#define SWARMSIM_MODEL_PROCESS_HOST_LOOP_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sim/context.h"
#include "sim/time.h"
#include "sim/types.h"

namespace swarmsim {
namespace process {

class HostLoop {
 public:
  using Fn = std::function<void(sim::Context&)>;

  static constexpr sim::TimerKey kMailboxKey = 1;
  static constexpr sim::TimerKey kDynamicBase = sim::TimerKey{1} << 40;
  // Slots have keys of their own, [kSlotBase, kRaftTimerBase): the slot's index plus the base.
  static constexpr sim::TimerKey kSlotBase = sim::TimerKey{1} << 48;

  void After(sim::Context& ctx, absl::Duration delay, Fn fn);
  // At a local-clock instant (at once if it has passed).
  void At(sim::Context& ctx, sim::Time local_at, Fn fn);
  void Post(sim::Context& ctx, Fn fn);
  // A deadline slot, re-armed in place: runs `fn` at local instant `at` unless the slot is armed
  // again first, in which case only the latest (at, fn) counts. The slot is one keyed host timer
  // (Context::SetTimerAt), so pushing its deadline later costs no event: a heartbeat that extends
  // a node's expiry 3 periods ahead every period makes one event per expiry window, not one per
  // heartbeat that fires only to be ignored. Slots are named by the caller ("expiry/<node>")
  // and die with the process.
  void ArmSlot(sim::Context& ctx, absl::string_view slot, sim::Time at, Fn fn);
  // False when `key` is not one of the loop's.
  bool HandleTimer(sim::Context& ctx, sim::TimerKey key);

  // Closures waiting: After() and At() ones, armed slots, posts.
  size_t pending() const { return timers_.size() + armed_slots_ + mailbox_.size(); }

 private:
  // A slot's index, fixed for the process's life (one per name ever armed: per node), found by
  // name in a hash map (lookups only: a leader arms one slot per heartbeat of each of 10,000
  // nodes; a string-keyed tree walk each was 8% of the run). Its closure waits in slots_ at that
  // index (no second lookup to arm or to fire it); key order, where it matters, is the world's.
  absl::flat_hash_map<std::string, uint32_t> slot_index_;
  std::vector<Fn> slots_;
  size_t armed_slots_ = 0;  // slots_ entries holding a closure
  uint64_t next_key_ = kDynamicBase;
  absl::flat_hash_map<sim::TimerKey, Fn> timers_;
  std::deque<Fn> mailbox_;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_HOST_LOOP_H_
