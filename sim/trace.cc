#include "sim/trace.h"

#include <cstring>

#include "absl/strings/match.h"

#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "util/json_string.h"

namespace sim {
namespace {

// The digest's mixer, part of the trace format (changing it rewrites every golden digest): xor
// the word in, multiply by 2^64 / phi (odd), fold the high half down so that the next multiply
// spreads every bit of this one.
uint64_t DigestWord(uint64_t hash, uint64_t word) {
  hash ^= word;
  hash *= 0x9e3779b97f4a7c15ULL;
  return hash ^ (hash >> 32);
}

uint64_t HashU64(uint64_t hash, uint64_t v) { return DigestWord(hash, v); }

uint64_t HashString(uint64_t hash, absl::string_view s) {
  hash = DigestWord(hash, s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  // Little-endian words: the same digest on any host (a plain load where the host is
  // little-endian, assembled byte by byte elsewhere).
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(&w, p, sizeof w);
#else
    for (int i = 7; i >= 0; --i) w = (w << 8) | p[i];
#endif
    hash = DigestWord(hash, w);
  }
  if (n > 0) {
    uint64_t w = 0;
    for (std::size_t i = n; i-- > 0;) w = (w << 8) | p[i];
    hash = DigestWord(hash, w);
  }
  return hash;
}

bool IsReservedKey(absl::string_view key) {
  return key == "t_ns" || key == "seq" || key == "host" || key == "kind";
}

std::string FieldValueText(const TraceRecord::Field& f) {
  return f.is_string ? absl::StrCat("\"", f.str_value, "\"") : absl::StrCat(f.int_value);
}

std::string DescribeRecordDifference(const TraceRecord& a, const TraceRecord& b) {
  if (a.at != b.at) return absl::StrCat("time: ", a.at.nanos(), " vs ", b.at.nanos());
  if (a.host != b.host) return absl::StrCat("host: ", a.host, " vs ", b.host);
  if (a.kind != b.kind) return absl::StrCat("kind: ", a.kind, " vs ", b.kind);
  if (a.fields.size() != b.fields.size()) {
    return absl::StrCat("field count: ", a.fields.size(), " vs ", b.fields.size());
  }
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const TraceRecord::Field& fa = a.fields[i];
    const TraceRecord::Field& fb = b.fields[i];
    if (fa.key != fb.key) return absl::StrCat("field ", i, " key: ", fa.key, " vs ", fb.key);
    if (!(fa == fb)) {
      return absl::StrCat("field ", fa.key, ": ", FieldValueText(fa), " vs ", FieldValueText(fb));
    }
  }
  return "";
}

}  // namespace

uint64_t Fnv1a64(uint64_t hash, absl::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // The FNV-1a 64 prime.
  }
  return hash;
}

