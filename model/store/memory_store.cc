#include "model/store/memory_store.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "sim/check.h"

namespace swarmsim {
namespace store {

template <>
std::map<std::string, api::Node>& MemoryStore::TableOf<api::Node>() {
  return nodes_;
}
template <>
std::map<std::string, api::Service>& MemoryStore::TableOf<api::Service>() {
  return services_;
}
template <>
std::map<std::string, api::Task>& MemoryStore::TableOf<api::Task>() {
  return tasks_;
}
template <>
std::map<std::string, api::Cluster>& MemoryStore::TableOf<api::Cluster>() {
  return clusters_;
}
template <>
const std::map<std::string, api::Node>& MemoryStore::TableOf<api::Node>() const {
  return nodes_;
}
template <>
const std::map<std::string, api::Service>& MemoryStore::TableOf<api::Service>() const {
  return services_;
}
template <>
const std::map<std::string, api::Task>& MemoryStore::TableOf<api::Task>() const {
  return tasks_;
}
template <>
const std::map<std::string, api::Cluster>& MemoryStore::TableOf<api::Cluster>() const {
  return clusters_;
}

template <typename T>
const T* MemoryStore::Get(absl::string_view id) const {
  const auto& table = TableOf<T>();
  auto it = table.find(std::string(id));
  return it == table.end() ? nullptr : &it->second;
}
template const api::Node* MemoryStore::Get<api::Node>(absl::string_view) const;
template const api::Service* MemoryStore::Get<api::Service>(absl::string_view) const;
template const api::Task* MemoryStore::Get<api::Task>(absl::string_view) const;
template const api::Cluster* MemoryStore::Get<api::Cluster>(absl::string_view) const;

const api::Node* MemoryStore::GetNode(absl::string_view id) const { return Get<api::Node>(id); }
const api::Service* MemoryStore::GetService(absl::string_view id) const {
  return Get<api::Service>(id);
}
const api::Task* MemoryStore::GetTask(absl::string_view id) const { return Get<api::Task>(id); }
const api::Cluster* MemoryStore::GetCluster(absl::string_view id) const {
  return Get<api::Cluster>(id);
}

namespace {
std::vector<const api::Task*> Lookup(const std::map<std::string, std::set<std::string>>& index,
                                     const std::map<std::string, api::Task>& tasks,
                                     absl::string_view key) {
  std::vector<const api::Task*> out;
  auto it = index.find(std::string(key));
  if (it == index.end()) return out;
  out.reserve(it->second.size());
  for (const std::string& task_id : it->second) {
    auto task = tasks.find(task_id);
    SIM_CHECK(task != tasks.end());
    out.push_back(&task->second);
  }
  return out;
}
}  // namespace

std::vector<const api::Task*> MemoryStore::TasksByNode(absl::string_view node_id) const {
  return Lookup(tasks_by_node_, tasks_, node_id);
}

std::vector<const api::Task*> MemoryStore::TasksByService(absl::string_view service_id) const {
  return Lookup(tasks_by_service_, tasks_, service_id);
}

bool MemoryStore::Contains(ObjectKind kind, const std::string& id) const {
  switch (kind) {
    case ObjectKind::kNode:
      return nodes_.count(id) != 0;
    case ObjectKind::kService:
      return services_.count(id) != 0;
    case ObjectKind::kTask:
      return tasks_.count(id) != 0;
    case ObjectKind::kCluster:
      return clusters_.count(id) != 0;
  }
  return false;
}

absl::StatusOr<std::vector<Event>> MemoryStore::Apply(uint64_t index,
                                                      const api::InternalRaftRequest& request) {
  SIM_CHECK_GT(index, applied_index_);
  // Validate the whole request before touching anything: a request applies entirely or not at
  // all. `exists` tracks rows created or removed by earlier actions of the same request: hashed
  // (looked up, never iterated) and sized once, so a status batch of 200 nodes costs no map node
  // per action. Its ids point into `request`, which outlives it.
  absl::flat_hash_map<std::pair<ObjectKind, absl::string_view>, bool> exists;
  exists.reserve(request.actions_size());
  for (int i = 0; i < request.actions_size(); ++i) {
    const api::StoreAction& action = request.actions(i);
    ObjectKind kind;
    if (!KindOf(action.target(), &kind)) {
      return absl::InvalidArgumentError(absl::StrCat("action ", i, " has no object"));
    }
    const std::string& id = IdOf(action.target());
    if (id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("action ", i, " object has no id"));
    }
    const std::pair<ObjectKind, absl::string_view> key{kind, id};
    auto it = exists.find(key);
    const bool present = it != exists.end() ? it->second : Contains(kind, id);
    switch (action.kind()) {
      case api::StoreAction::CREATE:
        if (present) {
          return absl::AlreadyExistsError(
              absl::StrCat(ObjectKindName(kind), " ", id, " already exists"));
        }
        exists[key] = true;
        break;
      case api::StoreAction::UPDATE:
      case api::StoreAction::REMOVE:
        if (!present) {
          return absl::NotFoundError(
              absl::StrCat(ObjectKindName(kind), " ", id, " does not exist"));
        }
        exists[key] = action.kind() == api::StoreAction::UPDATE;
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat("action ", i, " has an unknown kind"));
    }
  }

