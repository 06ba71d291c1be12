// State machine safety (Raft §5.4.3): every host applies the same entry at each index, and
// applies every index once, in order. The first host to apply an index fixes its term and digest;
// every other apply there must match. Per host, each raft.apply must be the index after the last
// one (or after the snapshot it restored from: raft.restart, raft.snapshot); a host with no such
// starting point yet (its first records) may start anywhere.
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/raft_logs.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class StateMachineSafetyChecker : public Checker {
 public:
  StateMachineSafetyChecker() : Checker(kStateMachineSafety) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kRaftApply, kind::kRaftRestart, kind::kRaftSnapshot, kind::kRaftWipe};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kRaftRestart) {
      applied_[r.host] = static_cast<uint64_t>(r.Int(field::kSnapshotIndex));
    } else if (r.kind == kind::kRaftSnapshot) {
      applied_[r.host] = static_cast<uint64_t>(r.Int(field::kIndex));
    } else if (r.kind == kind::kRaftWipe) {
      applied_[r.host] = 0;
    } else {
      OnApply(r);
    }
  }

  std::string Summary() const override {
    return Count(applied_at_.size(), "index applied", "indexes applied") +
           ", the same entry on every host";
  }

 private:
  struct Applied {
    LogEntry entry;
    sim::HostId host = 0;
    sim::Time at;
  };

  void OnApply(const sim::TraceRecord& r) {
    const uint64_t index = static_cast<uint64_t>(r.Int(field::kIndex));
    const LogEntry entry{static_cast<uint64_t>(r.Int(field::kTerm)), r.Int(field::kDigest)};
    auto last = applied_.find(r.host);
    if (last != applied_.end() && index != last->second + 1) {
      Report(r.at, {r.host},
             absl::StrCat("host ", r.host, " applied index ", index, " right after index ",
                          last->second, index <= last->second ? " (again)" : " (skipping some)"));
    }
    applied_[r.host] = index;
    auto [it, inserted] = applied_at_.emplace(index, Applied{entry, r.host, r.at});
    if (inserted) return;
    const Applied& first = it->second;
    if (first.entry.term == entry.term && first.entry.digest == entry.digest) return;
    Report(r.at, {first.host, r.host},
           absl::StrCat("index ", index, " applied as term ", first.entry.term, " digest ",
                        first.entry.digest, " on host ", first.host, " (at ",
                        first.at.ToString(), ") but as term ", entry.term, " digest ",
                        entry.digest, " on host ", r.host));
  }

  std::map<sim::HostId, uint64_t> applied_;   // host -> last applied index
  std::map<uint64_t, Applied> applied_at_;    // index -> the first apply there
};

}  // namespace

std::unique_ptr<Checker> NewStateMachineSafetyChecker() {
  return std::make_unique<StateMachineSafetyChecker>();
}

}  // namespace check
}  // namespace swarmsim
