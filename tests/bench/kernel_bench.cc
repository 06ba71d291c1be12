// Kernel throughput: timer events through the queue (raw and through the world), and datagrams
// through the network with latency, jitter and 1% loss. Rates are per wall-clock second of the
// benchmark loop; sim_s_per_wall_s is simulated seconds per wall-clock second.
//
//   bazel run -c opt //tests/bench:kernel_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/event_queue.h"
#include "sim/lambda_process.h"
#include "sim/prng.h"
#include "sim/world.h"

namespace sim {
namespace {

// The bare queue: `pending` timers in flight; each pop re-arms one at a random later deadline.
void BM_EventQueueTimers(benchmark::State& state) {
  const int64_t pending = state.range(0);
  EventQueue queue;
  queue.Reserve(static_cast<std::size_t>(pending) + 1);
  Prng prng(1);
  std::vector<int64_t> deltas(4096);
  for (int64_t& d : deltas) d = static_cast<int64_t>(prng.UniformU64(1000000)) + 1;
  for (int64_t i = 0; i < pending; ++i) {
    queue.Push(Time::FromNanos(deltas[i % deltas.size()]), 1, 0, static_cast<uint64_t>(i), 0);
  }
  std::size_t k = 0;
  for (auto _ : state) {
    const Event e = queue.Pop();
    queue.Push(Time::FromNanos(e.at.nanos() + deltas[k++ & 4095]), e.kind, e.target, e.a, e.b);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventQueueTimers)->Arg(64)->Arg(1024)->Arg(16384)->Arg(262144);

// Through the world: `hosts` processes, each with 8 repeating timers of random period (the
// generation check, the host dispatch and the process call included).
void BM_WorldTimers(benchmark::State& state) {
  const int hosts = static_cast<int>(state.range(0));
  WorldOptions options;
  options.trace_messages = false;
  World world(options);
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    for (TimerKey k = 0; k < 8; ++k) {
      const int64_t delay_us = ctx.prng().UniformRange(1, 1000);
      ctx.SetTimer(k, absl::Microseconds(delay_us));
    }
  };
  spec.on_timer = [](Context& ctx, TimerKey key) {
    const int64_t delay_us = ctx.prng().UniformRange(1, 1000);
    ctx.SetTimer(key, absl::Microseconds(delay_us));
  };
  for (int i = 0; i < hosts; ++i) {
    world.StartHost(world.AddHost("h" + std::to_string(i), LambdaFactory(spec)));
  }
  const Time start = world.now();
  for (auto _ : state) world.Step();
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_wall_s"] =
      benchmark::Counter(absl::ToDoubleSeconds(world.now() - start), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WorldTimers)->Arg(1)->Arg(100)->Arg(10000);

// Datagrams: every host starts 4 chains; each received message is forwarded to a random peer.
// Links: 500 us + [0, 100 us] jitter, 1% loss (a lost message ends its chain, so a timer per host
// starts a new chain every 10 ms to keep the load steady). Arg 1 traces every delivery.
void BM_NetworkMessages(benchmark::State& state) {
  const int hosts = 64;
  WorldOptions options;
  options.trace_messages = state.range(0) != 0;
  options.trace.keep_records = false;
  World world(options);
  LinkConfig link;
  link.latency = absl::Microseconds(500);
  link.jitter = absl::Microseconds(100);
  link.loss = Ratio{1, 100};
  world.network().set_default_link(link);
  auto forward = [hosts](Context& ctx) {
    const uint64_t offset = ctx.prng().UniformU64(hosts - 1) + 1;
    const HostId to = static_cast<HostId>((ctx.host_id() + offset) % hosts);
    ctx.Send(to, "m", Payload::Bytes("0123456789abcdef0123456789abcdef"));
  };
  LambdaProcessSpec spec;
  spec.on_start = [forward](Context& ctx) {
    for (int i = 0; i < 4; ++i) forward(ctx);
    ctx.SetTimer(0, absl::Milliseconds(10));
  };
  spec.on_message = [forward](Context& ctx, const Message&) { forward(ctx); };
  spec.on_timer = [forward](Context& ctx, TimerKey) {
    forward(ctx);
    ctx.SetTimer(0, absl::Milliseconds(10));
  };
  for (int i = 0; i < hosts; ++i) world.AddHost("h" + std::to_string(i), LambdaFactory(spec));
  for (int i = 0; i < hosts; ++i) world.StartHost(static_cast<HostId>(i));
  const Time start = world.now();
  const uint64_t delivered_before = world.network().stats().packets_delivered;
  for (auto _ : state) world.Step();
  const NetworkStats& stats = world.network().stats();
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["messages_per_s"] = benchmark::Counter(
      static_cast<double>(stats.packets_delivered - delivered_before), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_wall_s"] =
      benchmark::Counter(absl::ToDoubleSeconds(world.now() - start), benchmark::Counter::kIsRate);
  state.counters["loss_ppm"] =
      benchmark::Counter(stats.packets_sent == 0 ? 0.0
                                                 : 1e6 * static_cast<double>(stats.dropped_loss) /
                                                       static_cast<double>(stats.packets_sent));
}
BENCHMARK(BM_NetworkMessages)->Arg(0)->Arg(1);

}  // namespace
}  // namespace sim
