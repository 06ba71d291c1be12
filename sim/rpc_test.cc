// The RPC layer: normal operation, and one test per row of the failure table in rpc.h.
#include "sim/rpc.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/lambda_process.h"
#include "sim/world.h"

namespace sim {
namespace {

Time Ms(int64_t ms) { return Time::FromNanos(ms * 1000000); }
Time Sec(int64_t s) { return Ms(s * 1000); }

struct Outcome {
  StatusCode code = StatusCode::kOk;
  std::string message;
  std::string body;
  int64_t at_ns = 0;
};

// Host 0 serves:
//   Echo      unary, answers at once with the request bytes.
//   Slow      unary, answers "late" 5 s (server-local) after the request.
//   Watch     stream, pushes "tick" every second; finishes OK after 3 ticks if the request
//             says "finite".
// Host 1 is the client; tests drive it through world actions.
class RpcFixture : public ::testing::Test {
 protected:
  RpcFixture() {
    LambdaProcessSpec server;
    server.on_start = [this](Context& ctx) {
      ctx.Serve("Echo", [](Context& c, ServerCallId call, const Payload& req) {
        c.Reply(call, RpcStatus::Ok(), Payload::Bytes(req.bytes()));
      });
      ctx.Serve("WhoAmI", [](Context& c, ServerCallId call, const Payload&) {
        c.Reply(call, RpcStatus::Ok(), Payload::Bytes(std::to_string(c.ServerCallPeer(call))));
      });
      ctx.Serve("Slow", [this](Context& c, ServerCallId call, const Payload&) {
        c.SetTimer(call, absl::Seconds(5));
        c.OnServerCallCancelled(call,
                                [this, call](Context&) { server_cancelled_.push_back(call); });
      });
      ctx.ServeStream("Watch", [this](Context& c, ServerCallId call, const Payload& req) {
        streams_.push_back({call, req.bytes() == "finite" ? 3 : -1});
        c.SetTimer(call, absl::Seconds(1));
        c.OnServerCallCancelled(call,
                                [this, call](Context&) { server_cancelled_.push_back(call); });
      });
    };
    server.on_timer = [this](Context& c, TimerKey key) {
      for (auto& s : streams_) {
        if (s.first != key) continue;
        if (!c.StreamSend(key, Payload::Bytes("tick"))) return;
        if (s.second > 0 && --s.second == 0) {
          c.StreamFinish(key, RpcStatus::Ok());
          return;
        }
        c.SetTimer(key, absl::Seconds(1));
        return;
      }
      replies_.push_back(c.Reply(key, RpcStatus::Ok(), Payload::Bytes("late")));
    };
    server_ = world_.AddHost("server", LambdaFactory(server));
    client_ = world_.AddHost("client", LambdaFactory(LambdaProcessSpec()));
    LinkConfig link;
    link.latency = absl::Milliseconds(1);
    link.jitter = absl::ZeroDuration();
    world_.network().set_default_link(link);
    world_.StartHost(server_);
    world_.StartHost(client_);
  }

  Context& client() { return world_.host(client_).context(); }

  // Dials at `at`; the conn id is stored in conn_.
  void DialAt(Time at, DialOptions options = DialOptions()) {
    world_.At(at, [this, options] {
      DialOptions o = options;
      o.on_state = [this](Context&, ConnState state, const RpcStatus& status) {
        conn_states_.push_back({state, status.code});
      };
      conn_ = client().Dial(server_, o);
    });
  }
  void CallAt(Time at, const std::string& method, absl::Duration timeout,
              const std::string& body = "hi") {
    world_.At(at, [this, method, timeout, body] {
      last_call_id_ = client().Call(
          conn_, method, Payload::Bytes(body), timeout,
          [this](Context&, const RpcStatus& s, const Payload& resp) {
            outcomes_.push_back({s.code, s.message, resp.bytes(), world_.now().nanos()});
          });
    });
  }
  void StreamAt(Time at, const std::string& body, absl::Duration timeout = absl::ZeroDuration()) {
    world_.At(at, [this, body, timeout] {
      StreamCallbacks cb;
      cb.on_message = [this](Context&, const Payload& m) {
        stream_messages_.push_back(world_.now().nanos());
        (void)m;
      };
      cb.on_done = [this](Context&, const RpcStatus& s) {
        outcomes_.push_back({s.code, s.message, "", world_.now().nanos()});
      };
      stream_call_ = client().OpenStream(conn_, "Watch", Payload::Bytes(body), timeout, cb);
    });
  }

