#include "model/dispatcher/assignment_set.h"

#include <utility>

#include "google/protobuf/util/message_differencer.h"

namespace swarmsim {
namespace dispatcher {

bool TasksEqualStable(const api::Task& a, const api::Task& b) {
  api::Task x = a;
  api::Task y = b;
  x.clear_meta();
  x.clear_status();
  y.clear_meta();
  y.clear_status();
  return google::protobuf::util::MessageDifferencer::Equals(x, y);
}

bool AssignmentSet::AddOrUpdateTask(const api::Task& task) {
  if (task.status().state() < api::TASK_ASSIGNED) return false;
  auto known = tasks_.find(task.id());
  if (known != tasks_.end() && TasksEqualStable(known->second, task) &&
      task.status().state() > api::TASK_ASSIGNED) {
    // A status echo from the agent: remember it, tell nobody. (SwarmKit would also release
    // secrets/configs of a finished task here; there are none in this model.)
    known->second = task;
    return false;
  }
  tasks_[task.id()] = task;
  api::AssignmentChange change;
  change.set_action(api::AssignmentChange::UPDATE);
  *change.mutable_task() = task;
  changes_[task.id()] = std::move(change);
  return true;
}

bool AssignmentSet::RemoveTask(const api::Task& task) {
  if (tasks_.erase(task.id()) == 0) return false;
  api::AssignmentChange change;
  change.set_action(api::AssignmentChange::REMOVE);
  change.mutable_task()->set_id(task.id());
  changes_[task.id()] = std::move(change);
  return true;
}

std::vector<api::AssignmentChange> AssignmentSet::TakeChanges() {
  std::vector<api::AssignmentChange> out;
  out.reserve(changes_.size());
  for (auto& [id, change] : changes_) out.push_back(std::move(change));
  changes_.clear();
  return out;
}

}  // namespace dispatcher
}  // namespace swarmsim
