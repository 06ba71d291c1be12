// The dispatcher's own invariants in every run: the manager hosting a dispatcher checks its
// internal state after its steps (Dispatcher::InvariantViolation, the same checks the dispatcher
// test harness runs after every step) and traces a broken one as dispatcher.invariant. Any such
// record is a violation, named in the detail ("one_status_batch_at_a_time: ...").
#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class DispatcherInvariantsChecker : public Checker {
 public:
  DispatcherInvariantsChecker() : Checker(kDispatcherInvariants) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kDispatcherStart, kind::kDispatcherInvariant};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kDispatcherStart) {
      ++starts_;
      return;
    }
    Report(r.at, {r.host},
           absl::StrCat("host ", r.host, "'s dispatcher broke ", r.Str(field::kViolation)));
  }

  std::string Summary() const override {
    return absl::StrCat(starts_, " dispatcher starts, internal state consistent after every check");
  }

 private:
  uint64_t starts_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewDispatcherInvariantsChecker() {
  return std::make_unique<DispatcherInvariantsChecker>();
}

}  // namespace check
}  // namespace swarmsim
