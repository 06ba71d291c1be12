// No task is assigned to a node that is not READY: at each task.assign, the node's status in the
// deciding manager's own store (its latest node.status for that node) is READY. A node that
// manager's store never traced counts as not READY.
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class AssignOnlyToReadyNodeChecker : public Checker {
 public:
  AssignOnlyToReadyNodeChecker() : Checker(kAssignOnlyToReadyNode) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kNodeStatus, kind::kTaskAssign};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    const std::string& node = r.Str(field::kNode);
    if (r.kind == kind::kNodeStatus) {
      status_[{r.host, node}] = r.Str(field::kState);
      return;
    }
    ++assigned_;
    auto it = status_.find({r.host, node});
    if (it != status_.end() && it->second == kNodeReady) return;
    Report(r.at, {r.host},
           absl::StrCat("host ", r.host, " assigned task ", r.Str(field::kTask), " (service ",
                        r.Str(field::kService), " slot ", r.Int(field::kSlot), ") to node ", node,
                        " whose status in its store is ",
                        it == status_.end() ? "unknown (never traced)" : it->second));
  }

  std::string Summary() const override {
    return Count(assigned_, "assignment, to a READY node", "assignments, all to READY nodes");
  }

 private:
  // (manager, node) -> state. Looked up, never iterated: a hash map (one update per node status
  // change on every manager; an ordered map was a tree walk of string compares each).
  absl::flat_hash_map<std::pair<sim::HostId, std::string>, std::string> status_;
  uint64_t assigned_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewAssignOnlyToReadyNodeChecker() {
  return std::make_unique<AssignOnlyToReadyNodeChecker>();
}

}  // namespace check
}  // namespace swarmsim
