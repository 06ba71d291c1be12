#include "sim/world.h"

#include <utility>

#include "sim/check.h"

namespace sim {

const char* HostStateName(HostState state) {
  switch (state) {
    case HostState::kStopped:
      return "stopped";
    case HostState::kRunning:
      return "running";
    case HostState::kPaused:
      return "paused";
    case HostState::kCrashed:
      return "crashed";
  }
  return "?";
}

Host::Host(World& world, HostId id, std::string name, ProcessFactory factory, HostClock clock,
           Prng prng)
    : id_(id),
      clock_(clock),
      context_(world, *this),
      prng_(prng),
      name_(std::move(name)),
      factory_(std::move(factory)),
      rpc_(world, *this) {}

World::World(WorldOptions options)
    : options_(options),
      prng_(options.seed),
      network_(prng_.Fork(kNetworkStream)),
      fault_points_(prng_.Fork(kFaultPointStream)),
      trace_(options.trace) {
  SIM_CHECK_LE(options.queue_size_max, EventQueue::kSlotLimit);
  fault_points_.set_enabled(options.buggify);
  methods_.Intern("");
  // Every trace names its seed first: a trace is its own reproduction recipe.
  TraceWorld("world.start",
             {{"seed", static_cast<int64_t>(options.seed)}, {"buggify", options.buggify ? 1 : 0}});
}

// Processes are destroyed before the rest of the world (their destructors may not call back).
World::~World() {
  for (auto& host : hosts_) host->process_.reset();
}

HostId World::AddHost(absl::string_view name, ProcessFactory factory, HostClock clock) {
  SIM_CHECK_MSG(FindHost(name) == kNoHost, name);
  const HostId id = static_cast<HostId>(hosts_.size());
  hosts_.push_back(std::make_unique<Host>(*this, id, std::string(name), std::move(factory), clock,
                                          prng_.Fork(kHostStreamBase + id)));
  host_ids_.emplace(std::string(name), id);
  TraceWorld("host.add", {{"host_id", id}, {"name", name}});
  return id;
}

Host& World::host(HostId id) {
  SIM_CHECK_LT(id, hosts_.size());
  return *hosts_[id];
}

HostId World::FindHost(absl::string_view name) const {
  auto it = host_ids_.find(name);
  return it == host_ids_.end() ? kNoHost : it->second;
}

void World::Count(absl::string_view name, uint64_t n) {
  auto it = counters_.find(name);
  if (it == counters_.end()) it = counters_.emplace(std::string(name), 0).first;
  it->second += n;
}

void World::TraceWorld(absl::string_view kind, std::initializer_list<TraceField> fields) {
  trace_.Append(now_, kNoHost, kind, fields);
}

// --- Host lifecycle -------------------------------------------------------------------------

void World::StartHost(HostId id) {
  Host& h = host(id);
  SIM_CHECK_MSG(h.state_ == HostState::kStopped || h.state_ == HostState::kCrashed,
                HostStateName(h.state_));
  ++h.incarnation_;
  h.state_ = HostState::kRunning;
  trace_.Append(now_, id, "host.start", {{"incarnation", h.incarnation_}});
  h.process_ = h.factory_();
  SIM_CHECK(h.process_ != nullptr);
  h.process_->Start(h.context_);
}

void World::DropHeld(Host& host) {
  // Held packets must return to the slab; held timers and actions simply die.
  for (const Event& e : host.held_) {
    if (e.kind == kDeliverEvent) FreePacket(static_cast<uint32_t>(e.a));
    if (e.kind == kHostActionEvent && host_actions_[e.a].generation == e.b) {
      FreeHostAction(static_cast<uint32_t>(e.a));
    }
  }
  host.held_.clear();
}

void World::TearDown(Host& host) {
  host.ClearTimers();
  DropHeld(host);
  host.process_.reset();
}

void World::StopHost(HostId id) {
  Host& h = host(id);
  if (h.state_ != HostState::kRunning && h.state_ != HostState::kPaused) return;
  trace_.Append(now_, id, "host.stop", {{"incarnation", h.incarnation_}});
  // A paused process is resumed by the OS to handle SIGTERM; held events are dropped, not run.
  h.state_ = HostState::kRunning;
  h.process_->OnStop(h.context_);
  h.rpc_.Stop();
  h.state_ = HostState::kStopped;
  TearDown(h);
}

void World::CrashHost(HostId id) {
  Host& h = host(id);
  if (h.state_ == HostState::kCrashed) return;
  const uint64_t lost = h.disk_.stats().bytes_lost;
  h.disk_.LoseUnsynced();
  trace_.Append(
      now_, id, "host.crash",
      {{"incarnation", h.incarnation_}, {"lost_bytes", h.disk_.stats().bytes_lost - lost}});
  h.rpc_.Crash();
  h.state_ = HostState::kCrashed;
  TearDown(h);
}

void World::RestartHost(HostId id) {
  Host& h = host(id);
  if (h.state_ == HostState::kRunning || h.state_ == HostState::kPaused) CrashHost(id);
  StartHost(id);
}

void World::PauseHost(HostId id) {
  Host& h = host(id);
  SIM_CHECK_MSG(h.state_ == HostState::kRunning, HostStateName(h.state_));
  h.state_ = HostState::kPaused;
  trace_.Append(now_, id, "host.pause", {{"incarnation", h.incarnation_}});
}

void World::ResumeHost(HostId id) {
  Host& h = host(id);
  SIM_CHECK_MSG(h.state_ == HostState::kPaused, HostStateName(h.state_));
  h.state_ = HostState::kRunning;
  trace_.Append(now_, id, "host.resume",
                {{"incarnation", h.incarnation_}, {"held", h.held_.size()}});
  // Everything that queued up while paused runs now, in the order it arrived, after whatever is
  // already scheduled for this instant (fresh seqs).
  std::vector<Event> held;
  held.swap(h.held_);
  for (const Event& e : held) Schedule(now_, e.kind, e.target, e.a, e.b);
}

void World::SetClock(HostId id, HostClock clock) {
  Host& h = host(id);
  h.clock_ = clock;
  trace_.Append(
      now_, id, "host.clock",
      {{"offset_ns", absl::ToInt64Nanoseconds(clock.offset())}, {"drift_ppm", clock.drift_ppm()}});
}

// --- Scheduling -----------------------------------------------------------------------------

void World::Schedule(Time at, uint32_t kind, uint32_t target, uint64_t a, uint64_t b) {
  SIM_CHECK_GE(at.nanos(), now_.nanos());
  SIM_CHECK_LT(queue_.size(), options_.queue_size_max);
  queue_.Push(at, kind, target, a, b);
}

void World::At(Time at, std::function<void()> action) {
  uint32_t slot;
  if (free_world_actions_.empty()) {
    slot = static_cast<uint32_t>(world_actions_.size());
    world_actions_.emplace_back();
  } else {
    slot = free_world_actions_.back();
    free_world_actions_.pop_back();
  }
  world_actions_[slot] = std::move(action);
  Schedule(at, kWorldActionEvent, 0, slot, 0);
}

void World::SetTimer(Host& host, TimerKey key, Time world_deadline) {
  Host::TimerState& timer = host.Timer(key);
  timer.generation = ++host.timer_generation_counter_;
  timer.deadline = world_deadline < now_ ? now_ : world_deadline;
  // The queued event comes up first and moves itself to the new deadline (Dispatch).
  if (timer.queued != 0 && timer.queued_at <= timer.deadline) return;
  timer.queued = timer.generation;
  timer.queued_at = timer.deadline;
  Schedule(timer.deadline, kTimerEvent, host.id_, key, timer.generation);
}

HostActionId World::PostToHost(Host& host, absl::Duration local_delay,
                               std::function<void(Context&)> fn) {
  uint32_t slot;
  if (free_host_actions_.empty()) {
    slot = static_cast<uint32_t>(host_actions_.size());
    host_actions_.emplace_back();
    host_actions_[slot].generation = 1;
  } else {
    slot = free_host_actions_.back();
    free_host_actions_.pop_back();
  }
  HostAction& action = host_actions_[slot];
  action.incarnation = host.incarnation_;
  action.fn = std::move(fn);
  const absl::Duration delay = host.clock_.WorldDelay(now_, local_delay);
  Schedule(now_ + delay, kHostActionEvent, host.id_, slot, action.generation);
  return (HostActionId{action.generation} << 32) | slot;
}

void World::ScheduleCallDeadline(Host& host, absl::Duration local_delay, uint64_t call) {
  const absl::Duration delay = host.clock_.WorldDelay(now_, local_delay);
  Schedule(now_ + delay, kCallDeadlineEvent, host.id_, call, host.incarnation_);
}

void World::FreeHostAction(uint32_t slot) {
  HostAction& action = host_actions_[slot];
  action.fn = nullptr;
  ++action.generation;
  if (action.generation == 0) action.generation = 1;  // 0 stays "no action".
  free_host_actions_.push_back(slot);
}

void World::CancelHostAction(HostActionId id) {
  const uint32_t slot = static_cast<uint32_t>(id);
  if (id == kNoHostAction || slot >= host_actions_.size()) return;
  if (host_actions_[slot].generation != static_cast<uint32_t>(id >> 32)) return;
  FreeHostAction(slot);
}

bool World::Step() {
  if (queue_.empty()) return false;
  const Event event = queue_.Pop();
  // Cache hints, one event ahead: the next event's host (its hot fields lead the object), and the
  // bodies of the next two events (EventQueue::PrefetchNext). With thousands of hosts each is a
  // likely miss, which now overlaps this event's dispatch. Deeper hints (the next host's timer
  // entry or process, which need a load to compute) and more bodies measured slower. Hints only:
  // no effect on what runs.
  if (!queue_.empty()) {
    const uint32_t next = queue_.TopTarget();
    if (next < hosts_.size()) {
      const char* host = reinterpret_cast<const char*>(hosts_[next].get());
      __builtin_prefetch(host);
      __builtin_prefetch(host + 64);
    }
  }
  queue_.PrefetchNext();
  now_ = event.at;
  ++event_count_;
  SIM_CHECK_LE(event_count_, options_.event_count_max);
  Dispatch(event);
  return true;
}

void World::RunUntil(Time deadline) {
  SIM_CHECK_GE(deadline.nanos(), now_.nanos());
  while (!queue_.empty() && queue_.TopTime() <= deadline) Step();
  now_ = deadline;
}

void World::Dispatch(const Event& event) {
  switch (event.kind) {
    case kWorldActionEvent: {
      ++event_stats_.world_actions;
      // Move out first: the action may schedule more actions and grow the slab.
      std::function<void()> action = std::move(world_actions_[event.a]);
      world_actions_[event.a] = nullptr;
      free_world_actions_.push_back(static_cast<uint32_t>(event.a));
      action();
      return;
    }
    case kRetransmitEvent:
      ++event_stats_.retransmits;
      // The sender's kernel retransmits even while its process is paused.
      Retransmit(static_cast<uint32_t>(event.a));
      return;
    case kTimerEvent: {
      // Before any pause check: a timer moved later is re-queued at its deadline even while its
      // host is paused, so it is held (and replayed) in the position of the time it is due.
      Host& host = *hosts_[event.target];
      Host::TimerState* timer = host.FindTimer(event.a);
      if (timer == nullptr || timer->queued != event.b) {
        ++event_stats_.stale_timers;  // Superseded, cancelled, fired, or of an ended incarnation.
        return;
      }
      if (event.at < timer->deadline) {
        ++event_stats_.moved_timers;
        timer->queued = timer->generation;
        timer->queued_at = timer->deadline;
        Schedule(timer->deadline, kTimerEvent, host.id_, event.a, timer->generation);
        return;
      }
      if (host.state_ == HostState::kPaused) {
        // Replayed through here on resume, so checked again then.
        host.held_.push_back(event);
        return;
      }
      // Stopped and crashed hosts have no timers (TearDown), so a live one is a running host's.
      SIM_CHECK(host.state_ == HostState::kRunning);
      ++event_stats_.timers;
      host.ForgetTimer(event.a);
      host.process_->OnTimer(host.context_, event.a);
      return;
    }
    default:
      DispatchToHost(*hosts_[event.target], event);
  }
}

void World::DispatchToHost(Host& host, const Event& event) {
  if (host.state_ == HostState::kPaused) {
    host.held_.push_back(event);  // Counted when it runs, after the resume.
    return;
  }
  switch (event.kind) {
    case kDeliverEvent:
      ++event_stats_.deliveries;
      Deliver(host, static_cast<uint32_t>(event.a));
      return;
    case kHostActionEvent:
      ++event_stats_.host_actions;
      RunHostAction(host, event);
      return;
    case kCallDeadlineEvent:
      // Counted as the posted action it replaces: a host action, stale when the call already
      // ended (almost always) or its incarnation did.
      ++event_stats_.host_actions;
      if (host.state_ != HostState::kRunning || event.b != host.incarnation_ ||
          !host.rpc_.OnDeadline(event.a)) {
        ++event_stats_.stale_host_actions;
      }
      return;
    default:
      SIM_CHECK_MSG(false, event.kind);
  }
}

void World::RunHostAction(Host& host, const Event& event) {
  const uint32_t slot = static_cast<uint32_t>(event.a);
  if (host_actions_[slot].generation != event.b) {
    ++event_stats_.stale_host_actions;  // Cancelled; the slot may already serve another action.
    return;
  }
  HostAction action = std::move(host_actions_[slot]);
  FreeHostAction(slot);
  if (host.state_ != HostState::kRunning || action.incarnation != host.incarnation_) {
    ++event_stats_.stale_host_actions;
    return;
  }
  action.fn(host.context_);
}

}  // namespace sim
