// MemoryStore: apply semantics, determinism, indexes, snapshots.
#include "model/store/memory_store.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/store/write_tx.h"

namespace swarmsim {
namespace store {
namespace {

api::Task MakeTask(const std::string& id, const std::string& node, const std::string& service) {
  api::Task task;
  task.set_id(id);
  task.set_node_id(node);
  task.set_service_id(service);
  task.mutable_status()->set_state(api::TASK_ASSIGNED);
  return task;
}

api::Node MakeNode(const std::string& id) {
  api::Node node;
  node.set_id(id);
  node.mutable_description()->set_hostname(id);
  return node;
}

api::StoreAction Action(api::StoreAction::Kind kind, api::StoreObject object) {
  api::StoreAction action;
  action.set_kind(kind);
  *action.mutable_target() = std::move(object);
  return action;
}

// A fixed sequence of requests touching every table and every action kind.
std::vector<api::InternalRaftRequest> Script() {
  std::vector<api::InternalRaftRequest> script(3);
  *script[0].add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeNode("n2")));
  *script[0].add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeNode("n1")));
  *script[0].add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeTask("t2", "n1", "s1")));
  *script[0].add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeTask("t1", "n2", "s1")));
  api::Cluster cluster;
  cluster.set_id("c");
  cluster.mutable_spec()->mutable_dispatcher()->set_heartbeat_period_ns(5000000000);
  *script[1].add_actions() = Action(api::StoreAction::CREATE, Wrap(cluster));
  api::Task moved = MakeTask("t1", "n1", "s1");
  moved.mutable_status()->set_state(api::TASK_RUNNING);
  *script[1].add_actions() = Action(api::StoreAction::UPDATE, Wrap(moved));
  *script[2].add_actions() = Action(api::StoreAction::REMOVE, Wrap(MakeTask("t2", "", "")));
  api::Service service;
  service.set_id("s1");
  *script[2].add_actions() = Action(api::StoreAction::CREATE, Wrap(service));
  return script;
}

std::string Digest(const MemoryStore& store, const std::vector<Event>& events) {
  std::string out;
  store.Save().SerializeToString(&out);
  for (const Event& event : events) {
    out += EventActionName(event.action);
    out += event.id();
    out += std::to_string(event.index);
  }
  return out;
}

TEST(MemoryStoreTest, ApplyIsDeterministic) {
  // Two replicas applying the same entries at the same indexes end identical, event for event.
  MemoryStore a;
  MemoryStore b;
  std::vector<Event> events_a;
  std::vector<Event> events_b;
  uint64_t index = 3;
  for (const auto& request : Script()) {
    auto ea = a.Apply(index, request);
    auto eb = b.Apply(index, request);
    ASSERT_TRUE(ea.ok()) << ea.status();
    ASSERT_TRUE(eb.ok()) << eb.status();
    events_a.insert(events_a.end(), ea->begin(), ea->end());
    events_b.insert(events_b.end(), eb->begin(), eb->end());
    index += 2;  // Gaps: conf-change and empty entries carry no store payload.
  }
  EXPECT_EQ(Digest(a, events_a), Digest(b, events_b));
  a.CheckInvariants();
  EXPECT_EQ(a.applied_index(), 7u);
  // Versions are the Raft index of the last write.
  EXPECT_EQ(a.GetNode("n1")->meta().version(), 3u);
  EXPECT_EQ(a.GetTask("t1")->meta().version(), 5u);
  EXPECT_EQ(a.GetService("s1")->meta().version(), 7u);
  EXPECT_EQ(a.GetTask("t2"), nullptr);
  // Listings are ordered by id whatever the creation order.
  std::vector<std::string> node_ids;
  for (const auto& [id, node] : a.nodes()) node_ids.push_back(id);
  EXPECT_EQ(node_ids, (std::vector<std::string>{"n1", "n2"}));
  // Events: one per action, in action order, then one commit.
  ASSERT_EQ(events_a.size(), 4u + 1 + 2 + 1 + 2 + 1);
  EXPECT_EQ(events_a[0].action, EventAction::kCreate);
  EXPECT_EQ(events_a[0].id(), "n2");
  EXPECT_EQ(events_a[4].action, EventAction::kCommit);
  EXPECT_EQ(events_a[4].index, 3u);
  EXPECT_EQ(events_a[6].action, EventAction::kUpdate);
  EXPECT_EQ(events_a[6].old_object.task().node_id(), "n2");
  EXPECT_EQ(events_a[6].object.task().node_id(), "n1");
  EXPECT_EQ(events_a[8].action, EventAction::kRemove);
  EXPECT_EQ(events_a[8].object.task().node_id(), "n1");  // The removed object as it was.
}

