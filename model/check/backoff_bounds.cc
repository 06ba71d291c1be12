// Agent backoff within its bounds (SwarmKit agent.go, reference §1.3). For each agent.backoff:
//   0 <= backoff <= max; delay == 0 when backoff == 0, else 0 <= delay < backoff;
//   and the sequence on one host follows the rule: from base = the previous backoff (or 0 when the
//   agent registered since, or its host (re)started), the next backoff is either base (the session
//   ended without growing it, e.g. a node description change) or min(initial + 2·base, max).
#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class BackoffBoundsChecker : public Checker {
 public:
  BackoffBoundsChecker() : Checker(kBackoffBounds) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kAgentBackoff, kind::kAgentRegistered, kind::kHostStart, kind::kHostStop,
            kind::kHostCrash};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    if (r.kind == kind::kAgentBackoff) {
      OnBackoff(r);
    } else if (r.kind == kind::kAgentRegistered) {
      prev_[r.host] = 0;
    } else {
      prev_.erase(r.host);  // A new process: a new agent, whose backoff starts at zero.
    }
  }

  std::string Summary() const override {
    return Count(checked_, "backoff within bounds and in sequence",
                 "backoffs within bounds and in sequence");
  }

 private:
  void OnBackoff(const sim::TraceRecord& r) {
    ++checked_;
    const int64_t backoff = r.Int(field::kBackoffNs);
    const int64_t delay = r.Int(field::kDelayNs);
    const int64_t initial = r.Int(field::kInitialNs);
    const int64_t max = r.Int(field::kMaxNs);
    // One lookup: a host not seen yet starts from 0.
    int64_t& prev = prev_.try_emplace(r.host, 0).first->second;
    const int64_t base = prev;
    prev = backoff;
    // Formatted only for a report (this runs for every backoff of every agent).
    auto what = [&]() {
      return absl::StrCat("host ", r.host, ": backoff ", backoff, "ns delay ", delay,
                          "ns (initial ", initial, "ns max ", max, "ns)");
    };
    if (backoff < 0 || backoff > max) {
      Report(r.at, {r.host}, absl::StrCat(what(), ": backoff outside [0, max]"));
    } else if (backoff == 0 ? delay != 0 : (delay < 0 || delay >= backoff)) {
      Report(r.at, {r.host}, absl::StrCat(what(), ": delay outside [0, backoff)"));
    } else if (backoff != base && backoff != Grown(base, initial, max)) {
      Report(r.at, {r.host},
             absl::StrCat(what(), ": after ", base, "ns the backoff must stay or become ",
                          Grown(base, initial, max), "ns"));
    }
  }

  // min(initial + 2·base, max), without overflow.
  static int64_t Grown(int64_t base, int64_t initial, int64_t max) {
    if (base > (INT64_MAX - std::max<int64_t>(initial, 0)) / 2) return max;
    return std::min(initial + 2 * base, max);
  }

  // host -> previous backoff (0 after registration). Looked up, never iterated: a hash map (an
  // ordered map of 10,000 hosts was a tree walk per backoff).
  absl::flat_hash_map<sim::HostId, int64_t> prev_;
  uint64_t checked_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewBackoffBoundsChecker() {
  return std::make_unique<BackoffBoundsChecker>();
}

}  // namespace check
}  // namespace swarmsim
