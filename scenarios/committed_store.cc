#include "scenarios/committed_store.h"

namespace scenarios {

void CommittedStore::OnApply(uint64_t index, const swarmsim::api::InternalRaftRequest& request) {
  if (index <= index_) return;  // Another manager applied it first.
  index_ = index;
  ++generation_;
  // A request the store rejects is rejected identically on every replica: nothing to apply.
  absl::StatusOr<std::vector<swarmsim::store::Event>> events = store_.Apply(index, request);
  if (events.ok()) NoteChanges(*events);
}

void CommittedStore::OnRestore(uint64_t index, const swarmsim::api::StoreSnapshot& snapshot) {
  if (index <= index_) return;
  index_ = index;
  ++generation_;
  NoteChanges(store_.Restore(index, snapshot));
}

void CommittedStore::NoteChanges(const std::vector<swarmsim::store::Event>& events) {
  for (const swarmsim::store::Event& event : events) {
    if (event.action == swarmsim::store::EventAction::kCommit) continue;
    if (event.kind == swarmsim::store::ObjectKind::kNode) changed_nodes_.insert(event.id());
  }
}

std::vector<std::string> CommittedStore::TakeChangedNodes() {
  std::vector<std::string> out(changed_nodes_.begin(), changed_nodes_.end());
  changed_nodes_.clear();
  return out;
}

}  // namespace scenarios
