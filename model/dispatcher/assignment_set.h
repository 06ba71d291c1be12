// AssignmentSet is one Assignments stream's view of its node's tasks and the changes not yet sent
// (SwarmKit assignmentSet, tasks only: secrets, configs and volumes are out of scope).
//
// Only tasks at or beyond ASSIGNED are assignments. An update counts as a modification unless it
// is an agent-originated status echo: the task is already known, equal apart from meta and status
// ("stable-equal"), and beyond ASSIGNED. Pending changes are keyed by task ID, so several changes
// to one task between two messages coalesce to the last one, and messages list them by task ID.
#ifndef SWARMSIM_MODEL_DISPATCHER_ASSIGNMENT_SET_H_
#define SWARMSIM_MODEL_DISPATCHER_ASSIGNMENT_SET_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "model/proto/swarm.pb.h"

namespace swarmsim {
namespace dispatcher {

// Equal apart from meta and status (SwarmKit equality.TasksEqualStable).
bool TasksEqualStable(const api::Task& a, const api::Task& b);

class AssignmentSet {
 public:
  // Returns true when the change counts as a modification for the stream's batching.
  bool AddOrUpdateTask(const api::Task& task);
  bool RemoveTask(const api::Task& task);

  // The pending changes, ordered by task ID; clears them.
  std::vector<api::AssignmentChange> TakeChanges();

  size_t pending_changes() const { return changes_.size(); }
  const std::map<std::string, api::Task>& tasks() const { return tasks_; }

 private:
  std::map<std::string, api::Task> tasks_;
  std::map<std::string, api::AssignmentChange> changes_;
};

}  // namespace dispatcher
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_DISPATCHER_ASSIGNMENT_SET_H_
