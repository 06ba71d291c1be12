#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/controlapi/control_api.h"

namespace swarmsim {
namespace controlapi {
namespace {

api::Node MakeNode(const std::string& id, api::NodeRole role,
                   api::NodeStatus::State state = api::NodeStatus::READY) {
  api::Node n;
  n.set_id(id);
  n.set_role(role);
  n.mutable_spec()->set_desired_role(role);
  n.mutable_status()->set_state(state);
  n.mutable_meta()->set_version(5);
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

class NodeApiTest : public ::testing::Test {
 protected:
  // m1 (leader, raft 1), m2, m3 managers; w1, w2 workers (w2 DOWN).
  NodeApiTest() {
    nodes_ = {MakeNode("m1", kManager), MakeNode("m2", kManager), MakeNode("m3", kManager),
              MakeNode("w1", kWorker), MakeNode("w2", kWorker, api::NodeStatus::DOWN)};
    membership_.self_raft_id = 1;
    membership_.members = {Member(1, "m1"), Member(2, "m2"), Member(3, "m3")};
    membership_.reachable_raft_ids = {2, 3};
  }
  ControlView View() const { return ControlView{nodes_, services_, membership_}; }

  std::vector<api::Node> nodes_;
  std::vector<api::Service> services_;
  rolemanager::RaftMembershipView membership_;
};

api::UpdateNodeRequest SetRole(const std::string& id, api::NodeRole role, uint64_t version = 5) {
  api::UpdateNodeRequest r;
  r.set_node_id(id);
  r.set_version(version);
  r.mutable_spec()->set_desired_role(role);
  return r;
}

TEST_F(NodeApiTest, DemotionWithQuorumIsAccepted) {
  auto d = UpdateNode(View(), SetRole("m3", kWorker));
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->actions.size(), 1u);
  const api::Node& n = d->actions[0].target().node();
  EXPECT_EQ(n.spec().desired_role(), kWorker);
  EXPECT_EQ(n.role(), kManager);  // The role manager changes the observed role later.
}

TEST_F(NodeApiTest, DemotingLastManagerIsRefused) {
  nodes_ = {MakeNode("m1", kManager), MakeNode("w1", kWorker)};
  membership_.members = {Member(1, "m1")};
  membership_.reachable_raft_ids = {};
  EXPECT_EQ(UpdateNode(View(), SetRole("m1", kWorker)).status(),
            absl::FailedPreconditionError("attempting to demote the last manager of the swarm"));
}

TEST_F(NodeApiTest, DemotionThatLosesQuorumIsRefused) {
  membership_.reachable_raft_ids = {2};  // m3 unreachable: removing m2 leaves m1 alone.
  EXPECT_EQ(UpdateNode(View(), SetRole("m2", kWorker)).status(),
            absl::FailedPreconditionError(
                "can't remove member from the raft: this would result in a loss of quorum"));
  // Demoting the unreachable one is fine.
  EXPECT_TRUE(UpdateNode(View(), SetRole("m3", kWorker)).ok());
}

TEST_F(NodeApiTest, DemotingManagerNotInMemberListIsNotFound) {
  membership_.members.pop_back();
  EXPECT_EQ(UpdateNode(View(), SetRole("m3", kWorker)).status(),
            absl::NotFoundError("can't find manager in raft memberlist"));
}

TEST_F(NodeApiTest, PromotionAndAvailabilityNeedNoQuorumCheck) {
  membership_.reachable_raft_ids = {};
  EXPECT_TRUE(UpdateNode(View(), SetRole("w1", kManager)).ok());
  api::UpdateNodeRequest drain = SetRole("m2", kManager);
  drain.mutable_spec()->set_availability(api::AVAILABILITY_DRAIN);
  auto d = UpdateNode(View(), drain);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->actions[0].target().node().spec().availability(), api::AVAILABILITY_DRAIN);
}

TEST_F(NodeApiTest, UpdateNodeRefusals) {
  EXPECT_EQ(UpdateNode(View(), SetRole("w1", kManager, 4)).status(),
            absl::UnknownError("update out of sequence"));
  EXPECT_EQ(UpdateNode(View(), SetRole("x", kManager)).status(),
            absl::NotFoundError("node x not found"));
  EXPECT_EQ(UpdateNode(View(), SetRole("w1", kManager, 0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  api::UpdateNodeRequest no_spec = SetRole("w1", kManager);
  no_spec.clear_spec();
  EXPECT_EQ(UpdateNode(View(), no_spec).status().code(), absl::StatusCode::kInvalidArgument);
}

api::RemoveNodeRequest Remove(const std::string& id, bool force = false) {
  api::RemoveNodeRequest r;
  r.set_node_id(id);
  r.set_force(force);
  return r;
}

TEST_F(NodeApiTest, RemoveNodeThatIsNotDownNeedsForce) {
  EXPECT_EQ(RemoveNode(View(), Remove("w1")).status(),
            absl::FailedPreconditionError("node w1 is not down and can't be removed"));
  auto forced = RemoveNode(View(), Remove("w1", true));
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->actions[0].kind(), api::StoreAction::REMOVE);
  EXPECT_EQ(forced->actions[0].target().node().id(), "w1");
  EXPECT_TRUE(RemoveNode(View(), Remove("w2")).ok());  // DOWN: no force needed.
}

TEST_F(NodeApiTest, RemovingRaftMemberRequiresDemotion) {
  nodes_[2].mutable_status()->set_state(api::NodeStatus::DOWN);
  EXPECT_EQ(RemoveNode(View(), Remove("m3", true)).status(),
            absl::FailedPreconditionError(
                "node m3 is a cluster manager and is a member of the raft cluster. It must be "
                "demoted to worker before removal"));
  EXPECT_EQ(RemoveNode(View(), Remove("nope")).status(),
            absl::NotFoundError("node nope not found"));
}

}  // namespace
}  // namespace controlapi
}  // namespace swarmsim
