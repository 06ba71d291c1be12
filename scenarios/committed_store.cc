#include "scenarios/committed_store.h"

namespace scenarios {

void CommittedStore::OnApply(uint64_t index, const swarmsim::api::InternalRaftRequest& request) {
  if (index <= index_) return;  // Another manager applied it first.
  index_ = index;
  ++generation_;
  // A request the store rejects is rejected identically on every replica: nothing to apply.
  (void)store_.Apply(index, request);
}

void CommittedStore::OnRestore(uint64_t index, const swarmsim::api::StoreSnapshot& snapshot) {
  if (index <= index_) return;
  index_ = index;
  ++generation_;
  (void)store_.Restore(index, snapshot);
}

}  // namespace scenarios
