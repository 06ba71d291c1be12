// Election safety: at most one leader per term, over the whole run (Raft §5.2). A host that
// traces raft.state with role "leader" leads that term; a second host doing so for the same term
// is a violation, whenever it happens (the first may have crashed meanwhile).
#include <map>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class ElectionSafetyChecker : public Checker {
 public:
  ElectionSafetyChecker() : Checker(kElectionSafety) {}

  std::vector<std::string> Kinds() const override { return {kind::kRaftState}; }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.Str(field::kRole) != kRoleLeader) return;
    const uint64_t term = static_cast<uint64_t>(r.Int(field::kTerm));
    auto [it, inserted] = leaders_.emplace(term, Leader{r.host, r.at});
    if (inserted || it->second.host == r.host) return;
    Report(r.at, {it->second.host, r.host},
           absl::StrCat("term ", term, " has two leaders: host ", it->second.host, " (since ",
                        it->second.at.ToString(), ") and host ", r.host));
  }

  std::string Summary() const override {
    return Count(leaders_.size(), "term had a leader, exactly one",
                 "terms had a leader, each exactly one");
  }

 private:
  struct Leader {
    sim::HostId host = 0;
    sim::Time at;
  };
  std::map<uint64_t, Leader> leaders_;  // term -> its first leader
};

}  // namespace

std::unique_ptr<Checker> NewElectionSafetyChecker() {
  return std::make_unique<ElectionSafetyChecker>();
}

}  // namespace check
}  // namespace swarmsim
