#include "model/orchestrator/task_rules.h"

#include "sim/check.h"

namespace swarmsim {
namespace orchestrator {
namespace {

template <typename T>
const T* FindById(const std::map<std::string, T>& table, const std::string& id) {
  auto it = table.find(id);
  if (it == table.end()) return nullptr;
  SIM_CHECK_EQ(it->second.id(), id);
  return &it->second;
}

}  // namespace

bool InvalidNode(const api::Node* node) {
  return node == nullptr || node->status().state() == api::NodeStatus::DOWN ||
         node->spec().availability() == api::AVAILABILITY_DRAIN;
}

const api::Node* FindNode(const NodeTable& nodes, const std::string& id) {
  return FindById(nodes, id);
}

const api::Service* FindService(const ServiceTable& services, const std::string& id) {
  return FindById(services, id);
}

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
