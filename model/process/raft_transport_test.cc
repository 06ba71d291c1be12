// RaftTransport over a simulated world (reference §4.7): the health check at peer start, strictly
// sequential sends with a send_timeout deadline, a bounded queue, a failed send failing what is
// queued behind it, and active / longest-active bookkeeping.
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "model/process/raft_transport.h"
#include "model/process/wire.h"
#include "sim/lambda_process.h"
#include "sim/world.h"

namespace swarmsim {
namespace process {
namespace {

struct Result {
  sim::Time at;
  uint64_t index = 0;
  sim::StatusCode code = sim::StatusCode::kOk;
};

raft::Message Msg(uint64_t index) {
  raft::Message m;
  m.type = raft::MessageType::kApp;
  m.from = 1;
  m.to = 2;
  m.term = 1;
  m.index = index;
  return m;
}

// Host "b" answers health checks at once and holds Raft messages unanswered while `silent`,
// else answers them at once; host "a" only hosts the transport (driven from the test).
TEST(RaftTransportTest, SequentialSendsBoundedQueueAndFailures) {
  sim::World world;
  auto silent = std::make_shared<bool>(true);
  auto received = std::make_shared<std::vector<uint64_t>>();
  sim::LambdaProcessSpec b;
  b.on_start = [silent, received](sim::Context& ctx) {
    ctx.Serve(kHealthMethod, [](sim::Context& c, sim::ServerCallId call, const sim::Payload&) {
      c.Reply(call, sim::RpcStatus::Ok());
    });
    ctx.Serve(kRaftMessageMethod,
              [silent, received](sim::Context& c, sim::ServerCallId call, const sim::Payload& p) {
                received->push_back(p.As<raft::Message>().index);
                if (!*silent) c.Reply(call, sim::RpcStatus::Ok());
              });
  };
  const sim::HostId ha = world.AddHost("a", sim::LambdaFactory(sim::LambdaProcessSpec()));
  const sim::HostId hb = world.AddHost("b", sim::LambdaFactory(b));
  world.StartHost(ha);
  world.StartHost(hb);
  sim::Context& ctx = world.host(ha).context();

  std::vector<Result> results;
  RaftTransportOptions options;
  options.self = 1;
  options.peer_queue_max = 2;
  RaftTransport transport(options, [&](sim::Context& c, const raft::Message& m,
                                       const sim::RpcStatus& s) {
    results.push_back(Result{c.LocalNow(), m.index, s.code});
  });
  transport.AddPeer(ctx, 2, hb);
  EXPECT_FALSE(transport.Active(2));
  world.RunFor(absl::Milliseconds(10));  // The health check answers in ~2 ms.
  EXPECT_TRUE(transport.Active(2));
  EXPECT_EQ(transport.LongestActive(), std::optional<uint64_t>(2));

  const sim::Time t0 = world.now();
  EXPECT_TRUE(transport.Send(ctx, Msg(1)));   // In flight.
  EXPECT_TRUE(transport.Send(ctx, Msg(2)));   // Queued.
  EXPECT_TRUE(transport.Send(ctx, Msg(3)));   // Queued.
  EXPECT_FALSE(transport.Send(ctx, Msg(4)));  // Queue full: refused.
  world.RunFor(absl::Seconds(1));
  EXPECT_EQ(*received, (std::vector<uint64_t>{1}));  // One RPC at a time.
  EXPECT_TRUE(results.empty());
  world.RunFor(absl::Seconds(2));
  // The first send times out at t0 + 2 s; the two behind it fail with it.
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].index, 1u);
  EXPECT_EQ(results[0].code, sim::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(results[0].at, t0 + absl::Seconds(2));
  EXPECT_EQ(results[1].code, sim::StatusCode::kUnavailable);
  EXPECT_EQ(results[2].code, sim::StatusCode::kUnavailable);
  EXPECT_FALSE(transport.Active(2));
  EXPECT_EQ(transport.LongestActive(), std::nullopt);

  // The peer answers again: the next send (on a fresh connection) succeeds and re-activates it.
  *silent = false;
  EXPECT_TRUE(transport.Send(ctx, Msg(5)));
  world.RunFor(absl::Milliseconds(10));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[3].index, 5u);
  EXPECT_EQ(results[3].code, sim::StatusCode::kOk);
  EXPECT_TRUE(transport.Active(2));

  // A stopped peer host closes the connection: the send fails UNAVAILABLE.
  world.StopHost(hb);
  EXPECT_TRUE(transport.Send(ctx, Msg(6)));
  world.RunFor(absl::Milliseconds(10));
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[4].code, sim::StatusCode::kUnavailable);
  EXPECT_FALSE(transport.Active(2));
  transport.Stop(ctx);
  EXPECT_FALSE(transport.Send(ctx, Msg(7)));
}

}  // namespace
}  // namespace process
}  // namespace swarmsim
