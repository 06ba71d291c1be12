#include "model/rolemanager/role_manager.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/orchestrator/test_cluster.h"

namespace swarmsim {
namespace rolemanager {
namespace {

sim::Time At(int64_t seconds) { return sim::Time::FromNanos(seconds * 1000000000); }

api::Node MakeNode(const std::string& id, api::NodeRole desired, api::NodeRole observed) {
  api::Node n;
  n.set_id(id);
  n.mutable_spec()->set_desired_role(desired);
  n.set_role(observed);
  return n;
}

api::RaftMember Member(uint64_t raft_id, const std::string& node_id) {
  api::RaftMember m;
  m.set_raft_id(raft_id);
  m.set_node_id(node_id);
  return m;
}

constexpr api::NodeRole kManager = api::NODE_ROLE_MANAGER;
constexpr api::NodeRole kWorker = api::NODE_ROLE_WORKER;

// What a RoleView refers to: a node table (as the store keeps it) and the Raft membership.
struct Cluster {
  std::map<std::string, api::Node> nodes;
  RaftMembershipView membership;

  RoleView View() const { return RoleView{nodes, membership}; }
};

// Three managers m1 (raft 1, self/leader), m2 (2), m3 (3), all reachable; worker w1.
Cluster ThreeManagers() {
  Cluster v;
  v.nodes = testing::ById<api::Node>(
      {MakeNode("m1", kManager, kManager), MakeNode("m2", kManager, kManager),
       MakeNode("m3", kManager, kManager), MakeNode("w1", kWorker, kWorker)});
  v.membership.self_raft_id = 1;
  v.membership.members = {Member(1, "m1"), Member(2, "m2"), Member(3, "m3")};
  v.membership.reachable_raft_ids = {2, 3};
  return v;
}

api::Node* NodeIn(Cluster& v, const std::string& id) { return &v.nodes.at(id); }

TEST(RoleManagerTest, NothingToDoWhenRolesMatch) {
  RoleManager rm;
  RoleManagerOutput out = rm.Start(At(0), ThreeManagers().View());
  EXPECT_TRUE(out.decisions.empty());
  EXPECT_FALSE(out.tick.has_value());
  EXPECT_FALSE(rm.HasPendingWork());
}

TEST(RoleManagerTest, PromotionSetsRoleManagerImmediately) {
  RoleManager rm;
  Cluster v = ThreeManagers();
  rm.Start(At(0), v.View());
  NodeIn(v, "w1")->mutable_spec()->set_desired_role(kManager);
  RoleManagerOutput out = rm.HandleNodeUpdate(At(1), "w1", v.View());
  ASSERT_EQ(out.decisions.size(), 1u);
  const RoleDecision& d = out.decisions[0];
  EXPECT_EQ(d.kind, RoleDecision::Kind::kUpdateNode);
  EXPECT_EQ(d.action.kind(), api::StoreAction::UPDATE);
  EXPECT_EQ(d.action.target().node().id(), "w1");
  EXPECT_EQ(d.action.target().node().role(), kManager);
  EXPECT_FALSE(rm.HasPendingWork());
}

TEST(RoleManagerTest, DemotionRemovesMemberThenRoleBecomesWorkerOnceNotMember) {
  RoleManager rm;
  Cluster v = ThreeManagers();
  rm.Start(At(0), v.View());
  NodeIn(v, "m3")->mutable_spec()->set_desired_role(kWorker);
  RoleManagerOutput out = rm.HandleNodeUpdate(At(1), "m3", v.View());
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].kind, RoleDecision::Kind::kRemoveMember);
  EXPECT_EQ(out.decisions[0].raft_id, 3u);
  ASSERT_TRUE(out.tick.has_value());
  EXPECT_EQ(out.tick->at, At(6));
  // The removal was applied; the next tick finishes the demotion.
  v.membership.members.pop_back();
  v.membership.reachable_raft_ids = {2};
  out = rm.HandleTick(At(6), out.tick->generation, v.View());
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].kind, RoleDecision::Kind::kUpdateNode);
  EXPECT_EQ(out.decisions[0].action.target().node().role(), kWorker);
  EXPECT_FALSE(out.tick.has_value());
  EXPECT_FALSE(rm.HasPendingWork());
}

TEST(RoleManagerTest, RoleBecomesWorkerOnceNotMember) {
  RoleManager rm;
  Cluster v = ThreeManagers();
  NodeIn(v, "m3")->mutable_spec()->set_desired_role(kWorker);
  v.membership.members.pop_back();  // Already out of Raft (e.g. removed by a previous leader).
  RoleManagerOutput out = rm.Start(At(0), v.View());
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].kind, RoleDecision::Kind::kUpdateNode);
  EXPECT_EQ(out.decisions[0].action.target().node().role(), kWorker);
}

