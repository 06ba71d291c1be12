// Justified uses, with their reasons.
absl::flat_hash_map<int, int> counts;
int Total() {
  int total = 0;
  for (const auto& [k, v] : counts) total += v;  // forbidden-apis: allow(a sum: order-free)
  // forbidden-apis: allow(the maximum does not depend on the order)
  for (auto it = counts.begin(); it != counts.end(); ++it) total = std::max(total, it->second);
  return total;
}
