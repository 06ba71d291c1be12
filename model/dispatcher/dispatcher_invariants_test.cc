// The dispatcher's invariant check: an index broken on purpose is reported under its invariant's
// name, and the cheap ordered walk (IndexesConsistent) agrees with the full walk with a lookup per
// entry (IndexViolation) on every case, broken or not.
#include <string>

#include "gtest/gtest.h"
#include "model/dispatcher/dispatcher_harness.h"

namespace swarmsim {
namespace dispatcher {

// Reaches into the dispatcher to break what its own code never breaks.
class DispatcherInvariantsPeer {
 public:
  explicit DispatcherInvariantsPeer(Dispatcher& d) : d_(d) {}
  void IndexSession(const std::string& node, CallId call) {
    d_.sessions_by_node_.emplace(node, call);
  }
  void UnindexSession(const std::string& node, CallId call) {
    d_.sessions_by_node_.erase({node, call});
  }
  void IndexAssignments(const std::string& node, CallId call) {
    d_.assignments_by_node_.emplace(node, call);
  }
  void UnindexAssignments(const std::string& node, CallId call) {
    d_.assignments_by_node_.erase({node, call});
  }
  void MarkWaiting(CallId call) { d_.waiting_sessions_.insert(call); }
  RegisteredNode& Entry(const std::string& node) {
    return const_cast<RegisteredNode&>(*d_.registry_.Get(node));
  }
  uint64_t generation() const { return d_.generation_; }
  // The cheap walk and the full one agree on whether an index is broken.
  bool WalksAgree() const { return d_.IndexesConsistent() == d_.IndexViolation().empty(); }

 private:
  Dispatcher& d_;
};

namespace {

// Three registered nodes n1..n3, each with an open session (calls 1..3) and an Assignments
// stream (calls 11..13).
class DispatcherInvariantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 3; ++i) h_.AddNode(Node(i));
    h_.Start();
    for (int i = 1; i <= 3; ++i) {
      const std::string session = h_.Register(i, Node(i));
      ASSERT_FALSE(session.empty());
      h_.Assignments(10 + i, Node(i), session);
    }
    ASSERT_EQ(h_.dispatcher().open_assignments(), 3u);
  }
  static std::string Node(int i) { return "n" + std::to_string(i); }
  // The first broken invariant's name ("" when all hold), after checking the walks agree.
  std::string Broken() {
    EXPECT_TRUE(peer_.WalksAgree());
    const std::string violation = h_.dispatcher().InvariantViolation();
    return violation.substr(0, violation.find(':'));
  }

  DispatcherHarness h_;
  DispatcherInvariantsPeer peer_{h_.dispatcher()};
};

TEST_F(DispatcherInvariantsTest, IntactIndexesHold) { EXPECT_EQ(Broken(), ""); }

TEST_F(DispatcherInvariantsTest, SessionIndexedUnderAnotherNodeIsReported) {
  peer_.UnindexSession("n1", 1);
  peer_.IndexSession("n2", 1);
  EXPECT_EQ(Broken(), "sessions_indexed_by_node");
}

TEST_F(DispatcherInvariantsTest, SessionIndexedTwiceIsReported) {
  peer_.IndexSession("n3", 1);
  EXPECT_EQ(Broken(), "sessions_indexed_by_node");
}

TEST_F(DispatcherInvariantsTest, SessionsSwappedBetweenNodesAreReported) {
  peer_.UnindexSession("n1", 1);
  peer_.UnindexSession("n2", 2);
  peer_.IndexSession("n1", 2);
  peer_.IndexSession("n2", 1);
  EXPECT_EQ(Broken(), "sessions_indexed_by_node");
}

TEST_F(DispatcherInvariantsTest, IndexedCallWithoutSessionIsReported) {
  peer_.IndexSession("n2", 99);
  EXPECT_EQ(Broken(), "sessions_indexed_by_node");
}

TEST_F(DispatcherInvariantsTest, UnindexedSessionIsReported) {
  peer_.UnindexSession("n2", 2);
  EXPECT_EQ(Broken(), "sessions_indexed");
}

TEST_F(DispatcherInvariantsTest, OpenSessionListedAsWaitingIsReported) {
  peer_.MarkWaiting(2);
  EXPECT_EQ(Broken(), "waiting_sessions_indexed");
}

TEST_F(DispatcherInvariantsTest, AssignmentsStreamIndexedUnderAnotherNodeIsReported) {
  peer_.UnindexAssignments("n3", 13);
  peer_.IndexAssignments("n1", 13);
  EXPECT_EQ(Broken(), "assignments_indexed_by_node");
}

TEST_F(DispatcherInvariantsTest, UnindexedAssignmentsStreamIsReported) {
  peer_.UnindexAssignments("n1", 11);
  EXPECT_EQ(Broken(), "assignments_indexed_by_node");
}

TEST_F(DispatcherInvariantsTest, AssignmentsStreamIndexedTwiceIsReported) {
  peer_.IndexAssignments("n2", 11);
  EXPECT_EQ(Broken(), "assignments_indexed_by_node");
}

TEST_F(DispatcherInvariantsTest, RegistryEntryFiledUnderAnotherIdIsReported) {
  peer_.Entry("n2").node_id = "n9";
  EXPECT_EQ(Broken(), "registry_entries_well_formed");
}

TEST_F(DispatcherInvariantsTest, RegistryGenerationNotYetIssuedIsReported) {
  peer_.Entry("n3").generation = peer_.generation() + 1;
  EXPECT_EQ(Broken(), "registry_entries_well_formed");
}

TEST_F(DispatcherInvariantsTest, RegisteredEntryWithoutSessionIsReported) {
  peer_.Entry("n1").session_id.clear();
  EXPECT_EQ(Broken(), "registry_entries_well_formed");
}

}  // namespace
}  // namespace dispatcher
}  // namespace swarmsim
