// expect: clock-entropy-thread
std::random_device rd;
