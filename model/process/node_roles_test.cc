// Role changes over NodeProcess hosts (issue 5, reference §3.4, §7.5 TestDemotePromote,
// TestDemoteLeader, TestDemoteToSingleManager): promotion joins Raft through the proxied
// RaftMembership.Join, demotion removes the member (the leader transfers leadership first), the
// quorum guard refuses demoting the last manager. Times are stated and checked.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "model/process/node_test_cluster.h"
#include "model/process/raft_disk.h"
#include "model/process/raft_host.h"

namespace swarmsim {
namespace process {
namespace testing {
namespace {

double Secs(absl::Duration d) { return absl::ToDoubleSeconds(d); }  // printing only

void FormCluster(NodeTestCluster& c) {
  c.StartAll();
  SIM_CHECK(c.RunUntil([&] { return c.AllReady(c.all()); }, absl::Seconds(64)));
}

absl::Status SetDesiredRole(NodeTestCluster& c, const std::string& via, const std::string& node,
                            api::NodeRole role) {
  const api::Node* n = c.LeaderStore()->GetNode(node);
  SIM_CHECK(n != nullptr);
  api::UpdateNodeRequest request;
  request.set_node_id(node);
  request.set_version(n->meta().version());
  *request.mutable_spec() = n->spec();
  request.mutable_spec()->set_desired_role(role);
  return c.Control(via, request);
}

bool IsMember(NodeTestCluster& c, const std::string& node) {
  const std::string leader = c.Leader();
  if (leader.empty()) return false;
  for (const api::RaftMember& m : c.node(leader)->raft()->Members()) {
    if (m.node_id() == node) return true;
  }
  return false;
}

// The highest-numbered manager that is not the leader.
std::string LastFollower(NodeTestCluster& c) {
  std::string follower;
  for (const std::string& m : c.managers()) {
    if (m != c.Leader()) follower = m;
  }
  return follower;
}

size_t MemberCount(NodeTestCluster& c) {
  const std::string leader = c.Leader();
  return leader.empty() ? 0 : c.node(leader)->raft()->Members().size();
}

api::NodeRole ObservedRole(NodeTestCluster& c, const std::string& node) {
  return c.LeaderStore()->GetNode(node)->role();
}

TEST(NodeRolesTest, PromoteWorkerJoinsRaft) {
  NodeTestCluster c(ClusterSpec{3, 2, 1, nullptr});
  FormCluster(c);
  const sim::Time t0 = c.now();
  ASSERT_TRUE(SetDesiredRole(c, "m2", "w1", api::NODE_ROLE_MANAGER).ok());
  // Role manager: Role = MANAGER at once; the agent sees its node change, the node joins through
  // a manager (proxied to the leader), starts its manager, and its agent moves to the local
  // connection.
  std::optional<sim::Time> joined = c.RunUntil(
      [&] {
        NodeProcess* w1 = c.node("w1");
        return IsMember(c, "w1") && w1->is_manager() && w1->raft()->Leader() != 0 &&
               w1->agent().registered() && w1->agent().local_connection() &&
               c.AllReady(c.all());
      },
      absl::Seconds(64));
  ASSERT_TRUE(joined.has_value());
  std::printf("measured: w1 promoted, joined Raft in %.3f s\n", Secs(*joined - t0));
  EXPECT_LE(*joined - t0, absl::Seconds(30));
  EXPECT_EQ(ObservedRole(c, "w1"), api::NODE_ROLE_MANAGER);
  EXPECT_EQ(MemberCount(c), 4u);
  // w1's store replica follows the leader's.
  c.world().RunFor(absl::Seconds(10));
  EXPECT_EQ(c.node("w1")->store()->nodes().size(), c.LeaderStore()->nodes().size());
  // A restart comes back as a manager (role persisted).
  c.world().RestartHost(c.host("w1"));
  ASSERT_TRUE(c.RunUntil([&] { return c.node("w1")->is_manager() && c.AllReady(c.all()); },
                         absl::Seconds(64)));
  EXPECT_TRUE(c.node("w1")->agent().local_connection());
  EXPECT_EQ(MemberCount(c), 4u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

TEST(NodeRolesTest, DemoteFollowerLeavesRaftAndBecomesWorker) {
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string follower = LastFollower(c);
  const sim::Time t0 = c.now();
  ASSERT_TRUE(SetDesiredRole(c, c.Leader(), follower, api::NODE_ROLE_WORKER).ok());
  std::optional<sim::Time> demoted = c.RunUntil(
      [&] {
        return !IsMember(c, follower) && !c.node(follower)->is_manager() &&
               ObservedRole(c, follower) == api::NODE_ROLE_WORKER &&
               c.node(follower)->agent().registered() &&
               !c.node(follower)->agent().local_connection() && c.AllReady(c.all());
      },
      absl::Seconds(64));
  ASSERT_TRUE(demoted.has_value());
  std::printf("measured: %s demoted, left Raft and re-registered as a worker in %.3f s\n",
              follower.c_str(), Secs(*demoted - t0));
  EXPECT_LE(*demoted - t0, absl::Seconds(30));
  EXPECT_EQ(MemberCount(c), 2u);
  EXPECT_FALSE(HasRaftState(c.world().host(c.host(follower)).disk()));
  // A restart comes back as a worker.
  c.world().RestartHost(c.host(follower));
  ASSERT_TRUE(c.RunUntil([&] { return !c.node(follower)->is_manager() && c.AllReady(c.all()); },
                         absl::Seconds(64)));
  EXPECT_FALSE(c.node(follower)->agent().local_connection());
  EXPECT_EQ(MemberCount(c), 2u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

TEST(NodeRolesTest, DemoteLeaderTransfersLeadershipFirst) {
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string old_leader = c.Leader();
  const sim::Time t0 = c.now();
  ASSERT_TRUE(SetDesiredRole(c, old_leader, old_leader, api::NODE_ROLE_WORKER).ok());
  std::optional<sim::Time> moved = c.RunUntil(
      [&] { return !c.Leader().empty() && c.Leader() != old_leader; }, absl::Seconds(30));
  ASSERT_TRUE(moved.has_value());
  std::optional<sim::Time> demoted = c.RunUntil(
      [&] {
        return !IsMember(c, old_leader) && !c.node(old_leader)->is_manager() &&
               ObservedRole(c, old_leader) == api::NODE_ROLE_WORKER &&
               c.node(old_leader)->agent().registered() && c.AllReady(c.all());
      },
      absl::Seconds(64));
  ASSERT_TRUE(demoted.has_value());
  std::printf("measured: leadership moved %.3f s, old leader a worker %.3f s after the demote\n",
              Secs(*moved - t0), Secs(*demoted - t0));
  // TransferLeadership is bounded by reqTimeout (25 s); removal by the new leader follows.
  EXPECT_LE(*moved - t0, absl::Seconds(25));
  EXPECT_LE(*demoted - t0, absl::Seconds(45));
  // Transfer first, then removal: the old leader lost its leadership before it was wiped.
  const std::vector<sim::TraceRecord> wipes = c.Records("raft.wipe");
  ASSERT_FALSE(wipes.empty());
  std::optional<sim::Time> stepped_down;
  for (const sim::TraceRecord& r : c.Records("manager.leadership")) {
    if (r.host == c.host(old_leader) && r.Int("leader") == 0 && r.at >= t0 && !stepped_down) {
      stepped_down = r.at;
    }
  }
  ASSERT_TRUE(stepped_down.has_value());
  EXPECT_LE(*stepped_down, wipes.front().at);
  EXPECT_EQ(MemberCount(c), 2u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

TEST(NodeRolesTest, DemoteDownedManagerThenRestartBecomesWorker) {
  // TestDemoteDownedManager: stop a follower, demote it while it is down (the quorum guard
  // allows it: 2 of the 2 remaining members are reachable), restart it: Raft tells it that it
  // was removed, it wipes its Raft state and runs as a worker.
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string follower = LastFollower(c);
  c.world().StopHost(c.host(follower));
  c.world().RunFor(absl::Seconds(5));
  ASSERT_TRUE(SetDesiredRole(c, c.Leader(), follower, api::NODE_ROLE_WORKER).ok());
  ASSERT_TRUE(c.RunUntil(
      [&] { return !IsMember(c, follower) && ObservedRole(c, follower) == api::NODE_ROLE_WORKER; },
      absl::Seconds(30)));
  const sim::Time t0 = c.now();
  c.world().StartHost(c.host(follower));
  std::optional<sim::Time> worker = c.RunUntil(
      [&] {
        return !c.node(follower)->is_manager() && c.node(follower)->agent().registered() &&
               !c.node(follower)->agent().local_connection() && c.AllReady(c.all());
      },
      absl::Seconds(64));
  ASSERT_TRUE(worker.has_value());
  std::printf("measured: restarted %s found itself removed and registered as a worker in %.3f s\n",
              follower.c_str(), Secs(*worker - t0));
  EXPECT_LE(*worker - t0, absl::Seconds(64));
  EXPECT_FALSE(HasRaftState(c.world().host(c.host(follower)).disk()));
  EXPECT_EQ(MemberCount(c), 2u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

// §10.3: promotion keeps the agent and its session. The renewal waits 500 ms and asks the CA
// (through the leader); only then does the node join, and its agent's remote session goes on
// with the same ID while the local connection is set for its next session.
TEST(NodeRolesTest, PromotionRenewsTheCertificateFirstAndKeepsTheSession) {
  NodeTestCluster c(ClusterSpec{3, 2, 1, nullptr});
  FormCluster(c);
  const std::string session = c.node("w1")->agent().session_id();
  ASSERT_FALSE(session.empty());
  const sim::Time t0 = c.now();
  ASSERT_TRUE(SetDesiredRole(c, "m2", "w1", api::NODE_ROLE_MANAGER).ok());
  c.world().RunFor(t0 + absl::Milliseconds(450) - c.now());
  EXPECT_FALSE(IsMember(c, "w1"));
  EXPECT_FALSE(c.node("w1")->manager_certificate());
  ASSERT_TRUE(c.RunUntil(
      [&] { return IsMember(c, "w1") && c.node("w1")->local_connection(); }, absl::Seconds(30)));
  const std::vector<sim::TraceRecord> certs = c.Records("node.certificate");
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_GE(certs[0].at, t0 + absl::Milliseconds(500));
  const std::vector<sim::TraceRecord> added = c.Records("manager.add_member");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_GE(added[0].at, certs[0].at);
  // The remote session goes on: no session ended, the same ID, still remote.
  c.world().RunFor(absl::Seconds(10));
  NodeProcess* w1 = c.node("w1");
  EXPECT_TRUE(w1->agent().registered());
  EXPECT_EQ(w1->agent().session_id(), session);
  EXPECT_FALSE(w1->agent().session()->target()->local);
  for (const sim::TraceRecord& r : c.Records("agent.session_end")) {
    EXPECT_FALSE(r.host == c.host("w1") && r.at >= t0) << r.Str("reason");
  }
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

// §10.3: demotion closes the local connection: the session fails (UNAVAILABLE, backoff 100 ms)
// and the next one goes to a remote manager with the same session ID, which the leader's
// dispatcher takes on its reuse path (no new registration).
TEST(NodeRolesTest, DemotionMovesTheSessionToARemoteManagerWithTheSameId) {
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string follower = LastFollower(c);
  const std::string session = c.node(follower)->agent().session_id();
  ASSERT_TRUE(c.node(follower)->agent().local_connection());
  const sim::Time t0 = c.now();
  ASSERT_TRUE(SetDesiredRole(c, c.Leader(), follower, api::NODE_ROLE_WORKER).ok());
  ASSERT_TRUE(c.RunUntil(
      [&] {
        NodeProcess* n = c.node(follower);
        return !n->is_manager() && n->agent().registered() && !n->manager_certificate();
      },
      absl::Seconds(64)));
  NodeProcess* n = c.node(follower);
  EXPECT_FALSE(n->agent().session()->target()->local);
  EXPECT_EQ(n->agent().session_id(), session);
  std::vector<sim::TraceRecord> ends;
  for (const sim::TraceRecord& r : c.Records("agent.session_end")) {
    if (r.host == c.host(follower) && r.at >= t0) ends.push_back(r);
  }
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].Str("code"), "UNAVAILABLE");
  EXPECT_EQ(ends[0].Int("backoff_ns"), absl::ToInt64Nanoseconds(absl::Milliseconds(100)));
  for (const sim::TraceRecord& r : c.Records("agent.registered")) {
    if (r.host == c.host(follower)) {
      EXPECT_EQ(r.Str("session"), session);
    }
  }
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

// §10.2: the leader health-checks the joiner first. With every link from the leader to the
// joiner cut, the join is refused with SwarmKit's message, the membership does not change, and
// the joiner retries; after the heal it joins.
TEST(NodeRolesTest, JoinOfAnUnreachableNodeIsRefusedUntilItIsReachable) {
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string leader = c.Leader();
  c.world().network().Cut(c.host(leader), c.host("w1"));
  ASSERT_TRUE(SetDesiredRole(c, leader, "w1", api::NODE_ROLE_MANAGER).ok());
  ASSERT_TRUE(c.RunUntil([&] { return !c.Records("manager.join_refused").empty(); },
                         absl::Seconds(30)));
  ASSERT_TRUE(c.RunUntil(
      [&] {
        for (const sim::TraceRecord& r : c.Records("node.join_failed")) {
          if (r.host == c.host("w1")) return true;
        }
        return false;
      },
      absl::Seconds(30)));
  bool refused_with_message = false;
  for (const sim::TraceRecord& r : c.Records("node.join_failed")) {
    refused_with_message |= absl::StrContains(
        r.Str("reason"),
        "could not connect to prospective new cluster member using its advertised address");
  }
  EXPECT_TRUE(refused_with_message);
  c.world().RunFor(absl::Seconds(20));
  EXPECT_FALSE(IsMember(c, "w1"));
  EXPECT_EQ(MemberCount(c), 3u);
  EXPECT_GE(c.Records("manager.join_refused").size(), 2u);  // retried
  c.world().network().HealAll();
  ASSERT_TRUE(c.RunUntil([&] { return IsMember(c, "w1") && c.node("w1")->is_manager(); },
                         absl::Seconds(30)));
  EXPECT_EQ(MemberCount(c), 4u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

// Records of `kind` traced by `node`'s host at or after `since`, in trace order.
std::vector<sim::TraceRecord> NodeRecords(NodeTestCluster& c, const std::string& kind,
                                          const std::string& node, sim::Time since) {
  std::vector<sim::TraceRecord> out;
  for (const sim::TraceRecord& r : c.Records(kind)) {
    if (r.host == c.host(node) && r.at >= since) out.push_back(r);
  }
  return out;
}

// Removes `node`'s Raft member through the leader's Raft (a conf change) without touching its
// node object: the role manager sees nothing to do (desired = observed = MANAGER), so the CA
// keeps issuing manager certificates and the node never gets the worker role. Returns the time
// at which the node stopped its manager (its "node.role" worker record).
sim::Time RemoveFromRaftOnly(NodeTestCluster& c, const std::string& node) {
  const std::string leader = c.Leader();
  SIM_CHECK(!leader.empty() && leader != node);
  const uint64_t raft_id = c.node(node)->options().raft_id;
  const sim::Time t0 = c.now();
  auto result = std::make_shared<std::optional<absl::Status>>();
  // Test-only: the scenario has no API for a bare conf change; the RaftHost itself is not const.
  const_cast<RaftHost*>(c.node(leader)->raft())
      ->RemoveMember(c.context(leader), raft_id,
                     [result](sim::Context&, absl::Status status) { *result = status; });
  SIM_CHECK(c.RunUntil([&] { return result->has_value(); }, absl::Seconds(30),
                       absl::Milliseconds(10)));
  SIM_CHECK((*result)->ok());
  SIM_CHECK(c.RunUntil([&] { return !c.node(node)->is_manager(); }, absl::Seconds(30),
                       absl::Milliseconds(10)));
  const std::vector<sim::TraceRecord> roles = NodeRecords(c, "node.role", node, t0);
  SIM_CHECK_EQ(roles.size(), 1u);
  SIM_CHECK_EQ(roles[0].Str("role"), "worker");
  return roles[0].at;
}

// §10.3 superviseManager, removed from Raft with no role change: the node wipes its Raft state,
// waits roleChangeTimeout (16 s) for the worker role, then forces a renewal and waits another
// 16 s; the renewal brings a manager certificate again (not the worker role), so at 32 s it
// assumes a re-promotion and runs its manager again — a join under a new Raft ID. Nothing joins
// or restarts before then, not even on the forced renewal's manager certificate.
TEST(NodeRolesTest, ManagerRemovedWithoutRoleChangeRenewsAtSixteenSecondsAndRestartsAtThirtyTwo) {
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string follower = LastFollower(c);
  const uint64_t old_raft_id = c.node(follower)->options().raft_id;
  const sim::Time removed = RemoveFromRaftOnly(c, follower);
  EXPECT_FALSE(IsMember(c, follower));
  EXPECT_EQ(MemberCount(c), 2u);
  EXPECT_FALSE(HasRaftState(c.world().host(c.host(follower)).disk()));
  EXPECT_TRUE(c.node(follower)->manager_certificate());
  EXPECT_EQ(ObservedRole(c, follower), api::NODE_ROLE_MANAGER);
  EXPECT_EQ(c.LeaderStore()->GetNode(follower)->spec().desired_role(), api::NODE_ROLE_MANAGER);

  // First wait: 16 s, then the forced renewal.
  auto waited = [&](size_t n) {
    return c.RunUntil(
        [&] { return NodeRecords(c, "node.role_wait", follower, removed).size() >= n; },
        absl::Seconds(20), absl::Milliseconds(10));
  };
  ASSERT_TRUE(waited(1));
  std::vector<sim::TraceRecord> waits = NodeRecords(c, "node.role_wait", follower, removed);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].Str("action"), "renew");
  EXPECT_EQ(waits[0].at, removed + kRoleChangeTimeout);

  // Second wait: another 16 s, then the manager runs again (a join).
  ASSERT_TRUE(waited(2));
  waits = NodeRecords(c, "node.role_wait", follower, removed);
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_EQ(waits[1].Str("action"), "restart manager");
  EXPECT_EQ(waits[1].at, removed + 2 * kRoleChangeTimeout);
  // The forced renewal never produced a worker certificate, and nothing joined before 32 s.
  EXPECT_TRUE(NodeRecords(c, "node.certificate", follower, removed).empty());
  EXPECT_TRUE(c.node(follower)->manager_certificate());
  const std::vector<sim::TraceRecord> joins = NodeRecords(c, "node.join", follower, removed);
  ASSERT_FALSE(joins.empty());
  EXPECT_EQ(joins[0].at, removed + 2 * kRoleChangeTimeout);

  std::optional<sim::Time> back = c.RunUntil(
      [&] {
        NodeProcess* n = c.node(follower);
        return IsMember(c, follower) && n->is_manager() && n->local_connection() &&
               c.AllReady(c.all());
      },
      absl::Seconds(40));
  ASSERT_TRUE(back.has_value());
  std::printf("measured: %s removed from Raft, renewal at +%.3f s, join at +%.3f s, member again "
              "at +%.3f s\n",
              follower.c_str(), Secs(waits[0].at - removed), Secs(joins[0].at - removed),
              Secs(*back - removed));
  // A new Raft ID: the old one was removed for good.
  uint64_t new_raft_id = 0;
  for (const api::RaftMember& m : c.node(c.Leader())->raft()->Members()) {
    if (m.node_id() == follower) new_raft_id = m.raft_id();
  }
  EXPECT_NE(new_raft_id, 0u);
  EXPECT_NE(new_raft_id, old_raft_id);
  EXPECT_EQ(MemberCount(c), 3u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

// §10.3 superviseManager: the worker role ends the wait. A demotion removes the member first (the
// node stops its manager, "removed from raft", with its manager certificate still in hand, and
// starts waiting), then sets Role = WORKER; the worker certificate comes well before 16 s, so there
// is neither a forced renewal nor a manager restart, even long after.
TEST(NodeRolesTest, DemotionEndsTheRoleWaitWithoutRenewalOrRestart) {
  NodeTestCluster c(ClusterSpec{3, 1, 1, nullptr});
  FormCluster(c);
  const std::string follower = LastFollower(c);
  const sim::Time t0 = c.now();
  ASSERT_TRUE(SetDesiredRole(c, c.Leader(), follower, api::NODE_ROLE_WORKER).ok());
  ASSERT_TRUE(c.RunUntil([&] { return !c.node(follower)->manager_certificate(); },
                         absl::Seconds(15), absl::Milliseconds(10)));
  // The removal came first, with a manager certificate: the wait was armed.
  const std::vector<sim::TraceRecord> stopped = NodeRecords(c, "node.role", follower, t0);
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].Str("role"), "worker");
  const std::vector<sim::TraceRecord> certs = NodeRecords(c, "node.certificate", follower, t0);
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(certs[0].Str("role"), "worker");
  EXPECT_GT(certs[0].at, stopped[0].at);
  EXPECT_LT(certs[0].at, stopped[0].at + kRoleChangeTimeout);
  std::printf("measured: %s stopped its manager at +%.3f s, worker certificate at +%.3f s\n",
              follower.c_str(), Secs(stopped[0].at - t0), Secs(certs[0].at - t0));
  c.world().RunFor(stopped[0].at + 3 * kRoleChangeTimeout - c.now());
  EXPECT_TRUE(NodeRecords(c, "node.role_wait", follower, t0).empty());
  EXPECT_TRUE(NodeRecords(c, "node.join", follower, t0).empty());
  NodeProcess* n = c.node(follower);
  EXPECT_FALSE(n->is_manager());
  EXPECT_FALSE(n->manager_certificate());
  EXPECT_TRUE(n->agent().registered());
  EXPECT_FALSE(IsMember(c, follower));
  EXPECT_EQ(ObservedRole(c, follower), api::NODE_ROLE_WORKER);
  EXPECT_EQ(MemberCount(c), 2u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

TEST(NodeRolesTest, DemotingLastManagerIsRefused) {
  NodeTestCluster c(ClusterSpec{1, 1, 1, nullptr});
  FormCluster(c);
  const absl::Status status = SetDesiredRole(c, "m1", "m1", api::NODE_ROLE_WORKER);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(
      absl::StrContains(status.message(), "attempting to demote the last manager of the swarm"))
      << status;
  c.world().RunFor(absl::Seconds(10));
  EXPECT_TRUE(c.node("m1")->is_manager());
  EXPECT_EQ(MemberCount(c), 1u);
  c.checkers().Finish();
  EXPECT_EQ(c.Violations(), "");
}

}  // namespace
}  // namespace testing
}  // namespace process
}  // namespace swarmsim
