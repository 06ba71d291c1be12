// Dispatcher: the tables of open streams and their indexes, kept consistent in one place.
#include <utility>

#include "model/dispatcher/dispatcher.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {

void Dispatcher::InsertSession(CallId call, SessionStream stream) {
  SIM_CHECK(!stream.open);
  sessions_by_node_[stream.node_id].insert(call);
  waiting_sessions_.insert(call);
  SIM_CHECK(sessions_.emplace(call, std::move(stream)).second);
}

void Dispatcher::MarkSessionOpen(CallId call) {
  SessionStream& stream = sessions_.at(call);
  SIM_CHECK(!stream.open);
  stream.open = true;
  SIM_CHECK_EQ(waiting_sessions_.erase(call), 1u);
}

void Dispatcher::EraseSession(CallId call) {
  auto it = sessions_.find(call);
  SIM_CHECK(it != sessions_.end());
  auto by_node = sessions_by_node_.find(it->second.node_id);
  SIM_CHECK(by_node != sessions_by_node_.end());
  by_node->second.erase(call);
  if (by_node->second.empty()) sessions_by_node_.erase(by_node);
  waiting_sessions_.erase(call);
  sessions_.erase(it);
}

void Dispatcher::InsertAssignments(CallId call, AssignmentsStream stream) {
  assignments_by_node_[stream.node_id].insert(call);
  SIM_CHECK(assignments_.emplace(call, std::move(stream)).second);
}

void Dispatcher::EraseAssignments(CallId call) {
  auto it = assignments_.find(call);
  SIM_CHECK(it != assignments_.end());
  auto by_node = assignments_by_node_.find(it->second.node_id);
  SIM_CHECK(by_node != assignments_by_node_.end());
  by_node->second.erase(call);
  if (by_node->second.empty()) assignments_by_node_.erase(by_node);
  assignments_.erase(it);
}

std::vector<CallId> Dispatcher::CallsOf(const std::map<std::string, std::set<CallId>>& index,
                                        const std::string& node_id) const {
  auto it = index.find(node_id);
  if (it == index.end()) return {};
  // A copy: sending may end (and erase) streams while the caller walks the list.
  return std::vector<CallId>(it->second.begin(), it->second.end());
}

}  // namespace dispatcher
}  // namespace swarmsim
