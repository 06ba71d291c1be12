// Golden interaction scripts for RaftNode clusters (testonly), in the manner of etcd's
// datadriven interaction tests.
//
// A script is text. Lines starting with "> " are commands; "#" lines are comments, kept as they
// are; every other line is output, which RunScript regenerates. A test runs each script in
// testdata/ and compares; `bazel run //model/raft:update_golden` rewrites them.
//
// Commands (ids are node ids; "all" ticks every up node):
//   cluster N [pre_vote] [no_check_quorum] [snapshot=INTERVAL,KEEP]   must come first
//   campaign ID | tick ID|all COUNT | propose ID VALUE | propose-conf ID add|remove NODE
//   transfer LEADER TRANSFEREE | report-unreachable ID PEER
//   deliver [drop=ID,ID...]  — one round of what is in flight; messages to or from the listed
//                              nodes are dropped
//   run ROUNDS  — every up node ticks once per round, the network settling after each tick;
//                 prints state changes only
//   stabilize | crash ID | restart ID | add-node ID | isolate ID | heal
//   status | log ID | values ID | progress ID | disk ID
#ifndef SWARMSIM_MODEL_RAFT_INTERACTION_H_
#define SWARMSIM_MODEL_RAFT_INTERACTION_H_

#include <string>

#include "absl/strings/string_view.h"

namespace swarmsim {
namespace raft {

// Runs the commands of `script` and returns the script with regenerated output. Errors in a
// command are printed as "error: ..." lines (a golden file may show them on purpose).
std::string RunScript(absl::string_view script);

}  // namespace raft
}  // namespace swarmsim

#endif  // SWARMSIM_MODEL_RAFT_INTERACTION_H_
