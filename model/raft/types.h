// Raft's vocabulary as plain value types: entries, hard state, snapshots, messages, conf changes.
//
// These mirror model/proto/raft.proto field for field; wire.h converts at the boundary. The core
// works on these structs because they copy cheaply (payloads are SharedBytes) and allocate
// nothing beyond their vectors. They carry no behaviour.
#ifndef SWARMSIM_MODEL_RAFT_TYPES_H_
#define SWARMSIM_MODEL_RAFT_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/raft/bytes.h"

namespace swarmsim {
namespace raft {

// Node ids are non-zero; kNone means "no node" (no leader, no vote).
constexpr uint64_t kNone = 0;

enum class EntryType : uint8_t { kNormal = 0, kConfChange = 1 };

struct Entry {
  uint64_t term = 0;
  uint64_t index = 0;
  EntryType type = EntryType::kNormal;
  SharedBytes data;
};

struct HardState {
  uint64_t term = 0;
  uint64_t vote = kNone;
  uint64_t commit = 0;
  bool operator==(const HardState& o) const {
    return term == o.term && vote == o.vote && commit == o.commit;
  }
  bool operator!=(const HardState& o) const { return !(*this == o); }
  bool IsEmpty() const { return term == 0 && vote == kNone && commit == 0; }
};

struct ConfState {
  std::vector<uint64_t> voters;  // Sorted ascending, no duplicates.
  bool operator==(const ConfState& o) const { return voters == o.voters; }
};

struct SnapshotMetadata {
  ConfState conf_state;
  uint64_t index = 0;
  uint64_t term = 0;
};

struct Snapshot {
  SharedBytes data;
  SnapshotMetadata metadata;
  bool IsEmpty() const { return metadata.index == 0; }
};

enum class MessageType : uint8_t {
  kHup = 0,             // Local: start an election.
  kBeat = 1,            // Local: leader sends heartbeats.
  kProp = 2,            // Local: proposal.
  kApp = 3,
  kAppResp = 4,
  kVote = 5,
  kVoteResp = 6,
  kSnap = 7,
  kHeartbeat = 8,
  kHeartbeatResp = 9,
  kUnreachable = 10,    // Local: ReportUnreachable.
  kSnapStatus = 11,     // Local: ReportSnapshot.
  kCheckQuorum = 12,    // Local: leader's periodic quorum check.
  kTransferLeader = 13, // Local: TransferLeadership.
  kTimeoutNow = 14,
  kPreVote = 15,
  kPreVoteResp = 16,
};

const char* MessageTypeName(MessageType type);
// True for the types that only ever come from the local host, never from the wire.
bool IsLocalMessage(MessageType type);
// True for the responses a node sends to a vote request of `type`.
MessageType VoteResponseType(MessageType type);

struct Message {
  MessageType type = MessageType::kHup;
  uint64_t to = kNone;
  uint64_t from = kNone;
  uint64_t term = 0;
  uint64_t log_term = 0;
  uint64_t index = 0;
  std::vector<Entry> entries;
  uint64_t commit = 0;
  Snapshot snapshot;  // kSnap only.
  bool reject = false;
  uint64_t reject_hint = 0;
  std::string context;
};

enum class ConfChangeType : uint8_t { kAddNode = 0, kRemoveNode = 1, kUpdateNode = 2 };

struct ConfChange {
  uint64_t id = 0;
  ConfChangeType type = ConfChangeType::kAddNode;
  uint64_t node_id = kNone;
  std::string context;
};

// Context of a vote request sent on a leadership transfer: it overrides followers' leases.
constexpr char kCampaignTransfer[] = "CampaignTransfer";

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_TYPES_H_
