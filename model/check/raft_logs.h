// RaftLogs: each manager host's Raft log as its trace records describe it, shared by the Raft
// checkers. Built only from records (raft.*, host.stop/crash); it is what the host claimed to have
// durably, not what it really has. Entries are kept from the host's snapshot/compaction point to
// its last index, so memory follows the hosts' retained logs.
#ifndef SWARMSIM_MODEL_CHECK_RAFT_LOGS_H_
#define SWARMSIM_MODEL_CHECK_RAFT_LOGS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "sim/trace.h"
#include "sim/types.h"

namespace swarmsim {
namespace check {

struct LogEntry {
  uint64_t term = 0;
  int64_t digest = 0;
  bool operator==(const LogEntry& o) const { return term == o.term && digest == o.digest; }
  bool operator!=(const LogEntry& o) const { return !(*this == o); }
};

struct HostLog {
  // Volatile view (raft.state); cleared when the host stops or crashes.
  uint64_t term = 0;
  std::string role;
  bool up = false;  // between raft.restart (or any raft record) and host.stop/crash
  // The log: entries (base_index, base_index + entries.size()]. base_term is the term of the
  // entry at base_index when known (0 for an empty log at 0).
  uint64_t base_index = 0;
  std::optional<uint64_t> base_term = 0;
  std::deque<LogEntry> entries;
  uint64_t commit = 0;
  // Between raft.restart and its last raft.recovered.
  bool recovering = false;
  uint64_t recover_last = 0;

  bool leader() const;
  uint64_t last_index() const { return base_index + entries.size(); }
  // The entry at `index`, or nullptr when it is not in (base_index, last_index].
  const LogEntry* At(uint64_t index) const;
  // The term at `index` (base_term at base_index), when known.
  std::optional<uint64_t> TermAt(uint64_t index) const;
  // "host 2 log (5..9] commit 7"-style text for details.
  std::string Describe() const;
};

class RaftLogs {
 public:
  // Updates the view from one well-formed record (kinds it does not track are ignored).
  void Apply(const sim::TraceRecord& record);

  // nullptr when the host has never traced a Raft record.
  const HostLog* Find(sim::HostId host) const;
  const std::map<sim::HostId, HostLog>& hosts() const { return hosts_; }

 private:
  void Append(HostLog& log, uint64_t index, LogEntry entry);

  std::map<sim::HostId, HostLog> hosts_;
};

}  // namespace check
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_CHECK_RAFT_LOGS_H_
