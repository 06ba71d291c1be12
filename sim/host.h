// Host is one simulated machine: a clock, a durable disk, a PRNG stream, an RPC endpoint and at
// most one running Process instance. The world drives it (start, graceful stop, crash, restart,
// pause, resume); it never schedules anything by itself and never outlives its world.
//
// States:
//   kStopped  the OS is up, no process: connection attempts are refused, packets get resets.
//   kRunning  the process runs.
//   kPaused   stopped-the-world (^Z): events for the host are held, then delivered in their
//             original order on resume; timers therefore fire late.
//   kCrashed  powered off: packets vanish unanswered; unsynced disk writes are lost.
#ifndef SWARMSIM_SIM_HOST_H_
#define SWARMSIM_SIM_HOST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/clock.h"
#include "sim/context.h"
#include "sim/disk.h"
#include "sim/event_queue.h"
#include "sim/process.h"
#include "sim/prng.h"
#include "sim/rpc_endpoint.h"
#include "sim/time.h"
#include "sim/types.h"

namespace sim {

enum class HostState { kStopped, kRunning, kPaused, kCrashed };
const char* HostStateName(HostState state);

class Host {
 public:
  Host(World& world, HostId id, std::string name, ProcessFactory factory, HostClock clock,
       Prng prng);
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  HostId id() const { return id_; }
  const std::string& name() const { return name_; }
  HostState state() const { return state_; }
  // 0 before the first start; +1 at every start.
  uint64_t incarnation() const { return incarnation_; }
  const HostClock& clock() const { return clock_; }
  Disk& disk() { return disk_; }
  const Disk& disk() const { return disk_; }
  Prng& prng() { return prng_; }
  // The running (or paused) instance, or nullptr.
  Process* process() { return process_.get(); }
  RpcEndpoint& rpc() { return rpc_; }
  Context& context() { return context_; }

 private:
  friend class World;
  friend class Context;

  // One keyed timer's state. `generation` is the live timer's (0: none), bumped by every
  // SetTimer from one counter per host that never resets, so a timer set by an earlier
  // incarnation can never match. `queued` names the one event in the world's queue that stands
  // for this timer (its `b`); any other event for the key is stale. A SetTimer to a deadline at
  // or after the queued event's time pushes nothing: when that event comes up early it moves
  // itself to `deadline` (World::Dispatch), so a timer pushed back on every heartbeat costs one
  // event per period it actually covers, not one per push.
  struct TimerState {
    uint64_t generation = 0;
    uint64_t queued = 0;
    Time deadline;   // world time the live timer is due
    Time queued_at;  // world time of the queued event (<= deadline while live)
  };
  // Small keys (the usual enum values) index a vector; others go to a lookup-only hash map
  // (never iterated).
  static constexpr TimerKey kDenseTimerKeys = 256;
  TimerState* FindTimer(TimerKey key) {
    if (key < kDenseTimerKeys) return key < dense_timers_.size() ? &dense_timers_[key] : nullptr;
    auto it = sparse_timers_.find(key);
    return it == sparse_timers_.end() ? nullptr : &it->second;
  }
  TimerState& Timer(TimerKey key) {
    if (key < kDenseTimerKeys) {
      if (key >= dense_timers_.size()) dense_timers_.resize(key + 1);
      return dense_timers_[key];
    }
    return sparse_timers_[key];
  }
  uint64_t TimerGeneration(TimerKey key) const {
    if (key < kDenseTimerKeys) {
      return key < dense_timers_.size() ? dense_timers_[key].generation : 0;
    }
    auto it = sparse_timers_.find(key);
    return it == sparse_timers_.end() ? 0 : it->second.generation;
  }
  // The timer fired or was cancelled: its queued event, wherever it is, is now stale.
  void ForgetTimer(TimerKey key) {
    if (key < kDenseTimerKeys) {
      if (key < dense_timers_.size()) dense_timers_[key] = TimerState();
    } else {
      sparse_timers_.erase(key);
    }
  }
  void ClearTimers() {
    dense_timers_.clear();
    sparse_timers_.clear();
  }

  // Fields read on every event come first, together, so that an event for a host touches as
  // few cache lines as possible when there are many hosts.
  HostState state_ = HostState::kStopped;
  HostId id_;
  uint64_t incarnation_ = 0;
  std::unique_ptr<Process> process_;
  std::vector<TimerState> dense_timers_;
  uint64_t timer_generation_counter_ = 0;
  HostClock clock_;
  Context context_;
  Prng prng_;
  // Colder state.
  absl::flat_hash_map<TimerKey, TimerState> sparse_timers_;
  // Events that arrived while paused, in arrival order.
  std::vector<Event> held_;
  std::string name_;
  ProcessFactory factory_;
  Disk disk_;
  RpcEndpoint rpc_;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_HOST_H_
