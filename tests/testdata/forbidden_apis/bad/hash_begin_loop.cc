// expect: hash-iteration
absl::flat_hash_set<uint64_t> seen;
void Walk() {
  for (auto it = seen.begin(); it != seen.end(); ++it) Visit(*it);
}
