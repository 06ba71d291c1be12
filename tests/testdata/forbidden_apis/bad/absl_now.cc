// expect: clock-entropy-thread
auto n = absl::Now();
