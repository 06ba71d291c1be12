#include <cstdio>
#include <cstdlib>
#include "model/raft/fault_schedule.h"
using namespace swarmsim::raft;
int main(int, char** argv) {
  Plan p; p.nodes = atoi(argv[1]); p.seed = strtoull(argv[2], nullptr, 10); p.steps = atoi(argv[3]);
  p.drop_percent = atoi(argv[4]); p.dup_percent = atoi(argv[5]); p.pre_vote = atoi(argv[6]);
  p.check_quorum = atoi(argv[7]); p.snapshot_interval = atoi(argv[8]); p.keep_entries = atoi(argv[9]);
  p.membership_changes = atoi(argv[10]);
  Outcome o = RunPlan(p, true);
  printf("%s rounds=%d\n", o.violation.c_str(), o.liveness_rounds);
}
