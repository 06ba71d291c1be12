// SharedBytes: an immutable byte string shared by reference, with a non-atomic count.
//
// Entry payloads travel from a proposal to the unstable log, to Ready, to storage, to every
// follower's message and back out as committed entries. Copying them each time is the hot
// path's main cost; sharing one immutable buffer makes an Entry copy three integers and an
// increment. The count is not atomic on purpose: model code is single-threaded by design
// (no threads in sim/ or model/), so a SharedBytes must never cross threads.
#ifndef SWARMSIM_MODEL_RAFT_BYTES_H_
#define SWARMSIM_MODEL_RAFT_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace swarmsim {
namespace raft {

class SharedBytes {
 public:
  SharedBytes() = default;
  explicit SharedBytes(absl::string_view bytes) {
    if (!bytes.empty()) rep_ = new Rep{1, std::string(bytes)};
  }
  explicit SharedBytes(std::string&& bytes) {
    if (!bytes.empty()) rep_ = new Rep{1, std::move(bytes)};
  }
  SharedBytes(const SharedBytes& other) : rep_(other.rep_) {
    if (rep_ != nullptr) ++rep_->refs;
  }
  SharedBytes(SharedBytes&& other) noexcept : rep_(other.rep_) { other.rep_ = nullptr; }
  SharedBytes& operator=(const SharedBytes& other) {
    if (other.rep_ != nullptr) ++other.rep_->refs;
    Release();
    rep_ = other.rep_;
    return *this;
  }
  SharedBytes& operator=(SharedBytes&& other) noexcept {
    if (this != &other) {
      Release();
      rep_ = other.rep_;
      other.rep_ = nullptr;
    }
    return *this;
  }
  ~SharedBytes() { Release(); }

  absl::string_view view() const {
    return rep_ == nullptr ? absl::string_view() : absl::string_view(rep_->bytes);
  }
  std::size_t size() const { return rep_ == nullptr ? 0 : rep_->bytes.size(); }
  bool empty() const { return size() == 0; }
  bool operator==(const SharedBytes& other) const { return view() == other.view(); }
  bool operator!=(const SharedBytes& other) const { return !(*this == other); }

 private:
  struct Rep {
    uint32_t refs;
    std::string bytes;
  };
  void Release() {
    if (rep_ != nullptr && --rep_->refs == 0) delete rep_;
    rep_ = nullptr;
  }
  Rep* rep_ = nullptr;
};

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_BYTES_H_
