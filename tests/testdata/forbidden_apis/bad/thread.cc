// expect: clock-entropy-thread
std::thread t(f);