  World world_;
  HostId server_ = 0;
  HostId client_ = 0;
  ConnId conn_ = 0;
  CallId stream_call_ = 0;
  CallId last_call_id_ = 0;
  std::vector<Outcome> outcomes_;
  std::vector<int64_t> stream_messages_;
  std::vector<std::pair<ConnState, StatusCode>> conn_states_;
  std::vector<std::pair<ServerCallId, int>> streams_;
  std::vector<ServerCallId> server_cancelled_;
  std::vector<bool> replies_;
};

// --- Normal operation -----------------------------------------------------------------------

TEST_F(RpcFixture, UnaryCallGetsTheAnswerAfterOneRoundTrip) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Echo", absl::Seconds(1), "ping");
  world_.RunUntil(Sec(1));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[0].body, "ping");
  EXPECT_EQ(outcomes_[0].at_ns, Ms(12).nanos());
  ASSERT_EQ(conn_states_.size(), 1u);
  EXPECT_EQ(conn_states_[0].first, ConnState::kReady);
}

TEST_F(RpcFixture, AnsweredCallCancelsItsDeadline) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Echo", absl::Seconds(1), "ping");
  world_.RunUntil(Sec(5));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  // The deadline's event was still queued when the answer came: skipped, never run.
  EXPECT_EQ(world_.event_stats().stale_host_actions, 1u);
}

TEST_F(RpcFixture, ClosingAConnFailsItsCallsInCallOrderAndNoOthers) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Slow", absl::Seconds(30), "a");
  CallAt(Ms(11), "Slow", absl::Seconds(30), "b");
  ConnId first = 0;
  world_.At(Ms(20), [&] {
    first = conn_;
    DialOptions o;
    conn_ = client().Dial(server_, o);
  });
  CallAt(Ms(30), "Slow", absl::Seconds(30), "c");
  world_.At(Ms(40), [&] { client().CloseConn(first); });
  world_.RunUntil(Sec(1));
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kCancelled);
  EXPECT_EQ(outcomes_[1].code, StatusCode::kCancelled);
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 3u);  // "c", on the other conn, is answered.
  EXPECT_EQ(outcomes_[2].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[2].body, "late");
}

TEST_F(RpcFixture, CallsMadeWhileConnectingAreSentOnceReady) {
  DialAt(Ms(0));
  CallAt(Ms(0), "Echo", absl::Seconds(1));
  world_.RunUntil(Sec(1));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(4).nanos());  // Handshake (2 ms) + call (2 ms).
}

TEST_F(RpcFixture, ServerCanAnswerLaterAsynchronously) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Slow", absl::Seconds(10));
  world_.RunUntil(Sec(20));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[0].body, "late");
  EXPECT_EQ(outcomes_[0].at_ns, Ms(5012).nanos());
}

TEST_F(RpcFixture, ServerStreamPushesUntilItFinishes) {
  DialAt(Ms(0));
  StreamAt(Ms(10), "finite");
  world_.RunUntil(Sec(10));
  EXPECT_EQ(stream_messages_.size(), 3u);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
}

TEST_F(RpcFixture, RpcsSurviveLossThroughRetransmissionInOrder) {
  LinkConfig lossy;
  lossy.latency = absl::Milliseconds(1);
  lossy.loss = Ratio{1, 5};
  world_.network().set_default_link(lossy);
  DialAt(Ms(0));
  for (int i = 0; i < 50; ++i) CallAt(Ms(100 + i), "Echo", absl::Seconds(60), std::to_string(i));
  world_.RunUntil(Sec(120));
  ASSERT_EQ(outcomes_.size(), 50u);
  for (const Outcome& o : outcomes_) EXPECT_EQ(o.code, StatusCode::kOk) << o.message;
  EXPECT_GT(world_.network().stats().retransmitted, 0u);
}

TEST_F(RpcFixture, ServerSeesTheCallingHost) {
  DialAt(Ms(0));
  CallAt(Ms(10), "WhoAmI", absl::Seconds(1));
  world_.RunUntil(Sec(1));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].body, std::to_string(client_));
}

