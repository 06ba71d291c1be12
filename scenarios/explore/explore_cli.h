// `swarmsim explore BASE [flags]`: flag parsing, the environment (Bazel's sharding and output
// directory), the live progress line, the summary and the exit status. scenarios/cli_main.cc
// delegates the `explore` command here.
#ifndef SWARMSIM_SCENARIOS_EXPLORE_EXPLORE_CLI_H_
#define SWARMSIM_SCENARIOS_EXPLORE_EXPLORE_CLI_H_

#include <string>
#include <vector>

namespace scenarios {
namespace explore {

// The flags text of `swarmsim explore --help`.
extern const char kExploreUsage[];

// `args` are the words after `explore`. Returns the exit status: 0 no unknown failure, 1 a
// counterexample was found (and written), 2 bad input or usage.
int ExploreMain(const std::vector<std::string>& args);

}  // namespace explore
}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_EXPLORE_EXPLORE_CLI_H_
