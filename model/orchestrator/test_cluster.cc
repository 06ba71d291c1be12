#include "model/orchestrator/test_cluster.h"

#include "sim/check.h"

namespace swarmsim {
namespace testing {
namespace {

template <typename T>
T* Find(std::map<std::string, T>& table, const std::string& id) {
  auto it = table.find(id);
  return it == table.end() ? nullptr : &it->second;
}

template <typename T>
T& Insert(std::map<std::string, T>& table, const T& object) {
  auto [it, inserted] = table.emplace(object.id(), object);
  SIM_CHECK_MSG(inserted, "duplicate id " + object.id());
  return it->second;
}

template <typename T>
void Upsert(std::map<std::string, T>& v, api::StoreAction::Kind kind, T object, uint64_t version) {
  object.mutable_meta()->set_version(version);
  T* existing = Find(v, object.id());
  switch (kind) {
    case api::StoreAction::CREATE:
      SIM_CHECK(existing == nullptr);
      Insert(v, object);
      return;
    case api::StoreAction::UPDATE:
      SIM_CHECK_MSG(existing != nullptr, "update of missing " + object.id());
      *existing = object;
      return;
    case api::StoreAction::REMOVE:
      SIM_CHECK_MSG(existing != nullptr, "remove of missing " + object.id());
      v.erase(object.id());
      return;
    default:
      SIM_CHECK(false);
  }
}

}  // namespace

api::Node& TestCluster::AddNode(const std::string& id, api::NodeStatus::State state,
                                api::NodeAvailability availability) {
  api::Node n;
  n.set_id(id);
  n.mutable_status()->set_state(state);
  n.mutable_spec()->set_availability(availability);
  n.mutable_meta()->set_version(++version_);
  return Insert(nodes, n);
}

api::Service& TestCluster::AddService(const std::string& id, const std::string& name,
                                      uint64_t replicas) {
  api::Service s;
  s.set_id(id);
  s.mutable_spec()->set_name(name);
  s.mutable_spec()->set_replicas(replicas);
  s.mutable_meta()->set_version(++version_);
  return Insert(services, s);
}

api::Task& TestCluster::AddTask(const std::string& id, const std::string& service_id, uint64_t slot,
                                const std::string& node_id, api::TaskState state,
                                api::TaskState desired, int64_t timestamp_ns) {
  api::Task t;
  t.set_id(id);
  t.set_service_id(service_id);
  t.set_slot(slot);
  t.set_node_id(node_id);
  t.mutable_status()->set_state(state);
  t.mutable_status()->set_timestamp_ns(timestamp_ns);
  t.set_desired_state(desired);
  t.mutable_meta()->set_version(++version_);
  return Insert(tasks, t);
}

void TestCluster::Apply(const std::vector<api::StoreAction>& actions) {
  for (const api::StoreAction& a : actions) {
    const uint64_t version = ++version_;
    switch (a.target().object_case()) {
      case api::StoreObject::kNode:
        Upsert(nodes, a.kind(), a.target().node(), version);
        break;
      case api::StoreObject::kService:
        Upsert(services, a.kind(), a.target().service(), version);
        break;
      case api::StoreObject::kTask:
        Upsert(tasks, a.kind(), a.target().task(), version);
        break;
      default:
        SIM_CHECK(false);
    }
  }
}

api::Node* TestCluster::node(const std::string& id) { return Find(nodes, id); }
api::Service* TestCluster::service(const std::string& id) { return Find(services, id); }
api::Task* TestCluster::task(const std::string& id) { return Find(tasks, id); }

std::vector<const api::Task*> TestCluster::TasksOf(const std::string& service_id) const {
  std::vector<const api::Task*> result;
  for (const auto& [id, t] : tasks) {
    if (t.service_id() == service_id) result.push_back(&t);
  }
  return result;
}

std::vector<const api::Task*> TestCluster::RunnableTasksOf(const std::string& service_id) const {
  std::vector<const api::Task*> result;
  for (const api::Task* t : TasksOf(service_id)) {
    if (t->desired_state() <= api::TASK_RUNNING) result.push_back(t);
  }
  return result;
}

}  // namespace testing
}  // namespace swarmsim
