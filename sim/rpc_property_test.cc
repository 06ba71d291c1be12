// Property: whatever happens to servers and the network (loss, reordering, partitions, cuts,
// clogs, crashes, restarts, stops, pauses), every call a live client makes ends exactly once,
// no later than its deadline.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/lambda_process.h"
#include "sim/rpc.h"
#include "sim/world.h"

namespace sim {
namespace {

struct CallRecord {
  int64_t deadline_ns = 0;
  int completions = 0;
  int64_t completed_ns = 0;
};

constexpr HostId kFirstServer = 2;

// Servers answer at once, later, or never.
LambdaProcessSpec Server() {
  LambdaProcessSpec server;
  server.on_start = [](Context& ctx) {
    ctx.Serve("Work", [](Context& c, ServerCallId call, const Payload&) {
      const uint64_t choice = c.prng().UniformU64(3);
      if (choice == 0) c.Reply(call, RpcStatus::Ok());
      if (choice == 1) {
        const int64_t delay_ms = c.prng().UniformRange(1, 800);
        c.SetTimer(call, absl::Milliseconds(delay_ms));
      }
    });
  };
  server.on_timer = [](Context& ctx, TimerKey key) {
    ctx.Reply(key, RpcStatus::Error(StatusCode::kAborted, "later"));
  };
  return server;
}

// Clients call a random server every few ms, re-dialing closed conns.
LambdaProcessSpec Client(World& world, std::vector<CallRecord>& calls) {
  auto conns = std::make_shared<std::map<HostId, ConnId>>();
  LambdaProcessSpec client;
  client.on_start = [](Context& ctx) { ctx.SetTimer(0, absl::Milliseconds(1)); };
  client.on_timer = [&world, &calls, conns](Context& ctx, TimerKey) {
    const HostId server = kFirstServer + static_cast<HostId>(ctx.prng().UniformU64(2));
    ConnId& conn = (*conns)[ctx.host_id() * 100 + server];
    if (conn == 0 || ctx.GetConnState(conn) == ConnState::kClosed) {
      DialOptions dial;
      dial.dial_timeout = absl::Milliseconds(700);
      if (ctx.prng().Chance(Ratio{1, 2})) dial.keepalive_time = absl::Milliseconds(300);
      dial.keepalive_timeout = absl::Milliseconds(200);
      conn = ctx.Dial(server, dial);
    }
    const int64_t timeout_ms = ctx.prng().UniformRange(10, 1000);
    const std::size_t index = calls.size();
    CallRecord record;
    record.deadline_ns = world.now().nanos() + timeout_ms * 1000000;
    calls.push_back(record);
    ctx.Call(conn, "Work", Payload(), absl::Milliseconds(timeout_ms),
             [&calls, &world, index](Context&, const RpcStatus&, const Payload&) {
               ++calls[index].completions;
               calls[index].completed_ns = world.now().nanos();
             });
    const int64_t next_ms = ctx.prng().UniformRange(1, 30);
    ctx.SetTimer(0, absl::Milliseconds(next_ms));
  };
  return client;
}

// One fault on a server or on the network, undone later.
void InjectFault(World& world, Prng& prng) {
  const HostId server = kFirstServer + static_cast<HostId>(prng.UniformU64(2));
  const HostId client = static_cast<HostId>(prng.UniformU64(2));
  const int64_t heal_ms = prng.UniformRange(10, 1500);
  const absl::Duration heal = absl::Milliseconds(heal_ms);
  switch (prng.UniformU64(7)) {
    case 0:
      // The server against every other host (a host in no side would stay connected).
      {
        std::vector<HostId> others;
        for (HostId h = 0; h < world.host_count(); ++h) {
          if (h != server) others.push_back(h);
        }
        world.network().Partition({{server}, others});
      }
      world.After(heal, [&world] { world.network().HealPartition(); });
      break;
    case 1:
      world.network().Cut(server, client);
      world.After(heal, [&world, server, client] { world.network().Uncut(server, client); });
      break;
    case 2:
      world.network().Clog(client, server, world.now() + heal);
      break;
    case 3:
      if (world.host(server).state() != HostState::kRunning) break;
      world.CrashHost(server);
      world.After(heal, [&world, server] { world.StartHost(server); });
      break;
    case 4:
      if (world.host(server).state() != HostState::kRunning) break;
      world.StopHost(server);
      world.After(heal, [&world, server] { world.StartHost(server); });
      break;
    case 5:
      if (world.host(server).state() != HostState::kRunning) break;
      world.PauseHost(server);
      world.After(heal, [&world, server] { world.ResumeHost(server); });
      break;
    case 6:
      world.network().Isolate(server);
      world.After(heal, [&world, server] { world.network().Unisolate(server); });
      break;
  }
}

RC_GTEST_PROP(RpcProperty, EveryCallEndsExactlyOnceByItsDeadline, (uint64_t seed)) {
  WorldOptions options;
  options.seed = seed;
  options.trace.keep_records = false;
  World world(options);
  LinkConfig link;
  link.latency = absl::Milliseconds(1);
  link.jitter = absl::Milliseconds(2);
  link.loss = Ratio{1, 20};
  link.reorder = Ratio{1, 20};
  world.network().set_default_link(link);
  std::vector<CallRecord> calls;
  world.AddHost("client-0", LambdaFactory(Client(world, calls)));
  world.AddHost("client-1", LambdaFactory(Client(world, calls)));
  world.AddHost("server-0", LambdaFactory(Server()));
  world.AddHost("server-1", LambdaFactory(Server()));
  for (HostId h = 0; h < 4; ++h) world.StartHost(h);
  Prng faults = world.prng().Fork(1234);
  for (int64_t at_ms = 100; at_ms < 8000; at_ms += 200) {
    world.At(Time::FromNanos(at_ms * 1000000), [&world, &faults] { InjectFault(world, faults); });
  }
  world.RunUntil(Time::FromNanos(int64_t{10} * 1000000000));
  const int64_t end_ns = world.now().nanos();
  RC_ASSERT(calls.size() > 100u);
  for (const CallRecord& call : calls) {
    if (call.deadline_ns >= end_ns) continue;  // Still allowed to be pending.
    RC_ASSERT(call.completions == 1);
    RC_ASSERT(call.completed_ns <= call.deadline_ns);
  }
}

}  // namespace
}  // namespace sim
