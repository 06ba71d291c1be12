#include "model/raft/types.h"

namespace swarmsim {
namespace raft {

const char* MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kHup: return "MsgHup";
    case MessageType::kBeat: return "MsgBeat";
    case MessageType::kProp: return "MsgProp";
    case MessageType::kApp: return "MsgApp";
    case MessageType::kAppResp: return "MsgAppResp";
    case MessageType::kVote: return "MsgVote";
    case MessageType::kVoteResp: return "MsgVoteResp";
    case MessageType::kSnap: return "MsgSnap";
    case MessageType::kHeartbeat: return "MsgHeartbeat";
    case MessageType::kHeartbeatResp: return "MsgHeartbeatResp";
    case MessageType::kUnreachable: return "MsgUnreachable";
    case MessageType::kSnapStatus: return "MsgSnapStatus";
    case MessageType::kCheckQuorum: return "MsgCheckQuorum";
    case MessageType::kTransferLeader: return "MsgTransferLeader";
    case MessageType::kTimeoutNow: return "MsgTimeoutNow";
    case MessageType::kPreVote: return "MsgPreVote";
    case MessageType::kPreVoteResp: return "MsgPreVoteResp";
  }
  return "MsgUnknown";
}

bool IsLocalMessage(MessageType type) {
  return type == MessageType::kHup || type == MessageType::kBeat ||
         type == MessageType::kUnreachable || type == MessageType::kSnapStatus ||
         type == MessageType::kCheckQuorum;
}

MessageType VoteResponseType(MessageType type) {
  return type == MessageType::kPreVote ? MessageType::kPreVoteResp : MessageType::kVoteResp;
}

}  // namespace raft
}  // namespace swarmsim
