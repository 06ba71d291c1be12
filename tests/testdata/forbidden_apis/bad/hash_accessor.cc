// expect: hash-iteration
struct Table {
  const absl::node_hash_map<std::string, int>& counts() const { return counts_; }
  absl::node_hash_map<std::string, int> counts_;
};
void Print(const Table& table) {
  for (const auto& kv : table.counts()) Print(kv.first);
}
