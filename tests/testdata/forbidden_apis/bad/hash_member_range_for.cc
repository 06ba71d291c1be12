// expect: hash-iteration
class Registry {
  void Dump(Out& out) const {
    for (const auto& [id, name] : nodes_) out.Add(id, name);
  }
  absl::flat_hash_map<uint64_t, std::string> nodes_;
};
