#include "viz/counts.h"

#include <algorithm>
#include <tuple>

#include "viz/trace_model.h"

namespace swarmsim {
namespace viz {

void CountTrack::Set(int64_t t, const std::vector<int64_t>& counts) {
  if (open_) {
    CountSegment& last = out_->back();
    if (last.counts == counts) return;
    if (last.begin_ns == t) {
      // Several changes at one instant: only the last one lasts.
      out_->pop_back();
      if (!out_->empty() && out_->back().end_ns == t && out_->back().counts == counts) {
        return;  // back to what the segment before says: it goes on (it is the open one now)
      }
    } else {
      last.end_ns = t;
    }
  }
  out_->push_back(CountSegment{t, t, counts});
  open_ = true;
}

void CountTrack::Close(int64_t t) {
  if (!open_) return;
  open_ = false;
  out_->back().end_ns = t;
  if (out_->back().end_ns <= out_->back().begin_ns) out_->pop_back();
}

std::vector<CountSegment> CountBands(const std::vector<const std::vector<Band>*>& rows,
                                     const std::vector<std::string>& kinds, int64_t begin_ns,
                                     int64_t end_ns) {
  // (time, +1/-1, slot): every band's start and end, sorted by time; all changes at one instant
  // are applied before that instant's counts are taken, so back-to-back bands never count twice.
  std::vector<std::tuple<int64_t, int, size_t>> changes;
  for (const std::vector<Band>* row : rows) {
    for (const Band& b : *row) {
      const size_t slot = static_cast<size_t>(
          std::find(kinds.begin(), kinds.end(), b.kind) - kinds.begin());
      if (slot == kinds.size()) continue;  // counted as "other" with the rows in no band
      if (b.end_ns <= begin_ns || b.begin_ns >= end_ns) continue;  // outside the range
      changes.emplace_back(std::max(b.begin_ns, begin_ns), +1, slot);
      changes.emplace_back(std::min(b.end_ns, end_ns), -1, slot);
    }
  }
  std::sort(changes.begin(), changes.end());
  std::vector<CountSegment> out;
  CountTrack track(&out);
  std::vector<int64_t> counts(kinds.size() + 1, 0);
  counts.back() = static_cast<int64_t>(rows.size());
  size_t i = 0;
  int64_t t = begin_ns;
  while (true) {
    while (i < changes.size() && std::get<0>(changes[i]) <= t) {
      const auto& [at, delta, slot] = changes[i];
      counts[slot] += delta;
      counts.back() -= delta;
      ++i;
    }
    track.Set(t, counts);
    if (i == changes.size() || std::get<0>(changes[i]) >= end_ns) break;
    t = std::get<0>(changes[i]);
  }
  track.Close(end_ns);
  return out;
}

}  // namespace viz
}  // namespace swarmsim
