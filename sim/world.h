// World is one simulation run: it owns the clock, the event queue, the root PRNG, the network,
// the hosts, the fault points and the trace, and it is the only thing that advances time.
//
// Time jumps straight to the next event; events run one at a time in (time, seq) order. The
// world is single-threaded by construction and deterministic: same options + same calls => same
// trace and digest. Bounds fail loudly (SIM_CHECK): the number of events processed and the
// number of events pending.
//
// The first trace record is "world.start" with the seed. Streams forked from the root seed:
// 1 network, 2 fault points, kHostStreamBase + host id for each host. Adding a host does not
// change the draws of others. Model code may fork more streams from prng() with ids >= 1<<32.
#ifndef SWARMSIM_SIM_WORLD_H_
#define SWARMSIM_SIM_WORLD_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sim/clock.h"
#include "sim/event_queue.h"
#include "sim/fault_points.h"
#include "sim/host.h"
#include "sim/interner.h"
#include "sim/network.h"
#include "sim/packet.h"
#include "sim/prng.h"
#include "sim/process.h"
#include "sim/time.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

struct WorldOptions {
  uint64_t seed = 1;
  // Processing more events than this is a CHECK failure (livelock made visible).
  uint64_t event_count_max = uint64_t{1} << 40;
  // More pending events than this is a CHECK failure (runaway scheduling made visible).
  uint64_t queue_size_max = uint64_t{1} << 24;  // At most EventQueue::kSlotLimit.
  TraceOptions trace;
  // Trace every datagram delivery and drop and every RPC completion ("net.*", "rpc.*").
  // Host lifecycle and fault records are always traced.
  bool trace_messages = true;
  // Run-wide switch for Buggify sites (see fault_points.h).
  bool buggify = false;
};

class World {
 public:
  static constexpr uint64_t kNetworkStream = 1;
  static constexpr uint64_t kFaultPointStream = 2;
  static constexpr uint64_t kHostStreamBase = 1000;

  explicit World(WorldOptions options = WorldOptions());
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Time now() const { return now_; }
  uint64_t seed() const { return options_.seed; }
  const WorldOptions& options() const { return options_; }
  Prng& prng() { return prng_; }
  Network& network() { return network_; }
  Trace& trace() { return trace_; }
  FaultPoints& fault_points() { return fault_points_; }
  uint64_t event_count() const { return event_count_; }
  // Where the events went (a benchmark's events-per-heartbeat, a profile without a profiler).
  // Never part of the trace or the digest.
  struct EventStats {
    uint64_t timers = 0;          // timer events popped, stale ones included
    uint64_t stale_timers = 0;    // superseded or cancelled: popped, not dispatched
    uint64_t moved_timers = 0;    // came up before their pushed-back deadline: re-queued
    uint64_t deliveries = 0;      // datagrams and connection packets reaching a host
    uint64_t retransmits = 0;
    uint64_t world_actions = 0;   // scenario steps, fault plans
    uint64_t host_actions = 0;    // RPC deadlines, keepalives, outcomes, model closures
    uint64_t stale_host_actions = 0;  // cancelled, or their incarnation ended: not run
  };
  const EventStats& event_stats() const { return event_stats_; }
  // Named counters that the model bumps (Context::Count): "agent.heartbeat", ... In name order.
  const std::map<std::string, uint64_t, std::less<>>& counters() const { return counters_; }
  void Count(absl::string_view name, uint64_t n = 1);
  std::size_t queue_size() const { return queue_.size(); }

  // Hosts are created stopped; StartHost runs a fresh process from `factory`.
  HostId AddHost(absl::string_view name, ProcessFactory factory, HostClock clock = HostClock());
  Host& host(HostId id);
  std::size_t host_count() const { return hosts_.size(); }
  // kNoHost when there is no such host.
  HostId FindHost(absl::string_view name) const;

  // Host lifecycle, effective at now() (wrap in At() to schedule). See host.h for the states.
  // REQUIRES: stopped or crashed.
  void StartHost(HostId id);
  // Graceful: OnStop, then every connection is closed (peers see it), then the process is
  // destroyed. Unsynced writes stay (the OS is up). No-op unless running or paused.
  void StopHost(HostId id);
  // Power off: the process is destroyed without OnStop, unsynced writes are lost, connections
  // vanish without a word. No-op when already crashed.
  void CrashHost(HostId id);
  // Crash (if up), then start a fresh process: only the synced disk survives.
  void RestartHost(HostId id);
  // REQUIRES: running / paused.
  void PauseHost(HostId id);
  void ResumeHost(HostId id);
  // Replaces the host's clock. Pending timers keep their world deadlines.
  void SetClock(HostId id, HostClock clock);

  // A world-level action (scenario steps, fault plans) at `at` >= now().
  void At(Time at, std::function<void()> action);
  void After(absl::Duration delay, std::function<void()> action) {
    At(now_ + delay, std::move(action));
  }

  // Runs `fn` on the host's current incarnation after a local-clock delay (held while paused,
  // dropped if the host stops or crashes first). The RPC layer's keepalives and posted outcomes
  // (its call deadlines are typed events: ScheduleCallDeadline). Returns a handle for
  // CancelHostAction.
  HostActionId PostToHost(Host& host, absl::Duration local_delay,
                          std::function<void(Context&)> fn);
  // Cancels a posted action that has not run: its closure is destroyed now and its event, still
  // in the queue, is skipped when popped (counted as events.stale_host_actions, never
  // dispatched). A no-op for an action that already ran or was cancelled (the slot's generation
  // moved on).
  void CancelHostAction(HostActionId id);