TEST_F(RpcFixture, StreamingMethodCalledAsUnaryIsUnimplemented) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Watch", absl::Seconds(1));
  world_.RunUntil(Sec(1));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnimplemented);
}

TEST_F(RpcFixture, HostCanCallItself) {
  // The server dials its own host (an agent and a manager in one process, say).
  world_.At(Ms(0), [this] {
    Context& server = world_.host(server_).context();
    const ConnId self = server.Dial(server_);
    server.Call(self, "WhoAmI", Payload(), absl::Seconds(1),
                [this](Context&, const RpcStatus& s, const Payload& r) {
                  outcomes_.push_back({s.code, s.message, r.bytes(), world_.now().nanos()});
                });
  });
  world_.RunUntil(Sec(1));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[0].body, std::to_string(server_));
}

TEST_F(RpcFixture, DuplicatingLinkNeverDuplicatesRpcs) {
  LinkConfig dup;
  dup.latency = absl::Milliseconds(1);
  dup.duplicate = Ratio::Always();
  world_.network().set_default_link(dup);
  DialAt(Ms(0));
  for (int i = 0; i < 10; ++i) CallAt(Ms(10 + i), "Echo", absl::Seconds(1));
  world_.RunUntil(Sec(2));
  EXPECT_EQ(outcomes_.size(), 10u);
  EXPECT_EQ(world_.network().stats().duplicated, 0u);
}

TEST_F(RpcFixture, ReorderingLinkKeepsStreamOrder) {
  LinkConfig shaky;
  shaky.latency = absl::Milliseconds(1);
  shaky.jitter = absl::Milliseconds(20);
  shaky.reorder = Ratio{1, 2};
  shaky.reorder_delay_max = absl::Milliseconds(100);
  world_.network().set_default_link(shaky);
  DialAt(Ms(0));
  std::vector<std::string> bodies;
  world_.At(Ms(500), [this, &bodies] {
    for (int i = 0; i < 30; ++i) {
      client().Call(conn_, "Echo", Payload::Bytes(std::to_string(i)), absl::Seconds(5),
                    [&bodies](Context&, const RpcStatus& s, const Payload& r) {
                      EXPECT_TRUE(s.ok());
                      bodies.push_back(r.bytes());
                    });
    }
  });
  world_.RunUntil(Sec(10));
  ASSERT_EQ(bodies.size(), 30u);
  // One connection is one ordered stream: requests arrive in order, so do the answers.
  for (int i = 0; i < 30; ++i) EXPECT_EQ(bodies[i], std::to_string(i));
}

TEST_F(RpcFixture, ClogDelaysRpcUntilClogEnds) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.network().Clog(client_, server_, Sec(3)); });
  CallAt(Ms(200), "Echo", absl::Seconds(10));
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(3002).nanos());
}

TEST_F(RpcFixture, RequestAndResponseBytesAreCounted) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Echo", absl::Seconds(1), std::string(1000, 'x'));
  world_.RunUntil(Sec(1));
  // SYN, SYN-ACK, request (1000 + "Echo"), response (1000): payloads plus fixed headers.
  EXPECT_EQ(world_.network().stats().bytes_sent, 2000u + 4u + 4 * Packet::kHeaderBytes);
}

// --- The failure table, one test per row ------------------------------------------------------

TEST_F(RpcFixture, PeerStopsGracefullyCallerSeesPromptUnavailable) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Slow", absl::Seconds(30));
  StreamAt(Ms(10), "forever");
  world_.At(Ms(1500), [this] { world_.StopHost(server_); });
  world_.RunUntil(Sec(40));
  ASSERT_EQ(outcomes_.size(), 2u);
  for (const Outcome& o : outcomes_) {
    EXPECT_EQ(o.code, StatusCode::kUnavailable);
    EXPECT_EQ(o.at_ns, Ms(1501).nanos());  // One link delay after the stop.
  }
  EXPECT_EQ(stream_messages_.size(), 1u);
  ASSERT_EQ(conn_states_.size(), 2u);
  EXPECT_EQ(conn_states_[1].first, ConnState::kClosed);
  EXPECT_EQ(client().GetConnState(conn_), ConnState::kClosed);
}

