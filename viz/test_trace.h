// Test helpers: Count, and reading viz/testdata/small.jsonl (a hand-written trace; see the tests for what it
// holds) from the test's runfiles.
#ifndef SWARMSIM_VIZ_TEST_TRACE_H_
#define SWARMSIM_VIZ_TEST_TRACE_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "viz/json_lines.h"

namespace swarmsim {
namespace viz {

// How many times `needle` occurs in `haystack` (overlapping occurrences count).
inline int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

inline std::vector<JsonLine> ReadText(const std::string& text) {
  JsonLines read = ReadJsonLines(text);
  EXPECT_TRUE(read.ok()) << read.error_line << ": " << read.error;
  EXPECT_EQ(read.cut_line, 0) << read.cut_error;
  return std::move(read.lines);
}

inline std::vector<JsonLine> ReadSmallTrace() {
  std::ifstream in("viz/testdata/small.jsonl");
  EXPECT_TRUE(in.good()) << "viz/testdata/small.jsonl not in runfiles";
  std::stringstream text;
  text << in.rdbuf();
  return ReadText(text.str());
}

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_TEST_TRACE_H_
