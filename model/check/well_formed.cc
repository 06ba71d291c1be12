#include "model/check/well_formed.h"

#include "absl/strings/str_cat.h"

namespace swarmsim {
namespace check {
namespace {

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kCount: return "a count (integer >= 0)";
    case FieldType::kInt: return "an integer";
    case FieldType::kFlag: return "a flag (0 or 1)";
    case FieldType::kString: return "a string";
  }
  return "?";
}

bool FieldOk(const sim::TraceRecord::Field& f, FieldType type) {
  switch (type) {
    case FieldType::kCount: return !f.is_string && f.int_value >= 0;
    case FieldType::kInt: return !f.is_string;
    case FieldType::kFlag: return !f.is_string && (f.int_value == 0 || f.int_value == 1);
    case FieldType::kString: return f.is_string;
  }
  return false;
}

uint64_t U(const sim::TraceRecord& r, const char* key) {
  return static_cast<uint64_t>(r.Int(key));
}

}  // namespace

bool WellFormedChecker::CheckFields(const sim::TraceRecord& r, const KindSpec& spec) {
  ++records_;
  last_at_ = r.at;
  if (r.host == sim::kNoHost) {
    Report(r.at, {}, absl::StrCat("record ", r.seq, " (", r.kind, ") is traced by no host"));
    return false;
  }
  for (const FieldSpec& want : spec.fields) {
    const sim::TraceRecord::Field* f = r.Find(want.key);
    if (f != nullptr && FieldOk(*f, want.type)) continue;
    Report(r.at, {r.host},
           absl::StrCat("record ", r.seq, " (", r.kind, " on host ", r.host, "): field ",
                        want.key, f == nullptr ? " is missing" : " is not ",
                        f == nullptr ? "" : FieldTypeName(want.type)));
    return false;
  }
  return true;
}

std::vector<std::string> WellFormedChecker::Kinds() const {
  return {kind::kRaftState,    kind::kRaftAppend,    kind::kRaftSnapshot, kind::kRaftCompact,
          kind::kRaftCommit,   kind::kRaftApply,     kind::kRaftRestart,  kind::kRaftRecovered,
          kind::kRaftWipe,     kind::kHostStop,      kind::kHostCrash};
}

void WellFormedChecker::OnRecord(const sim::TraceRecord& r) {
  const HostLog* log = logs_->Find(r.host);
  if (log != nullptr && log->recovering && r.kind != kind::kRaftRecovered) {
    Report(r.at, {r.host},
           absl::StrCat("host ", r.host, " traced ", r.kind, " before recovering its log up to ",
                        log->recover_last, " (", log->Describe(), ")"));
  }
  if (r.kind == kind::kHostStop || r.kind == kind::kHostCrash) return;
  CheckRaftSequence(r, log);
}

void WellFormedChecker::CheckRaftSequence(const sim::TraceRecord& r, const HostLog* log) {
  const std::string where = absl::StrCat("host ", r.host, " ", r.kind, ": ");
  const uint64_t last = log == nullptr ? 0 : log->last_index();
  const uint64_t base = log == nullptr ? 0 : log->base_index;
  const std::string has = log == nullptr ? "no log traced" : log->Describe();
  if (r.kind == kind::kRaftAppend) {
    const uint64_t index = U(r, field::kIndex);
    if (index == 0 || index <= base || index > last + 1) {
      Report(r.at, {r.host},
             absl::StrCat(where, "index ", index, " is not in (", base, ", ", last + 1, "]; ",
                          has));
    }
  } else if (r.kind == kind::kRaftRecovered) {
    const uint64_t index = U(r, field::kIndex);
    if (log == nullptr || !log->recovering || index != last + 1) {
      Report(r.at, {r.host},
             absl::StrCat(where, "index ", index, " does not follow a raft.restart's last ",
                          "recovered entry; ", has));
    }
  } else if (r.kind == kind::kRaftCommit) {
    const uint64_t index = U(r, field::kIndex);
    if (index > last) {
      Report(r.at, {r.host}, absl::StrCat(where, "index ", index, " is beyond the log; ", has));
    }
  } else if (r.kind == kind::kRaftCompact) {
    const uint64_t index = U(r, field::kIndex);
    if (index > last) {
      Report(r.at, {r.host}, absl::StrCat(where, "index ", index, " is beyond the log; ", has));
    } else if (log != nullptr && log->TermAt(index).has_value() &&
               *log->TermAt(index) != U(r, field::kTerm)) {
      Report(r.at, {r.host},
             absl::StrCat(where, "term ", U(r, field::kTerm), " at index ", index,
                          " but the log has term ", *log->TermAt(index)));
    }
  } else if (r.kind == kind::kRaftRestart) {
    const uint64_t snapshot_index = U(r, field::kSnapshotIndex);
    const uint64_t last_index = U(r, field::kLastIndex);
    const uint64_t commit = U(r, field::kCommit);
    if (last_index < snapshot_index || commit > last_index) {
      Report(r.at, {r.host},
             absl::StrCat(where, "snapshot_index ", snapshot_index, " commit ", commit,
                          " last_index ", last_index,
                          ": want snapshot_index <= last_index and commit <= last_index"));
    }
  }
}

void WellFormedChecker::Finish() {
  for (const auto& [host, log] : logs_->hosts()) {
    if (!log.recovering) continue;
    Report(last_at_, {host},
           absl::StrCat("host ", host, " never finished recovering its log up to ",
                        log.recover_last, " (", log.Describe(), ")"));
  }
}

std::string WellFormedChecker::Summary() const {
  return Count(records_, "schema record well formed", "schema records well formed and in sequence");
}

}  // namespace check
}  // namespace swarmsim