// Connections are hashed by id; a stop still sends its FINs in connection-id order, so the
// clients see their connections close in the order they were dialled, whatever the hash order.
TEST_F(RpcFixture, PeerStopClosesManyConnsInDialOrder) {
  std::vector<ConnId> dialled;
  std::vector<ConnId> closed;
  world_.At(Ms(0), [this, &dialled, &closed] {
    for (int i = 0; i < 64; ++i) {
      DialOptions o;
      const size_t index = dialled.size();
      o.on_state = [&dialled, &closed, index](Context&, ConnState state, const RpcStatus&) {
        if (state == ConnState::kClosed) closed.push_back(dialled[index]);
      };
      dialled.push_back(client().Dial(server_, o));
    }
  });
  world_.At(Ms(1500), [this] { world_.StopHost(server_); });
  world_.RunUntil(Sec(5));
  ASSERT_EQ(dialled.size(), 64u);
  EXPECT_EQ(closed, dialled);
}

TEST_F(RpcFixture, PeerCrashesCallerSeesNothingUntilDeadline) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Slow", absl::Seconds(3));
  world_.At(Ms(500), [this] { world_.CrashHost(server_); });
  world_.RunUntil(Sec(40));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(3010).nanos());
  EXPECT_EQ(client().GetConnState(conn_), ConnState::kReady);  // Nobody told the client.
}

TEST_F(RpcFixture, PeerCrashesKeepaliveDetectsIt) {
  DialOptions options;
  options.keepalive_time = absl::Seconds(10);
  options.keepalive_timeout = absl::Seconds(5);
  DialAt(Ms(0), options);
  StreamAt(Ms(10), "forever");
  world_.At(Sec(3), [this] { world_.CrashHost(server_); });
  world_.RunUntil(Sec(60));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnavailable);
  EXPECT_EQ(outcomes_[0].message, "keepalive timeout");
  // First ping at 10.002 s, unanswered by 15.002 s.
  EXPECT_EQ(outcomes_[0].at_ns, Ms(15002).nanos());
}

TEST_F(RpcFixture, PeerRestartsOldConnectionResetOnNextPacket) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Echo", absl::Seconds(5));
  world_.At(Sec(1), [this] { world_.RestartHost(server_); });
  CallAt(Sec(2), "Echo", absl::Seconds(5));
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[1].code, StatusCode::kUnavailable);
  EXPECT_EQ(outcomes_[1].message, "connection reset");
  EXPECT_EQ(outcomes_[1].at_ns, Ms(2002).nanos());  // One round trip: request out, RST back.
}

TEST_F(RpcFixture, PeerRestartsPendingCallResetByRetransmission) {
  // The request reaches the crashed server, is retransmitted, and the retransmission meets the
  // restarted incarnation: reset, long before the deadline.
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.CrashHost(server_); });
  CallAt(Ms(200), "Echo", absl::Seconds(30));
  world_.At(Ms(300), [this] { world_.StartHost(server_); });
  world_.RunUntil(Sec(40));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnavailable);
  EXPECT_LT(outcomes_[0].at_ns, Sec(2).nanos());
}

TEST_F(RpcFixture, PeerRestartsBackedOffConnResetOnlyAtItsNextRetransmission) {
  // The conn backs off while the server is powered off (retransmissions at ~0.4, 0.8, 1.6, 3.2,
  // 6.4 s). A call made after the restart leaves only with the next retransmission, so the reset
  // comes then, not one round trip after the call.
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.CrashHost(server_); });
  CallAt(Ms(200), "Echo", absl::Seconds(30));
  world_.At(Sec(5), [this] { world_.StartHost(server_); });
  CallAt(Ms(5500), "Echo", absl::Seconds(30));
  world_.RunUntil(Sec(40));
  ASSERT_EQ(outcomes_.size(), 2u);
  for (const Outcome& o : outcomes_) {
    EXPECT_EQ(o.code, StatusCode::kUnavailable);
    EXPECT_EQ(o.message, "connection reset");
    EXPECT_EQ(o.at_ns, Ms(6407).nanos());
  }
}

TEST_F(RpcFixture, PartitionedCallerSeesDeadlineExceeded) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.network().Partition({{server_}, {client_}}); });
  CallAt(Ms(200), "Echo", absl::Seconds(2));
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(2200).nanos());
}