  std::vector<Event> events;
  events.reserve(request.actions_size() + 1);
  for (const api::StoreAction& action : request.actions()) {
    events.push_back(ApplyAction(index, action));
  }
  applied_index_ = index;
  Event commit;
  commit.action = EventAction::kCommit;
  commit.index = index;
  events.push_back(std::move(commit));
  for (const Event& event : events) watches_.Publish(event);
  return events;
}

Event MemoryStore::ApplyAction(uint64_t index, const api::StoreAction& action) {
  const api::StoreObject& target = action.target();
  switch (target.object_case()) {
    case api::StoreObject::kNode:
      return ApplyTyped(index, action.kind(), target.node());
    case api::StoreObject::kService:
      return ApplyTyped(index, action.kind(), target.service());
    case api::StoreObject::kTask:
      return ApplyTyped(index, action.kind(), target.task());
    case api::StoreObject::kCluster:
      return ApplyTyped(index, action.kind(), target.cluster());
    case api::StoreObject::OBJECT_NOT_SET:
      break;
  }
  SIM_CHECK_MSG(false, "validated action without object");
  return Event();
}

template <typename T>
Event MemoryStore::ApplyTyped(uint64_t index, api::StoreAction::Kind kind, const T& object) {
  auto& table = TableOf<T>();
  Event event;
  event.kind = ObjectTraits<T>::kKind;
  event.index = index;
  auto it = table.find(object.id());
  if (kind == api::StoreAction::REMOVE) {
    SIM_CHECK(it != table.end());
    event.action = EventAction::kRemove;
    if constexpr (std::is_same_v<T, api::Task>) UnindexTask(it->second);
    // The row leaves the table: the event takes it instead of a copy.
    *ObjectTraits<T>::MutableIn(&event.object) = std::move(it->second);
    table.erase(it);
    return event;
  }
  T stored = object;
  stored.mutable_meta()->set_version(index);
  if (kind == api::StoreAction::CREATE) {
    SIM_CHECK(it == table.end());
    event.action = EventAction::kCreate;
    it = table.emplace(stored.id(), std::move(stored)).first;
  } else {
    SIM_CHECK(it != table.end());
    event.action = EventAction::kUpdate;
    if constexpr (std::is_same_v<T, api::Task>) UnindexTask(it->second);
    // The old row is replaced: the event takes it instead of a copy (a message move swaps).
    *ObjectTraits<T>::MutableIn(&event.old_object) = std::move(it->second);
    it->second = std::move(stored);
  }
  if constexpr (std::is_same_v<T, api::Task>) IndexTask(it->second);
  event.object = Wrap(it->second);
  return event;
}

void MemoryStore::IndexTask(const api::Task& task) {
  if (!task.node_id().empty()) tasks_by_node_[task.node_id()].insert(task.id());
  if (!task.service_id().empty()) tasks_by_service_[task.service_id()].insert(task.id());
}

void MemoryStore::UnindexTask(const api::Task& task) {
  auto erase = [&](std::map<std::string, std::set<std::string>>& index, const std::string& key) {
    if (key.empty()) return;
    auto it = index.find(key);
    SIM_CHECK(it != index.end());
    SIM_CHECK_EQ(it->second.erase(task.id()), 1u);
    if (it->second.empty()) index.erase(it);
  };
  erase(tasks_by_node_, task.node_id());
  erase(tasks_by_service_, task.service_id());
}

