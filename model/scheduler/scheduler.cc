#include "model/scheduler/scheduler.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_format.h"
#include "sim/check.h"

namespace swarmsim {
namespace scheduler {
namespace {

bool IsActiveOnNode(const api::Task& t) {
  return !t.node_id().empty() && t.status().state() >= api::TASK_ASSIGNED &&
         t.status().state() <= api::TASK_RUNNING && t.desired_state() <= api::TASK_RUNNING;
}

}  // namespace

bool NeedsPlacement(const api::Task& t) {
  return t.node_id().empty() && t.status().state() == api::TASK_PENDING &&
         t.desired_state() <= api::TASK_RUNNING;
}

namespace {

// Per eligible node: active tasks in total and per service.
struct NodeLoad {
  int64_t total = 0;
  std::map<std::string, int64_t> by_service;

  int64_t ForService(const std::string& service_id) const {
    auto it = by_service.find(service_id);
    return it == by_service.end() ? 0 : it->second;
  }
};

std::string NoSuitableNodeMessage(size_t node_count) {
  if (node_count == 0) return "no suitable node";
  return absl::StrFormat("no suitable node (%d node%s not available for new tasks)", node_count,
                         node_count == 1 ? "" : "s");
}

}  // namespace

bool NodeAcceptsTasks(const api::Node& node) {
  return node.status().state() == api::NodeStatus::READY &&
         node.spec().availability() == api::AVAILABILITY_ACTIVE;
}

std::vector<api::StoreAction> Schedule(sim::Time now,
                                       const std::map<std::string, api::Node>& nodes,
                                       const std::map<std::string, api::Task>& tasks) {
  // The keys give the id order (placement ties and task order depend on it): check that each row
  // carries its key as id.
  std::map<std::string, NodeLoad> loads;  // eligible nodes only, by id
  for (const auto& [id, node] : nodes) {
    SIM_CHECK_EQ(id, node.id());
    if (NodeAcceptsTasks(node)) loads[id];
  }
  for (const auto& [id, t] : tasks) {
    SIM_CHECK_EQ(id, t.id());
    if (!IsActiveOnNode(t)) continue;
    auto it = loads.find(t.node_id());
    if (it == loads.end()) continue;
    ++it->second.total;
    ++it->second.by_service[t.service_id()];
  }

  // SwarmKit schedules pending tasks in groups of one service; groups go in service id order
  // here, tasks within a group in id order.
  std::map<std::string, std::vector<const api::Task*>> groups;
  for (const auto& [id, t] : tasks) {
    if (NeedsPlacement(t)) groups[t.service_id()].push_back(&t);
  }
  std::vector<api::StoreAction> actions;
  for (const auto& [service_id, group] : groups) {
    // Eligible nodes ordered by (tasks of this service, tasks in total, node id): the first is the
    // next pick. O(log n) per placement keeps large clusters cheap.
    using Key = std::tuple<int64_t, int64_t, std::string>;
    std::set<Key> order;
    for (const auto& [node_id, load] : loads) {
      order.emplace(load.ForService(service_id), load.total, node_id);
    }
    for (const api::Task* t : group) {
      api::Task updated = *t;
      if (order.empty()) {
        const std::string message = NoSuitableNodeMessage(nodes.size());
        if (t->status().message() == message) continue;  // SwarmKit skips identical statuses.
        updated.mutable_status()->set_message(message);
        updated.mutable_status()->set_timestamp_ns(now.nanos());
      } else {
        Key best = *order.begin();
        order.erase(order.begin());
        const std::string& node_id = std::get<2>(best);
        NodeLoad& load = loads.at(node_id);
        ++load.total;
        ++load.by_service[service_id];
        SIM_CHECK_EQ(load.ForService(service_id), std::get<0>(best) + 1);
        updated.set_node_id(node_id);
        api::TaskStatus* status = updated.mutable_status();
        status->set_state(api::TASK_ASSIGNED);
        status->set_message("scheduler assigned task to node");
        status->set_timestamp_ns(now.nanos());
        order.emplace(load.ForService(service_id), load.total, node_id);
      }
      api::StoreAction action;
      action.set_kind(api::StoreAction::UPDATE);
      *action.mutable_target()->mutable_task() = std::move(updated);
      actions.push_back(std::move(action));
    }
  }
  return actions;
}

}  // namespace scheduler
}  // namespace swarmsim
