// The connection broker's local connection set and cleared at run time (reference §10.3): the
// agent lives across role changes and keeps its session ID.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/agent/agent.h"
#include "model/agent/fake_cluster.h"

namespace swarmsim {
namespace agent {
namespace {

sim::Time T(absl::Duration d) { return sim::Time::Zero() + d; }

AgentConfig ConfigWith(std::vector<std::string> managers, bool local) {
  AgentConfig config;
  config.node_id = "n1";
  config.description.set_hostname("n1");
  config.local_manager = local;
  for (const std::string& m : managers) config.initial_remotes.push_back(FakeCluster::Manager(m));
  return config;
}

// Promotion: the local connection appears while a remote session runs. That session goes on;
// only the next one (after a failure) uses the local connection, with the same session ID.
TEST(LocalConnectionTest, SettingItKeepsTheRemoteSessionAndTheNextSessionGoesLocal) {
  FakeCluster c(ConfigWith({"m1"}, /*local=*/false), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  ASSERT_TRUE(c.agent().registered());
  const std::string id = c.agent().session_id();
  AgentOutput out = c.agent().SetLocalConnection(c.now(), true);
  EXPECT_TRUE(out.cancels.empty());
  EXPECT_TRUE(out.calls.empty());
  c.Apply(std::move(out));
  c.RunUntil(T(absl::Seconds(20)));
  EXPECT_TRUE(c.agent().registered());
  EXPECT_FALSE(c.agent().session()->target()->local);
  EXPECT_EQ(c.agent().session_id(), id);
  EXPECT_EQ(c.dispatcher("local").session_calls, 0);

  // The local fake stands for the same leader dispatcher: it knows the session.
  c.dispatcher("local").session_id = id;
  c.KillDispatcher("m1");
  c.RunUntil(T(absl::Seconds(21)));
  EXPECT_TRUE(c.agent().registered());
  EXPECT_TRUE(c.agent().session()->target()->local);
  ASSERT_EQ(c.dispatcher("local").requested_session_ids.size(), 1u);
  EXPECT_EQ(c.dispatcher("local").requested_session_ids[0], id);
  EXPECT_EQ(c.agent().session_id(), id);
}

// Demotion: clearing the local connection fails the session on it at once (UNAVAILABLE, backoff
// 100 ms); the next session goes to a remote manager and sends the same session ID.
TEST(LocalConnectionTest, ClearingItFailsTheLocalSessionAndTheNextGoesRemoteWithTheSameId) {
  FakeCluster c(ConfigWith({"m2"}, /*local=*/true), 1);
  c.dispatcher("local").managers = {FakeCluster::Manager("m2")};
  c.dispatcher("m2").managers = {FakeCluster::Manager("m2")};
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  ASSERT_TRUE(c.agent().registered());
  ASSERT_TRUE(c.agent().session()->target()->local);
  const std::string id = c.agent().session_id();
  c.dispatcher("m2").session_id = id;  // the leader's dispatcher, which the local one proxied to
  c.Apply(c.agent().SetLocalConnection(c.now(), false));
  std::vector<FakeCluster::NoteRecord> ended = c.NotesOf(NoteKind::kSessionEnded);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].note.code, absl::StatusCode::kUnavailable);
  EXPECT_EQ(ended[0].note.backoff, absl::Milliseconds(100));
  c.RunUntil(T(absl::Seconds(2)));
  EXPECT_TRUE(c.agent().registered());
  EXPECT_FALSE(c.agent().session()->target()->local);
  ASSERT_EQ(c.dispatcher("m2").requested_session_ids.size(), 1u);
  EXPECT_EQ(c.dispatcher("m2").requested_session_ids[0], id);
  EXPECT_EQ(c.agent().session_id(), id);
  EXPECT_EQ(c.dispatcher("local").session_calls, 1);
}

// A remote session is not touched when a local connection that it never used is cleared.
TEST(LocalConnectionTest, ClearingItLeavesARemoteSessionAlone) {
  FakeCluster c(ConfigWith({"m1"}, /*local=*/false), 1);
  c.dispatcher("m1").managers = {FakeCluster::Manager("m1")};
  c.Start();
  c.RunUntil(T(absl::Seconds(1)));
  c.Apply(c.agent().SetLocalConnection(c.now(), true));
  AgentOutput out = c.agent().SetLocalConnection(c.now(), false);
  EXPECT_TRUE(out.cancels.empty());
  c.Apply(std::move(out));
  EXPECT_TRUE(c.NotesOf(NoteKind::kSessionEnded).empty());
  EXPECT_TRUE(c.agent().registered());
}

}  // namespace
}  // namespace agent
}  // namespace swarmsim
