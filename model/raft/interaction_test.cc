// Runs every golden interaction script in testdata/ and compares the regenerated output.
// On a difference: review it, then `bazel run //model/raft:update_golden`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/raft/interaction.h"

namespace swarmsim {
namespace raft {
namespace {

std::vector<std::string> Scripts() {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator("model/raft/testdata")) {
    if (entry.path().extension() == ".txt") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(InteractionTest, AtLeastFiveScripts) { EXPECT_GE(Scripts().size(), 5u); }

TEST(InteractionTest, GoldenScriptsMatch) {
  for (const std::string& path : Scripts()) {
    SCOPED_TRACE(path);
    const std::string script = ReadFile(path);
    EXPECT_EQ(RunScript(script), script);
  }
}

TEST(InteractionTest, ScriptsAreDeterministic) {
  for (const std::string& path : Scripts()) {
    const std::string script = ReadFile(path);
    EXPECT_EQ(RunScript(script), RunScript(script)) << path;
  }
}

}  // namespace
}  // namespace raft
}  // namespace swarmsim
