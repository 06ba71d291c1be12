// StoreTracer: the store-derived trace records of one manager, emitted from one place (the
// manager's apply path): store.apply {index, store_digest} after every applied entry or restored
// snapshot, and node.status {node, state} whenever a node object is created with, or changes to,
// a new status state (every node after a restore); and, on the signalled leader only (so that each
// committed change is traced once, not once per replica), store.task_state {task, service, slot,
// node, state} whenever a task is created with, or changes to, a new status state. The digest is
// the sum (mod 2^64) of per-object FNV-1a 64 digests of each object's deterministic serialization,
// kept incrementally, so every manager computes the same value for the same store and an apply
// costs O(objects it changed).
#ifndef SWARMSIM_MODEL_PROCESS_STORE_TRACE_H_
#define SWARMSIM_MODEL_PROCESS_STORE_TRACE_H_

#include <cstdint>
#include <map>
#include <vector>

#include "model/store/event.h"
#include "model/store/memory_store.h"
#include "model/store/object.h"
#include "sim/context.h"

namespace swarmsim {
namespace process {

class StoreTracer {
 public:
  // After MemoryStore::Apply returned `events` for `index`. `leader`: this manager is the
  // signalled leader (task states are traced there only).
  void OnApply(sim::Context& ctx, uint64_t index, const std::vector<store::Event>& events,
               bool leader);
  // After MemoryStore::Restore at `index`.
  void OnRestore(sim::Context& ctx, uint64_t index, const store::MemoryStore& store);

  uint64_t digest() const { return digest_; }

 private:
  static uint64_t ObjectDigest(const api::StoreObject& object);
  void Set(const store::ObjectKey& key, uint64_t digest);
  void Erase(const store::ObjectKey& key);

  std::map<store::ObjectKey, uint64_t> objects_;
  uint64_t digest_ = 0;
};

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_STORE_TRACE_H_
