#include "model/process/host_loop.h"

#include <utility>

#include "model/process/raft_host.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {

void HostLoop::After(sim::Context& ctx, absl::Duration delay, Fn fn) {
  if (delay < absl::ZeroDuration()) delay = absl::ZeroDuration();
  const sim::TimerKey key = next_key_++;
  SIM_CHECK_LT(key, kRaftTimerBase);
  timers_.emplace(key, std::move(fn));
  ctx.SetTimer(key, delay);
}

void HostLoop::At(sim::Context& ctx, sim::Time local_at, Fn fn) {
  After(ctx, local_at - ctx.LocalNow(), std::move(fn));
}

void HostLoop::Post(sim::Context& ctx, Fn fn) {
  mailbox_.push_back(std::move(fn));
  if (!ctx.TimerPending(kMailboxKey)) ctx.SetTimer(kMailboxKey, absl::ZeroDuration());
}

void HostLoop::ArmSlot(sim::Context& ctx, absl::string_view name, sim::Time at, Fn fn) {
  auto it = slots_.find(name);
  if (it == slots_.end()) {
    const sim::TimerKey key = next_key_++;
    SIM_CHECK_LT(key, kRaftTimerBase);
    it = slots_.emplace(std::string(name), Slot{key, nullptr}).first;
    slot_names_.emplace(key, it->first);
  }
  it->second.fn = std::move(fn);
  ctx.SetTimerAt(it->second.key, at);
}

bool HostLoop::HandleTimer(sim::Context& ctx, sim::TimerKey key) {
  if (key == kMailboxKey) {
    // Only what was posted before this event; later posts have set the timer again.
    std::deque<Fn> batch;
    batch.swap(mailbox_);
    for (Fn& fn : batch) fn(ctx);
    if (!mailbox_.empty() && !ctx.TimerPending(kMailboxKey)) {
      ctx.SetTimer(kMailboxKey, absl::ZeroDuration());
    }
    return true;
  }
  if (key < kDynamicBase || key >= kRaftTimerBase) return false;
  auto it = timers_.find(key);
  if (it == timers_.end()) {
    auto named = slot_names_.find(key);
    if (named == slot_names_.end()) return true;
    auto slot = slots_.find(named->second);
    SIM_CHECK(slot != slots_.end());
    Fn fn = std::move(slot->second.fn);
    slots_.erase(slot);
    slot_names_.erase(named);
    fn(ctx);
    return true;
  }
  Fn fn = std::move(it->second);
  timers_.erase(it);
  fn(ctx);
  return true;
}

}  // namespace process
}  // namespace swarmsim
