// Durability of committed entries: what a host acknowledged as committed (its highest
// raft.commit) survives crash and restart, and is never removed from its log.
//   - at raft.restart: the recovered log (snapshot + entries) reaches the acknowledged commit
//     index, and the snapshot's term matches the entry the host had at the snapshot's index;
//   - at each raft.recovered at or below the acknowledged commit: the entry is the one the host had
//     traced there before the restart;
//   - at any raft.append at or below the host's commit: it does not replace a different entry.
// Entries the host held only in a snapshot are compared by index and term alone. Entries it had
// not acknowledged as committed may be lost (and may be rewritten later) without a violation.
// The recovered hard state's commit may be lower than the acknowledged one: etcd does not sync a
// Ready whose only change is the commit index (MustSync), and Raft recomputes it; what must
// survive are the entries.
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

class DurabilityChecker : public Checker {
 public:
  explicit DurabilityChecker(const RaftLogs* logs) : Checker(kDurability), logs_(logs) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kRaftCommit, kind::kRaftRestart, kind::kRaftRecovered, kind::kRaftAppend,
            kind::kRaftWipe};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kRaftWipe) {
      acked_.erase(r.host);
      expected_.erase(r.host);
    } else if (r.kind == kind::kRaftCommit) {
      uint64_t& acked = acked_[r.host];
      acked = std::max(acked, static_cast<uint64_t>(r.Int(field::kIndex)));
    } else if (r.kind == kind::kRaftRestart) {
      OnRestart(r);
    } else if (r.kind == kind::kRaftRecovered) {
      OnRecovered(r);
    } else {
      OnAppend(r);
    }
  }

  std::string Summary() const override {
    return absl::StrCat(Count(restarts_, "restart", "restarts"),
                        " recovered every acknowledged committed entry (",
                        Count(entries_compared_, "entry", "entries"), " compared)");
  }

 private:
  void OnRestart(const sim::TraceRecord& r) {
    ++restarts_;
    std::map<uint64_t, LogEntry>& expected = expected_[r.host];
    expected.clear();
    auto acked_it = acked_.find(r.host);
    const uint64_t acked = acked_it == acked_.end() ? 0 : acked_it->second;
    const uint64_t snapshot_index = static_cast<uint64_t>(r.Int(field::kSnapshotIndex));
    const uint64_t snapshot_term = static_cast<uint64_t>(r.Int(field::kSnapshotTerm));
    const uint64_t last = std::max(snapshot_index, static_cast<uint64_t>(r.Int(field::kLastIndex)));
    if (last < acked) {
      Report(r.at, {r.host},
             absl::StrCat("host ", r.host, " had acknowledged commit index ", acked,
                          " but its recovered log ends at index ", last, " (snapshot at ",
                          snapshot_index, "): committed entries lost"));
    }
    const HostLog* log = logs_->Find(r.host);
    if (log == nullptr) return;
    if (snapshot_index > 0 && snapshot_index <= acked) {
      const std::optional<uint64_t> had = log->TermAt(snapshot_index);
      if (had.has_value() && *had != snapshot_term) {
        Report(r.at, {r.host},
               absl::StrCat("host ", r.host, " recovered a snapshot at index ", snapshot_index,
                            " of term ", snapshot_term, " but had committed term ", *had,
                            " there"));
      }
    }
    for (uint64_t i = std::max(snapshot_index, log->base_index) + 1; i <= acked; ++i) {
      const LogEntry* e = log->At(i);
      if (e == nullptr) break;
      expected.emplace(i, *e);
    }
    if (expected.empty()) expected_.erase(r.host);
  }

  void OnRecovered(const sim::TraceRecord& r) {
    auto host_it = expected_.find(r.host);
    if (host_it == expected_.end()) return;
    const uint64_t index = static_cast<uint64_t>(r.Int(field::kIndex));
    auto it = host_it->second.find(index);
    if (it == host_it->second.end()) return;
    const LogEntry got{static_cast<uint64_t>(r.Int(field::kTerm)), r.Int(field::kDigest)};
    ++entries_compared_;
    if (got != it->second) {
      Report(r.at, {r.host},
             absl::StrCat("host ", r.host, " recovered index ", index, " as term ", got.term,
                          " digest ", got.digest, " but had acknowledged it committed as term ",
                          it->second.term, " digest ", it->second.digest));
    }
    host_it->second.erase(it);
    if (host_it->second.empty()) expected_.erase(host_it);
  }

  void OnAppend(const sim::TraceRecord& r) {
    const HostLog* log = logs_->Find(r.host);
    if (log == nullptr) return;
    const uint64_t index = static_cast<uint64_t>(r.Int(field::kIndex));
    auto acked = acked_.find(r.host);
    const uint64_t commit = std::max(log->commit, acked == acked_.end() ? 0 : acked->second);
    if (index > commit) return;
    const LogEntry* had = log->At(index);
    const LogEntry got{static_cast<uint64_t>(r.Int(field::kTerm)), r.Int(field::kDigest)};
    if (had == nullptr || *had == got) return;
    Report(r.at, {r.host},
           absl::StrCat("host ", r.host, " replaced committed index ", index, " (term ",
                        had->term, ", committed up to ", commit, ") with an entry of term ",
                        got.term));
  }

  const RaftLogs* logs_;
  std::map<sim::HostId, uint64_t> acked_;  // host -> highest commit index it traced
  // host -> committed entries it must recover (from raft.restart until each raft.recovered).
  std::map<sim::HostId, std::map<uint64_t, LogEntry>> expected_;
  uint64_t restarts_ = 0;
  uint64_t entries_compared_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewDurabilityChecker(const RaftLogs* logs) {
  return std::make_unique<DurabilityChecker>(logs);
}

}  // namespace check
}  // namespace swarmsim
