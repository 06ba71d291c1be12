// RaftTransport over a simulated world (reference §4.7, §10.1): the health check at peer start,
// strictly sequential sends with a send_timeout deadline, a bounded queue, each queued message
// timing out on its own on one long-lived connection, traffic after a heal waiting for TCP's
// next retransmission, a restarted peer's reset and the redial, and active / longest-active
// bookkeeping.
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
class TransportFixture {
 public:
  TransportFixture()
      : silent_(std::make_shared<bool>(false)),
        received_(std::make_shared<std::vector<Received>>()) {
    sim::LambdaProcessSpec b;
    b.on_start = [silent = silent_, received = received_](sim::Context& ctx) {
      ctx.Serve(kHealthMethod, [](sim::Context& c, sim::ServerCallId call, const sim::Payload&) {
        c.Reply(call, sim::RpcStatus::Ok());
      });
      ctx.Serve(kRaftMessageMethod, [silent, received](sim::Context& c, sim::ServerCallId call,
                                                       const sim::Payload& p) {
        received->push_back(Received{c.LocalNow(), p.As<raft::Message>().index});
        if (!*silent) c.Reply(call, sim::RpcStatus::Ok());
      });
    };
    a_ = world_.AddHost("a", sim::LambdaFactory(sim::LambdaProcessSpec()));
    b_ = world_.AddHost("b", sim::LambdaFactory(b));
    world_.StartHost(a_);
    world_.StartHost(b_);
  }
  struct Received {
    sim::Time at;
    uint64_t index = 0;
  };

  // A transport on "a" with peer 2 at "b", health-checked and active.
  std::unique_ptr<RaftTransport> Start(uint64_t queue_max = 4096) {
    RaftTransportOptions options;
    options.self = 1;
    options.peer_queue_max = queue_max;
    auto transport = std::make_unique<RaftTransport>(
        options, [this](sim::Context& c, const raft::Message& m, const sim::RpcStatus& s) {
          results_.push_back(Result{c.LocalNow(), m.index, s.code});
        });
    transport->AddPeer(ctx(), 2, b_);
    EXPECT_FALSE(transport->Active(2));
    world_.RunFor(absl::Milliseconds(10));  // The health check answers in ~2 ms.
    EXPECT_TRUE(transport->Active(2));
    return transport;
  }
  // Schedules a send at `at`.
  void SendAt(RaftTransport& transport, sim::Time at, uint64_t index) {
    world_.At(at, [this, &transport, index] { EXPECT_TRUE(transport.Send(ctx(), Msg(index))); });
  }

  sim::World& world() { return world_; }
  sim::Context& ctx() { return world_.host(a_).context(); }
  sim::HostId b() const { return b_; }
  // Connections "a" holds (it dials, never accepts): one per dial not yet closed.
  std::size_t a_conns() { return world_.host(a_).rpc().conn_count(); }
  void set_silent(bool silent) { *silent_ = silent; }
  const std::vector<Received>& received() const { return *received_; }
  const std::vector<Result>& results() const { return results_; }

 private:
  sim::World world_;
  sim::HostId a_ = sim::kNoHost;
  sim::HostId b_ = sim::kNoHost;
  std::shared_ptr<bool> silent_;
  std::shared_ptr<std::vector<Received>> received_;
  std::vector<Result> results_;
};

TEST(RaftTransportTest, SendsOneAtATimeAndAFullQueueRefuses) {
  TransportFixture f;
  std::unique_ptr<RaftTransport> transport = f.Start(/*queue_max=*/2);
  EXPECT_EQ(transport->LongestActive(), std::optional<uint64_t>(2));
  f.set_silent(true);
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(1)));   // In flight.
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(2)));   // Queued.
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(3)));   // Queued.
  EXPECT_FALSE(transport->Send(f.ctx(), Msg(4)));  // Queue full: refused.
  f.world().RunFor(absl::Seconds(1));
  ASSERT_EQ(f.received().size(), 1u);  // One RPC at a time.
  EXPECT_EQ(f.received()[0].index, 1u);
  EXPECT_TRUE(f.results().empty());
}

// SwarmKit's peer.run: a message that makes no progress for SendTimeout fails alone (peer
// inactive, reported); the connection stays and each message behind it is tried on it in turn.
TEST(RaftTransportTest, EachQueuedMessageTimesOutOnItsOwnOnTheSameConnection) {
  TransportFixture f;
  std::unique_ptr<RaftTransport> transport = f.Start();
  f.set_silent(true);
  const sim::Time t0 = f.world().now();
  for (uint64_t i = 1; i <= 3; ++i) EXPECT_TRUE(transport->Send(f.ctx(), Msg(i)));
  f.world().RunFor(absl::Milliseconds(6100));
  ASSERT_EQ(f.results().size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(f.results()[i].index, i + 1);
    EXPECT_EQ(f.results()[i].code, sim::StatusCode::kDeadlineExceeded);
    EXPECT_EQ(f.results()[i].at, t0 + absl::Seconds(2 * (i + 1)));
  }
  // Every message reached the peer: none was dropped from the queue.
  ASSERT_EQ(f.received().size(), 3u);
  EXPECT_FALSE(transport->Active(2));
  EXPECT_EQ(transport->LongestActive(), std::nullopt);
  EXPECT_EQ(f.a_conns(), 1u);  // Never closed, never redialled.

  // The peer answers again: the next message, on the same connection, re-activates it.
  f.set_silent(false);
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(4)));
  f.world().RunFor(absl::Milliseconds(10));
  ASSERT_EQ(f.results().size(), 4u);
  EXPECT_EQ(f.results()[3].code, sim::StatusCode::kOk);
  EXPECT_TRUE(transport->Active(2));
  EXPECT_EQ(f.a_conns(), 1u);
}

