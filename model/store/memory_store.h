// MemoryStore is one manager's replica of SwarmKit's replicated store: nodes, services, tasks and
// the cluster object, changed only by applying committed Raft requests (SwarmKit MemoryStore +
// ApplyStoreActions).
//
// It is a pure, deterministic state machine: Apply(index, request) on every manager, in index
// order, yields identical tables and identical events everywhere. It never proposes, never reads a
// clock and never stamps times (CreatedAt/UpdatedAt travel inside the request, stamped by the
// leader's WriteTx); it stamps Meta.version = the Raft index of the write. Every table is an
// ordered map keyed by id, so listings and event order are deterministic.
//
// Events: applying a request publishes one event per action, in action order, then one commit
// event, to the watch queue; Apply also returns them, so a host can hand them straight to the
// components it runs. Because the store is single-threaded, a read followed by Watch() in the same
// step is already "view and watch": the watcher sees exactly the events after the read.
#ifndef SWARMSIM_MODEL_STORE_MEMORY_STORE_H_
#define SWARMSIM_MODEL_STORE_MEMORY_STORE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/proto/swarm.pb.h"
#include "model/store/event.h"
#include "model/store/object.h"
#include "model/store/watch_queue.h"

namespace swarmsim {
namespace store {

class MemoryStore {
 public:
  MemoryStore() = default;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  // Applies a committed request atomically: every action is validated first (CREATE needs an
  // absent id, UPDATE and REMOVE a present one, each action one object with a non-empty id), and
  // on any failure nothing changes, nothing is published and the error is returned (the same on
  // every replica, so replicas never diverge). Creates and updates get meta.version = index.
  // REQUIRES: index > applied_index() (entries without a store payload may leave gaps).
  absl::StatusOr<std::vector<Event>> Apply(uint64_t index, const api::InternalRaftRequest& request);

  // Snapshot of the tables, each sorted by id. `members` and `removed` are the Raft layer's and
  // are left empty here.
  api::StoreSnapshot Save() const;
  // Replaces the tables with the snapshot's (installing a Raft snapshot at `index`) and publishes
  // the difference as events (table by table in ObjectKind order; in each, removals first, then
  // updates and creates in id order) followed
  // by one commit, so that watchers stay consistent. Returns those events.
  // REQUIRES: index >= applied_index().
  std::vector<Event> Restore(uint64_t index, const api::StoreSnapshot& snapshot);

  uint64_t applied_index() const { return applied_index_; }

  // Lookups: nullptr when absent. Pointers stay valid until the next Apply/Restore.
  const api::Node* GetNode(absl::string_view id) const;
  const api::Service* GetService(absl::string_view id) const;
  const api::Task* GetTask(absl::string_view id) const;
  const api::Cluster* GetCluster(absl::string_view id) const;
  template <typename T>
  const T* Get(absl::string_view id) const;

  // Whole tables, ordered by id.
  const std::map<std::string, api::Node>& nodes() const { return nodes_; }
  const std::map<std::string, api::Service>& services() const { return services_; }
  const std::map<std::string, api::Task>& tasks() const { return tasks_; }
  const std::map<std::string, api::Cluster>& clusters() const { return clusters_; }

  // Secondary indexes, ordered by task id.
  std::vector<const api::Task*> TasksByNode(absl::string_view node_id) const;
  std::vector<const api::Task*> TasksByService(absl::string_view service_id) const;

  // Watches (see WatchQueue). ViewAndWatch runs `view` on the current state and subscribes in the
  // same step, so the watcher receives exactly the events applied after `view` ran.
  WatcherId Watch(WatchFilter filter) { return watches_.Watch(std::move(filter)); }
  template <typename View>
  WatcherId ViewAndWatch(WatchFilter filter, View&& view) {
    view(*this);
    return watches_.Watch(std::move(filter));
  }
  void CancelWatch(WatcherId id) { watches_.Cancel(id); }
  std::vector<Event> Drain(WatcherId id) { return watches_.Drain(id); }
  size_t pending(WatcherId id) const { return watches_.pending(id); }

  // Internal consistency: ids match keys, secondary indexes match the task table, versions do not
  // exceed the applied index. O(size of the store), so Apply does not run it (hosts and tests call
  // it when they want the full check); Restore does.
  void CheckInvariants() const;

 private:
  template <typename T>
  std::map<std::string, T>& TableOf();
  template <typename T>
  const std::map<std::string, T>& TableOf() const;

  bool Contains(ObjectKind kind, const std::string& id) const;
  Event ApplyAction(uint64_t index, const api::StoreAction& action);
  template <typename T>
  Event ApplyTyped(uint64_t index, api::StoreAction::Kind kind, const T& object);
  void IndexTask(const api::Task& task);
  void UnindexTask(const api::Task& task);
  template <typename T>
  void RestoreTable(uint64_t index, const google::protobuf::RepeatedPtrField<T>& rows,
                    std::vector<Event>* events);

  uint64_t applied_index_ = 0;
  std::map<std::string, api::Node> nodes_;
  std::map<std::string, api::Service> services_;
  std::map<std::string, api::Task> tasks_;
  std::map<std::string, api::Cluster> clusters_;
  std::map<std::string, std::set<std::string>> tasks_by_node_;
  std::map<std::string, std::set<std::string>> tasks_by_service_;
  WatchQueue watches_;
};

}  // namespace store
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_STORE_MEMORY_STORE_H_
