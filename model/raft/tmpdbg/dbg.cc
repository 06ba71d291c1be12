#include <fstream>
#include <iostream>
#include <sstream>
#include "model/raft/interaction.h"
int main(int, char** argv) { std::ifstream in(argv[1]); std::stringstream b; b << in.rdbuf(); std::cout << swarmsim::raft::RunScript(b.str()); }
