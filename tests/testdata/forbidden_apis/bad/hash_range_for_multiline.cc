// expect: hash-iteration
void Emit(const std::unordered_map<std::string, std::vector<int>>& index, Trace& trace) {
  for (const auto& entry :
       index) {
    trace.Record(entry.first);
  }
}
