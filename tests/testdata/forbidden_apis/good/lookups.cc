// Hash containers used for lookups only; ordered containers iterated; seeded PRNG draws.
absl::flat_hash_map<std::string, int> ids;
std::map<std::string, int> ordered;
std::map<int, Node*> by_id;  // pointer values are fine: the order is the key order
std::vector<int> nodes;
int Lookup(const std::string& name) {
  auto it = ids.find(name);
  if (it == ids.end()) return -1;
  for (const auto& [k, v] : ordered) Use(k, v);
  for (int n : nodes) Use(n);
  for (int i = 0; i < 3; ++i) Use(i);
  uint64_t r = prng.UniformU64(operand);  // brand(x) is fine
  return ids.contains(name) ? it->second : 0;
}
