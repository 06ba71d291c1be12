// RaftHost on a simulated world: snapshots to a lagging member, membership changes, leadership
// transfer and the partitioned-follower disruption of swarmkit#1364 (reference §4.5-4.8, §7).
// Every test also runs all the invariant checkers of model/check over the trace.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "model/process/raft_host.h"
#include "model/process/raft_host_test_util.h"
#include "sim/lambda_process.h"

namespace swarmsim {
namespace process {
namespace {

using testing::RaftWorld;

using Done = std::shared_ptr<std::optional<absl::Status>>;

std::function<void(sim::Context&, absl::Status)> Into(const Done& done) {
  return [done](sim::Context&, absl::Status s) { *done = std::move(s); };
}

bool RunUntilDone(RaftWorld& w, const Done& done, absl::Duration limit) {
  return w.RunUntil([&] { return done->has_value(); }, limit);
}

// TestRaftSnapshot / snapshot catch-up: with snapshot_interval 5 and 2 entries kept for slow
// followers, a follower that was down while 20 values committed is behind the leader's
// compacted log; after its restart the leader sends it a snapshot, within a few heartbeats
// (< 5 s), and it ends with every value.
TEST(RaftHostMembershipTest, LaggingNodeCatchesUpBySnapshot) {
  RaftHostOptions options;
  options.snapshot_interval = 5;
  options.log_entries_for_slow_followers = 2;
  RaftWorld w(3, options);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  const int lagging = (leader + 1) % 3;
  w.Crash(lagging);
  std::vector<std::string> values;
  for (int i = 0; i < 20; ++i) {
    values.push_back(absl::StrCat("v", i));
    ASSERT_EQ(w.ProposeAndWait(leader, values.back(), absl::Seconds(1)), absl::OkStatus());
  }
  EXPECT_GE(w.raft(leader).snapshot_index(), 20u);
  w.Start(lagging);
  const sim::Time restarted = w.now();
  ASSERT_TRUE(w.RunUntil(
      [&] { return w.manager(lagging)->values().size() == values.size(); }, absl::Seconds(5)));
  EXPECT_LT(w.now(), restarted + absl::Seconds(5));
  EXPECT_GT(w.raft(lagging).snapshot_index(), 0u);
  EXPECT_EQ(w.manager(lagging)->values(), values);
  EXPECT_EQ(w.raft(lagging).Members().size(), 3u);
  // It keeps up with new entries, and the snapshot survives its restart.
  ASSERT_EQ(w.ProposeAndWait(leader, "after", absl::Seconds(1)), absl::OkStatus());
  w.RunFor(absl::Milliseconds(100));
  EXPECT_TRUE(w.HasValue(lagging, "after"));
  w.Crash(lagging);
  w.Start(lagging);
  w.RunFor(absl::Seconds(3));
  EXPECT_TRUE(w.HasValue(lagging, "v0"));
  EXPECT_TRUE(w.HasValue(lagging, "after"));
  EXPECT_EQ(w.CheckInvariants(), "");
}

// TestRaftNewNodeGetsData: a fourth manager started empty (knowing the members, as SwarmKit's
// Join answer gives them) is added by the leader; the conf change applies within a round trip
// (< 1 s), the new member receives the log and every member lists 4.
TEST(RaftHostMembershipTest, AddMemberThenNewNodeGetsData) {
  RaftWorld w(3);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  ASSERT_EQ(w.ProposeAndWait(leader, "a", absl::Seconds(1)), absl::OkStatus());
  testing::ManagerSpec spec;
  spec.name = "m4";
  spec.raft_id = 4;
  spec.bootstrap = false;
  spec.initial_members = w.Members(3);
  spec.initial_members.push_back(RaftWorld::Member("m4", 4));
  const int joiner = w.AddManager(spec);
  w.Start(joiner);
  Done added = std::make_shared<std::optional<absl::Status>>();
  w.raft(leader).AddMember(w.ctx(leader), RaftWorld::Member("m4", 4), Into(added));
  ASSERT_TRUE(RunUntilDone(w, added, absl::Seconds(1)));
  EXPECT_EQ(**added, absl::OkStatus());
  ASSERT_TRUE(w.RunUntil([&] { return w.HasValue(joiner, "a"); }, absl::Seconds(3)));
  ASSERT_EQ(w.ProposeAndWait(leader, "b", absl::Seconds(1)), absl::OkStatus());
  w.RunFor(absl::Milliseconds(100));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(w.raft(i).Members().size(), 4u) << i;
    EXPECT_TRUE(w.HasValue(i, "b")) << i;
    EXPECT_EQ(w.raft(i).Leader(), w.raft(leader).raft_id()) << i;
  }
  // Adding it again is refused.
  Done again = std::make_shared<std::optional<absl::Status>>();
  w.raft(leader).AddMember(w.ctx(leader), RaftWorld::Member("m4", 4), Into(again));
  ASSERT_TRUE(RunUntilDone(w, again, absl::Seconds(1)));
  EXPECT_TRUE(absl::IsAlreadyExists(**again));
  EXPECT_EQ(w.CheckInvariants(), "");
}

// TestCanRemoveMember: with both followers stopped (their connections close at once, so the
// leader's next heartbeat fails and marks them inactive within 1 s), removing either would lose
// quorum and is refused; 3 s later the leader still leads (CheckQuorum needs 10-20 s). After
// they restart and are active again, stopping one makes removing the live one refused and
// removing the stopped one succeed (2 members).
TEST(RaftHostMembershipTest, RemoveMemberRefusedWhenQuorumWouldBeLost) {
  RaftWorld w(3);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  const int a = (leader + 1) % 3;
  const int b = (leader + 2) % 3;
  const uint64_t id_a = static_cast<uint64_t>(a + 1);
  const uint64_t id_b = static_cast<uint64_t>(b + 1);
  w.RunFor(absl::Seconds(2));
  EXPECT_TRUE(w.raft(leader).PeerActive(id_a));
  EXPECT_TRUE(w.raft(leader).PeerActive(id_b));
  w.Stop(a);
  w.Stop(b);
  w.RunFor(absl::Seconds(3));
  ASSERT_TRUE(w.raft(leader).IsLeader());
  EXPECT_FALSE(w.raft(leader).PeerActive(id_a));
  EXPECT_FALSE(w.raft(leader).PeerActive(id_b));
  EXPECT_FALSE(w.raft(leader).CanRemoveMember(id_a));
  EXPECT_FALSE(w.raft(leader).CanRemoveMember(id_b));
  for (uint64_t id : {id_a, id_b}) {
    Done removed = std::make_shared<std::optional<absl::Status>>();
    w.raft(leader).RemoveMember(w.ctx(leader), id, Into(removed));
    ASSERT_TRUE(RunUntilDone(w, removed, absl::Seconds(1)));
    EXPECT_TRUE(absl::IsFailedPrecondition(**removed));
    EXPECT_EQ((*removed)->message(), kErrCannotRemoveMember);
  }
  EXPECT_EQ(w.raft(leader).Members().size(), 3u);

  w.Start(a);
  w.Start(b);
  w.RunFor(absl::Seconds(3));
  ASSERT_TRUE(w.raft(leader).IsLeader());
  EXPECT_TRUE(w.raft(leader).PeerActive(id_a));
  EXPECT_TRUE(w.raft(leader).PeerActive(id_b));
  w.Stop(b);
  w.RunFor(absl::Seconds(2));
  EXPECT_FALSE(w.raft(leader).CanRemoveMember(id_a));
  EXPECT_TRUE(w.raft(leader).CanRemoveMember(id_b));
  Done refused = std::make_shared<std::optional<absl::Status>>();
  w.raft(leader).RemoveMember(w.ctx(leader), id_a, Into(refused));
  ASSERT_TRUE(RunUntilDone(w, refused, absl::Seconds(1)));
  EXPECT_TRUE(absl::IsFailedPrecondition(**refused));
  Done removed = std::make_shared<std::optional<absl::Status>>();
  w.raft(leader).RemoveMember(w.ctx(leader), id_b, Into(removed));
  ASSERT_TRUE(RunUntilDone(w, removed, absl::Seconds(1)));
  EXPECT_EQ(**removed, absl::OkStatus());
  w.RunFor(absl::Milliseconds(100));
  EXPECT_EQ(w.raft(leader).Members().size(), 2u);
  EXPECT_EQ(w.raft(a).Members().size(), 2u);
  EXPECT_FALSE(w.raft(a).IsMember(id_b));
  // The removed member, restarted, is told so by the others and learns it was removed.
  w.Start(b);
  ASSERT_TRUE(w.RunUntil([&] { return w.log(b).removed_at.has_value(); }, absl::Seconds(30)));
  EXPECT_TRUE(w.raft(b).removed());
  EXPECT_EQ(w.CheckInvariants(), "");
}

// TransferLeadership: the leader hands over to its longest-active peer; MsgTimeoutNow makes it
// campaign at once, so the leader changes within a few round trips and the poll (every 100 ms)
// completes the request well under 1 s. The old leader publishes IsFollower; the new one
// signals and commits.
TEST(RaftHostMembershipTest, TransferLeadershipMovesLeader) {
  RaftWorld w(3);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  w.RunFor(absl::Seconds(2));
  const uint64_t term = w.raft(leader).term();
  const sim::Time asked = w.now();
  Done done = std::make_shared<std::optional<absl::Status>>();
  w.raft(leader).TransferLeadership(w.ctx(leader), 0, Into(done));
  ASSERT_TRUE(RunUntilDone(w, done, absl::Seconds(25)));
  EXPECT_EQ(**done, absl::OkStatus());
  EXPECT_LT(w.now(), asked + absl::Milliseconds(300));
  const int new_leader = w.Leader();
  ASSERT_GE(new_leader, 0);
  EXPECT_NE(new_leader, leader);
  EXPECT_EQ(w.raft(new_leader).term(), term + 1);
  ASSERT_FALSE(w.log(leader).leadership.empty());
  EXPECT_FALSE(w.log(leader).leadership.back().is_leader);
  ASSERT_EQ(w.WaitForSignalledLeader(absl::Seconds(1)), new_leader);
  ASSERT_EQ(w.ProposeAndWait(new_leader, "after", absl::Seconds(1)), absl::OkStatus());
  // Not leader any more: a transfer request is refused.
  Done refused = std::make_shared<std::optional<absl::Status>>();
  w.raft(leader).TransferLeadership(w.ctx(leader), 0, Into(refused));
  ASSERT_TRUE(RunUntilDone(w, refused, absl::Seconds(1)));
  EXPECT_TRUE(absl::IsFailedPrecondition(**refused));
  EXPECT_EQ(w.CheckInvariants(), "");
}

// swarmkit#1364: without PreVote, a follower isolated for 60 s campaigns every [10, 20) s and
// inflates its term. The partition heals, but the connections between it and the leader are
// backed off by TCP (no keepalive, reference §10.1): nothing crosses until their next
// retransmission, ~42 s later. Then the leader's heartbeat draws a higher-term MsgAppResp and the
// healthy leader steps down; a new leader is elected at a term above the inflated one. With
// PreVote the same partition leaves the leader alone.
void IsolateFollowerFor60s(bool pre_vote, bool expect_disruption) {
  RaftHostOptions options;
  options.pre_vote = pre_vote;
  RaftWorld w(3, options);
  w.StartAll();
  const int leader = w.WaitForSignalledLeader(absl::Seconds(30));
  ASSERT_GE(leader, 0);
  const int follower = (leader + 1) % 3;
  const uint64_t term = w.raft(leader).term();
  w.world().network().Isolate(w.Host(follower));
  w.RunFor(absl::Seconds(60));
  ASSERT_TRUE(w.raft(leader).IsLeader());
  const uint64_t inflated = w.raft(follower).term();
  if (pre_vote) {
    EXPECT_EQ(inflated, term);
  } else {
    EXPECT_GE(inflated, term + 3);  // At least 60 / 20 campaigns.
  }
  const std::size_t events = w.log(leader).leadership.size();
  const sim::Time healed = w.now();
  w.world().network().Unisolate(w.Host(follower));
  // Not at the heal: the first 30 s pass quietly either way.
  EXPECT_FALSE(w.RunUntil([&] { return !w.raft(leader).IsLeader(); }, absl::Seconds(30)));
  const bool disrupted =
      w.RunUntil([&] { return !w.raft(leader).IsLeader(); }, absl::Seconds(30));
  EXPECT_EQ(disrupted, expect_disruption);
  if (expect_disruption) {
    EXPECT_GE(w.now(), healed + absl::Seconds(30));
    EXPECT_LT(w.now(), healed + absl::Seconds(60));
    // The IsFollower event comes with the step-down's Ready, once its new term is synced.
    EXPECT_TRUE(w.RunUntil([&] { return w.log(leader).leadership.size() == events + 1; },
                           absl::Milliseconds(10)));
    const int new_leader = w.WaitForSignalledLeader(absl::Seconds(30));
    ASSERT_GE(new_leader, 0);
    EXPECT_GT(w.raft(new_leader).term(), inflated);
    ASSERT_EQ(w.ProposeAndWait(new_leader, "after", absl::Seconds(1)), absl::OkStatus());
  } else {
    EXPECT_EQ(w.raft(leader).term(), term);
    EXPECT_EQ(w.raft(follower).Leader(), w.raft(leader).raft_id());
  }
  EXPECT_EQ(w.CheckInvariants(), "");
}

TEST(RaftHostMembershipTest, PartitionedFollowerRejoinsWithHigherTermDisruptsLeaderWithoutPreVote) {
  IsolateFollowerFor60s(/*pre_vote=*/false, /*expect_disruption=*/true);
}

TEST(RaftHostMembershipTest, PartitionedFollowerRejoinsQuietlyWithPreVote) {
  IsolateFollowerFor60s(/*pre_vote=*/true, /*expect_disruption=*/false);
}

// A process that runs two RaftHosts one after the other in one incarnation (a manager removed,
// then added back under a new Raft ID, as a demotion and promotion would): the RaftRpcRouter
// serves the methods once and routes to whichever is current.
TEST(RaftHostMembershipTest, RouterServesSuccessiveRaftHostsInOneIncarnation) {
  RaftWorld w(1);
  struct Node {
    RaftRpcRouter router;
    std::unique_ptr<RaftHost> current;
    std::vector<std::unique_ptr<RaftHost>> retired;
    std::vector<std::string> values;
  };
  // Owned by the test; the lambdas hold a plain pointer (no ownership cycle through them).
  auto owned = std::make_unique<Node>();
  Node* node = owned.get();
  sim::World* world = &w.world();
  auto make_host = [node, world](sim::Context& ctx, uint64_t raft_id) {
    RaftHostOptions options;
    options.raft_id = raft_id;
    options.node_id = "h2";
    options.addr = "h2";
    options.serve_rpcs = false;
    options.initial_members = {RaftWorld::Member("m1", 1), RaftWorld::Member("h2", raft_id)};
    options.resolve = [world](const std::string& addr) { return world->FindHost(addr); };
    RaftHost::Callbacks cb;
    cb.apply = [node](sim::Context&, uint64_t, const api::InternalRaftRequest& r) {
      for (const api::StoreAction& a : r.actions()) node->values.push_back(a.target().cluster().id());
    };
    cb.restore = [node](sim::Context&, uint64_t, const api::StoreSnapshot& snapshot) {
      node->values.clear();
      for (const api::Cluster& c : snapshot.clusters()) node->values.push_back(c.id());
    };
    node->values.clear();
    node->current = std::make_unique<RaftHost>(options, std::move(cb), ctx.prng().Fork(raft_id));
    node->router.set_target(node->current.get());
    node->current->Start(ctx);
  };
  sim::LambdaProcessSpec spec;
  spec.on_start = [node, make_host](sim::Context& ctx) {
    node->router.Serve(ctx);
    make_host(ctx, 2);
  };
  spec.on_timer = [node](sim::Context& ctx, sim::TimerKey key) {
    if (node->current != nullptr) node->current->HandleTimer(ctx, key);
  };
  const sim::HostId h2 = w.world().AddHost("h2", sim::LambdaFactory(spec));
  w.StartAll();
  ASSERT_EQ(w.WaitForSignalledLeader(absl::Seconds(1)), 0);
  ASSERT_EQ(w.ProposeAndWait(0, "a", absl::Seconds(1)), absl::OkStatus());
  w.world().StartHost(h2);
  sim::Context& ctx2 = w.world().host(h2).context();

  Done added = std::make_shared<std::optional<absl::Status>>();
  w.raft(0).AddMember(w.ctx(0), RaftWorld::Member("h2", 2), Into(added));
  ASSERT_TRUE(RunUntilDone(w, added, absl::Seconds(1)));
  ASSERT_EQ(**added, absl::OkStatus());
  ASSERT_TRUE(w.RunUntil([&] { return node->values.size() == 1; }, absl::Seconds(3)));
  w.RunFor(absl::Seconds(3));

  // Remove raft id 2, then retire that RaftHost and wipe its state. The leader stops sending to
  // a removed member, so id 2 may miss the commit of its own removal; it learns it when its next
  // campaign, one election timeout later ([10, 20) s), is answered "member removed".
  Done removed = std::make_shared<std::optional<absl::Status>>();
  w.raft(0).RemoveMember(w.ctx(0), 2, Into(removed));
  ASSERT_TRUE(RunUntilDone(w, removed, absl::Seconds(1)));
  ASSERT_EQ(**removed, absl::OkStatus());
  const sim::Time removal = w.now();
  ASSERT_TRUE(w.RunUntil([&] { return node->current->removed(); }, absl::Seconds(30)));
  EXPECT_LT(w.now(), removal + absl::Seconds(20) + absl::Milliseconds(50));
  node->current->Stop(ctx2);
  node->router.set_target(nullptr);
  node->retired.push_back(std::move(node->current));
  RaftHost::WipeState(ctx2, "test: removed");

  // A second RaftHost in the same incarnation, under a new id.
  make_host(ctx2, 3);
  Done readded = std::make_shared<std::optional<absl::Status>>();
  w.raft(0).AddMember(w.ctx(0), RaftWorld::Member("h2", 3), Into(readded));
  ASSERT_TRUE(RunUntilDone(w, readded, absl::Seconds(1)));
  ASSERT_EQ(**readded, absl::OkStatus());
  ASSERT_EQ(w.ProposeAndWait(0, "b", absl::Seconds(1)), absl::OkStatus());
  ASSERT_TRUE(w.RunUntil([&] { return node->values.size() == 2; }, absl::Seconds(3)));
  EXPECT_EQ(node->values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(node->current->Members().size(), 2u);
  EXPECT_FALSE(node->current->IsMember(2));
  EXPECT_EQ(w.CheckInvariants(), "");
}

}  // namespace
}  // namespace process
}  // namespace swarmsim
