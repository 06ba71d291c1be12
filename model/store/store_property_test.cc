// Property: replicas applying the same committed requests agree; a replica that installs a
// snapshot mid-way and carries on agrees too; and a mirror built from a view plus the watch
// events after it always equals the store (the watch stream misses nothing, repeats nothing).
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "model/store/memory_store.h"
#include "model/store/write_tx.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace swarmsim {
namespace store {
namespace {

using Op = std::tuple<int, int, int>;  // (kind, id, value)

std::string Bytes(const MemoryStore& store) {
  std::string out;
  store.Save().SerializeToString(&out);
  return out;
}

// Applies one write (which may be refused, as a real writer's could) through a WriteTx.
absl::Status Write(WriteTx& tx, const Op& op) {
  const auto& [kind, id, value] = op;
  const std::string node_id = absl::StrFormat("n%d", id);
  const std::string task_id = absl::StrFormat("t%d", id);
  switch (kind) {
    case 0: {
      api::Node node;
      node.set_id(node_id);
      return tx.Create(node);
    }
    case 1: {
      const api::Node* current = tx.Get<api::Node>(node_id);
      if (current == nullptr) return absl::NotFoundError("no node");
      api::Node node = *current;
      node.mutable_status()->set_message(absl::StrFormat("m%d", value));
      return tx.Update(node);
    }
    case 2: {
      api::Task task;
      task.set_id(task_id);
      task.set_node_id(absl::StrFormat("n%d", value % 3));
      task.set_service_id(absl::StrFormat("s%d", value % 2));
      return tx.Create(task);
    }
    case 3: {
      const api::Task* current = tx.Get<api::Task>(task_id);
      if (current == nullptr) return absl::NotFoundError("no task");
      api::Task task = *current;
      task.set_node_id(absl::StrFormat("n%d", value % 3));  // Moves between node indexes.
      return tx.Update(task);
    }
    case 4:
      return tx.Delete<api::Task>(task_id);
    default:
      return tx.Delete<api::Node>(node_id);
  }
}

RC_GTEST_PROP(StorePropertyTest, ReplicasSnapshotsAndWatchersAgree, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(
      rc::gen::tuple(rc::gen::inRange(0, 6), rc::gen::inRange(0, 6), rc::gen::inRange(0, 100)));
  const auto cuts = *rc::gen::inRange<size_t>(1, 8);
  const auto restore_after = *rc::gen::inRange<size_t>(0, ops.size() + 1);

  MemoryStore leader;
  MemoryStore follower;
  MemoryStore late;  // Installs a snapshot of the leader after `restore_after` ops.
  std::map<std::string, api::Task> mirror;
  const WatcherId watcher = follower.ViewAndWatch(WatchFilter(), [&](const MemoryStore& s) {
    for (const auto& [id, task] : s.tasks()) mirror[id] = task;
  });

  uint64_t index = 0;
  size_t done = 0;
  Batch::Limits limits;
  limits.max_changes = cuts;
  while (done < ops.size()) {
    // A batch of a few ops, cut every `cuts` changes, proposed and applied in order.
    Batch batch(leader, sim::Time::FromNanos(static_cast<int64_t>(done)), limits);
    const size_t end = std::min(ops.size(), done + 5);
    for (; done < end; ++done) {
      (void)batch.Update([&](WriteTx& tx) { return Write(tx, ops[done]); });
    }
    for (const api::InternalRaftRequest& request : batch.Finish()) {
      index += 1 + (index % 2);  // Gaps, as conf changes leave.
      RC_ASSERT(request.actions_size() > 0);
      auto a = leader.Apply(index, request);
      auto b = follower.Apply(index, request);
      RC_ASSERT(a.ok());
      RC_ASSERT(b.ok());
      RC_ASSERT(a->size() == b->size());
      if (done > restore_after) RC_ASSERT(late.Apply(index, request).ok());
    }
    if (done <= restore_after) late.Restore(index, leader.Save());
    for (const Event& event : follower.Drain(watcher)) {
      if (event.kind != ObjectKind::kTask) continue;
      if (event.action == EventAction::kRemove) {
        RC_ASSERT(mirror.erase(event.id()) == 1u);
      } else {
        RC_ASSERT((mirror.count(event.id()) == 1u) == (event.action == EventAction::kUpdate));
        mirror[event.id()] = event.object.task();
      }
    }
    RC_ASSERT(mirror.size() == follower.tasks().size());
    for (const auto& [id, task] : follower.tasks()) {
      RC_ASSERT(mirror.at(id).SerializeAsString() == task.SerializeAsString());
    }
  }
  leader.CheckInvariants();
  follower.CheckInvariants();
  late.CheckInvariants();
  RC_ASSERT(Bytes(leader) == Bytes(follower));
  RC_ASSERT(Bytes(leader) == Bytes(late));
  RC_ASSERT(leader.applied_index() == late.applied_index());
}

}  // namespace
}  // namespace store
}  // namespace swarmsim
