// WriteTx and Batch build the StoreActions of a leader-side write (SwarmKit store.Update /
// store.Batch), without applying them: the host proposes the resulting InternalRaftRequests to
// Raft and every replica, the leader included, changes its MemoryStore only when it applies the
// committed entry.
//
// WriteTx reads through to a MemoryStore and sees its own buffered writes. It enforces SwarmKit's
// rules at build time: Create needs an absent id, Update needs a present one and the optimistic
// concurrency check (the supplied object's meta.version must equal the version the transaction
// sees, else ABORTED "update out of sequence"), Delete needs a present id. It stamps
// created_at/updated_at from the `now` it is given; meta.version is stamped by Apply (the Raft
// index). It never reads a clock and never proposes.
//
// Batch runs many small atomic updates and cuts a new proposal whenever the open one reaches
// MaxChangesPerTransaction (200) changes or 3/4 of MaxTransactionBytes (1.5 MiB). A failing update
// leaves no trace (its writes are rolled back) and the batch goes on.
#ifndef SWARMSIM_MODEL_STORE_WRITE_TX_H_
#define SWARMSIM_MODEL_STORE_WRITE_TX_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "model/proto/swarm.pb.h"
#include "model/store/memory_store.h"
#include "model/store/object.h"
#include "sim/time.h"

namespace swarmsim {
namespace store {

constexpr size_t kMaxChangesPerTransaction = 200;
constexpr size_t kMaxTransactionBytes = 1536 * 1024;

class WriteTx {
 public:
  // `store` must outlive the transaction and not change while it is open.
  WriteTx(const MemoryStore& store, sim::Time now) : store_(&store), now_(now) {}

  // The object as this transaction sees it; nullptr when absent (or deleted by this transaction).
  template <typename T>
  const T* Get(absl::string_view id) const;

  template <typename T>
  absl::Status Create(const T& object);
  // By value: a caller done with its copy moves it in (one copy of the object fewer).
  template <typename T>
  absl::Status Update(T object);
  template <typename T>
  absl::Status Delete(absl::string_view id);

  // Buffered actions in write order (one per successful write).
  const std::vector<api::StoreAction>& actions() const { return actions_; }
  size_t change_count() const { return actions_.size(); }
  sim::Time now() const { return now_; }

  // Moves buffered action `i` out, leaving an empty action in its place (Batch, cutting each
  // action into a proposal once; never below a savepoint still to be rolled back to).
  api::StoreAction TakeAction(size_t i);

  // Savepoints, for Batch: RollbackTo undoes every write made after Savepoint().
  size_t Savepoint() const { return undo_.size(); }
  void RollbackTo(size_t savepoint);

 private:
  // What the transaction has written for a key: an object, or nullopt for "deleted".
  using Overlay = std::map<ObjectKey, std::optional<api::StoreObject>>;
  struct Undo {
    ObjectKey key;
    bool had_overlay = false;
    std::optional<api::StoreObject> previous;
    size_t action_count = 0;
  };

  void Record(const ObjectKey& key, std::optional<api::StoreObject> value,
              api::StoreAction::Kind kind);

  const MemoryStore* store_;
  sim::Time now_;
  Overlay overlay_;
  std::vector<api::StoreAction> actions_;
  std::vector<Undo> undo_;
};

class Batch {
 public:
  struct Limits {
    size_t max_changes = kMaxChangesPerTransaction;
    size_t max_bytes = kMaxTransactionBytes;
  };

  Batch(const MemoryStore& store, sim::Time now) : Batch(store, now, Limits()) {}
  Batch(const MemoryStore& store, sim::Time now, Limits limits)
      : tx_(store, now), limits_(limits) {}

  // Runs one atomic update. On error its writes are rolled back and the error returned; the
  // batch stays usable. After a successful update, cuts a proposal when the open one is full.
  absl::Status Update(const std::function<absl::Status(WriteTx&)>& update);

  // Proposals cut so far (the open one is not included until Finish).
  size_t cut_count() const { return cut_.size(); }
  size_t open_change_count() const { return tx_.change_count() - cut_start_; }

  // Cuts the open proposal if it has changes and returns every proposal, in order. Request ids
  // are left 0: the proposer assigns them.
  std::vector<api::InternalRaftRequest> Finish();

 private:
  void Cut();

  WriteTx tx_;
  Limits limits_;
  size_t cut_start_ = 0;
  size_t open_bytes_ = 0;
  std::vector<api::InternalRaftRequest> cut_;
};

}  // namespace store
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_STORE_WRITE_TX_H_
