// Payload is the body of a message or an RPC: either bytes (e.g. a serialized protobuf) or a
// type-erased, immutable, shared object, each with a known size in bytes for the network's
// accounting. It never serializes anything itself and never changes after it is built, so a
// duplicated packet may share it.
#ifndef SWARMSIM_SIM_PAYLOAD_H_
#define SWARMSIM_SIM_PAYLOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "sim/check.h"

namespace sim {

namespace payload_internal {
// One distinct address per type, compared for equality only (never printed, never ordered).
template <typename T>
const void* TypeTag() {
  static const char tag = 0;
  return &tag;
}
}  // namespace payload_internal

class Payload {
 public:
  // The empty payload (size 0).
  Payload() = default;

  // Bytes; the size is their length.
  static Payload Bytes(std::string bytes) {
    Payload p;
    p.size_bytes_ = static_cast<int64_t>(bytes.size());
    p.bytes_ = std::move(bytes);
    return p;
  }

  // A shared object standing for a message of `size_bytes` on the wire.
  template <typename T>
  static Payload Object(std::shared_ptr<const T> object, int64_t size_bytes) {
    SIM_CHECK(object != nullptr);
    SIM_CHECK_GE(size_bytes, 0);
    Payload p;
    p.object_ = std::move(object);
    p.type_ = payload_internal::TypeTag<T>();
    p.size_bytes_ = size_bytes;
    return p;
  }
  template <typename T>
  static Payload Make(T value, int64_t size_bytes) {
    return Object<T>(std::make_shared<const T>(std::move(value)), size_bytes);
  }

  int64_t size_bytes() const { return size_bytes_; }
  bool has_object() const { return object_ != nullptr; }
  // Empty unless built with Bytes().
  const std::string& bytes() const { return bytes_; }

  template <typename T>
  bool Holds() const {
    return object_ != nullptr && type_ == payload_internal::TypeTag<T>();
  }
  // REQUIRES: Holds<T>().
  template <typename T>
  const T& As() const {
    SIM_CHECK(Holds<T>());
    return *static_cast<const T*>(object_.get());
  }
  template <typename T>
  std::shared_ptr<const T> Share() const {
    SIM_CHECK(Holds<T>());
    return std::static_pointer_cast<const T>(object_);
  }

 private:
  std::string bytes_;
  std::shared_ptr<const void> object_;
  const void* type_ = nullptr;
  int64_t size_bytes_ = 0;
};

}  // namespace sim

#endif  // SWARMSIM_SIM_PAYLOAD_H_
