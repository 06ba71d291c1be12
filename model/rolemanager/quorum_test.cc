#include "model/rolemanager/quorum.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace swarmsim {
namespace rolemanager {
namespace {

RaftMembershipView Members(uint64_t self, int count, std::vector<uint64_t> reachable) {
  RaftMembershipView v;
  v.self_raft_id = self;
  for (int i = 1; i <= count; ++i) {
    api::RaftMember m;
    m.set_raft_id(i);
    m.set_node_id("n" + std::to_string(i));
    v.members.push_back(m);
  }
  v.reachable_raft_ids = std::move(reachable);
  return v;
}

TEST(QuorumTest, ThreeHealthyManagersCanLoseOne) {
  const RaftMembershipView v = Members(1, 3, {2, 3});
  EXPECT_TRUE(RoleManagerCanRemoveMember(v, 2));
  EXPECT_TRUE(RoleManagerCanRemoveMember(v, 1));
}

TEST(QuorumTest, RemovingAReachablePeerWhenAnotherIsDownLosesQuorum) {
  // 3 members, peer 3 unreachable: removing 2 leaves only self reachable (1 < 2).
  const RaftMembershipView v = Members(1, 3, {2});
  EXPECT_FALSE(RoleManagerCanRemoveMember(v, 2));
  // Removing the unreachable one keeps self and 2.
  EXPECT_TRUE(RoleManagerCanRemoveMember(v, 3));
}

TEST(QuorumTest, TwoManagersCanRemoveTheOtherOnlyIfQuorumOfOneRemains) {
  // (2 - 1) / 2 + 1 = 1: self alone is enough.
  EXPECT_TRUE(RoleManagerCanRemoveMember(Members(1, 2, {}), 2));
}

TEST(QuorumTest, FindsMembersByNodeId) {
  const RaftMembershipView v = Members(1, 3, {});
  ASSERT_NE(v.FindByNodeId("n2"), nullptr);
  EXPECT_EQ(v.FindByNodeId("n2")->raft_id(), 2u);
  EXPECT_EQ(v.FindByNodeId("n9"), nullptr);
}

// With everyone reachable, removing any one member of n >= 2 keeps quorum.
RC_GTEST_PROP(QuorumProperty, AllReachableAlwaysAllowsOneRemoval, ()) {
  const int n = *rc::gen::inRange(2, 10);
  const uint64_t self = *rc::gen::inRange<uint64_t>(1, n + 1);
  const uint64_t victim = *rc::gen::inRange<uint64_t>(1, n + 1);
  std::vector<uint64_t> all;
  for (int i = 1; i <= n; ++i) all.push_back(i);
  RC_ASSERT(RoleManagerCanRemoveMember(Members(self, n, all), victim));
}

// The guard never allows a removal that leaves fewer reachable members than a majority of the
// current configuration.
RC_GTEST_PROP(QuorumProperty, NeverAllowsBelowMajority, ()) {
  const int n = *rc::gen::inRange(1, 10);
  const uint64_t self = *rc::gen::inRange<uint64_t>(1, n + 1);
  const uint64_t victim = *rc::gen::inRange<uint64_t>(1, n + 1);
  std::vector<uint64_t> reachable;
  for (int i = 1; i <= n; ++i) {
    if (*rc::gen::arbitrary<bool>()) reachable.push_back(i);
  }
  const RaftMembershipView v = Members(self, n, reachable);
  int left = 0;
  for (int i = 1; i <= n; ++i) {
    if (static_cast<uint64_t>(i) == victim) continue;
    if (static_cast<uint64_t>(i) == self || v.IsReachable(i)) ++left;
  }
  RC_ASSERT(RoleManagerCanRemoveMember(v, victim) == (left >= (n - 1) / 2 + 1));
}

}  // namespace
}  // namespace rolemanager
}  // namespace swarmsim
