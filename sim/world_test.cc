// Hosts, timers, disks and bounds, driven through the world.
#include "sim/world.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/lambda_process.h"

namespace sim {
namespace {

Time Sec(int64_t s) { return Time::FromNanos(s * 1000000000); }

TEST(WorldTest, EqualTimeEventsRunInSchedulingOrder) {
  World world;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) world.At(Sec(1), [&order, i] { order.push_back(i); });
  world.RunUntil(Sec(2));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(WorldTest, EqualTimeTimersFireInSettingOrder) {
  World world;
  std::vector<TimerKey> fired;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    ctx.SetTimer(3, absl::Seconds(1));
    ctx.SetTimer(1, absl::Seconds(1));
    ctx.SetTimer(2, absl::Seconds(1));
  };
  spec.on_timer = [&](Context&, TimerKey key) { fired.push_back(key); };
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  world.RunUntil(Sec(5));
  EXPECT_EQ(fired, (std::vector<TimerKey>{3, 1, 2}));
}

TEST(WorldTest, SupersededTimerIsIgnored) {
  World world;
  std::vector<int64_t> fired_at;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    ctx.SetTimer(7, absl::Seconds(1));
    ctx.SetTimer(7, absl::Seconds(3));  // Supersedes the 1 s deadline.
  };
  spec.on_timer = [&](Context& ctx, TimerKey) { fired_at.push_back(ctx.LocalNow().nanos()); };
  world.StartHost(world.AddHost("h", LambdaFactory(spec)));
  world.RunUntil(Sec(10));
  EXPECT_EQ(fired_at, (std::vector<int64_t>{Sec(3).nanos()}));
}

TEST(WorldTest, TimerPushedLaterCostsNoEventAndFiresAtTheNewDeadline) {
  World world;
  std::vector<int64_t> fired_at;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) { ctx.SetTimer(7, absl::Seconds(1)); };
  spec.on_timer = [&](Context& ctx, TimerKey) { fired_at.push_back(ctx.LocalNow().nanos()); };
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  // Pushed back nine times before it is due: one queued event, moved once when it comes up.
  for (int i = 1; i <= 9; ++i) {
    world.At(Time::FromNanos(i * 100000000), [&world, h, i] {
      world.host(h).context().SetTimer(7, absl::Seconds(2) + absl::Milliseconds(i));
    });
  }
  world.RunUntil(Time::FromNanos(950000000));
  EXPECT_EQ(world.queue_size(), 1u);  // Still the one event from on_start.
  world.RunUntil(Sec(10));
  EXPECT_EQ(fired_at, (std::vector<int64_t>{Time::FromNanos(900000000).nanos() +
                                            absl::ToInt64Nanoseconds(absl::Seconds(2) +
                                                                     absl::Milliseconds(9))}));
  EXPECT_EQ(world.event_stats().moved_timers, 1u);
  EXPECT_EQ(world.event_stats().stale_timers, 0u);
}

TEST(WorldTest, TimerPulledEarlierFiresOnceAtTheEarlierDeadline) {
  World world;
  std::vector<int64_t> fired_at;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    ctx.SetTimer(7, absl::Seconds(5));
    ctx.SetTimer(7, absl::Seconds(2));
  };
  spec.on_timer = [&](Context& ctx, TimerKey) { fired_at.push_back(ctx.LocalNow().nanos()); };
  world.StartHost(world.AddHost("h", LambdaFactory(spec)));
  world.RunUntil(Sec(10));
  EXPECT_EQ(fired_at, (std::vector<int64_t>{Sec(2).nanos()}));
  EXPECT_EQ(world.event_stats().stale_timers, 1u);  // The 5 s event, skipped.
}

TEST(WorldTest, PushedBackTimerOfAPausedHostReplaysInTheOrderOfItsDeadline) {
  // A moved timer is re-queued even while its host is paused, so on resume it runs where its
  // deadline puts it among the held events: after a message that arrived before it.
  World world;
  std::vector<std::string> order;
  LambdaProcessSpec receiver;
  receiver.on_start = [](Context& ctx) { ctx.SetTimer(1, absl::Seconds(1)); };
  receiver.on_timer = [&](Context&, TimerKey) { order.push_back("timer"); };
  receiver.on_message = [&](Context&, const Message&) { order.push_back("message"); };
  LambdaProcessSpec sender;
  const HostId r = world.AddHost("r", LambdaFactory(receiver));
  const HostId s = world.AddHost("s", LambdaFactory(sender));
  world.StartHost(r);
  world.StartHost(s);
  world.At(Time::FromNanos(500000000), [&] {
    world.host(r).context().SetTimer(1, absl::Seconds(3));  // Due at 3.5 s.
    world.PauseHost(r);
  });
  world.At(Sec(2), [&] { world.host(s).context().Send(r, "m", Payload::Bytes("x")); });
  world.At(Sec(5), [&] { world.ResumeHost(r); });
  world.RunUntil(Sec(10));
  EXPECT_EQ(order, (std::vector<std::string>{"message", "timer"}));
}

