// expect: clock-entropy-thread
auto n = absl::Now();  // forbidden-apis: allow()
