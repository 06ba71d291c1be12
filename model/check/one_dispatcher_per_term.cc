// At most one running dispatcher per term: between its dispatcher.start {term} and its
// dispatcher.stop (or the host's stop or crash) a host runs the dispatcher of that term; no two
// hosts run one for the same term at the same time.
#include <map>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class OneDispatcherPerTermChecker : public Checker {
 public:
  OneDispatcherPerTermChecker() : Checker(kOneDispatcherPerTerm) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kDispatcherStart, kind::kDispatcherStop, kind::kHostStop, kind::kHostCrash};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind != kind::kDispatcherStart) {
      running_.erase(r.host);
      return;
    }
    ++starts_;
    const uint64_t term = static_cast<uint64_t>(r.Int(field::kTerm));
    for (const auto& [host, run] : running_) {
      if (host == r.host || run.term != term) continue;
      Report(r.at, {host, r.host},
             absl::StrCat("host ", r.host, " started a dispatcher for term ", term,
                          " while host ", host, " runs one for that term (since ",
                          run.since.ToString(), ")"));
    }
    running_[r.host] = Running{term, r.at};
  }

  std::string Summary() const override {
    return Count(starts_, "dispatcher start", "dispatcher starts") +
           ", never two at once in one term";
  }

 private:
  struct Running {
    uint64_t term = 0;
    sim::Time since;
  };
  std::map<sim::HostId, Running> running_;
  uint64_t starts_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewOneDispatcherPerTermChecker() {
  return std::make_unique<OneDispatcherPerTermChecker>();
}

}  // namespace check
}  // namespace swarmsim
