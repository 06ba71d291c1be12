// expect: pointer-key
std::map<const Node*, int> order;
