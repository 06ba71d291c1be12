#include "model/process/host_loop.h"

#include <utility>

#include "model/process/raft_host.h"
#include "sim/check.h"

namespace swarmsim {
namespace process {

void HostLoop::After(sim::Context& ctx, absl::Duration delay, Fn fn) {
  if (delay < absl::ZeroDuration()) delay = absl::ZeroDuration();
  const sim::TimerKey key = next_key_++;
  SIM_CHECK_LT(key, kSlotBase);
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
  auto it = slot_index_.find(name);
  if (it == slot_index_.end()) {
    SIM_CHECK_LT(kSlotBase + slots_.size(), kRaftTimerBase);
    it = slot_index_.emplace(std::string(name), static_cast<uint32_t>(slots_.size())).first;
    slots_.emplace_back();
  }
  if (!slots_[it->second]) ++armed_slots_;
  slots_[it->second] = std::move(fn);
  ctx.SetTimerAt(kSlotBase + it->second, at);
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
  if (key >= kSlotBase) {
    const uint64_t index = key - kSlotBase;
    if (index >= slots_.size() || !slots_[index]) return true;
    Fn fn = std::move(slots_[index]);
    slots_[index] = nullptr;
    --armed_slots_;
    fn(ctx);
    return true;
  }
  auto it = timers_.find(key);
  if (it == timers_.end()) return true;
  Fn fn = std::move(it->second);
  timers_.erase(it);
  fn(ctx);
  return true;
}

}  // namespace process
}  // namespace swarmsim
