// Dispatcher: the tables of open streams and their indexes, kept consistent in one place.
#include <utility>

#include "model/dispatcher/dispatcher.h"
#include "sim/check.h"

namespace swarmsim {
namespace dispatcher {
namespace {

// Removes (node, call) from a by-node index. The node must have an entry (as it must have had a
// set of calls when the index was a map of sets).
void Unindex(absl::btree_set<std::pair<std::string, CallId>>& index, const std::string& node_id,
             CallId call) {
  auto it = index.find({node_id, call});
  if (it != index.end()) {
    index.erase(it);
    return;
  }
  auto first = index.lower_bound({node_id, 0});
  SIM_CHECK(first != index.end() && first->first == node_id);
}

}  // namespace

void Dispatcher::InsertSession(CallId call, SessionStream stream) {
  SIM_CHECK(!stream.open);
  sessions_by_node_.emplace(stream.node_id, call);
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
  Unindex(sessions_by_node_, it->second.node_id, call);
  waiting_sessions_.erase(call);
  sessions_.erase(it);
}

void Dispatcher::InsertAssignments(CallId call, AssignmentsStream stream) {
  assignments_by_node_.emplace(stream.node_id, call);
  SIM_CHECK(assignments_.emplace(call, std::move(stream)).second);
}

void Dispatcher::EraseAssignments(CallId call) {
  auto it = assignments_.find(call);
  SIM_CHECK(it != assignments_.end());
  Unindex(assignments_by_node_, it->second.node_id, call);
  assignments_.erase(it);
}

std::vector<CallId> Dispatcher::CallsOf(const NodeCallIndex& index,
                                        const std::string& node_id) const {
  // A copy: sending may end (and erase) streams while the caller walks the list.
  std::vector<CallId> calls;
  for (auto it = index.lower_bound({node_id, 0}); it != index.end() && it->first == node_id; ++it) {
    calls.push_back(it->second);
  }
  return calls;
}

}  // namespace dispatcher
}  // namespace swarmsim
