// expect: hash-iteration
using NodeIndex = absl::flat_hash_map<int, Node>;
NodeIndex index;
void Each() {
  for (auto& p : index) p.second.Tick();
}
