// expect: pointer-key
std::multimap<std::shared_ptr<Task>, int> a;  // not a raw pointer: fine
std::multimap<model::Task*, int> b;
