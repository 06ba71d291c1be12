#include "sim/disk.h"

namespace sim {

const std::string* Disk::Read(absl::string_view name) const {
  auto it = current_.find(name);
  return it == current_.end() ? nullptr : &it->second;
}

std::vector<std::string> Disk::List(absl::string_view prefix) const {
  std::vector<std::string> names;
  for (auto it = current_.lower_bound(prefix); it != current_.end(); ++it) {
    if (absl::string_view(it->first).substr(0, prefix.size()) != prefix) break;
    names.push_back(it->first);
  }
  return names;
}

Disk::Dirty& Disk::MarkDirty(const std::string& name) {
  auto it = dirty_.find(name);
  if (it == dirty_.end()) it = dirty_.emplace(name, Dirty()).first;
  return it->second;
}

void Disk::Write(absl::string_view name, absl::string_view bytes) {
  const std::string key(name);
  current_[key] = std::string(bytes);
  Dirty& dirty = MarkDirty(key);
  dirty.append_only = false;
  dirty.unsynced_bytes += bytes.size();
  stats_.bytes_written += bytes.size();
  ++stats_.write_count;
}

void Disk::Append(absl::string_view name, absl::string_view bytes) {
  const std::string key(name);
  current_[key].append(bytes.data(), bytes.size());
  Dirty& dirty = MarkDirty(key);
  dirty.unsynced_bytes += bytes.size();
  stats_.bytes_written += bytes.size();
  ++stats_.write_count;
}

void Disk::Remove(absl::string_view name) {
  auto it = current_.find(name);
  if (it == current_.end()) return;
  const std::string key = it->first;
  current_.erase(it);
  MarkDirty(key).append_only = false;
  ++stats_.write_count;
}

void Disk::Sync() {
  ++stats_.sync_count;
  for (const auto& [name, dirty] : dirty_) {
    auto cur = current_.find(name);
    if (cur == current_.end()) {
      durable_.erase(name);
      continue;
    }
    std::string& durable = durable_[name];
    if (dirty.append_only && durable.size() <= cur->second.size()) {
      // Copy only the tail: keeps syncing a growing log linear in what was appended.
      durable.append(cur->second, durable.size(), std::string::npos);
    } else {
      durable = cur->second;
    }
  }
  dirty_.clear();
}

void Disk::LoseUnsynced() {
  for (const auto& [name, dirty] : dirty_) {
    stats_.bytes_lost += dirty.unsynced_bytes;
    auto dur = durable_.find(name);
    if (dur == durable_.end()) {
      current_.erase(name);
    } else {
      current_[name] = dur->second;
    }
  }
  dirty_.clear();
}

}  // namespace sim