TEST(RoleManagerTest, DemotingLeaderTransfersLeadershipFirst) {
  RoleManager rm;
  Cluster v = ThreeManagers();
  rm.Start(At(0), v.View());
  NodeIn(v, "m1")->mutable_spec()->set_desired_role(kWorker);
  RoleManagerOutput out = rm.HandleNodeUpdate(At(1), "m1", v.View());
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].kind, RoleDecision::Kind::kTransferLeadership);
  EXPECT_EQ(out.decisions[0].raft_id, 1u);
  EXPECT_TRUE(rm.HasPendingWork());
}

TEST(RoleManagerTest, DemotionSkippedWhileQuorumWouldBeLost) {
  RoleManager rm;
  Cluster v = ThreeManagers();
  v.membership.reachable_raft_ids = {2};  // m3 is unreachable.
  rm.Start(At(0), v.View());
  NodeIn(v, "m2")->mutable_spec()->set_desired_role(kWorker);
  RoleManagerOutput out = rm.HandleNodeUpdate(At(1), "m2", v.View());
  EXPECT_TRUE(out.decisions.empty());
  ASSERT_TRUE(out.tick.has_value());
  // Still unsafe at the next tick: retried again 5 s later, on the ticker's phase.
  RoleManagerOutput again = rm.HandleTick(At(6), out.tick->generation, v.View());
  EXPECT_TRUE(again.decisions.empty());
  ASSERT_TRUE(again.tick.has_value());
  EXPECT_EQ(again.tick->at, At(11));
  // m3 is back: the removal goes ahead.
  v.membership.reachable_raft_ids = {2, 3};
  RoleManagerOutput later = rm.HandleTick(At(11), again.tick->generation, v.View());
  ASSERT_EQ(later.decisions.size(), 1u);
  EXPECT_EQ(later.decisions[0].kind, RoleDecision::Kind::kRemoveMember);
  EXPECT_EQ(later.decisions[0].raft_id, 2u);
}

TEST(RoleManagerTest, StaleTickIsIgnored) {
  RoleManager rm;
  Cluster v = ThreeManagers();
  v.membership.reachable_raft_ids = {2};
  NodeIn(v, "m2")->mutable_spec()->set_desired_role(kWorker);
  RoleManagerOutput out = rm.Start(At(0), v.View());
  ASSERT_TRUE(out.tick.has_value());
  EXPECT_TRUE(rm.HandleTick(At(5), out.tick->generation + 7, v.View()).decisions.empty());
  EXPECT_FALSE(rm.HandleTick(At(5), out.tick->generation + 7, v.View()).tick.has_value());
}

TEST(RoleManagerTest, DeletedNodeStillInRaftIsRemoved) {
  RoleManager rm;
  Cluster v = ThreeManagers();
  v.nodes.erase("m3");  // m3's node object is gone.
  RoleManagerOutput out = rm.Start(At(0), v.View());
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].kind, RoleDecision::Kind::kRemoveMember);
  EXPECT_EQ(out.decisions[0].node_id, "m3");
  ASSERT_TRUE(out.tick.has_value());
  v.membership.members.pop_back();
  out = rm.HandleTick(At(5), out.tick->generation, v.View());
  EXPECT_TRUE(out.decisions.empty());
  EXPECT_FALSE(rm.HasPendingWork());
}

TEST(RoleManagerTest, SequentialRemovalsAreCheckedAgainstTheShrinkingMembership) {
  // Five managers, three demoted at once: each removal is checked as if the previous ones applied.
  RoleManager rm;
  Cluster v;
  for (int i = 1; i <= 5; ++i) {
    const std::string id = "m" + std::to_string(i);
    v.nodes.emplace(id, MakeNode(id, i >= 3 ? kWorker : kManager, kManager));
    v.membership.members.push_back(Member(i, id));
  }
  v.membership.self_raft_id = 1;
  v.membership.reachable_raft_ids = {2, 3, 4};  // m5 unreachable
  RoleManagerOutput out = rm.Start(At(0), v.View());
  // m3: 5 members, reachable after removal = {1,2,4} = 3 >= 3, ok. Then m4: 4 members,
  // reachable after = {1,2} = 2 >= 2, ok. Then m5: 3 members, reachable after = {1,2} >= 2, ok.
  ASSERT_EQ(out.decisions.size(), 3u);
  for (const RoleDecision& d : out.decisions) {
    EXPECT_EQ(d.kind, RoleDecision::Kind::kRemoveMember);
  }
  v.membership.reachable_raft_ids = {2};  // Now m3 and m4 are unreachable as well.
  RoleManager rm2;
  out = rm2.Start(At(0), v.View());
  // m3: reachable after = {1,2} = 2 < 3: skipped; m4 likewise; m5 likewise.
  EXPECT_TRUE(out.decisions.empty());
}

// The role manager reads the store's node table in place; a node filed under a key other than
// its id would make lookups and the id order disagree, so the view check catches it.
TEST(RoleManagerDeathTest, StartRejectsANodeFiledUnderAnotherId) {
  Cluster v = ThreeManagers();
  v.nodes.at("w1").set_id("w9");
  RoleManager rm;
  EXPECT_DEATH(rm.Start(At(0), v.View()), "node.id");
}

}  // namespace
}  // namespace rolemanager
}  // namespace swarmsim
