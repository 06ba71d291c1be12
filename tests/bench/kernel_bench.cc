// Kernel throughput: timer events through the queue (raw and through the world), and datagrams
// through the network with latency, jitter and 1% loss. Rates are per wall-clock second of the
// benchmark loop; sim_s_per_wall_s is simulated seconds per wall-clock second.
// BM_WorldTimersVsBareHeap prints `ratio`: the world's timer path against a bare binary heap
// with the same live timers, both measured in the same run.
//
//   bazel run -c opt //tests/bench:kernel_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
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

// The issue-12 yardstick for the world's timer path: the same number of live timers in a bare
// binary heap of (time, seq) (std::push_heap / std::pop_heap, nothing else), re-armed with the
// same draws, measured in the same run as the world. `ratio` = heap ns per event / world ns per
// event: 1.0 would mean the world adds nothing to a heap; the target is >= 0.5 at 10,000 hosts
// (80,000 live timers). Each benchmark iteration runs a slice of each, alternately, so machine
// noise hits both.
class BareTimerHeap {
 public:
  BareTimerHeap(int64_t timers, Prng& prng) {
    heap_.reserve(static_cast<std::size_t>(timers));
    for (int64_t i = 0; i < timers; ++i) {
      heap_.push_back({prng.UniformRange(1, 1000) * 1000, next_seq_++});
      std::push_heap(heap_.begin(), heap_.end(), Later);
    }
  }
  // Pops the earliest timer and re-arms it 1..1000 us later; returns its time.
  int64_t Step(Prng& prng) {
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    const int64_t at = heap_.back().first;
    heap_.back() = {at + prng.UniformRange(1, 1000) * 1000, next_seq_++};
    std::push_heap(heap_.begin(), heap_.end(), Later);
    return at;
  }

 private:
  using Entry = std::pair<int64_t, uint64_t>;  // (time ns, seq)
  static bool Later(const Entry& x, const Entry& y) { return x > y; }
  std::vector<Entry> heap_;
  uint64_t next_seq_ = 0;
};

void BM_WorldTimersVsBareHeap(benchmark::State& state) {
  const int hosts = static_cast<int>(state.range(0));
  constexpr int kTimersPerHost = 8;
  constexpr int kSlice = 4096;
  WorldOptions options;
  options.trace_messages = false;
  World world(options);
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    for (TimerKey k = 0; k < kTimersPerHost; ++k) {
      ctx.SetTimer(k, absl::Microseconds(ctx.prng().UniformRange(1, 1000)));
    }
  };
  spec.on_timer = [](Context& ctx, TimerKey key) {
    ctx.SetTimer(key, absl::Microseconds(ctx.prng().UniformRange(1, 1000)));
  };
  for (int i = 0; i < hosts; ++i) {
    world.StartHost(world.AddHost("h" + std::to_string(i), LambdaFactory(spec)));
  }
  Prng heap_prng(7);
  BareTimerHeap heap(int64_t{hosts} * kTimersPerHost, heap_prng);
  double world_s = 0;
  double heap_s = 0;
  int64_t sink = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kSlice; ++i) world.Step();
    const auto t1 = std::chrono::steady_clock::now();
    for (int i = 0; i < kSlice; ++i) sink += heap.Step(heap_prng);
    const auto t2 = std::chrono::steady_clock::now();
    const double w = std::chrono::duration<double>(t1 - t0).count();
    world_s += w;
    heap_s += std::chrono::duration<double>(t2 - t1).count();
    state.SetIterationTime(w);
  }
  benchmark::DoNotOptimize(sink);
  const double events = static_cast<double>(state.iterations()) * kSlice;
  state.counters["world_ns_per_event"] = 1e9 * world_s / events;
  state.counters["heap_ns_per_event"] = 1e9 * heap_s / events;
  state.counters["ratio"] = world_s > 0 ? heap_s / world_s : 0.0;
}
BENCHMARK(BM_WorldTimersVsBareHeap)->Arg(100)->Arg(10000)->UseManualTime();

}  // namespace
}  // namespace sim
