#include "model/raft/wire.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace swarmsim {
namespace raft {

namespace {

std::string SerializeDeterministic(const google::protobuf::MessageLite& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

void ToProto(const Entry& in, pb::Entry* out) {
  out->set_term(in.term);
  out->set_index(in.index);
  out->set_type(static_cast<pb::EntryType>(in.type));
  out->set_data(std::string(in.data.view()));
}

Entry FromProto(const pb::Entry& in) {
  Entry e;
  e.term = in.term();
  e.index = in.index();
  e.type = static_cast<EntryType>(in.type());
  e.data = SharedBytes(in.data());
  return e;
}

void ToProto(const HardState& in, pb::HardState* out) {
  out->set_term(in.term);
  out->set_vote(in.vote);
  out->set_commit(in.commit);
}

HardState FromProto(const pb::HardState& in) {
  HardState hs;
  hs.term = in.term();
  hs.vote = in.vote();
  hs.commit = in.commit();
  return hs;
}

void ToProto(const Snapshot& in, pb::Snapshot* out) {
  out->set_data(std::string(in.data.view()));
  pb::SnapshotMetadata* meta = out->mutable_metadata();
  meta->set_index(in.metadata.index);
  meta->set_term(in.metadata.term);
  for (uint64_t v : in.metadata.conf_state.voters) meta->mutable_conf_state()->add_voters(v);
}

Snapshot FromProto(const pb::Snapshot& in) {
  Snapshot s;
  s.data = SharedBytes(in.data());
  s.metadata.index = in.metadata().index();
  s.metadata.term = in.metadata().term();
  for (uint64_t v : in.metadata().conf_state().voters()) s.metadata.conf_state.voters.push_back(v);
  return s;
}

void ToProto(const Message& in, pb::Message* out) {
  out->set_type(static_cast<pb::MessageType>(in.type));
  out->set_to(in.to);
  out->set_from(in.from);
  out->set_term(in.term);
  out->set_log_term(in.log_term);
  out->set_index(in.index);
  for (const Entry& e : in.entries) ToProto(e, out->add_entries());
  out->set_commit(in.commit);
  if (in.type == MessageType::kSnap) ToProto(in.snapshot, out->mutable_snapshot());
  out->set_reject(in.reject);
  out->set_reject_hint(in.reject_hint);
  out->set_context(in.context);
}

Message FromProto(const pb::Message& in) {
  Message m;
  m.type = static_cast<MessageType>(in.type());
  m.to = in.to();
  m.from = in.from();
  m.term = in.term();
  m.log_term = in.log_term();
  m.index = in.index();
  m.entries.reserve(static_cast<std::size_t>(in.entries_size()));
  for (const pb::Entry& e : in.entries()) m.entries.push_back(FromProto(e));
  m.commit = in.commit();
  if (in.has_snapshot()) m.snapshot = FromProto(in.snapshot());
  m.reject = in.reject();
  m.reject_hint = in.reject_hint();
  m.context = in.context();
  return m;
}

std::string EncodeMessage(const Message& message) {
  pb::Message proto;
  ToProto(message, &proto);
  return SerializeDeterministic(proto);
}

bool DecodeMessage(absl::string_view bytes, Message* out) {
  pb::Message proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
  if (!pb::MessageType_IsValid(proto.type())) return false;
  *out = FromProto(proto);
  return true;
}

std::string EncodeConfChange(const ConfChange& change) {
  pb::ConfChange proto;
  proto.set_id(change.id);
  proto.set_type(static_cast<pb::ConfChangeType>(change.type));
  proto.set_node_id(change.node_id);
  proto.set_context(change.context);
  return SerializeDeterministic(proto);
}

bool DecodeConfChange(absl::string_view bytes, ConfChange* out) {
  pb::ConfChange proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
  if (!pb::ConfChangeType_IsValid(proto.type())) return false;
  out->id = proto.id();
  out->type = static_cast<ConfChangeType>(proto.type());
  out->node_id = proto.node_id();
  out->context = proto.context();
  return true;
}

}  // namespace raft
}  // namespace swarmsim
