// expect: clock-entropy-thread
auto t = std::chrono::steady_clock::now();
