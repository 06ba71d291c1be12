// Demote/promote round trips through the control API and the role manager together, after
// SwarmKit's integration tests (TestDemotePromote, TestDemoteLeader, TestDemoteDownedManager,
// TestDemoteToSingleManager), with Raft's membership changes applied by hand.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/controlapi/control_api.h"
#include "model/rolemanager/role_manager.h"

namespace swarmsim {
namespace {

using rolemanager::RoleDecision;
using rolemanager::RoleManager;
using rolemanager::RoleManagerOutput;
using rolemanager::RoleView;

constexpr api::NodeRole kManager = api::NODE_ROLE_MANAGER;
constexpr api::NodeRole kWorker = api::NODE_ROLE_WORKER;

sim::Time At(int64_t seconds) { return sim::Time::FromNanos(seconds * 1000000000); }

class Swarm {
 public:
  // Managers m1..m<managers> (raft ids 1..), workers w1..w<workers>; m1 leads.
  Swarm(int managers, int workers) {
    for (int i = 1; i <= managers; ++i) {
      AddNode("m" + std::to_string(i), kManager);
      api::RaftMember m;
      m.set_raft_id(i);
      m.set_node_id("m" + std::to_string(i));
      view.membership.members.push_back(m);
      if (i > 1) view.membership.reachable_raft_ids.push_back(i);
    }
    for (int i = 1; i <= workers; ++i) AddNode("w" + std::to_string(i), kWorker);
    view.membership.self_raft_id = 1;
  }

  absl::Status SetDesiredRole(const std::string& id, api::NodeRole role) {
    const std::vector<api::Service> no_services;
    std::vector<api::Node> node_rows;  // ControlView takes rows in id order.
    for (const auto& [node_id, n] : nodes) node_rows.push_back(n);
    controlapi::ControlView control{node_rows, no_services, view.membership};
    api::UpdateNodeRequest r;
    r.set_node_id(id);
    r.set_version(view.FindNode(id)->meta().version());
    *r.mutable_spec() = view.FindNode(id)->spec();
    r.mutable_spec()->set_desired_role(role);
    auto d = controlapi::UpdateNode(control, r);
    if (!d.ok()) return d.status();
    for (const api::StoreAction& a : d->actions) ApplyNode(a.target().node());
    return absl::OkStatus();
  }

  // Carries out the role manager's decisions as the host would, with every Raft change succeeding.
  // Returns the kinds, in order.
  std::vector<RoleDecision::Kind> Carry(const RoleManagerOutput& out) {
    std::vector<RoleDecision::Kind> kinds;
    for (const RoleDecision& d : out.decisions) {
      kinds.push_back(d.kind);
      if (d.kind == RoleDecision::Kind::kUpdateNode) ApplyNode(d.action.target().node());
      if (d.kind == RoleDecision::Kind::kRemoveMember) RemoveMember(d.raft_id);
    }
    if (out.tick.has_value()) tick = *out.tick;
    return kinds;
  }

  void RemoveMember(uint64_t raft_id) {
    auto& m = view.membership.members;
    m.erase(std::remove_if(m.begin(), m.end(),
                           [&](const api::RaftMember& x) { return x.raft_id() == raft_id; }),
            m.end());
    auto& r = view.membership.reachable_raft_ids;
    r.erase(std::remove(r.begin(), r.end(), raft_id), r.end());
  }

  api::NodeRole RoleOf(const std::string& id) const { return view.FindNode(id)->role(); }

  std::map<std::string, api::Node> nodes;  // the node table, keyed by id as the store keeps it
  RoleView view{nodes, {}};                // reads `nodes` in place
  rolemanager::TickRequest tick;

 private:
  void AddNode(const std::string& id, api::NodeRole role) {
    api::Node n;
    n.set_id(id);
    n.set_role(role);
    n.mutable_spec()->set_desired_role(role);
    n.mutable_status()->set_state(api::NodeStatus::READY);
    n.mutable_meta()->set_version(++version_);
    nodes.emplace(id, n);
  }

  void ApplyNode(api::Node n) {
    n.mutable_meta()->set_version(++version_);
    auto it = nodes.find(n.id());
    if (it != nodes.end()) it->second = n;
  }

