// WatchQueue fans store events out to watchers: one FIFO per watcher, filled in publish order,
// drained by the watcher's owner (SwarmKit's watch.Queue over go-events, unbounded per watcher).
//
// Pure and single-threaded: publishing never calls back into anyone; owners drain when they are
// stepped. Watchers are kept in a map ordered by id, so fan-out order is the subscription order.
// A watcher whose backlog exceeds `max_pending_per_watcher` is a bug (a leaked subscription) and
// fails a check instead of growing without bound.
#ifndef SWARMSIM_MODEL_STORE_WATCH_QUEUE_H_
#define SWARMSIM_MODEL_STORE_WATCH_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "model/store/event.h"

namespace swarmsim {
namespace store {

using WatcherId = uint64_t;

class WatchQueue {
 public:
  explicit WatchQueue(size_t max_pending_per_watcher = size_t{1} << 22)
      : max_pending_per_watcher_(max_pending_per_watcher) {}

  // Subscribes; the watcher receives every matching event published from now on.
  WatcherId Watch(WatchFilter filter);
  // Unsubscribes and drops the backlog. Unknown ids are ignored (cancel is idempotent).
  void Cancel(WatcherId id);

  void Publish(const Event& event);

  // Removes and returns the backlog, oldest first. REQUIRES: `id` is subscribed.
  std::vector<Event> Drain(WatcherId id);
  size_t pending(WatcherId id) const;
  bool watching(WatcherId id) const { return watchers_.count(id) != 0; }
  size_t watcher_count() const { return watchers_.size(); }

 private:
  struct Watcher {
    WatchFilter filter;
    std::deque<Event> backlog;
  };

  size_t max_pending_per_watcher_;
  WatcherId next_id_ = 1;
  std::map<WatcherId, Watcher> watchers_;
};

}  // namespace store
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_STORE_WATCH_QUEUE_H_
