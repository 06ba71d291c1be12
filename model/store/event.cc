#include "model/store/event.h"

namespace swarmsim {
namespace store {

const char* EventActionName(EventAction action) {
  switch (action) {
    case EventAction::kCreate:
      return "create";
    case EventAction::kUpdate:
      return "update";
    case EventAction::kRemove:
      return "remove";
    case EventAction::kCommit:
      return "commit";
  }
  return "?";
}

bool Matches(const EventSpec& spec, const Event& event) {
  if (event.action == EventAction::kCommit) return false;
  if (event.kind != spec.kind) return false;
  if ((spec.actions & static_cast<uint32_t>(event.action)) == 0) return false;
  if (!spec.id.empty() && event.id() != spec.id) return false;
  if (!spec.task_node_id.empty()) {
    if (event.kind != ObjectKind::kTask) return false;
    if (event.object.task().node_id() != spec.task_node_id) return false;
  }
  return true;
}

bool Matches(const WatchFilter& filter, const Event& event) {
  if (event.action == EventAction::kCommit) return filter.commits;
  if (filter.specs.empty()) return true;
  for (const EventSpec& spec : filter.specs) {
    if (Matches(spec, event)) return true;
  }
  return false;
}

}  // namespace store
}  // namespace swarmsim
