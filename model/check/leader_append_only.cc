// Leader append-only (Raft §5.3): while a host is leader of a term, it never overwrites or
// deletes entries of its own log: each raft.append it traces is at last_index + 1, and it never
// installs a snapshot. Compaction of its own log is not a deletion and is allowed. "Leader" is the
// host's last raft.state (role "leader"), until a later raft.state or a stop/crash.
#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/raft_logs.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class LeaderAppendOnlyChecker : public Checker {
 public:
  explicit LeaderAppendOnlyChecker(const RaftLogs* logs)
      : Checker(kLeaderAppendOnly), logs_(logs) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kRaftAppend, kind::kRaftSnapshot};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    const HostLog* log = logs_->Find(r.host);
    if (log == nullptr || !log->leader()) return;
    const uint64_t index = static_cast<uint64_t>(r.Int(field::kIndex));
    if (r.kind == kind::kRaftSnapshot) {
      Report(r.at, {r.host},
             absl::StrCat("host ", r.host, ", leader of term ", log->term,
                          ", replaced its log with a snapshot at index ", index, " (its ",
                          log->Describe(), ")"));
      return;
    }
    ++appends_;
    if (index > log->last_index()) return;
    const LogEntry* old = log->At(index);
    Report(r.at, {r.host},
           absl::StrCat("host ", r.host, ", leader of term ", log->term,
                        ", overwrote its log at index ", index, " (entry of term ",
                        old != nullptr ? absl::StrCat(old->term) : "?", ") with an entry of term ",
                        r.Int(field::kTerm), "; its ", log->Describe()));
  }

  std::string Summary() const override {
    return Count(appends_, "leader append, at the end of the leader's log",
                 "leader appends, each at the end of the leader's log");
  }

 private:
  const RaftLogs* logs_;
  uint64_t appends_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewLeaderAppendOnlyChecker(const RaftLogs* logs) {
  return std::make_unique<LeaderAppendOnlyChecker>(logs);
}

}  // namespace check
}  // namespace swarmsim
