// The store as applied by every manager agrees at equal indexes: the first store.apply at an
// index fixes the digest; every other manager's store.apply there must match.
#include <map>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class StoreAgreementChecker : public Checker {
 public:
  StoreAgreementChecker() : Checker(kStoreAgreement) {}

  std::vector<std::string> Kinds() const override { return {kind::kStoreApply}; }

  void OnRecord(const sim::TraceRecord& r) override {
    const uint64_t index = static_cast<uint64_t>(r.Int(field::kIndex));
    const int64_t digest = r.Int(field::kStoreDigest);
    auto [it, inserted] = first_.emplace(index, First{digest, r.host, r.at});
    if (inserted) return;
    ++compared_;
    const First& first = it->second;
    if (first.digest == digest) return;
    Report(r.at, {first.host, r.host},
           absl::StrCat("store at index ", index, ": digest ", first.digest, " on host ",
                        first.host, " (at ", first.at.ToString(), ") but ", digest, " on host ",
                        r.host));
  }

  std::string Summary() const override {
    return absl::StrCat(Count(first_.size(), "index", "indexes"), ", ",
                        Count(compared_, "comparison, equal", "comparisons, all equal"));
  }

 private:
  struct First {
    int64_t digest = 0;
    sim::HostId host = 0;
    sim::Time at;
  };
  std::map<uint64_t, First> first_;  // index -> the first store digest traced there
  uint64_t compared_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewStoreAgreementChecker() {
  return std::make_unique<StoreAgreementChecker>();
}

}  // namespace check
}  // namespace swarmsim
