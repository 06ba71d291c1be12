// Conversions between model/raft's plain structs and the protobuf messages of
// model/proto/raft.proto: the wire boundary (messages between managers) and the encoding of
// conf-change entries. Pure functions; Decode* return false on malformed bytes.
#ifndef SWARMSIM_MODEL_RAFT_WIRE_H_
#define SWARMSIM_MODEL_RAFT_WIRE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "model/proto/raft.pb.h"
#include "model/raft/types.h"

namespace swarmsim {
namespace raft {

void ToProto(const Entry& in, swarmsim::raft::pb::Entry* out);
Entry FromProto(const swarmsim::raft::pb::Entry& in);
void ToProto(const HardState& in, swarmsim::raft::pb::HardState* out);
HardState FromProto(const swarmsim::raft::pb::HardState& in);
void ToProto(const Snapshot& in, swarmsim::raft::pb::Snapshot* out);
Snapshot FromProto(const swarmsim::raft::pb::Snapshot& in);
void ToProto(const Message& in, swarmsim::raft::pb::Message* out);
Message FromProto(const swarmsim::raft::pb::Message& in);

// Bytes of a message on the wire (deterministic serialization).
std::string EncodeMessage(const Message& message);
bool DecodeMessage(absl::string_view bytes, Message* out);

// The data of a kConfChange entry.
std::string EncodeConfChange(const ConfChange& change);
bool DecodeConfChange(absl::string_view bytes, ConfChange* out);

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_WIRE_H_