api::StoreSnapshot MemoryStore::Save() const {
  api::StoreSnapshot snapshot;
  for (const auto& [id, node] : nodes_) *snapshot.add_nodes() = node;
  for (const auto& [id, service] : services_) *snapshot.add_services() = service;
  for (const auto& [id, task] : tasks_) *snapshot.add_tasks() = task;
  for (const auto& [id, cluster] : clusters_) *snapshot.add_clusters() = cluster;
  return snapshot;
}

template <typename T>
void MemoryStore::RestoreTable(uint64_t index, const google::protobuf::RepeatedPtrField<T>& rows,
                               std::vector<Event>* events) {
  auto& table = TableOf<T>();
  std::map<std::string, const T*> wanted;
  for (const T& row : rows) {
    SIM_CHECK_MSG(wanted.emplace(row.id(), &row).second,
                  absl::StrCat("snapshot repeats ", row.id()));
  }
  auto make_event = [&](EventAction action) {
    Event event;
    event.action = action;
    event.kind = ObjectTraits<T>::kKind;
    event.index = index;
    return event;
  };
  // Removals first, then updates and creates in id order.
  for (auto it = table.begin(); it != table.end();) {
    if (wanted.count(it->first) != 0) {
      ++it;
      continue;
    }
    Event event = make_event(EventAction::kRemove);
    event.object = Wrap(it->second);
    if constexpr (std::is_same_v<T, api::Task>) UnindexTask(it->second);
    it = table.erase(it);
    events->push_back(std::move(event));
  }
  for (const auto& [id, row] : wanted) {
    auto it = table.find(id);
    if (it == table.end()) {
      Event event = make_event(EventAction::kCreate);
      event.object = Wrap(*row);
      table.emplace(id, *row);
      if constexpr (std::is_same_v<T, api::Task>) IndexTask(*row);
      events->push_back(std::move(event));
      continue;
    }
    if (google::protobuf::util::MessageDifferencer::Equals(it->second, *row)) continue;
    Event event = make_event(EventAction::kUpdate);
    event.old_object = Wrap(it->second);
    event.object = Wrap(*row);
    if constexpr (std::is_same_v<T, api::Task>) UnindexTask(it->second);
    it->second = *row;
    if constexpr (std::is_same_v<T, api::Task>) IndexTask(it->second);
    events->push_back(std::move(event));
  }
}

std::vector<Event> MemoryStore::Restore(uint64_t index, const api::StoreSnapshot& snapshot) {
  SIM_CHECK_GE(index, applied_index_);
  std::vector<Event> events;
  RestoreTable(index, snapshot.nodes(), &events);
  RestoreTable(index, snapshot.services(), &events);
  RestoreTable(index, snapshot.tasks(), &events);
  RestoreTable(index, snapshot.clusters(), &events);
  applied_index_ = index;
  Event commit;
  commit.action = EventAction::kCommit;
  commit.index = index;
  events.push_back(std::move(commit));
  CheckInvariants();
  for (const Event& event : events) watches_.Publish(event);
  return events;
}

void MemoryStore::CheckInvariants() const {
  auto check_table = [&](const auto& table) {
    for (const auto& [id, row] : table) {
      SIM_CHECK_EQ(id, row.id());
      SIM_CHECK_LE(row.meta().version(), applied_index_);
    }
  };
  check_table(nodes_);
  check_table(services_);
  check_table(tasks_);
  check_table(clusters_);
  size_t by_node = 0;
  for (const auto& [node_id, ids] : tasks_by_node_) {
    SIM_CHECK(!ids.empty());
    for (const std::string& id : ids) {
      auto it = tasks_.find(id);
      SIM_CHECK(it != tasks_.end());
      SIM_CHECK_EQ(it->second.node_id(), node_id);
    }
    by_node += ids.size();
  }
  size_t by_service = 0;
  for (const auto& [service_id, ids] : tasks_by_service_) {
    SIM_CHECK(!ids.empty());
    for (const std::string& id : ids) {
      auto it = tasks_.find(id);
      SIM_CHECK(it != tasks_.end());
      SIM_CHECK_EQ(it->second.service_id(), service_id);
    }
    by_service += ids.size();
  }
  size_t with_node = 0;
  size_t with_service = 0;
  for (const auto& [id, task] : tasks_) {
    if (!task.node_id().empty()) ++with_node;
    if (!task.service_id().empty()) ++with_service;
  }
  SIM_CHECK_EQ(by_node, with_node);
  SIM_CHECK_EQ(by_service, with_service);
}

}  // namespace store
}  // namespace swarmsim
