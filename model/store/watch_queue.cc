#include "model/store/watch_queue.h"

#include <utility>

#include "sim/check.h"

namespace swarmsim {
namespace store {

WatcherId WatchQueue::Watch(WatchFilter filter) {
  const WatcherId id = next_id_++;
  watchers_[id].filter = std::move(filter);
  return id;
}

void WatchQueue::Cancel(WatcherId id) { watchers_.erase(id); }

void WatchQueue::Publish(const Event& event) {
  for (auto& [id, watcher] : watchers_) {
    if (!Matches(watcher.filter, event)) continue;
    watcher.backlog.push_back(event);
    SIM_CHECK_MSG(watcher.backlog.size() <= max_pending_per_watcher_,
                  absl::StrCat("watcher ", id, " never drained"));
  }
}

std::vector<Event> WatchQueue::Drain(WatcherId id) {
  auto it = watchers_.find(id);
  SIM_CHECK_MSG(it != watchers_.end(), absl::StrCat("drain of unknown watcher ", id));
  std::vector<Event> out(std::make_move_iterator(it->second.backlog.begin()),
                         std::make_move_iterator(it->second.backlog.end()));
  it->second.backlog.clear();
  return out;
}

size_t WatchQueue::pending(WatcherId id) const {
  auto it = watchers_.find(id);
  return it == watchers_.end() ? 0 : it->second.backlog.size();
}

}  // namespace store
}  // namespace swarmsim