// §10.1: no keepalive, so a connection black-holed for a minute is still the peer's connection
// after the heal, and nothing on it arrives before TCP retransmits the oldest segment (sent at
// the cut, retransmitted 0.2 s, 0.6 s, ... 51 s, 102.2 s after it): ~42 s after the heal.
TEST(RaftTransportTest, AfterAMinuteLongPartitionTrafficWaitsForTheNextRetransmission) {
  TransportFixture f;
  std::unique_ptr<RaftTransport> transport = f.Start();
  const sim::Time cut = f.world().now();
  f.world().network().Isolate(f.b());
  for (int s = 0; s < 70; s += 5) f.SendAt(*transport, cut + absl::Seconds(s), 100 + s);
  f.world().At(cut + absl::Seconds(60), [&f] { f.world().network().Unisolate(f.b()); });
  f.world().RunUntil(cut + absl::Seconds(95));
  EXPECT_TRUE(f.received().empty());
  EXPECT_EQ(f.a_conns(), 1u);
  for (const Result& r : f.results()) EXPECT_EQ(r.code, sim::StatusCode::kDeadlineExceeded);
  f.world().RunUntil(cut + absl::Seconds(130));
  // Everything sent arrives (in order, none dropped) at the first retransmissions after the
  // heal, each message having timed out on its own.
  ASSERT_EQ(f.received().size(), 14u);
  EXPECT_GE(f.received()[0].at, cut + absl::Seconds(102));
  for (std::size_t i = 0; i < f.received().size(); ++i) {
    EXPECT_EQ(f.received()[i].index, 100 + 5 * i);
  }
  ASSERT_EQ(f.results().size(), 14u);
  for (const Result& r : f.results()) EXPECT_EQ(r.code, sim::StatusCode::kDeadlineExceeded);
  // The same connection carries the next message at once.
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(200)));
  f.world().RunFor(absl::Milliseconds(10));
  ASSERT_EQ(f.results().size(), 15u);
  EXPECT_EQ(f.results().back().code, sim::StatusCode::kOk);
  EXPECT_TRUE(transport->Active(2));
  EXPECT_EQ(f.a_conns(), 1u);
}

// §10.1: a peer that was power-cycled answers the old connection's next packet with a reset; the
// message on it fails at once (not at its deadline) and the next one goes out on a fresh dial.
TEST(RaftTransportTest, RestartedPeerResetsTheConnectionAndTheNextMessageRedials) {
  TransportFixture f;
  std::unique_ptr<RaftTransport> transport = f.Start();
  const sim::Time t0 = f.world().now();
  f.world().CrashHost(f.b());
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(1)));  // Lost with the host: times out.
  f.world().RunFor(absl::Seconds(3));
  f.world().RestartHost(f.b());
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(2)));  // Meets the new incarnation: reset.
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(3)));  // Queued: sent on a fresh connection.
  f.world().RunFor(absl::Milliseconds(100));
  ASSERT_EQ(f.results().size(), 3u);
  EXPECT_EQ(f.results()[0].code, sim::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(f.results()[0].at, t0 + absl::Seconds(2));
  EXPECT_EQ(f.results()[1].code, sim::StatusCode::kUnavailable);
  EXPECT_LT(f.results()[1].at, t0 + absl::Seconds(3) + absl::Milliseconds(10));
  EXPECT_EQ(f.results()[2].index, 3u);
  EXPECT_EQ(f.results()[2].code, sim::StatusCode::kOk);
  ASSERT_EQ(f.received().size(), 1u);
  EXPECT_EQ(f.received()[0].index, 3u);
  EXPECT_TRUE(transport->Active(2));
  EXPECT_EQ(f.a_conns(), 1u);  // The reset one is gone; the redial is the only one.
}

// A gracefully stopped peer closes the connection: the message fails UNAVAILABLE at once.
TEST(RaftTransportTest, StoppedPeerFailsTheSendAndStopRefusesMore) {
  TransportFixture f;
  std::unique_ptr<RaftTransport> transport = f.Start();
  f.world().StopHost(f.b());
  EXPECT_TRUE(transport->Send(f.ctx(), Msg(6)));
  f.world().RunFor(absl::Milliseconds(10));
  ASSERT_EQ(f.results().size(), 1u);
  EXPECT_EQ(f.results()[0].code, sim::StatusCode::kUnavailable);
  EXPECT_FALSE(transport->Active(2));
  transport->Stop(f.ctx());
  EXPECT_FALSE(transport->Send(f.ctx(), Msg(7)));
}

}  // namespace
}  // namespace process
}  // namespace swarmsim