TEST(WorldTest, CancelledHostActionNeverRunsAndItsSlotIsReused) {
  World world;
  LambdaProcessSpec spec;
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  std::vector<std::string> ran;
  const HostActionId first = world.PostToHost(world.host(h), absl::Seconds(1),
                                              [&](Context&) { ran.push_back("first"); });
  world.CancelHostAction(first);
  world.PostToHost(world.host(h), absl::Seconds(2), [&](Context&) { ran.push_back("second"); });
  world.CancelHostAction(first);  // Already cancelled: must not touch the reused slot.
  world.RunUntil(Sec(5));
  EXPECT_EQ(ran, (std::vector<std::string>{"second"}));
  EXPECT_EQ(world.event_stats().stale_host_actions, 1u);
}

TEST(WorldTest, CancelledTimerNeverFires) {
  World world;
  int fired = 0;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    ctx.SetTimer(1, absl::Seconds(1));
    EXPECT_TRUE(ctx.TimerPending(1));
    ctx.CancelTimer(1);
    EXPECT_FALSE(ctx.TimerPending(1));
  };
  spec.on_timer = [&](Context&, TimerKey) { ++fired; };
  world.StartHost(world.AddHost("h", LambdaFactory(spec)));
  world.RunUntil(Sec(10));
  EXPECT_EQ(fired, 0);
}

TEST(WorldTest, RepeatingTimerTicks) {
  World world;
  int ticks = 0;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) { ctx.SetTimer(0, absl::Seconds(1)); };
  spec.on_timer = [&](Context& ctx, TimerKey) {
    ++ticks;
    ctx.SetTimer(0, absl::Seconds(1));
  };
  world.StartHost(world.AddHost("h", LambdaFactory(spec)));
  world.RunUntil(Sec(10));
  EXPECT_EQ(ticks, 10);
}

TEST(WorldTest, TimerInLocalTimeFollowsHostDrift) {
  World world;
  int64_t fired_world_ns = -1;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) { ctx.SetTimer(0, absl::Seconds(100)); };
  spec.on_timer = [&](Context&, TimerKey) { fired_world_ns = world.now().nanos(); };
  // A clock running 10,000 ppm (1%) fast: 100 local seconds pass in ~99.0099 world seconds.
  world.StartHost(
      world.AddHost("fast", LambdaFactory(spec), HostClock(absl::ZeroDuration(), 10000)));
  world.RunUntil(Sec(200));
  EXPECT_EQ(fired_world_ns, 99009900991);
}

TEST(WorldTest, SkewedHostReadsItsOwnClock) {
  World world;
  std::vector<int64_t> readings;
  LambdaProcessSpec spec;
  spec.on_start = [&](Context& ctx) { readings.push_back(ctx.LocalNow().nanos()); };
  const HostId a = world.AddHost("a", LambdaFactory(spec), HostClock(absl::Seconds(-3), 0));
  const HostId b = world.AddHost("b", LambdaFactory(spec), HostClock(absl::Seconds(7), 0));
  world.At(Sec(10), [&] {
    world.StartHost(a);
    world.StartHost(b);
  });
  world.RunUntil(Sec(11));
  EXPECT_EQ(readings, (std::vector<int64_t>{Sec(7).nanos(), Sec(17).nanos()}));
}

TEST(WorldTest, SetTimerAtUsesLocalDeadline) {
  World world;
  int64_t fired_world_ns = -1;
  LambdaProcessSpec spec;
  // Local clock is 5 s ahead: local deadline 8 s is world time 3 s.
  spec.on_start = [](Context& ctx) { ctx.SetTimerAt(0, Sec(8)); };
  spec.on_timer = [&](Context&, TimerKey) { fired_world_ns = world.now().nanos(); };
  world.StartHost(world.AddHost("h", LambdaFactory(spec), HostClock(absl::Seconds(5), 0)));
  world.RunUntil(Sec(10));
  EXPECT_EQ(fired_world_ns, Sec(3).nanos());
}

