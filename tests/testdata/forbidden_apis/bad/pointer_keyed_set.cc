// expect: pointer-key
std::set<Task *> pending;