TEST(MemoryStoreTest, TaskIndexesFollowUpdatesAndRemovals) {
  MemoryStore store;
  uint64_t index = 1;
  for (const auto& request : Script()) ASSERT_TRUE(store.Apply(index++, request).ok());
  auto on_n1 = store.TasksByNode("n1");
  ASSERT_EQ(on_n1.size(), 1u);
  EXPECT_EQ(on_n1[0]->id(), "t1");
  EXPECT_TRUE(store.TasksByNode("n2").empty());
  EXPECT_EQ(store.TasksByService("s1").size(), 1u);
  store.CheckInvariants();
}

TEST(MemoryStoreTest, InvalidRequestChangesNothing) {
  MemoryStore store;
  ASSERT_TRUE(store.Apply(1, Script()[0]).ok());
  api::InternalRaftRequest bad;
  api::Node fresh = MakeNode("n9");
  *bad.add_actions() = Action(api::StoreAction::CREATE, Wrap(fresh));
  *bad.add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeNode("n1")));  // Exists.
  WatcherId watcher = store.Watch(WatchFilter::All());
  auto result = store.Apply(2, bad);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store.GetNode("n9"), nullptr);
  EXPECT_EQ(store.pending(watcher), 0u);
  EXPECT_EQ(store.applied_index(), 1u);

  api::InternalRaftRequest missing;
  *missing.add_actions() = Action(api::StoreAction::UPDATE, Wrap(MakeNode("n7")));
  EXPECT_EQ(store.Apply(3, missing).status().code(), absl::StatusCode::kNotFound);

  // Create then update then remove of one id inside one request is valid.
  api::InternalRaftRequest chain;
  *chain.add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeNode("n5")));
  *chain.add_actions() = Action(api::StoreAction::UPDATE, Wrap(MakeNode("n5")));
  *chain.add_actions() = Action(api::StoreAction::REMOVE, Wrap(MakeNode("n5")));
  ASSERT_TRUE(store.Apply(4, chain).ok());
  EXPECT_EQ(store.GetNode("n5"), nullptr);
}

TEST(MemoryStoreTest, UpdateAfterRemoveOfOneIdInOneRequestIsNotFound) {
  MemoryStore store;
  ASSERT_TRUE(store.Apply(1, Script()[0]).ok());
  // n1 exists in the store, but the request removed it before updating it.
  api::InternalRaftRequest request;
  *request.add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeNode("n3")));
  *request.add_actions() = Action(api::StoreAction::REMOVE, Wrap(MakeNode("n1")));
  *request.add_actions() = Action(api::StoreAction::UPDATE, Wrap(MakeNode("n1")));
  EXPECT_EQ(store.Apply(2, request).status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(store.GetNode("n1"), nullptr);
  EXPECT_EQ(store.GetNode("n3"), nullptr);
  // A node and a task may share an id: two rows, each checked against its own table.
  api::InternalRaftRequest shared;
  *shared.add_actions() = Action(api::StoreAction::UPDATE, Wrap(MakeNode("n1")));
  *shared.add_actions() = Action(api::StoreAction::CREATE, Wrap(MakeTask("n1", "n1", "s1")));
  EXPECT_TRUE(store.Apply(3, shared).ok());
}

TEST(MemoryStoreTest, SnapshotRestoreRoundTrip) {
  MemoryStore source;
  uint64_t index = 10;
  for (const auto& request : Script()) ASSERT_TRUE(source.Apply(index++, request).ok());
  const api::StoreSnapshot snapshot = source.Save();
  ASSERT_EQ(snapshot.nodes_size(), 2);
  EXPECT_EQ(snapshot.nodes(0).id(), "n1");

  // A lagging replica that had diverging content (t2 still present, no service) restores.
  MemoryStore replica;
  ASSERT_TRUE(replica.Apply(10, Script()[0]).ok());
  WatcherId watcher = replica.Watch(WatchFilter::All());
  std::vector<Event> events = replica.Restore(12, snapshot);
  EXPECT_EQ(replica.applied_index(), 12u);
  std::string a;
  std::string b;
  source.Save().SerializeToString(&a);
  replica.Save().SerializeToString(&b);
  EXPECT_EQ(a, b);
  replica.CheckInvariants();
  // The difference is published table by table (nodes, services, tasks, clusters): s1 created,
  // t2 removed, t1 updated, c created, then a commit.
  std::vector<std::string> seen;
  for (const Event& event : replica.Drain(watcher)) {
    seen.push_back(std::string(EventActionName(event.action)) + ":" + event.id());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"create:s1", "remove:t2", "update:t1", "create:c",
                                            "commit:"}));
  EXPECT_EQ(events.size(), seen.size());
  EXPECT_EQ(replica.TasksByNode("n1").size(), 1u);

  // Restoring into an empty store reproduces the same tables.
  MemoryStore empty;
  empty.Restore(12, snapshot);
  std::string c;
  empty.Save().SerializeToString(&c);
  EXPECT_EQ(a, c);
}

}  // namespace
}  // namespace store
}  // namespace swarmsim
