// expect: clock-entropy-thread
absl::BitGen gen;
