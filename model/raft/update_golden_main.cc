// Rewrites the golden interaction scripts in model/raft/testdata/ with regenerated output.
// Usage: bazel run //model/raft:update_golden   (bazel run sets BUILD_WORKSPACE_DIRECTORY)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/raft/interaction.h"

int main() {
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (workspace == nullptr) {
    std::fprintf(stderr, "run me with `bazel run //model/raft:update_golden`\n");
    return 2;
  }
  const std::filesystem::path dir = std::filesystem::path(workspace) / "model/raft/testdata";
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".txt") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string old_text = buffer.str();
    const std::string new_text = swarmsim::raft::RunScript(old_text);
    if (new_text == old_text) {
      std::printf("unchanged %s\n", path.c_str());
      continue;
    }
    std::ofstream out(path, std::ios::trunc);
    out << new_text;
    std::printf("rewrote   %s\n", path.c_str());
  }
  return 0;
}