  // The time of the next event, or nullopt when the queue is empty. Lets a driver stop exactly at
  // a deadline and inspect the world between events (the scenario runner's expectations).
  std::optional<Time> NextEventTime() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.TopTime();
  }
  // Runs the next event. False when the queue is empty.
  bool Step();
  // Runs every event at or before `deadline`, then sets now() to `deadline`.
  void RunUntil(Time deadline);
  void RunFor(absl::Duration duration) { RunUntil(now_ + duration); }

  // RPC method names, interned once per run: the RPC layer carries the id of a method, and the
  // string is looked up only where it leaves (traces, errors). Ids are dense, from 1, in order of
  // first use (never part of a trace). MethodName(0) is "".
  uint32_t InternMethod(absl::string_view method) { return methods_.Intern(method); }
  const std::string& MethodName(uint32_t id) const { return methods_.Name(id); }

  // A world-level trace record (host -1).
  void TraceWorld(absl::string_view kind, std::initializer_list<TraceField> fields);

 private:
  friend class Context;
  friend class RpcEndpoint;

  enum EventKind : uint32_t {
    kTimerEvent = 1,
    kDeliverEvent,
    kRetransmitEvent,
    kWorldActionEvent,
    kHostActionEvent,
    // An RPC client call's deadline (a = the CallId, b = the host's incarnation). A typed event,
    // not a posted closure: every call has one and nearly every one ends first, so it must cost
    // no allocation to arm and nothing to cancel (the event finds the call gone: stale).
    kCallDeadlineEvent,
  };
  struct HostAction {
    uint64_t incarnation = 0;
    // Bumped whenever the slot is freed (run or cancelled): an event carrying an older
    // generation is stale, so a slot can be reused at once after a cancel.
    uint32_t generation = 0;
    std::function<void(Context&)> fn;
  };
  void FreeHostAction(uint32_t slot);
  // Arms an RPC call's deadline after a local-clock delay: scheduled exactly as PostToHost would
  // (same instant, same place in the order), held while paused, dropped with the incarnation.
  void ScheduleCallDeadline(Host& host, absl::Duration local_delay, uint64_t call);

  void Schedule(Time at, uint32_t kind, uint32_t target, uint64_t a, uint64_t b);
  void Dispatch(const Event& event);
  void DispatchToHost(Host& host, const Event& event);
  void RunHostAction(Host& host, const Event& event);
  void DropHeld(Host& host);
  void TearDown(Host& host);

  // Timers (Context).
  void SetTimer(Host& host, TimerKey key, Time world_deadline);

  // Packets (world_net.cc).
  uint32_t AllocPacket();
  Packet& packet(uint32_t slot) { return packets_[slot]; }
  void FreePacket(uint32_t slot);
  void SendDatagram(Host& from, HostId to, absl::string_view type, Payload payload);
  // Sends a connection packet, retransmitting it with backoff until it arrives or the sender
  // gives up (then the sender's connection is reset).
  void SendConnPacket(uint32_t slot);
  // Sends a reset/refusal: one try, never retransmitted.
  void SendControl(uint32_t slot);
  void Deliver(Host& host, uint32_t slot);
  void DeliverConnPacket(Host& host, uint32_t slot);
  void Retransmit(uint32_t slot);
  // Schedules the packet's retransmission at its connection side's retransmission timer, starting
  // the timer (200 ms doubling to 120 s) at `from_time` when none is running.
  void ScheduleRetransmit(uint32_t slot, Time from_time);
  // The receiver took a segment of `sender_key`'s connection in order (TCP's cumulative ACK): the
  // sender's retransmission timer and backoff are reset.
  void AckConn(ConnId sender_key) {
    if (!retransmit_clocks_.empty()) retransmit_clocks_.erase(sender_key);
  }
  void ReplyControl(const Packet& to_packet, PacketType type);

  WorldOptions options_;
  Time now_;
  Prng prng_;
  EventQueue queue_;
  uint64_t event_count_ = 0;
  EventStats event_stats_;
  std::map<std::string, uint64_t, std::less<>> counters_;
  Network network_;
  FaultPoints fault_points_;
  Trace trace_;
  std::vector<std::unique_ptr<Host>> hosts_;
  // By name. Hashed: only looked up (every dial resolves its address here).
  absl::flat_hash_map<std::string, HostId> host_ids_;
  // Slabs indexed by an event's `a`; freed slots are reused last-in first-out (deterministic).
  std::vector<Packet> packets_;
  std::vector<uint32_t> free_packets_;
  std::vector<std::function<void()>> world_actions_;
  std::vector<uint32_t> free_world_actions_;
  std::vector<HostAction> host_actions_;
  std::vector<uint32_t> free_host_actions_;
  // Ids for connections, calls and server calls: one counter for all, so they never collide.
  uint64_t next_id_ = 1;
  // TCP's retransmission timer, one per sending side of a connection (keyed by the sender's conn
  // key, unique in the world) that has an unacknowledged lost segment. Lookup only, never
  // iterated, so its order cannot reach a trace.
  struct RetransmitClock {
    Time next;              // When the outstanding segments are retransmitted.
    uint32_t backoffs = 0;  // Timeouts since the last ACK: the RTO is 200 ms << backoffs.
  };
  absl::flat_hash_map<ConnId, RetransmitClock> retransmit_clocks_;
  Interner methods_;  // Id 0 is "" (interned first, in the constructor).
};

}  // namespace sim

#endif  // SWARMSIM_SIM_WORLD_H_
