// Leader-side transactions: optimistic concurrency, own-write visibility, batching.
#include "model/store/write_tx.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

namespace swarmsim {
namespace store {
namespace {

api::Node MakeNode(const std::string& id) {
  api::Node node;
  node.set_id(id);
  return node;
}

api::InternalRaftRequest ToRequest(const WriteTx& tx) {
  api::InternalRaftRequest request;
  for (const auto& action : tx.actions()) *request.add_actions() = action;
  return request;
}

TEST(WriteTxTest, VersionConflictIsRejected) {
  MemoryStore store;
  const sim::Time t1 = sim::Time::FromNanos(1000);
  WriteTx create(store, t1);
  ASSERT_TRUE(create.Create(MakeNode("n1")).ok());
  ASSERT_TRUE(store.Apply(7, ToRequest(create)).ok());
  const api::Node read_at_7 = *store.GetNode("n1");
  EXPECT_EQ(read_at_7.meta().version(), 7u);
  EXPECT_EQ(read_at_7.meta().created_at_ns(), 1000);

  // A writer that read version 7 succeeds; the store then holds version 9.
  const sim::Time t2 = sim::Time::FromNanos(2000);
  WriteTx first(store, t2);
  api::Node update = read_at_7;
  update.mutable_status()->set_state(api::NodeStatus::READY);
  ASSERT_TRUE(first.Update(update).ok());
  ASSERT_TRUE(store.Apply(9, ToRequest(first)).ok());
  EXPECT_EQ(store.GetNode("n1")->meta().version(), 9u);
  EXPECT_EQ(store.GetNode("n1")->meta().updated_at_ns(), 2000);
  EXPECT_EQ(store.GetNode("n1")->meta().created_at_ns(), 1000);

  // A second writer still holding version 7 is rejected and buffers nothing.
  WriteTx stale(store, t2);
  api::Node stale_update = read_at_7;
  stale_update.mutable_status()->set_state(api::NodeStatus::DOWN);
  absl::Status status = stale.Update(stale_update);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(), "update out of sequence");
  EXPECT_EQ(stale.change_count(), 0u);

