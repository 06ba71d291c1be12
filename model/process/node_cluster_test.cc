// Integration behaviours of issue 4 over a sim::World of NodeProcess hosts (reference §6, §7.3,
// §7.4, §7.5). Every test states the simulated times it expects and checks them; every test runs
// with all invariant checkers of model/check and requires them to pass. Measured times are
// printed ("measured: ...") for the record.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "model/check/trace_schema.h"
#include "model/process/node_test_cluster.h"
#include "model/process/wire.h"
#include "sim/lambda_process.h"

namespace swarmsim {
namespace process {
namespace testing {
namespace {

double Secs(absl::Duration d) { return absl::ToDoubleSeconds(d); }  // printing only

void ExpectCheckersPass(NodeTestCluster& c) {
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

// Runs until every node is READY in the leader's store; returns when.
sim::Time FormCluster(NodeTestCluster& c) {
  c.StartAll();
  std::optional<sim::Time> ready =
      c.RunUntil([&] { return c.AllReady(c.all()); }, absl::Seconds(64));
  SIM_CHECK(ready.has_value());
  return *ready;
}

// A client host that makes raw dispatcher calls (as an agent would) and records the outcomes.
struct FakeClient {
  struct Outcome {
    sim::Time at;
    sim::RpcStatus status;
    bool got_message = false;
  };
  sim::HostId id = 0;
  std::vector<std::optional<Outcome>> outcomes;
};

// Adds a started host "client" to the world.
std::shared_ptr<FakeClient> AddClient(NodeTestCluster& c) {
  auto client = std::make_shared<FakeClient>();
  client->id = c.world().AddHost("client", sim::LambdaFactory(sim::LambdaProcessSpec{}));
  c.world().StartHost(client->id);
  return client;
}

// Opens a Session stream (no session ID) for `node` through `via`; records the first message or
// the end, whichever comes first.
void OpenSession(NodeTestCluster& c, const std::shared_ptr<FakeClient>& client,
                 const std::string& via, const std::string& node, bool forwarded) {
  sim::Context& ctx = c.world().host(client->id).context();
  const size_t slot = client->outcomes.size();
  client->outcomes.emplace_back();
  const sim::ConnId conn = ctx.Dial(c.host(via));
  sim::StreamCallbacks callbacks;
  callbacks.on_message = [client, slot](sim::Context& cc, const sim::Payload&) {
    if (!client->outcomes[slot].has_value()) {
      client->outcomes[slot] = FakeClient::Outcome{cc.LocalNow(), sim::RpcStatus::Ok(), true};
    }
  };
  callbacks.on_done = [client, slot](sim::Context& cc, const sim::RpcStatus& status) {
    if (!client->outcomes[slot].has_value()) {
      client->outcomes[slot] = FakeClient::Outcome{cc.LocalNow(), status, false};
    }
  };
  ctx.OpenStream(conn, kSessionMethod, CallPayload(node, forwarded, api::SessionRequest()),
                 absl::ZeroDuration(), std::move(callbacks));
}

// A unary Heartbeat for `node` through `via`.
void Heartbeat(NodeTestCluster& c, const std::shared_ptr<FakeClient>& client,
               const std::string& via, const std::string& node, bool forwarded,
               absl::Duration timeout) {
  sim::Context& ctx = c.world().host(client->id).context();
  const size_t slot = client->outcomes.size();
  client->outcomes.emplace_back();
  const sim::ConnId conn = ctx.Dial(c.host(via));
  api::HeartbeatRequest request;
  request.set_session_id("no-such-session");
  ctx.Call(conn, kHeartbeatMethod, CallPayload(node, forwarded, request, timeout), timeout,
           [client, slot](sim::Context& cc, const sim::RpcStatus& status, const sim::Payload&) {
             client->outcomes[slot] = FakeClient::Outcome{cc.LocalNow(), status, false};
           });
}

std::string AFollower(NodeTestCluster& c) {
  const std::string leader = c.Leader();
  for (const std::string& m : c.managers()) {
    if (m != leader) return m;
  }
  return "";
}

TEST(NodeClusterTest, ClusterElectsLeaderAndAllNodesBecomeReady) {
  NodeTestCluster c(ClusterSpec{3, 3, 1, nullptr});
  c.StartAll();
  // Election after a randomized [10, 20) s timeout, then the bootstrap write, the dispatcher's
  // start and the agents' registrations (their sessions failed meanwhile: backoff <= 8 s).
  std::optional<sim::Time> leader_at =
      c.RunUntil([&] { return !c.Leader().empty(); }, absl::Seconds(30));
  ASSERT_TRUE(leader_at.has_value());
  EXPECT_GE(*leader_at, sim::Time::FromNanos(10'000'000'000));
  EXPECT_LE(*leader_at, sim::Time::FromNanos(21'000'000'000));
  std::optional<sim::Time> ready_at =
      c.RunUntil([&] { return c.AllReady(c.all()); }, absl::Seconds(40));
  ASSERT_TRUE(ready_at.has_value()) << "leader " << c.Leader();
  std::printf("measured: leader at %.3f s, all READY at %.3f s\n",
              Secs(*leader_at - sim::Time::Zero()), Secs(*ready_at - sim::Time::Zero()));
  // Every agent retries at most 8 s + the 5 s session-init timeout apart.
  EXPECT_LE(*ready_at - *leader_at, absl::Seconds(16));
  int dispatchers = 0;
  for (const std::string& name : c.all()) {
    if (c.node(name)->dispatcher() != nullptr) ++dispatchers;
  }
  EXPECT_EQ(dispatchers, 1);
  const store::MemoryStore* store = c.LeaderStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->nodes().size(), 6u);
  EXPECT_NE(store->GetCluster(kDefaultClusterId), nullptr);
  for (const std::string& name : c.all()) {
    EXPECT_TRUE(c.node(name)->agent().registered()) << name;
    EXPECT_EQ(c.node(name)->is_manager(), name[0] == 'm');
  }
  // Every manager's store agrees with the leader's at the same applied index (checked by the
  // store.agreement checker), and stays READY.
  c.world().RunFor(absl::Seconds(30));
  EXPECT_TRUE(c.AllReady(c.all()));
  ExpectCheckersPass(c);
}

TEST(NodeClusterTest, HeartbeatTimeoutMarksCrashedWorkerDownWithinSixteenAndAHalfSeconds) {
  NodeTestCluster c(ClusterSpec{3, 3, 1, nullptr});
  FormCluster(c);
  c.world().RunFor(absl::Seconds(20));
  const std::string leader = c.Leader();
  const dispatcher::RegisteredNode* entry = c.node(leader)->dispatcher()->registry().Get("w1");
  ASSERT_NE(entry, nullptr);
  const sim::Time crash_at = c.now();
  c.world().CrashHost(c.host("w1"));
  // The registry's deadline is 3 x the period of the last heartbeat reply after that heartbeat.
  const sim::Time deadline = c.node(leader)->dispatcher()->registry().Get("w1")->deadline;
  std::optional<sim::Time> down_at =
      c.RunUntil([&] { return c.Status("w1") == api::NodeStatus::DOWN; }, absl::Seconds(30),
                 absl::Milliseconds(10));
  ASSERT_TRUE(down_at.has_value());
  std::printf("measured: w1 DOWN %.3f s after the crash, %.3f s after its expiry deadline\n",
              Secs(*down_at - crash_at), Secs(*down_at - deadline));
  // DOWN in [13.5, 16.5) s after the last heartbeat (+ one 100 ms batch and a commit); the last
  // heartbeat was at most one period (5.5 s) before the crash.
  EXPECT_GE(*down_at, deadline);
  EXPECT_LE(*down_at - deadline, absl::Milliseconds(150));
  EXPECT_GE(*down_at - crash_at, absl::Seconds(8));
  EXPECT_LE(*down_at - crash_at, absl::Milliseconds(16650));
  for (const char* name : {"m1", "m2", "m3", "w2", "w3"}) {
    EXPECT_EQ(c.Status(name), api::NodeStatus::READY) << name;
  }
  ExpectCheckersPass(c);
}

TEST(NodeClusterTest, FourthRegistrationWithinRateLimitIsUnavailable) {
  // w1's host is never started: a raw client registers as w1 through a follower (proxied).
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  for (const std::string& m : c.managers()) c.world().StartHost(c.host(m));
  ASSERT_TRUE(c.RunUntil([&] { return c.AllReady(c.managers()); }, absl::Seconds(64)));
  auto client = AddClient(c);
  const std::string via = AFollower(c);
  for (int i = 0; i < 4; ++i) {
    OpenSession(c, client, via, "w1", /*forwarded=*/false);
    c.world().RunFor(absl::Milliseconds(500));
  }
  c.world().RunFor(absl::Seconds(1));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client->outcomes[i].has_value()) << i;
    EXPECT_TRUE(client->outcomes[i]->got_message)
        << i << " " << client->outcomes[i]->status.ToString();
  }
  ASSERT_TRUE(client->outcomes[3].has_value());
  EXPECT_EQ(client->outcomes[3]->status.code, sim::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(client->outcomes[3]->status.message,
                                "exceeded rate limit count of registrations"))
      << client->outcomes[3]->status.ToString();
  // 8 s later the counter has reset: a fifth registration is accepted.
  c.world().RunFor(absl::Seconds(9));
  OpenSession(c, client, via, "w1", false);
  c.world().RunFor(absl::Seconds(1));
  ASSERT_TRUE(client->outcomes[4].has_value());
  EXPECT_TRUE(client->outcomes[4]->got_message) << client->outcomes[4]->status.ToString();
  ExpectCheckersPass(c);
}

TEST(NodeClusterTest, FollowerProxiesToLeaderAndSecondHopIsResourceExhausted) {
  NodeTestCluster c(ClusterSpec{3, 0, 1, nullptr});
  FormCluster(c);
  auto client = AddClient(c);
  const std::string follower = AFollower(c);
  const std::string leader = c.Leader();
  const uint64_t forwarded_before = c.node(follower)->proxy().forwarded_calls();
  const sim::Time t0 = c.now();
  Heartbeat(c, client, follower, "m1", /*forwarded=*/false, absl::Seconds(5));
  Heartbeat(c, client, follower, "m1", /*forwarded=*/true, absl::Seconds(5));
  Heartbeat(c, client, leader, "m1", /*forwarded=*/true, absl::Seconds(5));
  c.world().RunFor(absl::Seconds(1));
  ASSERT_TRUE(client->outcomes[0] && client->outcomes[1] && client->outcomes[2]);
  // One hop: the leader's dispatcher answers (the session is unknown), not the follower's
  // stopped one (ABORTED "dispatcher is stopped").
  EXPECT_EQ(client->outcomes[0]->status.code, sim::StatusCode::kInvalidArgument)
      << client->outcomes[0]->status.ToString();
  EXPECT_EQ(c.node(follower)->proxy().forwarded_calls(), forwarded_before + 1);
  // A call a manager already forwarded may not be forwarded again.
  EXPECT_EQ(client->outcomes[1]->status.code, sim::StatusCode::kResourceExhausted);
  EXPECT_EQ(client->outcomes[1]->status.message, "more than one redirect to leader from: m1");
  // The leader serves a forwarded call itself.
  EXPECT_EQ(client->outcomes[2]->status.code, sim::StatusCode::kInvalidArgument);
  // Each answer within a few link delays.
  for (int i = 0; i < 3; ++i) EXPECT_LE(client->outcomes[i]->at - t0, absl::Milliseconds(100));
  ExpectCheckersPass(c);
}

TEST(NodeClusterTest, LostQuorumReachesCallerAsUnknownAfterTenLeaderlessTicks) {
  NodeTestCluster c(ClusterSpec{3, 0, 1, nullptr});
  FormCluster(c);
  const std::string survivor = AFollower(c);
  const sim::Time t0 = c.now();
  for (const std::string& m : c.managers()) {
    if (m != survivor) c.world().CrashHost(c.host(m));
  }
  auto client = AddClient(c);
  // Still within 10 leaderless ticks: the proxy waits for a leader until the caller's deadline.
  ASSERT_TRUE(
      c.RunUntil([&] { return c.node(survivor)->raft()->Leader() == 0; }, absl::Seconds(25)));
  const sim::Time leaderless_at = c.now();
  Heartbeat(c, client, survivor, "w0", false, absl::Seconds(2));
  c.world().RunFor(absl::Milliseconds(2500));
  ASSERT_TRUE(client->outcomes[0].has_value());
  EXPECT_EQ(client->outcomes[0]->status.code, sim::StatusCode::kDeadlineExceeded)
      << client->outcomes[0]->status.ToString();
  std::optional<sim::Time> lost_at = c.RunUntil(
      [&] { return c.node(survivor)->raft()->ticks_without_leader() > kLostQuorumTicks; },
      absl::Seconds(30));
  ASSERT_TRUE(lost_at.has_value());
  std::printf("measured: leader forgotten %.3f s, > 10 leaderless ticks %.3f s after the crash\n",
              Secs(leaderless_at - t0), Secs(*lost_at - t0));
  // The follower's election timeout ([10, 20) ticks after the last heartbeat) clears the leader;
  // 11 ticks later the proxy fails fast.
  EXPECT_GE(*lost_at - t0, absl::Seconds(20));
  EXPECT_LE(*lost_at - t0, absl::Seconds(32));
  const sim::Time asked = c.now();
  Heartbeat(c, client, survivor, "w0", false, absl::Seconds(5));
  c.world().RunFor(absl::Milliseconds(100));
  ASSERT_TRUE(client->outcomes[1].has_value());
  // errLostQuorum is a plain Go error: gRPC's code is UNKNOWN, not UNAVAILABLE (§10.4).
  EXPECT_EQ(client->outcomes[1]->status.code, sim::StatusCode::kUnknown);
  EXPECT_EQ(client->outcomes[1]->status.message, kErrLostQuorum);
  EXPECT_LE(client->outcomes[1]->at - asked, absl::Milliseconds(100));
  // The survivor's own agent gets the same error through its local connection: its backoff
  // grows to the 8 s cap.
  c.world().RunFor(absl::Seconds(60));
  EXPECT_EQ(c.node(survivor)->agent().backoff(), absl::Seconds(8));
  ExpectCheckersPass(c);
}

// Cuts the client off from `via` both ways: its cancel can no longer reach the proxy.
void CutClient(NodeTestCluster& c, const std::shared_ptr<FakeClient>& client,
               const std::string& via) {
  c.world().network().Cut(client->id, c.host(via));
  c.world().network().Cut(c.host(via), client->id);
}

TEST(NodeClusterTest, ForwardedCallCarriesCallersDeadline) {
  NodeTestCluster c(ClusterSpec{3, 0, 1, nullptr});
  FormCluster(c);
  const std::string leader = c.Leader();
  const std::string follower = AFollower(c);
  auto client = AddClient(c);
  // The leader stops answering (paused) while the follower still routes to it.
  c.world().PauseHost(c.host(leader));
  const uint64_t forwarded_before = c.node(follower)->proxy().forwarded_calls();
  const sim::Time t0 = c.now();
  Heartbeat(c, client, follower, "client", false, absl::Seconds(3));
  c.world().RunFor(absl::Milliseconds(200));
  ASSERT_EQ(c.node(follower)->proxy().forwarded_calls(), forwarded_before + 1);
  ASSERT_EQ(c.node(follower)->proxy().OpenCallsFrom("client"), 1u);
  // The caller can no longer cancel: only its deadline, carried by the forwarded call, ends it.
  CutClient(c, client, follower);
  c.world().RunUntil(t0 + absl::Milliseconds(2800));
  EXPECT_EQ(c.node(follower)->proxy().OpenCallsFrom("client"), 1u);
  c.world().RunUntil(t0 + absl::Milliseconds(3300));
  EXPECT_EQ(c.node(follower)->proxy().OpenCallsFrom("client"), 0u);
  ASSERT_TRUE(client->outcomes[0].has_value());
  EXPECT_EQ(client->outcomes[0]->status.code, sim::StatusCode::kDeadlineExceeded);
  c.world().ResumeHost(c.host(leader));
  ExpectCheckersPass(c);
}

TEST(NodeClusterTest, WaitForLeaderEndsAtCallersDeadline) {
  NodeTestCluster c(ClusterSpec{3, 0, 1, nullptr});
  FormCluster(c);
  const std::string survivor = AFollower(c);
  for (const std::string& m : c.managers()) {
    if (m != survivor) c.world().CrashHost(c.host(m));
  }
  auto client = AddClient(c);
  ASSERT_TRUE(
      c.RunUntil([&] { return c.node(survivor)->raft()->Leader() == 0; }, absl::Seconds(25)));
  ASSERT_LE(c.node(survivor)->raft()->ticks_without_leader(), kLostQuorumTicks);
  // No leader yet, but fewer than 10 leaderless ticks: LeaderConn waits, within the deadline.
  const sim::Time t0 = c.now();
  Heartbeat(c, client, survivor, "client", false, absl::Milliseconds(2500));
  c.world().RunFor(absl::Milliseconds(200));
  ASSERT_EQ(c.node(survivor)->proxy().OpenCallsFrom("client"), 1u);
  CutClient(c, client, survivor);
  c.world().RunUntil(t0 + absl::Milliseconds(2400));
  EXPECT_EQ(c.node(survivor)->proxy().OpenCallsFrom("client"), 1u);
  c.world().RunUntil(t0 + absl::Milliseconds(2700));
  EXPECT_EQ(c.node(survivor)->proxy().OpenCallsFrom("client"), 0u);
  ExpectCheckersPass(c);
}

// Same seed, same scenario => the same trace, record for record (digest); another seed differs.
uint64_t RunScenarioDigest(uint64_t seed) {
  NodeTestCluster c(ClusterSpec{3, 3, seed, nullptr});
  FormCluster(c);
  api::CreateServiceRequest create;
  create.mutable_spec()->set_name("web");
  create.mutable_spec()->set_replicas(12);
  SIM_CHECK(c.Control("m3", create).ok());
  c.world().RunFor(absl::Seconds(10));
  c.world().CrashHost(c.host(c.Leader()));
  c.world().RunFor(absl::Seconds(60));
  return c.world().trace().digest();
}

TEST(NodeClusterTest, SameSeedSameTraceDigest) {
  const uint64_t a = RunScenarioDigest(5);
  const uint64_t b = RunScenarioDigest(5);
  const uint64_t other = RunScenarioDigest(6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
}

TEST(NodeClusterTest, TransferLeadershipToNamedMember) {
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string leader = c.Leader();
  const std::string follower = AFollower(c);
  const uint64_t to = c.node(follower)->raft()->raft_id();
  // Only the leader may transfer.
  std::optional<absl::Status> refused;
  c.node(follower)->TransferLeadership(c.context(follower), to,
                                       [&](sim::Context&, absl::Status s) { refused = s; });
  std::optional<absl::Status> done;
  const sim::Time t0 = c.now();
  c.node(leader)->TransferLeadership(c.context(leader), to,
                                     [&](sim::Context&, absl::Status s) { done = s; });
  ASSERT_TRUE(c.RunUntil([&] { return done.has_value() && c.Leader() == follower; },
                         absl::Seconds(30), absl::Milliseconds(10)));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(done->ok()) << *done;
  std::printf("measured: leadership moved to %s in %.3f s\n", follower.c_str(), Secs(c.now() - t0));
  // The transfer completes within reqTimeout (25 s); agents follow to the new dispatcher.
  EXPECT_LE(c.now() - t0, absl::Seconds(25));
  ASSERT_TRUE(c.RunUntil([&] { return c.AllReady(c.all()); }, absl::Seconds(64)));
  ExpectCheckersPass(c);
}

TEST(NodeClusterTest, RemoveDownWorkerNode) {
  NodeTestCluster c(ClusterSpec{3, 2, 1, nullptr});
  FormCluster(c);
  api::RemoveNodeRequest remove;
  remove.set_node_id("w2");
  // READY nodes are refused without force.
  EXPECT_EQ(c.Control("m2", remove).code(), absl::StatusCode::kFailedPrecondition);
  c.world().CrashHost(c.host("w2"));
  ASSERT_TRUE(
      c.RunUntil([&] { return c.Status("w2") == api::NodeStatus::DOWN; }, absl::Seconds(20)));
  EXPECT_TRUE(c.Control("m2", remove).ok());
  EXPECT_EQ(c.LeaderStore()->GetNode("w2"), nullptr);
  ExpectCheckersPass(c);
}

}  // namespace
}  // namespace testing
}  // namespace process
}  // namespace swarmsim