const TraceRecord::Field* TraceRecord::Find(absl::string_view key) const {
  for (const Field& f : fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

int64_t TraceRecord::Int(absl::string_view key) const {
  const Field* f = Find(key);
  SIM_CHECK_MSG(f != nullptr && !f->is_string, key);
  return f->int_value;
}

const std::string& TraceRecord::Str(absl::string_view key) const {
  const Field* f = Find(key);
  SIM_CHECK_MSG(f != nullptr && f->is_string, key);
  return f->str_value;
}

std::string TraceRecord::ToJson() const {
  std::string out =
      absl::StrCat("{\"t_ns\":", at.nanos(), ",\"seq\":", seq,
                   ",\"host\":", host == kNoHost ? int64_t{-1} : int64_t{host}, ",\"kind\":");
  util::AppendJsonString(&out, kind);
  for (const Field& f : fields) {
    out.push_back(',');
    util::AppendJsonString(&out, f.key);
    out.push_back(':');
    if (f.is_string) {
      util::AppendJsonString(&out, f.str_value);
    } else {
      absl::StrAppend(&out, f.int_value);
    }
  }
  out.push_back('}');
  return out;
}

Trace::Trace(TraceOptions options)
    : options_(options), digest_(kFnvOffsetBasis), semantic_digest_(kFnvOffsetBasis) {}

bool IsTransportKind(absl::string_view kind) {
  return absl::StartsWith(kind, "net.") || absl::StartsWith(kind, "rpc.");
}

uint64_t Trace::HashRecord(uint64_t h, Time at, uint64_t seq, HostId host, absl::string_view kind,
                           absl::Span<const TraceField> fields) {
  h = HashU64(h, static_cast<uint64_t>(at.nanos()));
  h = HashU64(h, seq);
  h = HashU64(h, host);
  h = HashString(h, kind);
  h = HashU64(h, fields.size());
  for (const TraceField& f : fields) {
    h = HashString(h, f.key());
    if (f.is_string()) {
      h = HashU64(h, 1);
      h = HashString(h, f.str_value());
    } else {
      h = HashU64(h, 0);
      h = HashU64(h, static_cast<uint64_t>(f.int_value()));
    }
  }
  return h;
}


void Trace::AddObserver(Observer observer, KindFilter wants) {
  SIM_CHECK(!observing_);
  const uint32_t index = static_cast<uint32_t>(observers_.size());
  observers_.push_back(std::move(observer));
  filters_.push_back(std::move(wants));
  // Kinds already seen learn of the new observer (in the order they were first seen).
  for (uint32_t kind = 0; kind < kinds_.size(); ++kind) Route(kind, index);
}

void Trace::Route(uint32_t kind, uint32_t observer) {
  const KindFilter& wants = filters_[observer];
  if (!wants || wants(kind_names_.Name(kind))) kinds_[kind].observers.push_back(observer);
}

uint32_t Trace::KindIndex(absl::string_view kind) {
  KindCacheEntry& cached =
      kind_cache_[(reinterpret_cast<uintptr_t>(kind.data()) >> 3 ^ kind.size()) %
                  kKindCacheSize];
  if (cached.data != nullptr && cached.data == kind.data() && cached.size == kind.size() &&
      kind_names_.Name(cached.kind) == kind) {
    return cached.kind;
  }
  const uint32_t id = kind_names_.Intern(kind);
  if (id == kinds_.size()) {  // First sight.
    kinds_.emplace_back();
    kinds_[id].transport = IsTransportKind(kind);
    for (uint32_t i = 0; i < observers_.size(); ++i) Route(id, i);
  }
  cached = KindCacheEntry{kind.data(), kind.size(), id};
  return id;
}

void Trace::Append(Time at, HostId host, absl::string_view kind,
                   absl::Span<const TraceField> fields) {
  SIM_CHECK_LT(count_, options_.record_count_max);
  const uint64_t seq = count_++;
  const uint32_t kind_index = KindIndex(kind);
  // The canonical encoding: time, seq, host, kind, then each field in the order given. The
  // semantic digest encodes its records the same way, with the record's index among them.
  for (const TraceField& f : fields) SIM_CHECK_MSG(!IsReservedKey(f.key()), f.key());
  digest_ = HashRecord(digest_, at, seq, host, kind, fields);
  if (!kinds_[kind_index].transport) {
    semantic_digest_ = HashRecord(semantic_digest_, at, semantic_count_++, host, kind, fields);
  }

  if (options_.keep_records) {
    Header header;
    header.at = at.nanos();
    header.host = host;
    header.kind = kind_index;
    header.first_field = static_cast<uint32_t>(slots_.size());
    header.field_count = static_cast<uint32_t>(fields.size());
    SIM_CHECK_LT(slots_.size() + fields.size(), uint64_t{0xffffffffu});
    for (const TraceField& f : fields) {
      Slot slot;
      slot.key = keys_.Intern(f.key());
      if (f.is_string()) {
        slot.str_len = static_cast<uint32_t>(f.str_value().size());
        slot.value = static_cast<int64_t>(chars_.size());
        chars_.append(f.str_value().data(), f.str_value().size());
      } else {
        slot.str_len = kIntSlot;
        slot.value = f.int_value();
      }
      slots_.push_back(slot);
    }
    headers_.push_back(header);
  }

  if (!kinds_[kind_index].observers.empty()) {
    // Observers see one reused record (its strings and field vector keep their capacity, so a
    // record costs no allocation once warm). An observer that appends to the trace (a triggered
    // step acting inline) gets a fresh record for the nested append, so the outer one is intact.
    TraceRecord fresh;
    TraceRecord& record = observing_ ? fresh : scratch_record_;
    const bool outermost = !observing_;
    observing_ = true;
    record.at = at;
    record.seq = seq;
    record.host = host;
    record.kind.assign(kind.data(), kind.size());
    record.fields.resize(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const TraceField& f = fields[i];
      TraceRecord::Field& field = record.fields[i];
      field.key.assign(f.key().data(), f.key().size());
      field.is_string = f.is_string();
      field.int_value = f.int_value();
      field.str_value.assign(f.str_value().data(), f.str_value().size());
    }
    // By index: an observer's own appends may intern new kinds (kinds_ grows), never observers.
    for (std::size_t i = 0; i < kinds_[kind_index].observers.size(); ++i) {
      observers_[kinds_[kind_index].observers[i]](record);
    }
    if (outermost) observing_ = false;
  }
}

TraceRecord Trace::Get(uint64_t i) const {
  SIM_CHECK(options_.keep_records);
  SIM_CHECK_LT(i, headers_.size());
  const Header& header = headers_[i];
  TraceRecord record;
  record.at = Time::FromNanos(header.at);
  record.seq = i;
  record.host = header.host;
  record.kind = kind_names_.Name(header.kind);
  for (uint32_t k = 0; k < header.field_count; ++k) {
    const Slot& slot = slots_[header.first_field + k];
    TraceRecord::Field field;
    field.key = keys_.Name(slot.key);
    if (slot.str_len == kIntSlot) {
      field.int_value = slot.value;
    } else {
      field.is_string = true;
      field.str_value = chars_.substr(static_cast<std::size_t>(slot.value), slot.str_len);
    }
    record.fields.push_back(std::move(field));
  }
  return record;
}

void Trace::WriteJsonLines(std::ostream& out) const {
  for (uint64_t i = 0; i < headers_.size(); ++i) {
    out << Get(i).ToJson() << '\n';
  }
}

std::optional<TraceDifference> FirstDifference(const Trace& a, const Trace& b) {
  SIM_CHECK(a.keeps_records());
  SIM_CHECK(b.keeps_records());
  const uint64_t common = a.size() < b.size() ? a.size() : b.size();
  for (uint64_t i = 0; i < common; ++i) {
    const TraceRecord ra = a.Get(i);
    const TraceRecord rb = b.Get(i);
    std::string why = DescribeRecordDifference(ra, rb);
    if (!why.empty()) {
      return TraceDifference{
          i, absl::StrCat("record ", i, ": ", why, "\n  A: ", ra.ToJson(), "\n  B: ", rb.ToJson())};
    }
  }
  if (a.size() == b.size()) return std::nullopt;
  const char* shorter = a.size() < b.size() ? "A" : "B";
  return TraceDifference{common, absl::StrCat("trace ", shorter, " ends after ", common,
                                              " records (", a.size(), " vs ", b.size(), ")")};
}

}  // namespace sim
