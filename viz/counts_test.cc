#include "viz/counts.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {
namespace {

std::vector<std::string> Describe(const std::vector<CountSegment>& segments) {
  std::vector<std::string> out;
  for (const CountSegment& c : segments) {
    std::string text = "[" + std::to_string(c.begin_ns) + "," + std::to_string(c.end_ns) + ")";
    for (int64_t n : c.counts) text += " " + std::to_string(n);
    out.push_back(text);
  }
  return out;
}

using Strings = std::vector<std::string>;

Band B(int64_t begin, int64_t end, const char* kind) { return Band{begin, end, kind, "", "", ""}; }

// Three workers' node status: counts of READY, UNKNOWN and the rest (DOWN here is "other" since
// it is not asked for; a worker before its first status counts as other too).
TEST(CountBandsTest, CountsRowsPerKindOverTime) {
  const std::vector<Band> w1 = {B(0, 50, "READY"), B(50, 70, "UNKNOWN"), B(70, 100, "READY")};
  const std::vector<Band> w2 = {B(10, 100, "READY")};
  const std::vector<Band> w3 = {B(0, 50, "READY"), B(50, 100, "DOWN")};
  EXPECT_EQ(Describe(CountBands({&w1, &w2, &w3}, {"READY", "UNKNOWN"}, 0, 100)),
            (Strings{"[0,10) 2 0 1", "[10,50) 3 0 0", "[50,70) 1 1 1", "[70,100) 2 0 1"}));
}

// Back-to-back bands of one kind on one row change nothing; the segments cover the whole range.
TEST(CountBandsTest, NeighboursDifferAndCoverTheRange) {
  const std::vector<Band> a = {B(0, 5, "up"), B(5, 9, "up")};
  const std::vector<Band> none;
  EXPECT_EQ(Describe(CountBands({&a, &none}, {"up"}, 0, 12)), (Strings{"[0,9) 1 1", "[9,12) 0 2"}));
  EXPECT_EQ(Describe(CountBands({}, {"up"}, 0, 12)), (Strings{"[0,12) 0 0"}));
  EXPECT_TRUE(CountBands({&a}, {"up"}, 3, 3).empty());
}

// Several changes at one instant leave one segment: the last counts; going back to what the
// segment before said extends that one.
TEST(CountTrackTest, LastChangeAtAnInstantWins) {
  std::vector<CountSegment> out;
  CountTrack track(&out);
  track.Set(0, {1});
  track.Set(5, {2});
  track.Set(5, {3});
  track.Set(8, {4});
  track.Set(8, {3});
  track.Set(9, {3});
  track.Close(12);
  EXPECT_EQ(Describe(out), (Strings{"[0,5) 1", "[5,12) 3"}));
}

}  // namespace
}  // namespace viz
}  // namespace swarmsim
