// Leader completeness (Raft §5.4), approximated from what the trace shows:
//   - "committed": when a host traces raft.commit up to c, every index it newly covers is taken as
//     committed with the entry its traced log holds there (entries below its snapshot point are
//     unknown and skipped). The commit is dated by the host's term at the time (commit_term):
//     the entry was committed in that term or earlier.
//   - when a host becomes leader of term T (raft.state role "leader"), every committed entry with
//     commit_term < T whose index is above the new leader's snapshot point must be in its traced
//     log with the same term and digest (at its snapshot index, the same term).
//   - two hosts taking different entries as committed at one index is reported here too: some
//     leader must then have lacked a committed entry.
// What escapes it: an entry committed on a leader that crashed before tracing raft.commit, and
// entries covered by the new leader's snapshot (only the snapshot's index and term are compared).
#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/raft_logs.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class LeaderCompletenessChecker : public Checker {
 public:
  explicit LeaderCompletenessChecker(const RaftLogs* logs)
      : Checker(kLeaderCompleteness), logs_(logs) {}

  std::vector<std::string> Kinds() const override { return {kind::kRaftCommit, kind::kRaftState}; }

  void OnRecord(const sim::TraceRecord& r) override {
    const HostLog* log = logs_->Find(r.host);
    if (r.kind == kind::kRaftCommit) {
      if (log != nullptr) OnCommit(r, *log);
    } else if (r.Str(field::kRole) == kRoleLeader && log != nullptr && !log->leader()) {
      OnNewLeader(r, *log);
    }
  }

  std::string Summary() const override {
    return absl::StrCat(Count(committed_.size(), "committed entry", "committed entries"), "; ",
                        Count(elections_, "new leader held", "new leaders each held"),
                        " every entry committed in an earlier term");
  }

 private:
  struct Committed {
    LogEntry entry;
    uint64_t commit_term = 0;
    sim::HostId host = 0;
    sim::Time at;
  };

  void OnCommit(const sim::TraceRecord& r, const HostLog& log) {
    const uint64_t commit = static_cast<uint64_t>(r.Int(field::kIndex));
    const uint64_t term = static_cast<uint64_t>(r.Int(field::kTerm));
    for (uint64_t i = std::max(log.commit, log.base_index) + 1; i <= commit; ++i) {
      const LogEntry* e = log.At(i);
      if (e == nullptr) break;  // Beyond the traced log: malformed, reported elsewhere.
      auto [it, inserted] = committed_.emplace(i, Committed{*e, term, r.host, r.at});
      if (inserted) continue;
      Committed& c = it->second;
      if (c.entry != *e) {
        Report(r.at, {c.host, r.host},
               absl::StrCat("index ", i, " committed as term ", c.entry.term, " digest ",
                            c.entry.digest, " by host ", c.host, " (at ", c.at.ToString(),
                            ") but as term ", e->term, " digest ", e->digest, " by host ",
                            r.host));
      } else if (term < c.commit_term) {
        c.commit_term = term;
      }
    }
  }

  void OnNewLeader(const sim::TraceRecord& r, const HostLog& log) {
    ++elections_;
    const uint64_t term = static_cast<uint64_t>(r.Int(field::kTerm));
    for (auto it = committed_.lower_bound(log.base_index); it != committed_.end(); ++it) {
      const uint64_t index = it->first;
      const Committed& c = it->second;
      if (c.commit_term >= term) continue;
      const std::optional<uint64_t> have = log.TermAt(index);
      const LogEntry* e = log.At(index);
      const bool missing = index > log.last_index();
      const bool differs = (e != nullptr && *e != c.entry) ||
                           (index == log.base_index && have.has_value() && *have != c.entry.term);
      if (!missing && !differs) continue;
      Report(r.at, {r.host, c.host},
             absl::StrCat("host ", r.host, " became leader of term ", term, " without index ",
                          index, " (term ", c.entry.term, " digest ", c.entry.digest,
                          ", committed by term ", c.commit_term, " as host ", c.host, " traced at ",
                          c.at.ToString(), "); its ", log.Describe(),
                          missing ? "" : absl::StrCat(", term there ", have.value_or(0))));
      return;
    }
  }

  const RaftLogs* logs_;
  std::map<uint64_t, Committed> committed_;  // index -> the entry committed there
  uint64_t elections_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewLeaderCompletenessChecker(const RaftLogs* logs) {
  return std::make_unique<LeaderCompletenessChecker>(logs);
}

}  // namespace check
}  // namespace swarmsim
