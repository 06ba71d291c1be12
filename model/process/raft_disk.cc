#include "model/process/raft_disk.h"

#include <cstdint>

namespace swarmsim {
namespace process {
namespace {

constexpr std::size_t kHeaderBytes = 4;

std::string Frame(absl::string_view record) {
  std::string out;
  out.reserve(kHeaderBytes + record.size());
  const uint32_t n = static_cast<uint32_t>(record.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out.append(record.data(), record.size());
  return out;
}

}  // namespace

std::vector<std::string> LoadRaftRecords(const sim::Disk& disk) {
  std::vector<std::string> records;
  const std::string* file = disk.Read(kRaftWalFile);
  if (file == nullptr) return records;
  std::size_t pos = 0;
  while (file->size() - pos >= kHeaderBytes) {
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) {
      n |= static_cast<uint32_t>(static_cast<unsigned char>((*file)[pos + i])) << (8 * i);
    }
    pos += kHeaderBytes;
    if (file->size() - pos < n) break;  // A torn tail.
    records.emplace_back(file->data() + pos, n);
    pos += n;
  }
  return records;
}

bool HasRaftState(const sim::Disk& disk) { return !disk.List(kRaftDiskPrefix).empty(); }

void AppendRaftRecord(sim::Disk& disk, absl::string_view record) {
  disk.Append(kRaftWalFile, Frame(record));
}

void WriteRaftCheckpoint(sim::Disk& disk, absl::string_view record) {
  disk.Write(kRaftWalFile, Frame(record));
  disk.Sync();
}

void WipeRaftState(sim::Disk& disk) {
  for (const std::string& name : disk.List(kRaftDiskPrefix)) disk.Remove(name);
  disk.Sync();
}

}  // namespace process
}  // namespace swarmsim
