// Dispatcher: its internal invariants, checked two ways.
//
// StateViolation() checks the term state and the batch jobs (a handful of entries). The stream
// tables, their indexes and the registry (one entry per node: 10,000 each in a 10,000-worker
// cluster) are checked by IndexesConsistent(), a cheap walk, and only when it finds something
// broken by IndexViolation(), the full walk that names the first broken invariant. The two agree
// on whether anything is broken (the argument is at each check below; InvariantViolation()
// aborts if they ever disagree, and the tests' harness runs both after every step), so
// InvariantViolation() answers exactly what the full walk alone answered.
//
// Why two: the full walk looks every index entry up in its table (a tree search per entry) and
// every registry entry up by its ID (a hash lookup); at 10,000 nodes those cache misses were 13%
// of a leader-failover run. The cheap walk visits each container once, in order, and compares.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/dispatcher/dispatcher.h"

namespace swarmsim {
namespace dispatcher {
namespace {

template <typename... What>
std::string Fail(absl::string_view name, const What&... what) {
  return absl::StrCat(name, ": ", what...);
}

// Whether a by-node index of a stream table, as (call, node) sorted by call, is the table's own
// (call, node) sequence, and `also(call, stream)` holds for every stream (checked in the same
// walk: the table's nodes are visited once). `scratch` is working space.
template <typename Index, typename Table, typename Also>
bool IndexMatchesTable(const Index& index, const Table& table,
                       std::vector<std::pair<CallId, const std::string*>>& scratch, Also also) {
  scratch.clear();
  for (const auto& [node_id, call] : index) scratch.emplace_back(call, &node_id);
  if (scratch.size() != table.size()) return false;
  // Ties (a call indexed twice) cannot match a table whose calls are distinct, whatever their
  // order after the sort.
  std::sort(scratch.begin(), scratch.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  auto entry = scratch.begin();
  for (const auto& [call, stream] : table) {
    if (entry->first != call || *entry->second != stream.node_id || !also(call, stream)) {
      return false;
    }
    ++entry;
  }
  return true;
}

}  // namespace

bool Dispatcher::SessionLacksId(const SessionStream& stream) {
  return (stream.open || !stream.registering) && stream.session_id.empty();
}

bool Dispatcher::RegistryEntryMalformed(const RegisteredNode& entry,
                                        bool filed_under_own_id) const {
  return !filed_under_own_id || entry.generation > generation_ ||
         entry.unknown != entry.session_id.empty();
}

// Each failed check returns "<invariant>: <what was found>"; the invariant names are stable (the
// trace and the verdicts carry them).
std::string Dispatcher::StateViolation() const {
  if (state_ == State::kStopped &&
      (!sessions_.empty() || !assignments_.empty() || registry_.size() != 0 || !jobs_.empty())) {
    return Fail("stopped_holds_nothing", sessions_.size(), " sessions, ", assignments_.size(),
                " assignment streams, ", registry_.size(), " registered nodes, ", jobs_.size(),
                " jobs");
  }
  if (state_ != State::kRunning && process_updates_in_flight_) {
    return Fail("status_batch_only_while_running", "a status batch is in flight while not running");
  }
  size_t process_jobs = 0;
  for (const auto& [id, job] : jobs_) {
    if (id >= next_proposal_id_) return Fail("job_ids_issued", "job ", id, " not issued yet");
    if (job.next > job.items.size()) {
      return Fail("job_progress_in_range", "job ", id, " at item ", job.next, " of ",
                  job.items.size());
    }
    if (job.kind == JobKind::kProcessUpdates) ++process_jobs;
    if (job.kind == JobKind::kMarkUnknown && state_ != State::kStarting) {
      return Fail("mark_unknown_only_while_starting", "job ", id, " marks nodes UNKNOWN");
    }
  }
  // processUpdates runs in Run's loop: never two at once.
  if (process_jobs > 1 || (process_jobs == 1 && !process_updates_in_flight_)) {
    return Fail("one_status_batch_at_a_time", process_jobs,
                " status batch jobs, in flight: ", process_updates_in_flight_);
  }
  return "";
}

std::string Dispatcher::IndexViolation() const {
  // Walks the ordered containers side by side where it can; what it establishes is stated at
  // each check.
  size_t waiting = 0;
  auto next_waiting = waiting_sessions_.begin();
  for (const auto& [call, stream] : sessions_) {
    if (SessionLacksId(stream)) {
      return Fail("session_has_id", "call ", call, " of node ", stream.node_id,
                  " has no session ID");
    }
    // waiting_sessions_ and sessions_ are both ordered by call: the waiting set holds exactly
    // the calls not open iff, walking both, each not-open call is the next waiting one and no
    // waiting call is skipped (checked by the count below and the final position).
    if (next_waiting != waiting_sessions_.end() && *next_waiting < call) {
      return Fail("waiting_sessions_indexed", "call ", *next_waiting, " waits with no session");
    }
    const bool listed = next_waiting != waiting_sessions_.end() && *next_waiting == call;
    if (listed == stream.open) {
      return Fail("waiting_sessions_indexed", "call ", call, " of node ", stream.node_id);
    }
    if (listed) ++next_waiting;
    waiting += stream.open ? 0 : 1;
  }
  // Every (node, call) of the index names a session of that node. With the counts equal, that
  // makes the index exactly one entry per session, under its own node.
  for (const auto& [node_id, call] : sessions_by_node_) {
    auto it = sessions_.find(call);
    if (it == sessions_.end() || it->second.node_id != node_id) {
      return Fail("sessions_indexed_by_node", "call ", call, " of node ", node_id);
    }
  }
  size_t indexed = sessions_by_node_.size();
  if (waiting != waiting_sessions_.size() || indexed != sessions_.size() ||
      next_waiting != waiting_sessions_.end()) {
    return Fail("sessions_indexed", sessions_.size(), " sessions, ", indexed, " by node, ",
                waiting_sessions_.size(), " waiting (", waiting, " not open)");
  }
  for (const auto& [node_id, call] : assignments_by_node_) {
    auto it = assignments_.find(call);
    if (it == assignments_.end() || it->second.node_id != node_id) {
      return Fail("assignments_indexed_by_node", "call ", call, " of node ", node_id);
    }
  }
  indexed = assignments_by_node_.size();
  if (indexed != assignments_.size()) {
    return Fail("assignments_indexed_by_node", assignments_.size(), " streams, ", indexed,
                " by node");
  }
  const RegisteredNode* malformed = registry_.FirstInIdOrder([this](const RegisteredNode& entry) {
    return RegistryEntryMalformed(entry, registry_.Get(entry.node_id) == &entry);
  });
  if (malformed != nullptr) {
    const RegisteredNode& entry = *malformed;
    return Fail("registry_entries_well_formed", "node ", entry.node_id, " (generation ",
                entry.generation, " of ", generation_, ", unknown ", entry.unknown, ", session \"",
                entry.session_id, "\")");
  }
  return "";
}

bool Dispatcher::IndexesConsistent() const {
  // The by-node indexes. IndexViolation asks: every indexed (node, call) is a stream of that node,
  // and the index has as many entries as the table. That holds iff the index, sorted by call,
  // is the table's (call, node) sequence entry for entry, which is what IndexMatchesTable checks:
  //  - if it holds, no call is indexed twice (the index holds a (node, call) pair once; under
  //    two nodes, the stream would have two node IDs), so the n entries name n distinct streams of
  //    n: all of them, each once, under its own node; sorted by call they line up with the table.
  //  - if the sequences match, each entry names a stream of its node and the counts are equal.
  // In the same walk over sessions_, the per-session checks of IndexViolation and its walk of
  // the waiting set beside it.
  auto next_waiting = waiting_sessions_.begin();
  size_t waiting = 0;
  auto session_ok = [&](CallId call, const SessionStream& stream) {
    if (SessionLacksId(stream)) return false;
    if (next_waiting != waiting_sessions_.end() && *next_waiting < call) return false;
    const bool listed = next_waiting != waiting_sessions_.end() && *next_waiting == call;
    if (listed == stream.open) return false;
    if (listed) ++next_waiting;
    waiting += stream.open ? 0 : 1;
    return true;
  };
  if (!IndexMatchesTable(sessions_by_node_, sessions_, index_scratch_, session_ok)) return false;
  if (waiting != waiting_sessions_.size() || next_waiting != waiting_sessions_.end()) return false;
  auto any_stream = [](CallId, const AssignmentsStream&) { return true; };
  if (!IndexMatchesTable(assignments_by_node_, assignments_, index_scratch_, any_stream)) {
    return false;
  }
  // The registry. IndexViolation asks registry_.Get(entry.node_id) == &entry, a hash lookup per
  // entry. The registry's keys are distinct, so looking up entry.node_id finds this entry iff
  // it is filed under entry.node_id: comparing its key says the same.
  return registry_.AllEntries([this](const std::string& key, const RegisteredNode& entry) {
    return !RegistryEntryMalformed(entry, key == entry.node_id);
  });
}

}  // namespace dispatcher
}  // namespace swarmsim
