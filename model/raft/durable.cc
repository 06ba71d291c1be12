#include "model/raft/durable.h"

#include "absl/strings/str_cat.h"
#include "model/proto/raft.pb.h"
#include "model/raft/wire.h"

namespace swarmsim {
namespace raft {

namespace {

std::string Serialize(const pb::DurableRecord& record) {
  std::string bytes;
  record.SerializeToString(&bytes);
  return bytes;
}

absl::Status ApplyRecord(const pb::DurableRecord& record, std::size_t n, MemoryStorage* storage) {
  if (record.checkpoint()) *storage = MemoryStorage();
  if (record.has_snapshot() && record.snapshot().metadata().index() > 0) {
    // Out of date means an older snapshot than one already applied: harmless, skip it.
    storage->ApplySnapshot(FromProto(record.snapshot()));
  }
  if (record.entries_size() > 0) {
    std::vector<Entry> entries;
    entries.reserve(static_cast<std::size_t>(record.entries_size()));
    for (const pb::Entry& e : record.entries()) entries.push_back(FromProto(e));
    for (std::size_t i = 1; i < entries.size(); ++i) {
      if (entries[i].index != entries[i - 1].index + 1) {
        return absl::DataLossError(absl::StrCat("record ", n, ": entries not contiguous"));
      }
    }
    if (entries[0].index > storage->LastIndex() + 1) {
      return absl::DataLossError(absl::StrCat("record ", n, ": gap before index ",
                                              entries[0].index));
    }
    storage->Append(entries);
  }
  if (record.has_hard_state()) storage->SetHardState(FromProto(record.hard_state()));
  return absl::OkStatus();
}

}  // namespace

bool HasDurableContent(const Ready& ready) {
  return ready.hard_state.has_value() || !ready.entries.empty() || ready.snapshot.has_value();
}

std::string EncodeReadyRecord(const Ready& ready) {
  pb::DurableRecord record;
  if (ready.snapshot.has_value()) ToProto(*ready.snapshot, record.mutable_snapshot());
  for (const Entry& e : ready.entries) ToProto(e, record.add_entries());
  if (ready.hard_state.has_value()) {
    ToProto(*ready.hard_state, record.mutable_hard_state());
  }
  return Serialize(record);
}

std::string EncodeCheckpoint(const MemoryStorage& storage) {
  pb::DurableRecord record;
  record.set_checkpoint(true);
  if (!storage.snapshot().IsEmpty()) ToProto(storage.snapshot(), record.mutable_snapshot());
  for (const Entry& e : storage.AllEntries()) ToProto(e, record.add_entries());
  ToProto(storage.hard_state(), record.mutable_hard_state());
  return Serialize(record);
}

absl::Status Recover(const std::vector<std::string>& records, MemoryStorage* storage) {
  if (storage->LastIndex() != 0 || !storage->hard_state().IsEmpty()) {
    return absl::InvalidArgumentError("Recover needs a fresh MemoryStorage");
  }
  for (std::size_t n = 0; n < records.size(); ++n) {
    pb::DurableRecord record;
    if (!record.ParseFromString(records[n])) {
      return absl::DataLossError(absl::StrCat("record ", n, ": unparsable"));
    }
    absl::Status status = ApplyRecord(record, n, storage);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace raft
}  // namespace swarmsim
