// expect: clock-entropy-thread
auto f = std::async(g);
