// A leader commits by counting replicas only entries of its own term (Raft §5.4.2, Figure 8):
// an entry of an earlier term becomes committed only when an entry of the leader's term after
// it does. Counting replicas of an old entry is unsafe: another candidate whose log ends in a
// newer term can still win an election and overwrite it.
//
// From the trace: when a host whose last raft.state says "leader of term T" traces raft.commit
// (its Ready's hard state, the same term) up to index c, and the entry its traced log holds at c
// is of a term before T, then c must already have been committed somewhere: a leader may learn
// an old commit index (a follower's commit carried into the Ready in which it became leader),
// but never create one. "Somewhere" is the highest raft.commit index any host traced before;
// a leader traces its commit before sending the messages that carry it, so whoever learned c
// traced it after its leader did.
// What escapes it: a violating commit above an index an earlier host committed for other
// reasons cannot exist (everything below a committed index is committed); commits hidden inside
// a snapshot are not commits of this host's and are not judged.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/raft_logs.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class CommitCurrentTermChecker : public Checker {
 public:
  explicit CommitCurrentTermChecker(const RaftLogs* logs) : Checker(kCommitCurrentTerm), logs_(logs) {}

  std::vector<std::string> Kinds() const override { return {kind::kRaftCommit}; }

  void OnRecord(const sim::TraceRecord& r) override {
    const uint64_t commit = static_cast<uint64_t>(r.Int(field::kIndex));
    const uint64_t term = static_cast<uint64_t>(r.Int(field::kTerm));
    const HostLog* log = logs_->Find(r.host);
    if (log != nullptr && log->leader() && log->term == term && commit > highest_) {
      ++leader_commits_;
      const LogEntry* entry = log->At(commit);
      if (entry != nullptr && entry->term != term) {
        Report(r.at, {r.host},
               absl::StrCat("host ", r.host, ", leader of term ", term, ", committed index ", commit,
                            " of term ", entry->term,
                            " that no host had committed: an entry of an earlier term was "
                            "committed by counting its replicas (Raft 5.4.2, Figure 8)"));
      }
    }
    highest_ = std::max(highest_, commit);
  }

  std::string Summary() const override {
    return absl::StrCat(Count(leader_commits_, "new commit index", "new commit indexes"),
                        " set by leaders, each at an entry of the leader's own term");
  }

 private:
  const RaftLogs* logs_;
  uint64_t highest_ = 0;  // the highest index any host traced as committed so far
  uint64_t leader_commits_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewCommitCurrentTermChecker(const RaftLogs* logs) {
  return std::make_unique<CommitCurrentTermChecker>(logs);
}

}  // namespace check
}  // namespace swarmsim
