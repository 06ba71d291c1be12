// expect: hash-iteration
void Each() {
  for (int x : absl::flat_hash_set<int>{1, 2, 3}) Use(x);
}
