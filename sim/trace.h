// Trace is the run's record of what happened, for machines: checkers, golden digests, viz.
//
// A record is (time, seq, host, kind, fields). `seq` is the record's index in the trace. Kinds and
// field keys are open strings chosen by whoever traces ("net.drop", "raft.vote"); they are
// interned, and records are stored compactly (one fixed header per record, one fixed slot per
// field, strings in one arena). Formatting happens only when a record is written (JSON Lines).
//
// The digest folds a canonical encoding, written field by field, 64 bits at a time (integers as
// they are, strings as their length then their bytes in little-endian 8-byte words, the last one
// zero-padded; names rather than interned ids) into one word with a specified mixer (DigestWord
// in trace.cc): never a memcpy of a struct, so padding, interning order and the host's byte
// order cannot leak into it. One multiply per word, where byte-wise FNV-1a took eight. The trace
// never reads a clock and never reorders: records appear in the order they were appended.
//
// Two digests. `digest()` covers every record: two runs are the same run when it matches (the
// determinism checks). `semantic_digest()` covers every record but the kernel's transport records
// (kinds "net.*" and "rpc.*": datagrams, connection states, RPC completions), each numbered by
// its index among the semantic records: what the model did, not how the bytes travelled. Golden
// files pin the semantic digest, so a change to the transport's bookkeeping that leaves the
// model's behaviour alone does not rewrite them.
#ifndef SWARMSIM_SIM_TRACE_H_
#define SWARMSIM_SIM_TRACE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/interner.h"
#include "sim/time.h"
#include "sim/types.h"

namespace sim {

// One field as passed to Append: a borrowed key and an int64 or a borrowed string.
class TraceField {
 public:
  template <typename Int, typename = std::enable_if_t<std::is_integral<Int>::value>>
  TraceField(absl::string_view key, Int value)
      : key_(key), is_string_(false), int_value_(static_cast<int64_t>(value)) {}
  TraceField(absl::string_view key, absl::string_view value)
      : key_(key), is_string_(true), str_value_(value) {}
  TraceField(absl::string_view key, const char* value)
      : TraceField(key, absl::string_view(value)) {}
  TraceField(absl::string_view key, const std::string& value)
      : TraceField(key, absl::string_view(value)) {}

  absl::string_view key() const { return key_; }
  bool is_string() const { return is_string_; }
  int64_t int_value() const { return int_value_; }
  absl::string_view str_value() const { return str_value_; }

 private:
  absl::string_view key_;
  bool is_string_ = false;
  int64_t int_value_ = 0;
  absl::string_view str_value_;
};

// A record read back from a trace, owning its strings.
struct TraceRecord {
  struct Field {
    std::string key;
    bool is_string = false;
    int64_t int_value = 0;
    std::string str_value;
    bool operator==(const Field& o) const {
      return key == o.key && is_string == o.is_string && int_value == o.int_value &&
             str_value == o.str_value;
    }
  };
  Time at;
  uint64_t seq = 0;
  HostId host = kNoHost;
  std::string kind;
  std::vector<Field> fields;

  // The field's value, or nullptr.
  const Field* Find(absl::string_view key) const;
  // REQUIRES: the field exists and is an integer / a string.
  int64_t Int(absl::string_view key) const;
  const std::string& Str(absl::string_view key) const;

  // One JSON object, no trailing newline: {"t_ns":..,"seq":..,"host":..,"kind":..,<fields>}.
  // The world's records have "host":-1.
  std::string ToJson() const;
};

struct TraceOptions {
  // False keeps only the digest and the count (long runs that need only a digest).
  bool keep_records = true;
  // Appending more records than this is a CHECK failure (a livelock made visible).
  uint64_t record_count_max = uint64_t{1} << 32;
};

class Trace {
 public:
  using Observer = std::function<void(const TraceRecord&)>;

  explicit Trace(TraceOptions options = TraceOptions());

  // Appends a record. Field keys must not be t_ns, seq, host or kind.
  void Append(Time at, HostId host, absl::string_view kind, absl::Span<const TraceField> fields);
  void Append(Time at, HostId host, absl::string_view kind,
              std::initializer_list<TraceField> fields) {
    Append(at, host, kind, absl::MakeConstSpan(fields.begin(), fields.size()));
  }

