// RaftDisk: a manager's Raft write-ahead log on its host's sim::Disk (SwarmKit's WAL + snapshot
// files, reference §4.9, reduced to one file of length-prefixed records).
//
// Each record is an encoded model/raft durable record (durable.h): one per Ready with durable
// content, appended; or one checkpoint that replaces the whole file after a snapshot and
// compaction (SwarmKit's WAL GC). Durability is the kernel's: writes become durable on Sync(),
// and a crash drops whatever was not synced, whole writes at a time. A torn tail (a length
// without its bytes) is ignored on load, as a WAL ignores a torn last record.
// Pure functions over a sim::Disk; no clock, no state.
#ifndef SWARMSIM_MODEL_PROCESS_RAFT_DISK_H_
#define SWARMSIM_MODEL_PROCESS_RAFT_DISK_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/disk.h"

namespace swarmsim {
namespace process {

// The file holding the log; every file of the Raft state starts with kRaftDiskPrefix.
inline constexpr char kRaftDiskPrefix[] = "raft/";
inline constexpr char kRaftWalFile[] = "raft/wal";

// The records in order (empty when there is no Raft state).
std::vector<std::string> LoadRaftRecords(const sim::Disk& disk);
bool HasRaftState(const sim::Disk& disk);
// Appends one record (not synced: the caller syncs when the Ready requires it).
void AppendRaftRecord(sim::Disk& disk, absl::string_view record);
// Replaces the log by this one record, and syncs.
void WriteRaftCheckpoint(sim::Disk& disk, absl::string_view record);
// Deletes every file of the Raft state, and syncs (SwarmKit's ClearData).
void WipeRaftState(sim::Disk& disk);

}  // namespace process
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_PROCESS_RAFT_DISK_H_
