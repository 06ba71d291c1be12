#include "model/orchestrator/task_rules.h"

#include <algorithm>

#include "sim/check.h"

namespace swarmsim {
namespace orchestrator {
namespace {

template <typename T>
const T* FindById(const std::vector<T>& objects, const std::string& id) {
  auto it = std::lower_bound(objects.begin(), objects.end(), id,
                             [](const T& o, const std::string& key) { return o.id() < key; });
  if (it == objects.end() || it->id() != id) return nullptr;
  return &*it;
}

template <typename T>
void CheckSorted(const std::vector<T>& objects) {
  for (size_t i = 1; i < objects.size(); ++i) {
    SIM_CHECK_LT(objects[i - 1].id(), objects[i].id());
  }
}

}  // namespace

bool InvalidNode(const api::Node* node) {
  return node == nullptr || node->status().state() == api::NodeStatus::DOWN ||
         node->spec().availability() == api::AVAILABILITY_DRAIN;
}

const api::Node* FindNode(const std::vector<api::Node>& nodes, const std::string& id) {
  return FindById(nodes, id);
}

const api::Service* FindService(const std::vector<api::Service>& services, const std::string& id) {
  return FindById(services, id);
}

void CheckSortedById(const std::vector<api::Node>& nodes) { CheckSorted(nodes); }
void CheckSortedById(const std::vector<api::Service>& services) { CheckSorted(services); }
void CheckSortedById(const std::vector<api::Task>& tasks) { CheckSorted(tasks); }

SlotTable GroupSlots(const std::vector<const api::Task*>& service_tasks) {
  SlotTable table;
  for (const api::Task* t : service_tasks) {
    if (IsRunnable(*t)) table.runnable[t->slot()].push_back(t);
  }
  for (const api::Task* t : service_tasks) {
    if (table.runnable.count(t->slot()) == 0) table.dead[t->slot()].push_back(t);
  }
  return table;
}

}  // namespace orchestrator
}  // namespace swarmsim