  // Which record kinds an observer is shown: asked once per distinct kind and observer (the
  // answer is kept), so it must depend on the kind alone. A null filter wants every kind.
  using KindFilter = std::function<bool(absl::string_view kind)>;

  // Observers see the records of the kinds they want as they are appended, in order (invariant
  // checkers, the runner's predicates), in the order the observers were added. The record is
  // valid only during the call (it is reused): copy what must outlive it. A record no observer
  // wants is never materialized, which is most of a large run's transport records.
  // REQUIRES: not called from inside an observer.
  void AddObserver(Observer observer, KindFilter wants = nullptr);

  uint64_t size() const { return count_; }
  // The digest (see the file comment) of every record appended so far.
  uint64_t digest() const { return digest_; }
  // The same over every record but transport records (see the file comment).
  uint64_t semantic_digest() const { return semantic_digest_; }
  bool keeps_records() const { return options_.keep_records; }

  // REQUIRES: keeps_records() and i < size().
  TraceRecord Get(uint64_t i) const;
  // Writes every kept record as one JSON line.
  void WriteJsonLines(std::ostream& out) const;

 private:
  struct Header {
    int64_t at = 0;
    uint32_t host = 0;
    uint32_t kind = 0;
    uint32_t first_field = 0;
    uint32_t field_count = 0;
  };
  struct Slot {
    uint32_t key = 0;
    // kIntSlot for an integer; otherwise the string's length, the string at chars_[value].
    uint32_t str_len = 0;
    int64_t value = 0;
  };
  static constexpr uint32_t kIntSlot = 0xffffffffu;

  // What a record kind costs to look up once seen (indexed by its id in kind_names_): whether
  // it is a transport kind, and which observers want it (indexes into observers_, ascending).
  struct KindInfo {
    bool transport = false;
    std::vector<uint32_t> observers;
  };
  // The KindInfo index of `kind`, interning it on first sight.
  uint32_t KindIndex(absl::string_view kind);
  void Route(uint32_t kind, uint32_t observer);
  static uint64_t HashRecord(uint64_t h, Time at, uint64_t seq, HostId host,
                             absl::string_view kind, absl::Span<const TraceField> fields);

  TraceOptions options_;
  uint64_t count_ = 0;
  uint64_t digest_;
  uint64_t semantic_count_ = 0;
  uint64_t semantic_digest_;
  std::vector<Header> headers_;
  std::vector<Slot> slots_;
  std::string chars_;
  Interner kind_names_;  // A kind's id indexes kinds_ and is a header's `kind`.
  Interner keys_;        // Field keys.
  std::vector<Observer> observers_;
  std::vector<KindFilter> filters_;  // observers_[i]'s filter
  std::vector<KindInfo> kinds_;
  // Kinds are mostly string literals: a small cache from the kind's characters' address to its
  // KindInfo index saves hashing the name on every record. A hit is confirmed by comparing the
  // characters, so a reused buffer can never alias another kind; lookup only, never iterated,
  // so addresses cannot reach the trace.
  struct KindCacheEntry {
    const char* data = nullptr;
    std::size_t size = 0;
    uint32_t kind = 0;
  };
  static constexpr std::size_t kKindCacheSize = 256;
  std::vector<KindCacheEntry> kind_cache_ = std::vector<KindCacheEntry>(kKindCacheSize);
  // The record observers are shown (reused), and whether an observer is running now.
  TraceRecord scratch_record_;
  bool observing_ = false;
};

// True for the kernel's transport record kinds ("net.*", "rpc.*"), which the semantic digest
// leaves out.
bool IsTransportKind(absl::string_view kind);

// FNV-1a 64, exposed for tests and for other canonical digests.
inline constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
uint64_t Fnv1a64(uint64_t hash, absl::string_view bytes);

// Where two traces first differ.
struct TraceDifference {
  uint64_t index = 0;
  // "record 12: field term: 3 vs 4", or "trace A ends after 12 records".
  std::string description;
};
// Nullopt when the traces hold equal records. REQUIRES: both keep records.
std::optional<TraceDifference> FirstDifference(const Trace& a, const Trace& b);

}  // namespace sim

#endif  // SWARMSIM_SIM_TRACE_H_