TEST_F(RpcFixture, PartitionHealedBeforeDeadlineGivesLateAnswer) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.network().Partition({{server_}, {client_}}); });
  CallAt(Ms(200), "Echo", absl::Seconds(10));
  world_.At(Sec(1), [this] { world_.network().HealPartition(); });
  world_.RunUntil(Sec(20));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  // Retransmissions at +200, +400, +800 ms: the third (at 1.6 s) gets through.
  EXPECT_EQ(outcomes_[0].at_ns, Ms(1602).nanos());
}

// No keepalive: a call's deadline does not close the conn, and after a long partition heals, the
// conn's traffic waits for TCP's next retransmission (reference §10.1). The request of 0.2 s is
// retransmitted at 0.4, 0.8, ... 51.2, 102.4 s; its deadline's cancel (2.2 s) and a call made
// after the heal (61 s) wait for that timer and leave with it.
TEST_F(RpcFixture, PartitionHealedConnResumesAtItsNextRetransmission) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.network().Partition({{server_}, {client_}}); });
  CallAt(Ms(200), "Echo", absl::Seconds(2));
  world_.At(Sec(60), [this] { world_.network().HealPartition(); });
  CallAt(Sec(61), "Echo", absl::Seconds(100));
  world_.RunUntil(Sec(200));
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(outcomes_[1].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[1].at_ns, Ms(102402).nanos());
  EXPECT_TRUE(conn_states_.size() == 1 && conn_states_[0].first == ConnState::kReady);
}

// Linux's TCP_RTO_MAX: the backoff doubles from 200 ms up to 120 s, and the 15th retransmission
// without an answer is the last (the sender gives up one capped RTO later).
TEST_F(RpcFixture, RetransmissionBackoffCapsAt120sAndGivesUpAfter15Tries) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.network().Partition({{server_}, {client_}}); });
  CallAt(Ms(200), "Echo", absl::ZeroDuration());
  world_.RunUntil(Sec(2000));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnavailable);
  EXPECT_EQ(outcomes_[0].message, "connection timed out");
  // Sent at 0.2 s; retransmissions at 0.2 * 2^k s (k = 1..10: 0.4 s ... 102.4 s, 204.8 s), then
  // the RTO is capped: 324.8 s ... 804.8 s (tries 11..15); at 924.8 s the sender gives up.
  EXPECT_EQ(outcomes_[0].at_ns, Ms(924800).nanos());
  EXPECT_EQ(world_.network().stats().retransmitted, 15u);
}

TEST_F(RpcFixture, OneWayCutCallerSeesDeadlineExceeded) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.network().Cut(server_, client_); });
  CallAt(Ms(200), "Echo", absl::Seconds(2));
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kDeadlineExceeded);
}

TEST_F(RpcFixture, PartitionedKeepaliveClosesConnUnavailable) {
  DialOptions options;
  options.keepalive_time = absl::Seconds(2);
  options.keepalive_timeout = absl::Seconds(1);
  DialAt(Ms(0), options);
  StreamAt(Ms(10), "forever");
  world_.At(Sec(5), [this] { world_.network().Isolate(server_); });
  world_.RunUntil(Sec(30));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnavailable);
  EXPECT_EQ(outcomes_[0].message, "keepalive timeout");
}

TEST_F(RpcFixture, PausedPeerAnswersLate) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.PauseHost(server_); });
  CallAt(Ms(200), "Echo", absl::Seconds(10));
  world_.At(Sec(4), [this] { world_.ResumeHost(server_); });
  world_.RunUntil(Sec(20));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(4001).nanos());
}

TEST_F(RpcFixture, PausedPeerPastDeadlineCallerSeesDeadlineExceeded) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.PauseHost(server_); });
  CallAt(Ms(200), "Echo", absl::Seconds(1));
  world_.At(Sec(4), [this] { world_.ResumeHost(server_); });
  world_.RunUntil(Sec(20));
  ASSERT_EQ(outcomes_.size(), 1u);  // The late reply is dropped.
  EXPECT_EQ(outcomes_[0].code, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(1200).nanos());
}

TEST_F(RpcFixture, DialStoppedHostSeesConnectionRefused) {
  world_.StopHost(server_);
  DialAt(Ms(0));
  CallAt(Ms(0), "Echo", absl::Seconds(5));
  world_.RunUntil(Sec(30));
  ASSERT_EQ(conn_states_.size(), 1u);
  EXPECT_EQ(conn_states_[0].first, ConnState::kClosed);
  EXPECT_EQ(conn_states_[0].second, StatusCode::kUnavailable);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnavailable);
  EXPECT_EQ(outcomes_[0].message, "connection refused");
  EXPECT_EQ(outcomes_[0].at_ns, Ms(2).nanos());
}

