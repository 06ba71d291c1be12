// Test helpers: Count, TraceText (a trace written record by record), and reading
// viz/testdata/small.jsonl (a hand-written trace; see the tests for what it holds) from the
// test's runfiles.
#ifndef SWARMSIM_VIZ_TEST_TRACE_H_
#define SWARMSIM_VIZ_TEST_TRACE_H_

#include <cstdint>
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

// Trace text record by record, seq counted: Add(3, 0, "host.crash", R"("incarnation":1)").
class TraceText {
 public:
  TraceText& Add(int64_t t_ns, int64_t host, const std::string& kind,
                 const std::string& fields = "") {
    text_ += "{\"t_ns\":" + std::to_string(t_ns) + ",\"seq\":" + std::to_string(seq_++) +
             ",\"host\":" + std::to_string(host) + ",\"kind\":\"" + kind + "\"" +
             (fields.empty() ? "" : "," + fields) + "}\n";
    return *this;
  }
  // host.add records for `names`, host ids 0, 1, ... in this order.
  TraceText& Hosts(const std::vector<std::string>& names) {
    for (size_t i = 0; i < names.size(); ++i) {
      Add(0, -1, "host.add", "\"host_id\":" + std::to_string(i) + ",\"name\":\"" + names[i] + "\"");
    }
    return *this;
  }
  std::vector<JsonLine> Lines() const { return ReadText(text_); }

 private:
  std::string text_;
  int64_t seq_ = 0;
};

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
