// Prints the fault point catalog: `names` (one per line) or `markdown` (the table rows of
// docs/fault-points.md). The consistency tests compare code and docs with this output.
#include <cstdio>
#include <cstring>

#include "model/faultpoints/catalog.h"

int main(int argc, char** argv) {
  const bool markdown = argc > 1 && std::strcmp(argv[1], "markdown") == 0;
  for (const swarmsim::faultpoints::FaultPointInfo& info :
       swarmsim::faultpoints::FaultPointCatalog()) {
    if (markdown) {
      std::printf("| `%s` | %s |\n", info.name.c_str(), info.description.c_str());
    } else {
      std::printf("%s\n", info.name.c_str());
    }
  }
  return 0;
}