  // Create of an existing id and update/delete of a missing one are refused too.
  EXPECT_EQ(stale.Create(MakeNode("n1")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(stale.Update(MakeNode("n2")).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(stale.Delete<api::Node>("n2").code(), absl::StatusCode::kNotFound);
}

TEST(WriteTxTest, ReadsSeeOwnWrites) {
  MemoryStore store;
  WriteTx tx(store, sim::Time::FromNanos(5));
  ASSERT_TRUE(tx.Create(MakeNode("n1")).ok());
  ASSERT_NE(tx.Get<api::Node>("n1"), nullptr);
  EXPECT_EQ(store.GetNode("n1"), nullptr);  // Nothing applied before commit.
  api::Node again = *tx.Get<api::Node>("n1");
  again.mutable_status()->set_message("x");
  ASSERT_TRUE(tx.Update(again).ok());  // Same version as seen by the transaction.
  ASSERT_TRUE(tx.Delete<api::Node>("n1").ok());
  EXPECT_EQ(tx.Get<api::Node>("n1"), nullptr);
  EXPECT_EQ(tx.change_count(), 3u);
  ASSERT_TRUE(store.Apply(1, ToRequest(tx)).ok());
  EXPECT_TRUE(store.nodes().empty());
}

TEST(BatchTest, BatchCutsEvery200Changes) {
  MemoryStore store;
  Batch batch(store, sim::Time::FromNanos(0));
  for (int i = 0; i < 405; ++i) {
    ASSERT_TRUE(
        batch.Update([i](WriteTx& tx) { return tx.Create(MakeNode(absl::StrFormat("n%04d", i))); })
            .ok());
  }
  EXPECT_EQ(batch.cut_count(), 2u);
  EXPECT_EQ(batch.open_change_count(), 5u);
  std::vector<api::InternalRaftRequest> proposals = batch.Finish();
  ASSERT_EQ(proposals.size(), 3u);
  EXPECT_EQ(proposals[0].actions_size(), 200);
  EXPECT_EQ(proposals[1].actions_size(), 200);
  EXPECT_EQ(proposals[2].actions_size(), 5);
  EXPECT_EQ(proposals[1].actions(0).target().node().id(), "n0200");
  uint64_t index = 1;
  for (const auto& proposal : proposals) ASSERT_TRUE(store.Apply(index++, proposal).ok());
  EXPECT_EQ(store.nodes().size(), 405u);
}

TEST(BatchTest, FailedUpdateLeavesNoTrace) {
  MemoryStore store;
  Batch batch(store, sim::Time::FromNanos(0));
  ASSERT_TRUE(batch.Update([](WriteTx& tx) { return tx.Create(MakeNode("a")); }).ok());
  absl::Status status = batch.Update([](WriteTx& tx) {
    absl::Status s = tx.Create(MakeNode("b"));
    if (!s.ok()) return s;
    return tx.Create(MakeNode("a"));  // Fails: the whole update, "b" included, is undone.
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(batch.Update([](WriteTx& tx) { return tx.Create(MakeNode("c")); }).ok());
  auto proposals = batch.Finish();
  ASSERT_EQ(proposals.size(), 1u);
  ASSERT_EQ(proposals[0].actions_size(), 2);
  EXPECT_EQ(proposals[0].actions(0).target().node().id(), "a");
  EXPECT_EQ(proposals[0].actions(1).target().node().id(), "c");
}

TEST(BatchTest, FailedUpdateAfterACutKeepsTheCutProposal) {
  MemoryStore store;
  Batch::Limits limits;
  limits.max_changes = 1;
  Batch batch(store, sim::Time::FromNanos(0), limits);
  ASSERT_TRUE(batch.Update([](WriteTx& tx) { return tx.Create(MakeNode("a")); }).ok());
  EXPECT_EQ(batch.cut_count(), 1u);  // "a" has moved into the first proposal.
  EXPECT_EQ(batch
                .Update([](WriteTx& tx) {
                  absl::Status s = tx.Create(MakeNode("b"));
                  if (!s.ok()) return s;
                  return tx.Create(MakeNode("a"));  // Still seen: the overlay kept it.
                })
                .code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(batch.Update([](WriteTx& tx) { return tx.Create(MakeNode("c")); }).ok());
  auto proposals = batch.Finish();
  ASSERT_EQ(proposals.size(), 2u);
  ASSERT_EQ(proposals[0].actions_size(), 1);
  EXPECT_EQ(proposals[0].actions(0).target().node().id(), "a");
  ASSERT_EQ(proposals[1].actions_size(), 1);
  EXPECT_EQ(proposals[1].actions(0).target().node().id(), "c");
}

TEST(BatchTest, OneUpdateIsNeverSplitAcrossProposals) {
  MemoryStore store;
  Batch::Limits limits;
  limits.max_changes = 3;
  Batch batch(store, sim::Time::FromNanos(0), limits);
  ASSERT_TRUE(batch.Update([](WriteTx& tx) { return tx.Create(MakeNode("a")); }).ok());
  ASSERT_TRUE(batch
                  .Update([](WriteTx& tx) {
                    absl::Status s = tx.Create(MakeNode("b"));
                    if (s.ok()) s = tx.Create(MakeNode("c"));
                    if (s.ok()) s = tx.Create(MakeNode("d"));
                    return s;
                  })
                  .ok());
  auto proposals = batch.Finish();
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].actions_size(), 4);
}

TEST(BatchTest, EmptyBatchProposesNothing) {
  MemoryStore store;
  Batch batch(store, sim::Time::FromNanos(0));
  EXPECT_TRUE(batch.Finish().empty());
}

}  // namespace
}  // namespace store
}  // namespace swarmsim
