// Durable encoding of a node's Raft state for a simulated disk, and recovery from it.
//
// A node's disk is a sequence of records (a write-ahead log). The host appends one record per
// Ready that has something durable (EncodeReadyRecord), synced before the Ready's messages are
// sent. After a snapshot and compaction it may replace the whole sequence by one checkpoint
// record (EncodeCheckpoint). On restart, Recover replays the records into a fresh MemoryStorage:
// in each record the snapshot first, then the entries (a later record's entries replace any
// conflicting suffix, as they did in memory), then the hard state. Anything the host never
// wrote (a crash before the append) is simply absent: committed entries survive because a
// node only acknowledges or counts what it has persisted first.
// Pure functions over bytes; no I/O.
#ifndef SWARMSIM_MODEL_RAFT_DURABLE_H_
#define SWARMSIM_MODEL_RAFT_DURABLE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/raft/ready.h"
#include "model/raft/storage.h"

namespace swarmsim {
namespace raft {

// True when the Ready has a hard state, entries or a snapshot to persist.
bool HasDurableContent(const Ready& ready);
// The record to append for this Ready. REQUIRES: HasDurableContent(ready).
std::string EncodeReadyRecord(const Ready& ready);
// One record holding all of storage (snapshot, entries, hard state); it supersedes earlier
// records. REQUIRES: storage was compacted only up to its snapshot's index (or not at all).
std::string EncodeCheckpoint(const MemoryStorage& storage);
// Replays records into *storage (which must be fresh). InvalidArgument/DataLoss on bad records.
absl::Status Recover(const std::vector<std::string>& records, MemoryStorage* storage);

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_DURABLE_H_
