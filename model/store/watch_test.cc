// Watch queue and view-and-watch semantics.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/store/memory_store.h"
#include "model/store/write_tx.h"

namespace swarmsim {
namespace store {
namespace {

api::Task MakeTask(const std::string& id, const std::string& node) {
  api::Task task;
  task.set_id(id);
  task.set_node_id(node);
  return task;
}

// Leader-side write, then apply at `index`, as a manager would on commit.
void Commit(MemoryStore& store, uint64_t index, const std::function<absl::Status(WriteTx&)>& fn) {
  WriteTx tx(store, sim::Time::FromNanos(static_cast<int64_t>(index)));
  ASSERT_TRUE(fn(tx).ok());
  api::InternalRaftRequest request;
  for (const auto& action : tx.actions()) *request.add_actions() = action;
  ASSERT_TRUE(store.Apply(index, request).ok());
}

std::vector<std::string> Names(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& event : events) {
    out.push_back(std::string(EventActionName(event.action)) + ":" + event.id());
  }
  return out;
}

TEST(WatchTest, ViewAndWatchSeesExactlyLaterEvents) {
  MemoryStore store;
  Commit(store, 1, [](WriteTx& tx) { return tx.Create(MakeTask("t1", "n1")); });
  Commit(store, 2, [](WriteTx& tx) { return tx.Create(MakeTask("t2", "n1")); });
  std::vector<std::string> seen_in_view;
  WatcherId watcher = store.ViewAndWatch(WatchFilter::All(), [&](const MemoryStore& s) {
    for (const api::Task* task : s.TasksByNode("n1")) seen_in_view.push_back(task->id());
  });
  EXPECT_EQ(seen_in_view, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(store.pending(watcher), 0u);  // Nothing from before the view.
  Commit(store, 3, [](WriteTx& tx) { return tx.Create(MakeTask("t3", "n1")); });
  Commit(store, 4, [](WriteTx& tx) { return tx.Delete<api::Task>("t1"); });
  EXPECT_EQ(Names(store.Drain(watcher)),
            (std::vector<std::string>{"create:t3", "commit:", "remove:t1", "commit:"}));
  EXPECT_EQ(store.pending(watcher), 0u);
  store.CancelWatch(watcher);
  Commit(store, 5, [](WriteTx& tx) { return tx.Create(MakeTask("t4", "n1")); });
  EXPECT_EQ(store.pending(watcher), 0u);
}

TEST(WatchTest, FiltersByKindActionIdAndTaskNode) {
  MemoryStore store;
  WatchFilter by_node;
  EventSpec spec;
  spec.kind = ObjectKind::kTask;
  spec.actions =
      static_cast<uint32_t>(EventAction::kUpdate) | static_cast<uint32_t>(EventAction::kRemove);
  spec.task_node_id = "n1";
  by_node.specs.push_back(spec);
  WatcherId tasks_of_n1 = store.Watch(by_node);

  WatchFilter one_node;
  EventSpec node_spec;
  node_spec.kind = ObjectKind::kNode;
  node_spec.actions = static_cast<uint32_t>(EventAction::kUpdate);
  node_spec.id = "n2";
  one_node.specs.push_back(node_spec);
  WatcherId node_n2 = store.Watch(one_node);

  WatcherId everything = store.Watch(WatchFilter());  // Objects only, no commits.

  api::Node n2;
  n2.set_id("n2");
  Commit(store, 1, [&](WriteTx& tx) {
    absl::Status s = tx.Create(MakeTask("t1", "n1"));
    if (s.ok()) s = tx.Create(MakeTask("t2", "n2"));
    if (s.ok()) s = tx.Create(n2);
    return s;
  });
  Commit(store, 2, [&](WriteTx& tx) {
    api::Task t1 = *tx.Get<api::Task>("t1");
    t1.mutable_status()->set_state(api::TASK_RUNNING);
    api::Task t2 = *tx.Get<api::Task>("t2");
    t2.set_desired_state(api::TASK_SHUTDOWN);
    api::Node node = *tx.Get<api::Node>("n2");
    node.mutable_status()->set_state(api::NodeStatus::READY);
    absl::Status s = tx.Update(t1);
    if (s.ok()) s = tx.Update(t2);
    if (s.ok()) s = tx.Update(node);
    return s;
  });
  Commit(store, 3, [](WriteTx& tx) { return tx.Delete<api::Task>("t1"); });

  EXPECT_EQ(Names(store.Drain(tasks_of_n1)), (std::vector<std::string>{"update:t1", "remove:t1"}));
  EXPECT_EQ(Names(store.Drain(node_n2)), (std::vector<std::string>{"update:n2"}));
  EXPECT_EQ(store.Drain(everything).size(), 7u);
}

TEST(WatchTest, EachWatcherIsFifoAndIndependent) {
  MemoryStore store;
  WatcherId a = store.Watch(WatchFilter::All());
  Commit(store, 1, [](WriteTx& tx) { return tx.Create(MakeTask("t1", "n1")); });
  WatcherId b = store.Watch(WatchFilter::All());
  Commit(store, 2, [](WriteTx& tx) { return tx.Create(MakeTask("t2", "n1")); });
  EXPECT_EQ(Names(store.Drain(b)), (std::vector<std::string>{"create:t2", "commit:"}));
  EXPECT_EQ(Names(store.Drain(a)),
            (std::vector<std::string>{"create:t1", "commit:", "create:t2", "commit:"}));
}

}  // namespace
}  // namespace store
}  // namespace swarmsim
