#include "model/store/object.h"

#include "sim/check.h"

namespace swarmsim {
namespace store {

const char* ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kNode:
      return "node";
    case ObjectKind::kService:
      return "service";
    case ObjectKind::kTask:
      return "task";
    case ObjectKind::kCluster:
      return "cluster";
  }
  return "?";
}

bool KindOf(const api::StoreObject& object, ObjectKind* kind) {
  switch (object.object_case()) {
    case api::StoreObject::kNode:
      *kind = ObjectKind::kNode;
      return true;
    case api::StoreObject::kService:
      *kind = ObjectKind::kService;
      return true;
    case api::StoreObject::kTask:
      *kind = ObjectKind::kTask;
      return true;
    case api::StoreObject::kCluster:
      *kind = ObjectKind::kCluster;
      return true;
    case api::StoreObject::OBJECT_NOT_SET:
      return false;
  }
  return false;
}

const std::string& IdOf(const api::StoreObject& object) {
  static const std::string* const kEmpty = new std::string();
  switch (object.object_case()) {
    case api::StoreObject::kNode:
      return object.node().id();
    case api::StoreObject::kService:
      return object.service().id();
    case api::StoreObject::kTask:
      return object.task().id();
    case api::StoreObject::kCluster:
      return object.cluster().id();
    case api::StoreObject::OBJECT_NOT_SET:
      break;
  }
  return *kEmpty;
}

const api::Meta& MetaOf(const api::StoreObject& object) {
  switch (object.object_case()) {
    case api::StoreObject::kNode:
      return object.node().meta();
    case api::StoreObject::kService:
      return object.service().meta();
    case api::StoreObject::kTask:
      return object.task().meta();
    case api::StoreObject::kCluster:
      return object.cluster().meta();
    case api::StoreObject::OBJECT_NOT_SET:
      break;
  }
  return api::Meta::default_instance();
}

api::Meta* MutableMetaOf(api::StoreObject* object) {
  switch (object->object_case()) {
    case api::StoreObject::kNode:
      return object->mutable_node()->mutable_meta();
    case api::StoreObject::kService:
      return object->mutable_service()->mutable_meta();
    case api::StoreObject::kTask:
      return object->mutable_task()->mutable_meta();
    case api::StoreObject::kCluster:
      return object->mutable_cluster()->mutable_meta();
    case api::StoreObject::OBJECT_NOT_SET:
      break;
  }
  SIM_CHECK_MSG(false, "MutableMetaOf on an empty StoreObject");
  return nullptr;
}

}  // namespace store
}  // namespace swarmsim
