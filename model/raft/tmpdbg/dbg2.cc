#include <iostream>
#include "model/raft/raft_test_util.h"
#include "model/raft/test_cluster.h"
using namespace swarmsim::raft;
int main() {
  RaftOptions options;
  options.max_size_per_msg = 1000;
  SingleNode n(1, {1,2,3}, options);
  n.BecomeLeader({2});
  for (int i = 0; i < 10; ++i) n.r().Propose(SharedBytes(std::string(400, 'x')));
  for (auto& m : n.Flush()) std::cout << FormatMessage(m).substr(0, 150) << "\n";
  Message reject = Msg(MessageType::kAppResp, 3, 1, n.r().term());
  reject.index = n.r().progress(3)->next - 1;
  reject.reject = true;
  reject.reject_hint = 3;
  reject.log_term = 1;
  std::cout << FormatMessage(reject) << "\n";
  for (auto& m : n.Step(reject)) std::cout << FormatMessage(m).substr(0, 150) << " n=" << m.entries.size() << "\n";
}