TEST(WorldTest, CrashLosesUnsyncedWrites) {
  World world;
  std::vector<std::string> seen_at_start;
  LambdaProcessSpec spec;
  spec.on_start = [&](Context& ctx) {
    const std::string* v = ctx.disk().Read("k");
    seen_at_start.push_back(v ? *v : "<none>");
    if (ctx.incarnation() == 1) {
      ctx.disk().Write("k", "synced");
      ctx.disk().Sync();
      ctx.disk().Write("k", "unsynced");
    }
  };
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  world.At(Sec(1), [&] { world.CrashHost(h); });
  world.At(Sec(2), [&] { world.StartHost(h); });
  world.RunUntil(Sec(3));
  EXPECT_EQ(seen_at_start, (std::vector<std::string>{"<none>", "synced"}));
}

TEST(WorldTest, GracefulStopKeepsUnsyncedWrites) {
  World world;
  std::vector<std::string> seen_at_start;
  LambdaProcessSpec spec;
  spec.on_start = [&](Context& ctx) {
    const std::string* v = ctx.disk().Read("k");
    seen_at_start.push_back(v ? *v : "<none>");
    ctx.disk().Write("k", "written");
  };
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  world.At(Sec(1), [&] { world.StopHost(h); });
  world.At(Sec(2), [&] { world.StartHost(h); });
  world.RunUntil(Sec(3));
  EXPECT_EQ(seen_at_start, (std::vector<std::string>{"<none>", "written"}));
}

TEST(WorldTest, RestartCreatesFreshProcessAndDropsOldTimers) {
  World world;
  int starts = 0;
  std::vector<std::pair<uint64_t, TimerKey>> fired;
  LambdaProcessSpec spec;
  spec.on_start = [&](Context& ctx) {
    ++starts;
    ctx.SetTimer(ctx.incarnation(), absl::Seconds(2));
  };
  spec.on_timer = [&](Context& ctx, TimerKey key) { fired.push_back({ctx.incarnation(), key}); };
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  world.At(Sec(1), [&] { world.RestartHost(h); });
  world.RunUntil(Sec(10));
  EXPECT_EQ(starts, 2);
  // The first incarnation's timer (due at 2 s) never fires; the second's fires at 3 s.
  EXPECT_EQ(fired, (std::vector<std::pair<uint64_t, TimerKey>>{{2, 2}}));
}

TEST(WorldTest, StopRunsOnStopAndCrashDoesNot) {
  World world;
  int stops = 0;
  LambdaProcessSpec spec;
  spec.on_stop = [&](Context&) { ++stops; };
  const HostId a = world.AddHost("a", LambdaFactory(spec));
  const HostId b = world.AddHost("b", LambdaFactory(spec));
  world.StartHost(a);
  world.StartHost(b);
  world.StopHost(a);
  world.CrashHost(b);
  EXPECT_EQ(stops, 1);
  EXPECT_EQ(world.host(a).state(), HostState::kStopped);
  EXPECT_EQ(world.host(b).state(), HostState::kCrashed);
}

TEST(WorldTest, PausedHostTimersFireLateOnResume) {
  World world;
  std::vector<std::pair<TimerKey, int64_t>> fired;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    ctx.SetTimer(1, absl::Seconds(1));
    ctx.SetTimer(2, absl::Seconds(2));
    ctx.SetTimer(3, absl::Seconds(10));
  };
  spec.on_timer = [&](Context&, TimerKey key) { fired.push_back({key, world.now().nanos()}); };
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  world.At(Sec(0) + absl::Milliseconds(500), [&] { world.PauseHost(h); });
  world.At(Sec(5), [&] { world.ResumeHost(h); });
  world.RunUntil(Sec(20));
  const std::vector<std::pair<TimerKey, int64_t>> expected = {
      {1, Sec(5).nanos()}, {2, Sec(5).nanos()}, {3, Sec(10).nanos()}};
  EXPECT_EQ(fired, expected);
}

TEST(WorldTest, PausedHostReceivesMessagesOnResume) {
  World world;
  std::vector<int64_t> received_at;
  LambdaProcessSpec receiver;
  receiver.on_message = [&](Context&, const Message&) {
    received_at.push_back(world.now().nanos());
  };
  LambdaProcessSpec sender;
  sender.on_start = [](Context& ctx) { ctx.Send(1, "hello", Payload::Bytes("x")); };
  const HostId s = world.AddHost("s", LambdaFactory(sender));
  const HostId r = world.AddHost("r", LambdaFactory(receiver));
  world.StartHost(r);
  world.PauseHost(r);
  world.StartHost(s);
  world.At(Sec(3), [&] { world.ResumeHost(r); });
  world.RunUntil(Sec(5));
  EXPECT_EQ(received_at, (std::vector<int64_t>{Sec(3).nanos()}));
}

