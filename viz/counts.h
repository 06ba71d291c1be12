// Counts over time: how many of a set of things (workers, a service's tasks) are in each state,
// as a step function. The summary lanes of the timeline page and the replicas lane of each
// service are drawn from these.
#ifndef SWARMSIM_VIZ_COUNTS_H_
#define SWARMSIM_VIZ_COUNTS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace swarmsim {
namespace viz {

struct Band;

// [begin_ns, end_ns) during which `counts[i]` things are in state i of a list the owner names.
struct CountSegment {
  int64_t begin_ns = 0;
  int64_t end_ns = 0;
  std::vector<int64_t> counts;
};

// Builds a step function from changes: Set(t, counts) from t on. A segment is appended only when
// the counts differ from the open one; a change at the instant the open segment began replaces
// it (so no segment is empty) and merges with the one before when they are now equal.
class CountTrack {
 public:
  explicit CountTrack(std::vector<CountSegment>* out) : out_(out) {}
  void Set(int64_t t, const std::vector<int64_t>& counts);
  // Ends the open segment at `t` (at the end of the trace); nothing is open afterwards.
  void Close(int64_t t);

 private:
  std::vector<CountSegment>* out_;
  bool open_ = false;
};

// How many of `rows` (each a row of non-overlapping bands, one per thing counted) have a band
// whose kind is kinds[i], over [begin_ns, end_ns): counts has kinds.size() + 1 slots, the last
// for rows in any other state or in no band at all. Segments cover [begin_ns, end_ns) without
// gaps; neighbours differ.
std::vector<CountSegment> CountBands(const std::vector<const std::vector<Band>*>& rows,
                                     const std::vector<std::string>& kinds, int64_t begin_ns,
                                     int64_t end_ns);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_COUNTS_H_
