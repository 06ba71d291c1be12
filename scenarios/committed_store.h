// "The store as committed" (SCENARIO_FORMAT.md): the state after applying every entry up to the
// highest index any manager has applied. Fed by every manager's apply and restore hooks; an
// entry is applied here the first time any manager applies it (state machine safety makes every
// later apply of the same index identical, which the store.agreement checker verifies). It
// exists with or without a leader, and a write a deposed leader proposed but never committed
// never reaches it.
#ifndef SWARMSIM_SCENARIOS_COMMITTED_STORE_H_
#define SWARMSIM_SCENARIOS_COMMITTED_STORE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "model/proto/swarm.pb.h"
#include "model/store/memory_store.h"

namespace scenarios {

class CommittedStore {
 public:
  void OnApply(uint64_t index, const swarmsim::api::InternalRaftRequest& request);
  void OnRestore(uint64_t index, const swarmsim::api::StoreSnapshot& snapshot);

  const swarmsim::store::MemoryStore& store() const { return store_; }
  uint64_t index() const { return index_; }
  // Bumped on every change, for callers that cache what they computed from the store.
  uint64_t generation() const { return generation_; }
  // The IDs of the nodes created, updated or removed since the last call, sorted; clears them.
  // Lets the timeline follow node status in O(changes) instead of O(nodes) per commit.
  std::vector<std::string> TakeChangedNodes();

 private:
  void NoteChanges(const std::vector<swarmsim::store::Event>& events);

  swarmsim::store::MemoryStore store_;
  uint64_t index_ = 0;
  uint64_t generation_ = 0;
  std::set<std::string> changed_nodes_;
};

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_COMMITTED_STORE_H_
