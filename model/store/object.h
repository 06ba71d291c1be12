// Object kinds of the replicated store and the per-type glue that lets one template serve nodes,
// services, tasks and the cluster object. Pure helpers: no state.
#ifndef SWARMSIM_MODEL_STORE_OBJECT_H_
#define SWARMSIM_MODEL_STORE_OBJECT_H_

#include <string>
#include <utility>

#include "model/proto/swarm.pb.h"

namespace swarmsim {
namespace store {

// The four tables. The numeric order is the order of tables in snapshots and listings.
enum class ObjectKind { kNode = 0, kService = 1, kTask = 2, kCluster = 3 };

const char* ObjectKindName(ObjectKind kind);

// (kind, id): the identity of a row across tables; ordered, so usable as a std::map key.
using ObjectKey = std::pair<ObjectKind, std::string>;

// Per-type accessors. Specialised for api::Node, api::Service, api::Task, api::Cluster.
template <typename T>
struct ObjectTraits;

template <>
struct ObjectTraits<api::Node> {
  static constexpr ObjectKind kKind = ObjectKind::kNode;
  static const api::Node& From(const api::StoreObject& o) { return o.node(); }
  static api::Node* MutableIn(api::StoreObject* o) { return o->mutable_node(); }
};
template <>
struct ObjectTraits<api::Service> {
  static constexpr ObjectKind kKind = ObjectKind::kService;
  static const api::Service& From(const api::StoreObject& o) { return o.service(); }
  static api::Service* MutableIn(api::StoreObject* o) { return o->mutable_service(); }
};
template <>
struct ObjectTraits<api::Task> {
  static constexpr ObjectKind kKind = ObjectKind::kTask;
  static const api::Task& From(const api::StoreObject& o) { return o.task(); }
  static api::Task* MutableIn(api::StoreObject* o) { return o->mutable_task(); }
};
template <>
struct ObjectTraits<api::Cluster> {
  static constexpr ObjectKind kKind = ObjectKind::kCluster;
  static const api::Cluster& From(const api::StoreObject& o) { return o.cluster(); }
  static api::Cluster* MutableIn(api::StoreObject* o) { return o->mutable_cluster(); }
};

template <typename T>
api::StoreObject Wrap(const T& object) {
  api::StoreObject wrapped;
  *ObjectTraits<T>::MutableIn(&wrapped) = object;
  return wrapped;
}

// False when no member of the oneof is set.
bool KindOf(const api::StoreObject& object, ObjectKind* kind);
// The id of whichever object is set; empty when none is.
const std::string& IdOf(const api::StoreObject& object);
const api::Meta& MetaOf(const api::StoreObject& object);
api::Meta* MutableMetaOf(api::StoreObject* object);

}  // namespace store
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_STORE_OBJECT_H_