TEST_F(RpcFixture, DialCrashedHostTimesOut) {
  world_.CrashHost(server_);
  DialOptions options;
  options.dial_timeout = absl::Seconds(5);
  DialAt(Ms(0), options);
  CallAt(Ms(0), "Echo", absl::Seconds(30));
  world_.RunUntil(Sec(40));
  ASSERT_EQ(conn_states_.size(), 1u);
  EXPECT_EQ(conn_states_[0].second, StatusCode::kDeadlineExceeded);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnavailable);
  EXPECT_EQ(outcomes_[0].at_ns, Sec(5).nanos());
}

TEST_F(RpcFixture, DialUnreachableHostTimesOutWithCallDeadlineFirst) {
  world_.network().Isolate(server_);
  DialOptions options;
  options.dial_timeout = absl::Seconds(5);
  DialAt(Ms(0), options);
  CallAt(Ms(0), "Echo", absl::Seconds(2));
  world_.RunUntil(Sec(40));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(outcomes_[0].at_ns, Sec(2).nanos());
  ASSERT_EQ(conn_states_.size(), 1u);
  EXPECT_EQ(conn_states_[0].second, StatusCode::kDeadlineExceeded);
}

TEST_F(RpcFixture, CallOnClosedConnFailsUnavailableAtOnce) {
  DialAt(Ms(0));
  world_.At(Ms(100), [this] { world_.StopHost(server_); });
  CallAt(Sec(1), "Echo", absl::Seconds(5));
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnavailable);
  EXPECT_EQ(outcomes_[0].at_ns, Sec(1).nanos());
}

TEST_F(RpcFixture, UnknownMethodIsUnimplemented) {
  DialAt(Ms(0));
  CallAt(Ms(10), "NoSuchMethod", absl::Seconds(1));
  world_.RunUntil(Sec(2));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kUnimplemented);
}

TEST_F(RpcFixture, CallerCancelsSeesCancelledAndServerIsTold) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Slow", absl::Seconds(30));
  world_.At(Ms(100), [this] { client().CancelCall(last_call_id_); });
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kCancelled);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(100).nanos());
  EXPECT_EQ(server_cancelled_.size(), 1u);
  EXPECT_EQ(replies_, (std::vector<bool>{false}));
}

TEST_F(RpcFixture, CallerClosesConnPendingCallsCancelled) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Slow", absl::Seconds(30));
  world_.At(Ms(100), [this] { client().CloseConn(conn_); });
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kCancelled);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(100).nanos());
  EXPECT_EQ(server_cancelled_.size(), 1u);
  // The server's timer still fires; its Reply finds the call gone.
  EXPECT_EQ(replies_, (std::vector<bool>{false}));
}

TEST_F(RpcFixture, ServerStreamEndsWithServerStatus) {
  DialAt(Ms(0));
  StreamAt(Ms(10), "finite");
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kOk);
  EXPECT_EQ(outcomes_[0].at_ns, Ms(3012).nanos());
}

TEST_F(RpcFixture, DeadlineCancelsTheServerCall) {
  DialAt(Ms(0));
  CallAt(Ms(10), "Slow", absl::Seconds(1));
  world_.RunUntil(Sec(10));
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].code, StatusCode::kDeadlineExceeded);
  EXPECT_EQ(server_cancelled_.size(), 1u);
  EXPECT_EQ(replies_, (std::vector<bool>{false}));
}

TEST_F(RpcFixture, ClientRestartCancelsServerStreamOnNextPush) {
  DialAt(Ms(0));
  StreamAt(Ms(10), "forever");
  world_.At(Ms(1500), [this] { world_.RestartHost(client_); });
  world_.RunUntil(Sec(10));
  // The push at 2.011 s meets the new incarnation: RST back to the server at 2.012 s.
  EXPECT_EQ(server_cancelled_.size(), 1u);
  EXPECT_TRUE(outcomes_.empty());  // The old client's callbacks died with it.
}

}  // namespace
}  // namespace sim
