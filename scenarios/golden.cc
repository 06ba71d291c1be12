#include "scenarios/golden.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"

namespace scenarios {

std::string WithGoldenDigest(const std::string& text, const std::string& digest_hex) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  const std::string pinned = absl::StrCat("golden_digest: \"", digest_hex, "\"");
  // Only unindented lines are top-level fields in the files we write and document.
  for (std::string& line : lines) {
    if (absl::StartsWith(line, "golden_digest:")) {
      line = pinned;
      return absl::StrJoin(lines, "\n");
    }
  }
  size_t insert_at = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StartsWith(lines[i], "seed:")) {
      insert_at = i + 1;
      break;
    }
  }
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(insert_at), pinned);
  return absl::StrJoin(lines, "\n");
}

}  // namespace scenarios
