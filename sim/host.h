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

  // The generation of the live timer per key (0: none); events carrying another generation are
  // stale. Generations come from one counter per host that never resets, so a timer set by an
  // earlier incarnation can never match. Small keys (the usual enum values) index a vector;
  // others go to a lookup-only hash map (never iterated).
  static constexpr TimerKey kDenseTimerKeys = 256;
  uint64_t TimerGeneration(TimerKey key) const {
    if (key < kDenseTimerKeys) return key < dense_timers_.size() ? dense_timers_[key] : 0;
    auto it = sparse_timers_.find(key);
    return it == sparse_timers_.end() ? 0 : it->second;
  }
  void SetTimerGeneration(TimerKey key, uint64_t generation) {
    if (key < kDenseTimerKeys) {
      if (key >= dense_timers_.size()) dense_timers_.resize(key + 1, 0);
      dense_timers_[key] = generation;
    } else if (generation == 0) {
      sparse_timers_.erase(key);
    } else {
      sparse_timers_[key] = generation;
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
  std::vector<uint64_t> dense_timers_;
  uint64_t timer_generation_counter_ = 0;
  HostClock clock_;
  Context context_;
  Prng prng_;
  // Colder state.
  absl::flat_hash_map<TimerKey, uint64_t> sparse_timers_;
  // Events that arrived while paused, in arrival order.
  std::vector<Event> held_;
  std::string name_;
  ProcessFactory factory_;
  Disk disk_;
  RpcEndpoint rpc_;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_HOST_H_
