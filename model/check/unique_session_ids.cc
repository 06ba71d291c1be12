// Session IDs are unique: no session ID is issued twice in a run, by any dispatcher, to any node
// (an accepted dispatcher.register issues one; a reused session is not a registration).
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class UniqueSessionIdsChecker : public Checker {
 public:
  UniqueSessionIdsChecker() : Checker(kUniqueSessionIds) {}

  std::vector<std::string> Kinds() const override { return {kind::kDispatcherRegister}; }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.Int(field::kAccepted) == 0) return;
    const std::string& session = r.Str(field::kSession);
    const std::string& node = r.Str(field::kNode);
    if (session.empty()) {
      Report(r.at, {r.host},
             absl::StrCat("host ", r.host, " accepted node ", node, " with an empty session ID"));
      return;
    }
    auto [it, inserted] = issued_.emplace(session, Issued{node, r.host, r.at});
    if (inserted) return;
    const Issued& first = it->second;
    Report(r.at, {first.host, r.host},
           absl::StrCat("session ID \"", session, "\" issued twice: to node ", first.node,
                        " by host ", first.host, " at ", first.at.ToString(), ", then to node ",
                        node, " by host ", r.host));
  }

  std::string Summary() const override {
    return Count(issued_.size(), "session ID issued", "session IDs issued, all distinct");
  }

 private:
  struct Issued {
    std::string node;
    sim::HostId host = 0;
    sim::Time at;
  };
  std::map<std::string, Issued> issued_;
};

}  // namespace

std::unique_ptr<Checker> NewUniqueSessionIdsChecker() {
  return std::make_unique<UniqueSessionIdsChecker>();
}

}  // namespace check
}  // namespace swarmsim