TEST(WorldTest, HostStreamsAreIndependentOfOtherHosts) {
  // Streams are forked by host id: host 0 draws the same in any world of the same seed.
  World w1, w2;
  uint64_t a = 0, b = 0;
  LambdaProcessSpec s1, s2;
  s1.on_start = [&a](Context& ctx) { a = ctx.prng().Next(); };
  s2.on_start = [&b](Context& ctx) { b = ctx.prng().Next(); };
  const HostId h1 = w1.AddHost("t", LambdaFactory(s1));
  const HostId h2 = w2.AddHost("t", LambdaFactory(s2));
  w2.AddHost("other", LambdaFactory(LambdaProcessSpec()));
  w2.StartHost(1);
  w1.StartHost(h1);
  w2.StartHost(h2);
  EXPECT_EQ(a, b);
}

TEST(WorldTest, BuggifyIsOffByDefaultAndTracedWhenForced) {
  World world;
  std::vector<bool> answers;
  LambdaProcessSpec spec;
  spec.on_start = [&](Context& ctx) {
    answers.push_back(ctx.Buggify("test.site"));
    answers.push_back(ctx.Buggify("test.forced"));
  };
  world.fault_points().Force("test.forced", Ratio::Always());
  world.StartHost(world.AddHost("h", LambdaFactory(spec)));
  EXPECT_EQ(answers, (std::vector<bool>{false, true}));
  const TraceRecord last = world.trace().Get(world.trace().size() - 1);
  EXPECT_EQ(last.kind, "buggify");
  EXPECT_EQ(last.Str("site"), "test.forced");
}

TEST(WorldTest, StopWhilePausedRunsOnStopAndDropsHeldEvents) {
  World world;
  int stops = 0, timers = 0;
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) { ctx.SetTimer(0, absl::Seconds(1)); };
  spec.on_timer = [&](Context&, TimerKey) { ++timers; };
  spec.on_stop = [&](Context&) { ++stops; };
  const HostId h = world.AddHost("h", LambdaFactory(spec));
  world.StartHost(h);
  world.PauseHost(h);
  world.At(Sec(2), [&] { world.StopHost(h); });
  world.RunUntil(Sec(5));
  EXPECT_EQ(stops, 1);
  EXPECT_EQ(timers, 0);
  EXPECT_EQ(world.host(h).state(), HostState::kStopped);
}

TEST(WorldTest, TraceStartsWithTheSeed) {
  WorldOptions options;
  options.seed = 99;
  World world(options);
  const TraceRecord first = world.trace().Get(0);
  EXPECT_EQ(first.kind, "world.start");
  EXPECT_EQ(first.Int("seed"), 99);
}

TEST(WorldDeathTest, ActingOnAStoppedHostFails) {
  World world;
  const HostId h = world.AddHost("h", LambdaFactory(LambdaProcessSpec()));
  EXPECT_DEATH(world.host(h).context().SetTimer(0, absl::Seconds(1)), "h is stopped");
}

TEST(WorldDeathTest, EventCountBoundFailsLoudly) {
  WorldOptions options;
  options.event_count_max = 100;
  World world(options);
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) { ctx.SetTimer(0, absl::Milliseconds(1)); };
  spec.on_timer = [](Context& ctx, TimerKey) { ctx.SetTimer(0, absl::Milliseconds(1)); };
  world.StartHost(world.AddHost("livelock", LambdaFactory(spec)));
  EXPECT_DEATH(world.RunUntil(Sec(10)), "event_count_max");
}

TEST(WorldDeathTest, QueueSizeBoundFailsLoudly) {
  WorldOptions options;
  options.queue_size_max = 10;
  World world(options);
  LambdaProcessSpec spec;
  spec.on_start = [](Context& ctx) {
    for (TimerKey k = 0; k < 100; ++k) ctx.SetTimer(k, absl::Seconds(1));
  };
  const HostId h = world.AddHost("flood", LambdaFactory(spec));
  EXPECT_DEATH(world.StartHost(h), "queue_size_max");
}

TEST(WorldTest, RunUntilAdvancesTimeEvenWhenIdle) {
  World world;
  world.RunUntil(Sec(42));
  EXPECT_EQ(world.now(), Sec(42));
  world.RunFor(absl::Seconds(1));
  EXPECT_EQ(world.now(), Sec(43));
}

}  // namespace
}  // namespace sim