  uint64_t version_ = 0;
};

using Kinds = std::vector<RoleDecision::Kind>;
constexpr RoleDecision::Kind kUpdate = RoleDecision::Kind::kUpdateNode;
constexpr RoleDecision::Kind kRemove = RoleDecision::Kind::kRemoveMember;
constexpr RoleDecision::Kind kTransfer = RoleDecision::Kind::kTransferLeadership;

TEST(RoleChangeTest, DemotePromoteFollower) {
  Swarm s(3, 1);
  RoleManager rm;
  s.Carry(rm.Start(At(0), s.view));
  ASSERT_TRUE(s.SetDesiredRole("m3", kWorker).ok());
  EXPECT_EQ(s.Carry(rm.HandleNodeUpdate(At(1), "m3", s.view)), Kinds{kRemove});
  EXPECT_EQ(s.RoleOf("m3"), kManager);  // Until the next tick sees the member gone.
  EXPECT_EQ(s.Carry(rm.HandleTick(s.tick.at, s.tick.generation, s.view)), Kinds{kUpdate});
  EXPECT_EQ(s.RoleOf("m3"), kWorker);
  ASSERT_TRUE(s.SetDesiredRole("m3", kManager).ok());
  EXPECT_EQ(s.Carry(rm.HandleNodeUpdate(At(7), "m3", s.view)), Kinds{kUpdate});
  EXPECT_EQ(s.RoleOf("m3"), kManager);
  EXPECT_FALSE(rm.HasPendingWork());
}

TEST(RoleChangeTest, DemoteLeaderThenPromoteItBack) {
  Swarm s(3, 0);
  RoleManager on_m1;
  s.Carry(on_m1.Start(At(0), s.view));
  ASSERT_TRUE(s.SetDesiredRole("m1", kWorker).ok());
  EXPECT_EQ(s.Carry(on_m1.HandleNodeUpdate(At(1), "m1", s.view)), Kinds{kTransfer});
  // m2 wins the election; its role manager finishes the demotion.
  s.view.membership.self_raft_id = 2;
  s.view.membership.reachable_raft_ids = {1, 3};
  RoleManager on_m2;
  EXPECT_EQ(s.Carry(on_m2.Start(At(3), s.view)), Kinds{kRemove});
  EXPECT_EQ(s.Carry(on_m2.HandleTick(s.tick.at, s.tick.generation, s.view)), Kinds{kUpdate});
  EXPECT_EQ(s.RoleOf("m1"), kWorker);
  ASSERT_TRUE(s.SetDesiredRole("m1", kManager).ok());
  EXPECT_EQ(s.Carry(on_m2.HandleNodeUpdate(At(9), "m1", s.view)), Kinds{kUpdate});
  EXPECT_EQ(s.RoleOf("m1"), kManager);
}

TEST(RoleChangeTest, DemoteDownedManager) {
  Swarm s(3, 0);
  s.view.membership.reachable_raft_ids = {2};  // m3 is stopped.
  RoleManager rm;
  s.Carry(rm.Start(At(0), s.view));
  ASSERT_TRUE(s.SetDesiredRole("m3", kWorker).ok());  // m1 and m2 remain: quorum holds.
  EXPECT_EQ(s.Carry(rm.HandleNodeUpdate(At(1), "m3", s.view)), Kinds{kRemove});
  s.Carry(rm.HandleTick(s.tick.at, s.tick.generation, s.view));
  EXPECT_EQ(s.RoleOf("m3"), kWorker);
}

TEST(RoleChangeTest, DemoteToSingleManager) {
  Swarm s(2, 0);
  RoleManager rm;
  s.Carry(rm.Start(At(0), s.view));
  ASSERT_TRUE(s.SetDesiredRole("m2", kWorker).ok());
  EXPECT_EQ(s.Carry(rm.HandleNodeUpdate(At(1), "m2", s.view)), Kinds{kRemove});
  s.Carry(rm.HandleTick(s.tick.at, s.tick.generation, s.view));
  EXPECT_EQ(s.RoleOf("m2"), kWorker);
  EXPECT_EQ(s.SetDesiredRole("m1", kWorker),
            absl::FailedPreconditionError("attempting to demote the last manager of the swarm"));
}

}  // namespace
}  // namespace swarmsim
