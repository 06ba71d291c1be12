// Log matching (Raft §5.3): if two logs hold an entry with the same index and term, the entries
// are the same and so are all entries before them. Checked per entry, on every raft.append and
// raft.recovered: the first host to trace (index, term) fixes its digest and the term of the entry
// before it; every later host must agree on both. Agreement on the previous term at every index
// gives the whole-prefix property by induction, as far as logs are traced (the term before an
// entry is unknown right after a gap; then only the digest is compared).
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/check/checker.h"
#include "model/check/raft_logs.h"
#include "model/check/trace_schema.h"

namespace swarmsim {
namespace check {
namespace {

class LogMatchingChecker : public Checker {
 public:
  explicit LogMatchingChecker(const RaftLogs* logs) : Checker(kLogMatching), logs_(logs) {}

  std::vector<std::string> Kinds() const override {
    return {kind::kRaftAppend, kind::kRaftRecovered};
  }

  void OnRecord(const sim::TraceRecord& r) override {
    const uint64_t index = static_cast<uint64_t>(r.Int(field::kIndex));
    const uint64_t term = static_cast<uint64_t>(r.Int(field::kTerm));
    const int64_t digest = r.Int(field::kDigest);
    std::optional<uint64_t> prev_term;
    if (index == 1) {
      prev_term = 0;
    } else if (const HostLog* log = logs_->Find(r.host)) {
      prev_term = log->TermAt(index - 1);
    }
    auto [it, inserted] =
        seen_.emplace(std::make_pair(index, term), Seen{digest, prev_term, r.host, r.at});
    if (inserted) return;
    Seen& first = it->second;
    if (first.digest != digest) {
      Report(r.at, {first.host, r.host},
             absl::StrCat("index ", index, " term ", term, ": digest ", first.digest, " on host ",
                          first.host, " (at ", first.at.ToString(), ") but ", digest, " on host ",
                          r.host));
    } else if (first.prev_term.has_value() && prev_term.has_value() &&
               *first.prev_term != *prev_term) {
      Report(r.at, {first.host, r.host},
             absl::StrCat("index ", index, " term ", term, " follows an entry of term ",
                          *first.prev_term, " on host ", first.host, " but of term ", *prev_term,
                          " on host ", r.host));
    } else if (!first.prev_term.has_value()) {
      first.prev_term = prev_term;
    }
    ++compared_;
  }

  std::string Summary() const override {
    return absl::StrCat(Count(seen_.size(), "distinct (index, term) entry",
                              "distinct (index, term) entries"),
                        "; ", Count(compared_, "copy compared, equal", "copies compared, all equal"));
  }

 private:
  struct Seen {
    int64_t digest = 0;
    std::optional<uint64_t> prev_term;
    sim::HostId host = 0;
    sim::Time at;
  };
  const RaftLogs* logs_;
  std::map<std::pair<uint64_t, uint64_t>, Seen> seen_;
  uint64_t compared_ = 0;
};

}  // namespace

std::unique_ptr<Checker> NewLogMatchingChecker(const RaftLogs* logs) {
  return std::make_unique<LogMatchingChecker>(logs);
}

}  // namespace check
}  // namespace swarmsim
