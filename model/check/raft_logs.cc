#include "model/check/raft_logs.h"

#include "absl/strings/str_cat.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {

bool HostLog::leader() const { return up && role == kRoleLeader; }

const LogEntry* HostLog::At(uint64_t index) const {
  if (index <= base_index || index > last_index()) return nullptr;
  return &entries[index - base_index - 1];
}

std::optional<uint64_t> HostLog::TermAt(uint64_t index) const {
  if (index == base_index) return base_term;
  const LogEntry* e = At(index);
  if (e == nullptr) return std::nullopt;
  return e->term;
}

std::string HostLog::Describe() const {
  return absl::StrCat("log (", base_index, "..", last_index(), "] commit ", commit);
}

const HostLog* RaftLogs::Find(sim::HostId host) const {
  auto it = hosts_.find(host);
  return it == hosts_.end() ? nullptr : &it->second;
}

void RaftLogs::Append(HostLog& log, uint64_t index, LogEntry entry) {
  if (index <= log.base_index) return;  // Into the compacted prefix: reported as malformed.
  if (index > log.last_index() + 1) {
    // A gap (reported as malformed): what lies before is unknown.
    log.base_index = index - 1;
    log.base_term = std::nullopt;
    log.entries.clear();
  }
  log.entries.resize(index - 1 - log.base_index);  // Truncate-and-append.
  log.entries.push_back(entry);
}

void RaftLogs::Apply(const sim::TraceRecord& r) {
  const absl::string_view kind = r.kind;
  if (kind == kind::kHostStop || kind == kind::kHostCrash) {
    auto it = hosts_.find(r.host);
    if (it == hosts_.end()) return;
    it->second.up = false;
    it->second.role.clear();
    it->second.recovering = false;
    return;
  }
  if (kind.substr(0, 5) != "raft.") return;
  if (kind == kind::kRaftWipe) {
    hosts_.erase(r.host);
    return;
  }
  HostLog& log = hosts_[r.host];
  log.up = true;
  const auto u = [&r](const char* key) { return static_cast<uint64_t>(r.Int(key)); };
  if (kind == kind::kRaftState) {
    log.term = u(field::kTerm);
    log.role = r.Str(field::kRole);
  } else if (kind == kind::kRaftAppend) {
    Append(log, u(field::kIndex), LogEntry{u(field::kTerm), r.Int(field::kDigest)});
  } else if (kind == kind::kRaftRecovered) {
    Append(log, u(field::kIndex), LogEntry{u(field::kTerm), r.Int(field::kDigest)});
    if (log.last_index() >= log.recover_last) log.recovering = false;
  } else if (kind == kind::kRaftSnapshot) {
    log.base_index = u(field::kIndex);
    log.base_term = u(field::kTerm);
    log.entries.clear();
    if (log.commit < log.base_index) log.commit = log.base_index;
  } else if (kind == kind::kRaftCompact) {
    const uint64_t index = u(field::kIndex);
    if (index <= log.base_index) return;
    if (index <= log.last_index()) {
      log.entries.erase(log.entries.begin(),
                        log.entries.begin() + static_cast<int64_t>(index - log.base_index));
    } else {
      log.entries.clear();
    }
    log.base_index = index;
    log.base_term = u(field::kTerm);
  } else if (kind == kind::kRaftCommit) {
    log.commit = u(field::kIndex);
  } else if (kind == kind::kRaftRestart) {
    log.term = u(field::kTerm);
    log.role.clear();
    log.base_index = u(field::kSnapshotIndex);
    log.base_term = u(field::kSnapshotTerm);
    log.entries.clear();
    log.commit = u(field::kCommit);
    log.recover_last = u(field::kLastIndex);
    log.recovering = log.recover_last > log.base_index;
  }
}

}  // namespace check
}  // namespace swarmsim
