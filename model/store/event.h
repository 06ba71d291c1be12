// Store events and the filters watchers subscribe with (SwarmKit's api.Event specifiers).
//
// An event is published for each create, update and remove applied to the store, followed by one
// commit event per applied request. Events are plain values; matching is a pure function.
#ifndef SWARMSIM_MODEL_STORE_EVENT_H_
#define SWARMSIM_MODEL_STORE_EVENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/proto/swarm.pb.h"
#include "model/store/object.h"

namespace swarmsim {
namespace store {

enum class EventAction : uint32_t {
  kCreate = 1u << 0,
  kUpdate = 1u << 1,
  kRemove = 1u << 2,
  // End of one applied request (SwarmKit EventCommit{Version}); `kind` and objects are unset.
  kCommit = 1u << 3,
};

const char* EventActionName(EventAction action);

struct Event {
  EventAction action = EventAction::kCommit;
  ObjectKind kind = ObjectKind::kNode;
  // Create/update: the object as stored after the change. Remove: the object as it was.
  api::StoreObject object;
  // Update only: the object before the change.
  api::StoreObject old_object;
  // Raft index of the request that produced the event (the commit event's version).
  uint64_t index = 0;

  const std::string& id() const { return IdOf(object); }
};

constexpr uint32_t kAllObjectActions = static_cast<uint32_t>(EventAction::kCreate) |
                                       static_cast<uint32_t>(EventAction::kUpdate) |
                                       static_cast<uint32_t>(EventAction::kRemove);

// One specifier: events of `kind` whose action is in `actions`, optionally narrowed to one object
// id and, for tasks, to one node (matched against the task in the event: the new task for
// create/update, the removed one for remove; SwarmKit's TaskCheckNodeID).
struct EventSpec {
  ObjectKind kind = ObjectKind::kNode;
  uint32_t actions = kAllObjectActions;
  std::string id;
  std::string task_node_id;
};

// A watcher's filter: an object event matches when any spec matches (empty `specs` = every object
// event). Commit events are delivered only when `commits` is true.
struct WatchFilter {
  std::vector<EventSpec> specs;
  bool commits = false;

  static WatchFilter All() {
    WatchFilter filter;
    filter.commits = true;
    return filter;
  }
};

bool Matches(const EventSpec& spec, const Event& event);
bool Matches(const WatchFilter& filter, const Event& event);

}  // namespace store
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_STORE_EVENT_H_
