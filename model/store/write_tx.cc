#include "model/store/write_tx.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace swarmsim {
namespace store {

template <typename T>
const T* WriteTx::Get(absl::string_view id) const {
  auto it = overlay_.find(ObjectKey{ObjectTraits<T>::kKind, std::string(id)});
  if (it == overlay_.end()) return store_->Get<T>(id);
  if (!it->second.has_value()) return nullptr;
  return &ObjectTraits<T>::From(*it->second);
}

template <typename T>
absl::Status WriteTx::Create(const T& object) {
  if (object.id().empty()) return absl::InvalidArgumentError("object has no id");
  if (Get<T>(object.id()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(ObjectKindName(ObjectTraits<T>::kKind), " ", object.id(), " already exists"));
  }
  api::StoreObject wrapped = Wrap(object);
  api::Meta* meta = MutableMetaOf(&wrapped);
  meta->set_version(0);
  meta->set_created_at_ns(now_.nanos());
  meta->set_updated_at_ns(now_.nanos());
  Record(ObjectKey{ObjectTraits<T>::kKind, object.id()}, std::move(wrapped),
         api::StoreAction::CREATE);
  return absl::OkStatus();
}

template <typename T>
absl::Status WriteTx::Update(T object) {
  const T* current = Get<T>(object.id());
  if (current == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(ObjectKindName(ObjectTraits<T>::kKind), " ", object.id(), " does not exist"));
  }
  // Optimistic concurrency (SwarmKit ErrSequenceConflict): the writer must have read the version
  // this transaction sees.
  if (object.meta().version() != current->meta().version()) {
    return absl::AbortedError("update out of sequence");
  }
  ObjectKey key{ObjectTraits<T>::kKind, object.id()};
  api::StoreObject wrapped;
  *ObjectTraits<T>::MutableIn(&wrapped) = std::move(object);
  MutableMetaOf(&wrapped)->set_updated_at_ns(now_.nanos());
  Record(key, std::move(wrapped), api::StoreAction::UPDATE);
  return absl::OkStatus();
}

template <typename T>
absl::Status WriteTx::Delete(absl::string_view id) {
  const T* current = Get<T>(id);
  if (current == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(ObjectKindName(ObjectTraits<T>::kKind), " ", id, " does not exist"));
  }
  api::StoreObject wrapped = Wrap(*current);
  std::optional<api::StoreObject> gone;
  Record(ObjectKey{ObjectTraits<T>::kKind, std::string(id)}, std::move(gone),
         api::StoreAction::REMOVE);
  // Record stored nothing for the object; the action carries the removed object.
  *actions_.back().mutable_target() = std::move(wrapped);
  return absl::OkStatus();
}

#define SWARMSIM_INSTANTIATE_WRITE_TX(T)                      \
  template const T* WriteTx::Get<T>(absl::string_view) const; \
  template absl::Status WriteTx::Create<T>(const T&);         \
  template absl::Status WriteTx::Update<T>(T);                \
  template absl::Status WriteTx::Delete<T>(absl::string_view);
SWARMSIM_INSTANTIATE_WRITE_TX(api::Node)
SWARMSIM_INSTANTIATE_WRITE_TX(api::Service)
SWARMSIM_INSTANTIATE_WRITE_TX(api::Task)
SWARMSIM_INSTANTIATE_WRITE_TX(api::Cluster)
#undef SWARMSIM_INSTANTIATE_WRITE_TX

void WriteTx::Record(const ObjectKey& key, std::optional<api::StoreObject> value,
                     api::StoreAction::Kind kind) {
  Undo undo;
  undo.key = key;
  undo.action_count = actions_.size();
  auto it = overlay_.find(key);
  if (it != overlay_.end()) {
    undo.had_overlay = true;
    undo.previous = it->second;
  }
  undo_.push_back(std::move(undo));
  api::StoreAction action;
  action.set_kind(kind);
  if (value.has_value()) *action.mutable_target() = *value;
  actions_.push_back(std::move(action));
  overlay_[key] = std::move(value);
}

api::StoreAction WriteTx::TakeAction(size_t i) {
  SIM_CHECK_LT(i, actions_.size());
  return std::move(actions_[i]);
}

void WriteTx::RollbackTo(size_t savepoint) {
  SIM_CHECK_LE(savepoint, undo_.size());
  while (undo_.size() > savepoint) {
    Undo& undo = undo_.back();
    if (undo.had_overlay) {
      overlay_[undo.key] = std::move(undo.previous);
    } else {
      overlay_.erase(undo.key);
    }
    SIM_CHECK_LE(undo.action_count, actions_.size());
    actions_.resize(undo.action_count);
    undo_.pop_back();
  }
}

absl::Status Batch::Update(const std::function<absl::Status(WriteTx&)>& update) {
  const size_t savepoint = tx_.Savepoint();
  const size_t before = tx_.change_count();
  absl::Status status = update(tx_);
  if (!status.ok()) {
    tx_.RollbackTo(savepoint);
    SIM_CHECK_EQ(tx_.change_count(), before);
    return status;
  }
  for (size_t i = before; i < tx_.change_count(); ++i) {
    open_bytes_ += tx_.actions()[i].ByteSizeLong();
  }
  // SwarmKit cuts after the update that fills the proposal, so one update is never split.
  if (open_change_count() >= limits_.max_changes || open_bytes_ >= limits_.max_bytes * 3 / 4) {
    Cut();
  }
  return absl::OkStatus();
}

void Batch::Cut() {
  const size_t end = tx_.change_count();
  SIM_CHECK_LT(cut_start_, end);
  // Cut after a whole update, so no savepoint reaches back into [cut_start_, end): the actions
  // move into the proposal.
  api::InternalRaftRequest request;
  for (size_t i = cut_start_; i < end; ++i) *request.add_actions() = tx_.TakeAction(i);
  cut_.push_back(std::move(request));
  cut_start_ = end;
  open_bytes_ = 0;
}

std::vector<api::InternalRaftRequest> Batch::Finish() {
  if (open_change_count() > 0) Cut();
  return std::move(cut_);
}

}  // namespace store
}  // namespace swarmsim
