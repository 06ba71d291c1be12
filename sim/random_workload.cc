#include "sim/random_workload.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "sim/lambda_process.h"

namespace sim {
namespace {

constexpr TimerKey kSendTimer = 0;
// Deferred replies use keys with this bit set plus the server call id.
constexpr TimerKey kReplyTimerBit = TimerKey{1} << 62;

struct Shared {
  int host_count = 0;
  int64_t budget = 0;
  std::shared_ptr<RandomWorkloadCounts> counts;
};

// One host's behaviour. State that must not survive a restart lives in the process instance.
class WorkloadProcess : public Process {
 public:
  explicit WorkloadProcess(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  void Start(Context& ctx) override {
    const std::string* boots = ctx.disk().Read("boots");
    const int64_t boot_count = boots == nullptr ? 1 : static_cast<int64_t>(boots->size()) + 1;
    ctx.disk().Append("boots", "b");
    ctx.disk().Sync();
    ctx.Trace("wl.boot", {{"boots", boot_count}});
    conns_.assign(static_cast<std::size_t>(shared_->host_count), 0);
    ctx.Serve("Ping", [](Context& c, ServerCallId call, const Payload& request) {
      if (c.prng().Chance(Ratio{1, 4})) {
        const int64_t delay_ms = c.prng().UniformRange(1, 300);
        c.SetTimer(kReplyTimerBit | call, absl::Milliseconds(delay_ms));
        return;
      }
      c.Reply(call, RpcStatus::Ok(), Payload::Bytes(request.bytes()));
    });
    ScheduleSend(ctx);
  }

  void OnTimer(Context& ctx, TimerKey key) override {
    if ((key & kReplyTimerBit) != 0) {
      const ServerCallId call = key & ~kReplyTimerBit;
      const bool replied = ctx.Reply(call, RpcStatus::Ok(), Payload::Bytes("late"));
      ctx.Trace("wl.late_reply", {{"replied", replied ? 1 : 0}});
      return;
    }
    if (shared_->budget <= 0) return;
    --shared_->budget;
    ++shared_->counts->sent;
    SendOne(ctx);
    ScheduleSend(ctx);
  }

  void OnMessage(Context& ctx, const Message& message) override {
    ++shared_->counts->received;
    ctx.Trace("wl.recv", {{"from", message.from}, {"size", message.payload.size_bytes()}});
    ctx.disk().Append("log", message.payload.bytes().substr(0, 8));
    if (ctx.prng().Chance(Ratio{1, 10})) ctx.disk().Sync();
  }

 private:
  void ScheduleSend(Context& ctx) {
    const int64_t delay_us = ctx.prng().UniformRange(100, 20000);
    ctx.SetTimer(kSendTimer, absl::Microseconds(delay_us));
  }

  void SendOne(Context& ctx) {
    const uint64_t n = static_cast<uint64_t>(shared_->host_count);
    const uint64_t offset = ctx.prng().UniformU64(n - 1) + 1;
    const HostId peer = static_cast<HostId>((ctx.host_id() + offset) % n);
    const int64_t size = ctx.prng().UniformRange(10, 1000);
    std::string body(static_cast<std::size_t>(size), static_cast<char>('a' + size % 26));
    if (ctx.prng().Chance(Ratio{7, 10})) {
      ctx.Trace("wl.send", {{"to", peer}, {"size", size}});
      ctx.Send(peer, "data", Payload::Bytes(std::move(body)));
      return;
    }
    ConnId& conn = conns_[peer];
    if (conn == 0 || ctx.GetConnState(conn) == ConnState::kClosed) {
      DialOptions options;
      options.dial_timeout = absl::Seconds(1);
      options.keepalive_time = absl::Seconds(2);
      options.keepalive_timeout = absl::Seconds(1);
      conn = ctx.Dial(peer, options);
    }
    ctx.Trace("wl.call", {{"to", peer}, {"size", size}});
    auto counts = shared_->counts;
    ctx.Call(conn, "Ping", Payload::Bytes(std::move(body)), absl::Milliseconds(500),
             [counts](Context& c, const RpcStatus& status, const Payload& response) {
               if (status.ok()) {
                 ++counts->rpc_ok;
               } else {
                 ++counts->rpc_failed;
               }
               c.Trace("wl.rpc",
                       {{"code", StatusCodeName(status.code)}, {"size", response.size_bytes()}});
             });
  }

  std::shared_ptr<Shared> shared_;
  std::vector<ConnId> conns_;  // By peer.
};

// One random fault every 50..400 ms, each undone later.
void InjectFaults(World& world, std::shared_ptr<Prng> prng,
                  std::shared_ptr<RandomWorkloadCounts> counts, std::shared_ptr<Shared> shared) {
  if (shared->budget <= 0) return;
  const uint64_t n = world.host_count();
  const uint64_t kind = prng->UniformU64(7);
  const HostId a = static_cast<HostId>(prng->UniformU64(n));
  const HostId b = static_cast<HostId>((a + 1 + prng->UniformU64(n - 1)) % n);
  const int64_t heal_ms = prng->UniformRange(50, 2000);
  const absl::Duration heal = absl::Milliseconds(heal_ms);
  ++counts->faults;
  world.TraceWorld("wl.fault", {{"fault", kind}, {"a", a}, {"b", b}, {"heal_ms", heal_ms}});
  switch (kind) {
    case 0: {
      // Both sides named: a host in no side would stay connected to everyone.
      std::vector<HostId> side;
      std::vector<HostId> rest;
      for (HostId h = 0; h < n; ++h) {
        (prng->Chance(Ratio{1, 2}) ? side : rest).push_back(h);
      }
      world.network().Partition({side, rest});
      world.After(heal, [&world] { world.network().HealPartition(); });
      break;
    }
    case 1:
      world.network().Cut(a, b);
      world.After(heal, [&world, a, b] { world.network().Uncut(a, b); });
      break;
    case 2:
      world.network().Isolate(a);
      world.After(heal, [&world, a] { world.network().Unisolate(a); });
      break;
    case 3:
      world.network().Clog(a, b, world.now() + heal);
      break;
    case 4:
      if (world.host(a).state() == HostState::kRunning) {
        world.CrashHost(a);
        world.After(heal, [&world, a] { world.StartHost(a); });
      }
      break;
    case 5:
      if (world.host(a).state() == HostState::kRunning) {
        world.StopHost(a);
        world.After(heal, [&world, a] { world.StartHost(a); });
      }
      break;
    case 6:
      if (world.host(a).state() == HostState::kRunning) {
        world.PauseHost(a);
        world.After(heal, [&world, a] {
          if (world.host(a).state() == HostState::kPaused) world.ResumeHost(a);
        });
      }
      break;
  }
  const int64_t next_ms = prng->UniformRange(50, 400);
  world.After(absl::Milliseconds(next_ms),
              [&world, prng, counts, shared] { InjectFaults(world, prng, counts, shared); });
}

}  // namespace

RandomWorkloadRun RunRandomWorkload(const RandomWorkloadOptions& options) {
  SIM_CHECK_GE(options.host_count, 2);
  WorldOptions world_options;
  world_options.seed = options.seed;
  world_options.trace.keep_records = options.keep_records;
  world_options.event_count_max = uint64_t{1} << 32;
  RandomWorkloadRun run;
  run.world = std::make_unique<World>(world_options);
  run.counts = std::make_shared<RandomWorkloadCounts>();
  World& world = *run.world;
  auto shared = std::make_shared<Shared>();
  shared->host_count = options.host_count;
  shared->budget = options.message_count;
  shared->counts = run.counts;

  LinkConfig link;
  link.latency = absl::Milliseconds(1);
  link.jitter = absl::Microseconds(500);
  if (options.faults) {
    link.loss = Ratio{1, 100};
    link.duplicate = Ratio{1, 100};
    link.reorder = Ratio{1, 50};
    link.reorder_delay_max = absl::Milliseconds(10);
  }
  world.network().set_default_link(link);
  for (int i = 0; i < options.host_count; ++i) {
    world.AddHost(absl::StrCat("h", i), [shared]() -> std::unique_ptr<Process> {
      return std::make_unique<WorkloadProcess>(shared);
    });
  }
  for (int i = 0; i < options.host_count; ++i) world.StartHost(static_cast<HostId>(i));
  if (options.faults) {
    auto fault_prng = std::make_shared<Prng>(world.prng().Fork(77));
    world.After(absl::Milliseconds(100), [&world, fault_prng, counts = run.counts, shared] {
      InjectFaults(world, fault_prng, counts, shared);
    });
  }
  // Until the budget is spent (checked every simulated second), then let everything settle:
  // heal every fault, restart every host that is down, and run another minute.
  while (shared->budget > 0) world.RunFor(absl::Seconds(1));
  world.RunFor(absl::Seconds(3));
  world.network().HealAll();
  for (HostId h = 0; h < world.host_count(); ++h) {
    if (world.host(h).state() == HostState::kPaused) world.ResumeHost(h);
    if (world.host(h).state() != HostState::kRunning) world.StartHost(h);
  }
  world.RunFor(absl::Seconds(60));
  world.TraceWorld("wl.end", {{"events", world.event_count()},
                              {"sent", run.counts->sent},
                              {"received", run.counts->received}});
  return run;
}

}  // namespace sim
