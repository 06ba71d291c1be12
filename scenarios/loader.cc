// The loader's entry points, error collection, value checks, and the top level, cluster and
// service sections. Steps: loader_steps.cc; expectations: loader_expect.cc.
#include "scenarios/loader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/io/tokenizer.h"
#include "model/faultpoints/catalog.h"
#include "scenarios/duration.h"
#include "scenarios/loader_internal.h"
#include "util/regular_file.h"
#include "sim/check.h"
#include "util/quoted.h"
#include "util/utf8.h"

namespace scenarios {
namespace loader_internal {
namespace {

using google::protobuf::TextFormat;

constexpr int64_t kNanosPerHour = int64_t{3600} * 1000000000;
constexpr int kManagersMax = 7;
constexpr int kWorkersMax = 100000;
constexpr int kServicesMax = 10000;
constexpr size_t kServiceNameMax = 63;
// A WAL fsync longer than this is a failed disk, not a slow one.
constexpr absl::Duration kSyncLatencyMax = absl::Minutes(1);

std::string Loc(absl::string_view file, SourceLocation at) {
  if (at.line <= 0) return absl::StrCat(file, ":1:1");
  return absl::StrCat(file, ":", at.line, ":", at.column);
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsValidServiceName(absl::string_view name) {
  if (name.empty() || name.size() > kServiceNameMax || !IsAlnum(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlnum(c) || c == '_' || c == '-' || c == '.'; });
}

bool IsLowerHex16(absl::string_view s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The file name without directories and extension: the scenario's default name.
std::string FileStem(absl::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash != absl::string_view::npos) path.remove_prefix(slash + 1);
  const size_t dot = path.rfind('.');
  if (dot != absl::string_view::npos && dot > 0) path = path.substr(0, dot);
  return std::string(path);
}

// Keeps the first syntax error: the parser stops there, and later ones would be noise.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (has_error_) return;
    has_error_ = true;
    // The parser counts from 0; people and editors from 1.
    at_ = SourceLocation{line + 1, column + 1};
    message_ = message;
  }
  bool has_error() const { return has_error_; }
  SourceLocation at() const { return at_; }
  const std::string& message() const { return message_; }

 private:
  bool has_error_ = false;
  SourceLocation at_;
  std::string message_;
};

// The text of 1-based line `line`, or "" past the end.
absl::string_view LineOf(absl::string_view text, int line) {
  for (int i = 1; i < line; ++i) {
    const size_t newline = text.find('\n');
    if (newline == absl::string_view::npos) return "";
    text.remove_prefix(newline + 1);
  }
  return text.substr(0, text.find('\n'));
}

// The text between `prefix` and the next '"' in `message`, or "" when `prefix` is absent.
std::string QuotedAfter(const std::string& message, absl::string_view prefix) {
  const size_t start = message.find(std::string(prefix));
  if (start == std::string::npos) return "";
  const size_t name_start = start + prefix.size();
  const size_t name_end = message.find('"', name_start);
  if (name_end == std::string::npos) return "";
  return message.substr(name_start, name_end - name_start);
}

// Edit distance (insertions, deletions, substitutions, adjacent swaps), for suggestions.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// "unknown field "managrs" here (did you mean "managers"?)": the closest field of the message
// when it is close enough to be a slip, else the list of its fields.
std::string UnknownFieldMessage(const std::string& type, const std::string& field) {
  const google::protobuf::Descriptor* d =
      pb::Scenario::descriptor()->file()->pool()->FindMessageTypeByName(type);
  std::string out = absl::StrCat("unknown field \"", field, "\" here");
  if (d == nullptr) return out;
  std::vector<std::string> names;
  std::string best;
  size_t best_distance = field.size() / 3 + 1;  // a slip: about one edit per three letters
  for (int i = 0; i < d->field_count(); ++i) {
    const std::string& name = d->field(i)->name();
    names.push_back(name);
    const size_t distance = EditDistance(field, name);
    if (distance <= best_distance && (best.empty() || distance < EditDistance(field, best))) {
      best = name;
    }
  }
  if (!best.empty()) return absl::StrCat(out, " (did you mean \"", best, "\"?)");
  return absl::StrCat(out, "; the fields here are ", absl::StrJoin(names, ", "));
}

// "\"raft.drop_apend\" is not a fault point (did you mean \"raft.drop_append\"?)", or the
// catalog's names when nothing is close.
std::string UnknownFaultPointMessage(const std::string& name) {
  std::string out = absl::StrCat(Quote(name), " is not a fault point");
  std::string best;
  size_t best_distance = name.size() / 4 + 1;
  for (const swarmsim::faultpoints::FaultPointInfo& info :
       swarmsim::faultpoints::FaultPointCatalog()) {
    const size_t distance = EditDistance(name, info.name);
    if (distance <= best_distance && (best.empty() || distance < EditDistance(name, best))) {
      best = info.name;
    }
  }
  if (!best.empty()) return absl::StrCat(out, " (did you mean \"", best, "\"?)");
  return absl::StrCat(out, "; known: ", swarmsim::faultpoints::FaultPointNames());
}

// The values a file may write for the enum field `field` (any message of the schema).
std::string EnumValuesOf(const std::string& field) {
  const google::protobuf::FileDescriptor* file = pb::Scenario::descriptor()->file();
  for (int m = 0; m < file->message_type_count(); ++m) {
    const google::protobuf::FieldDescriptor* f = file->message_type(m)->FindFieldByName(field);
    if (f == nullptr || f->enum_type() == nullptr) continue;
    std::vector<std::string> values;
    for (int v = 0; v < f->enum_type()->value_count(); ++v) {
      const std::string& name = f->enum_type()->value(v)->name();
      if (!absl::EndsWith(name, "_UNSPECIFIED")) values.push_back(name);
    }
    return absl::StrJoin(values, ", ");
  }
  return "";
}

// Protobuf's parser speaks of message types and oneofs; say it in the file's own terms, with a
// suggestion where one helps. Messages not recognised are kept as they are.
void RephraseSyntaxError(std::string& message) {
  if (const std::string type = QuotedAfter(message, "Message type \""); !type.empty()) {
    const std::string field = QuotedAfter(message, "has no field named \"");
    if (!field.empty()) message = UnknownFieldMessage(type, field);
    return;
  }
  if (const std::string field = QuotedAfter(message, "Non-repeated field \""); !field.empty()) {
    message = absl::StrCat(field, " is given twice; it takes one value");
    return;
  }
  if (absl::StrContains(message, "another member of oneof")) {
    const std::string second = QuotedAfter(message, "Field \"");
    const std::string first = QuotedAfter(message, "along with field \"");
    const std::string oneof = QuotedAfter(message, "oneof \"");
    const std::string what = oneof == "action"     ? "a step takes one action"
                             : oneof == "window"    ? "an expect takes one window"
                             : oneof == "predicate" ? "an expect takes one predicate"
                                                    : absl::StrCat("only one ", oneof, " may be given");
    message = absl::StrCat("\"", second, "\" and \"", first, "\" are both given: ", what);
    return;
  }
  if (const std::string value = QuotedAfter(message, "Unknown enumeration value of \"");
      !value.empty()) {
    const std::string field = QuotedAfter(message, "for field \"");
    const std::string values = EnumValuesOf(field);
    message = absl::StrCat(field, ": unknown value ", value,
                           values.empty() ? "" : absl::StrCat(" (one of ", values, ")"));
    return;
  }
  if (absl::StartsWith(message, "Expected integer or identifier, got: \"")) {
    message = absl::StrCat("expected a value without quotes, got ",
                           message.substr(message.find('"')),
                           " (enum values such as DOWN or DRAIN are written unquoted)");
    return;
  }
  if (message == "Expected integer, got: -") {
    message = "expected a whole number that is not negative, got \"-\"";
  }
}

// Protobuf reports some errors at the token after the culprit (the ':' after an unknown field
// name, the '{' of a second oneof member, the token after an unknown enum value). Point at the
// culprit instead: the last occurrence of the quoted name before the reported column, on the
// same line. Other messages are kept as they are, with end of input named.
void ImproveSyntaxError(absl::string_view text, SourceLocation& at, std::string& message) {
  static constexpr const char* kCulpritAfter[] = {"has no field named \"", "Field \"",
                                                  "Non-repeated field \"",
                                                  "Unknown enumeration value of \""};
  for (const char* prefix : kCulpritAfter) {
    const size_t start = message.find(prefix);
    if (start == std::string::npos) continue;
    const size_t name_start = start + std::string(prefix).size();
    const size_t name_end = message.find('"', name_start);
    if (name_end == std::string::npos) break;
    const std::string name = message.substr(name_start, name_end - name_start);
    // Columns count a tab as reaching the next multiple of 8; only plain lines are adjusted.
    const absl::string_view line = LineOf(text, at.line);
    if (name.empty() || line.find('\t') != absl::string_view::npos) break;
    const size_t before = std::min(line.size(), static_cast<size_t>(std::max(0, at.column - 1)));
    const size_t found = line.substr(0, before).rfind(name);
    if (found != absl::string_view::npos) at.column = static_cast<int>(found) + 1;
    break;
  }
  if (absl::EndsWith(message, "got: ")) {
    message = absl::StrCat(absl::StripSuffix(message, ": "),
                           " the end of the file (is a \"}\" missing?)");
  }
  RephraseSyntaxError(message);
}

// A file that is not UTF-8 text (a Latin-1 file, a binary) is refused at its first bad byte,
// before protobuf's parser echoes that byte into a message. The position counts as the
// parser's does: bytes, a tab reaching the next multiple of 8.
std::optional<std::string> NotUtf8Text(absl::string_view text, absl::string_view file) {
  const size_t bad = util::FirstInvalidUtf8(std::string_view(text.data(), text.size()));
  if (bad == text.size()) return std::nullopt;
  const size_t newline = text.rfind('\n', bad);  // text[bad] itself is no newline
  const size_t from = newline == absl::string_view::npos ? 0 : newline + 1;
  int column = 0;
  for (size_t i = from; i < bad; ++i) column += text[i] == '\t' ? 8 - column % 8 : 1;
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + from, '\n'));
  return absl::StrFormat("%s: byte 0x%02x is not UTF-8: a scenario file is UTF-8 text",
                         Loc(file, SourceLocation{line, column + 1}),
                         static_cast<unsigned char>(text[bad]));
}

// Every string field of `message` and of the messages in it holds UTF-8 (proto3 `string`
// means text; names reach the JSON, the JUnit XML and the terminal). The text of the file is
// UTF-8 by then, but an escape is a byte: "bad\xd5" or "\325" writes a lone 0xd5. `path` names
// the field in messages ("expect[2].name").
void CheckStringsAreUtf8(const google::protobuf::Message& message, const Where& where,
                         const std::string& path, Errors& errors) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // in field number order
  for (const FieldDescriptor* field : fields) {
    const std::string name = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    const int size = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < size; ++i) {
      const std::string element = field->is_repeated() ? absl::StrCat(name, "[", i, "]") : name;
      if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
        const google::protobuf::Message& nested =
            field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                                 : reflection->GetMessage(message, field);
        CheckStringsAreUtf8(nested,
                            field->is_repeated() ? where.Nested(field->name(), i, size)
                                                 : where.Nested(field->name()),
                            element, errors);
        continue;
      }
      if (field->type() != FieldDescriptor::TYPE_STRING) continue;
      std::string scratch;
      const std::string& value =
          field->is_repeated()
              ? reflection->GetRepeatedStringReference(message, field, i, &scratch)
              : reflection->GetStringReference(message, field, &scratch);
      if (util::IsValidUtf8(value)) continue;
      errors.Add(field->is_repeated() ? where.At(field->name(), i, size) : where.At(field->name()),
                 absl::StrCat(element, ": ", Quote(value),
                              " is not UTF-8 text (an escape such as \\xd5 or \\325 writes one "
                              "byte; write the character itself, or \\u00d5)"));
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Errors and locations

void Errors::Add(SourceLocation at, std::string message) {
  entries_.push_back(Entry{at, std::move(message)});
}

absl::Status Errors::ToStatus(absl::string_view file) const {
  std::vector<Entry> sorted = entries_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.at.line, a.at.column) < std::tie(b.at.line, b.at.column);
  });
  std::vector<std::string> lines;
  for (const Entry& e : sorted) {
    if (static_cast<int>(lines.size()) == kErrorLinesMax) {
      lines.push_back(absl::StrCat(file, ": ", sorted.size() - kErrorLinesMax, " more errors"));
      break;
    }
    lines.push_back(absl::StrCat(Loc(file, e.at), ": ", e.message));
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

Where::Where(const TextFormat::ParseInfoTree* tree, const google::protobuf::Descriptor* descriptor,
             SourceLocation self)
    : tree_(tree), descriptor_(descriptor), self_(self) {}

const google::protobuf::FieldDescriptor* Where::Field(absl::string_view name) const {
  const google::protobuf::FieldDescriptor* field = descriptor_->FindFieldByName(std::string(name));
  SIM_CHECK_MSG(field != nullptr, absl::StrCat(descriptor_->full_name(), " has no ", name));
  return field;
}

SourceLocation Where::At(absl::string_view name) const {
  const google::protobuf::FieldDescriptor* field = Field(name);
  SIM_CHECK(!field->is_repeated());
  if (tree_ == nullptr) return self_;
  const TextFormat::ParseLocation at = tree_->GetLocation(field, -1);
  if (at.line < 0) return self_;
  return SourceLocation{at.line + 1, at.column + 1};
}

SourceLocation Where::At(absl::string_view name, int index, int size) const {
  const google::protobuf::FieldDescriptor* field = Field(name);
  SIM_CHECK(field->is_repeated());
  SIM_CHECK(index >= 0 && index < size);
  if (tree_ == nullptr) return self_;
  // A `name: [a, b]` list records one location for all its values: then every element points
  // at the list, since the recorded positions no longer match the indices.
  if (tree_->GetLocation(field, size - 1).line < 0) index = 0;
  const TextFormat::ParseLocation at = tree_->GetLocation(field, index);
  if (at.line < 0) return self_;
  return SourceLocation{at.line + 1, at.column + 1};
}

Where Where::Nested(absl::string_view name) const {
  const google::protobuf::FieldDescriptor* field = Field(name);
  SIM_CHECK(!field->is_repeated());
  const TextFormat::ParseInfoTree* nested =
      tree_ == nullptr ? nullptr : tree_->GetTreeForNested(field, -1);
  return Where(nested, field->message_type(), At(name));
}

Where Where::Nested(absl::string_view name, int index, int size) const {
  const google::protobuf::FieldDescriptor* field = Field(name);
  const TextFormat::ParseInfoTree* nested =
      tree_ == nullptr ? nullptr : tree_->GetTreeForNested(field, index);
  return Where(nested, field->message_type(), At(name, index, size));
}

std::string Quote(absl::string_view text) { return util::Quoted(text); }

// ---------------------------------------------------------------------------------------------
// Value checks

std::optional<absl::Duration> Validator::Duration(const std::string& text, SourceLocation at,
                                                  absl::string_view field, Sign sign) {
  const absl::StatusOr<int64_t> ns = ParseDurationNanos(text);
  if (!ns.ok()) {
    Error(at, absl::StrCat(field, ": ", ns.status().message()));
    return std::nullopt;
  }
  const int64_t limit = kDurationLimitHours * kNanosPerHour;
  if (*ns > limit || *ns < -limit) {
    Error(at, absl::StrCat(field, ": ", Quote(text), " is longer than ", kDurationLimitHours, "h"));
    return std::nullopt;
  }
  if (sign != Sign::kAny && *ns < 0) {
    Error(at, absl::StrCat(field, ": must not be negative, got ", Quote(text)));
    return std::nullopt;
  }
  if (sign == Sign::kPositive && *ns == 0) {
    Error(at, absl::StrCat(field, ": must be greater than 0, got ", Quote(text)));
    return std::nullopt;
  }
  return absl::Nanoseconds(*ns);
}

std::optional<sim::Time> Validator::Instant(const std::string& text, SourceLocation at,
                                            absl::string_view field) {
  const std::optional<absl::Duration> d = Duration(text, at, field, Sign::kNonNegative);
  if (!d.has_value()) return std::nullopt;
  const sim::Time t = sim::Time::Zero() + *d;
  if (end_.has_value() && t > *end_) {
    Error(at, absl::StrCat(field, ": ", FormatDurationExact(*d), " is after the end of the run (",
                           FormatDurationExact(end_->SinceStart()), ")"));
    return std::nullopt;
  }
  return t;
}

std::optional<uint32_t> Validator::Ratio(const std::string& text, SourceLocation at,
                                         absl::string_view field) {
  const absl::StatusOr<uint32_t> ppm = ParseRatioPpm(text);
  if (!ppm.ok()) {
    Error(at, absl::StrCat(field, ": ", ppm.status().message()));
    return std::nullopt;
  }
  return *ppm;
}

std::optional<int64_t> Validator::InRange(int64_t value, int64_t lo, int64_t hi, SourceLocation at,
                                          absl::string_view field) {
  if (value < lo || value > hi) {
    Error(at, absl::StrCat(field, ": ", value, " is outside ", lo, "..", hi));
    return std::nullopt;
  }
  return value;
}

void Validator::Missing(SourceLocation at, absl::string_view message, absl::string_view field) {
  Error(at, absl::StrCat(message, " needs ", field));
}

// ---------------------------------------------------------------------------------------------
// Top level

void Validator::Run(const pb::Scenario& file, const Where& where, Scenario& out) {
  out.file = file_;
  ValidateTop(file, where, out);
  if (file.has_cluster()) {
    const Where cluster = where.Nested("cluster");
    ValidateCluster(file.cluster(), cluster, out.cluster);
    out.workers_location =
        file.cluster().has_workers() ? cluster.At("workers") : cluster.self();
  } else {
    Error(where.self(), "the scenario needs cluster, e.g. cluster { managers: 3 }");
  }
  ValidateServices(file, where, out);
  CollectLabels(file, where);
  ValidateSteps(file, where, out);
  ValidateExpectations(file, where, out);
}

void Validator::ValidateTop(const pb::Scenario& file, const Where& where, Scenario& out) {
  out.name = file.has_name() ? file.name() : FileStem(file_);
  if (out.name.empty()) Error(where.At("name"), "name: empty");
  out.description = file.description();
  if (file.has_seed()) out.seed = file.seed();
  out.file_seed = out.seed;
  if (file.has_duration()) {
    const std::optional<absl::Duration> d =
        Duration(file.duration(), where.At("duration"), "duration", Sign::kPositive);
    if (d.has_value()) {
      out.duration = *d;
      out.duration_location = where.At("duration");
      end_ = sim::Time::Zero() + *d;
    }
  } else {
    Error(where.self(), "the scenario needs duration, e.g. duration: \"4m\"");
  }
  if (file.has_golden_digest()) {
    if (IsLowerHex16(file.golden_digest())) {
      out.golden_digest = file.golden_digest();
      out.golden_digest_location = where.At("golden_digest");
    } else {
      Error(where.At("golden_digest"), absl::StrCat("golden_digest: ", Quote(file.golden_digest()),
                                                    " is not 16 lowercase hex digits"));
    }
  }
  if (file.has_buggify()) ValidateBuggify(file.buggify(), where.Nested("buggify"), out.buggify);
  if (file.has_explore()) ValidateExplore(file.explore(), where.Nested("explore"), out.explore);
}

void Validator::ValidateExplore(const pb::Explore& explore, const Where& where,
                                ExploreConfig& out) {
  for (int i = 0; i < explore.known_failure_size(); ++i) {
    const std::string& signature = explore.known_failure(i);
    const SourceLocation at = where.At("known_failure", i, explore.known_failure_size());
    if (signature.empty()) {
      Error(at, "known_failure: a failure signature is not empty, e.g. \"invariant:raft.election_safety\"");
    } else if (std::find(out.known_failures.begin(), out.known_failures.end(), signature) !=
               out.known_failures.end()) {
      Error(at, absl::StrCat("known_failure: ", Quote(signature), " is given twice"));
    } else {
      out.known_failures.push_back(signature);
    }
  }
}

void Validator::ValidateBuggify(const pb::Buggify& buggify, const Where& where,
                                BuggifyConfig& out) {
  out.all = buggify.all();
  std::set<std::string> enable;
  // `allow` is the old spelling of `enable`; both name catalog entries.
  for (const char* field : {"enable", "allow"}) {
    const auto& names = std::string(field) == "enable" ? buggify.enable() : buggify.allow();
    for (int i = 0; i < names.size(); ++i) {
      const std::string& name = names.Get(i);
      if (swarmsim::faultpoints::FindFaultPoint(name) == nullptr) {
        Error(where.At(field, i, names.size()),
              absl::StrCat("buggify.", field, "[", i, "]: ", UnknownFaultPointMessage(name)));
        continue;
      }
      enable.insert(name);
    }
  }
  out.enable.assign(enable.begin(), enable.end());
  if (buggify.has_fire()) {
    const auto ppm = Ratio(buggify.fire(), where.At("fire"), "buggify.fire");
    if (ppm.has_value()) out.fire_ppm = *ppm;
  }
}

// ---------------------------------------------------------------------------------------------
// Cluster

void Validator::ValidateCluster(const pb::Cluster& cluster, const Where& where, Cluster& out) {
  std::optional<int64_t> managers;
  if (cluster.has_managers()) {
    managers = InRange(cluster.managers(), 1, kManagersMax, where.At("managers"), "managers");
  } else {
    Missing(where.self(), "cluster", "managers (1..7)");
  }
  std::optional<int64_t> workers = int64_t{0};
  if (cluster.has_workers()) {
    workers = InRange(cluster.workers(), 0, kWorkersMax, where.At("workers"), "workers");
  }
  if (managers.has_value() && workers.has_value()) {
    out.managers = static_cast<int32_t>(*managers);
    out.workers = static_cast<int32_t>(*workers);
    hosts_known_ = true;
    managers_ = out.managers;
    workers_ = out.workers;
  }
  if (cluster.has_raft()) ValidateRaft(cluster.raft(), where.Nested("raft"), out.raft);
  if (cluster.has_dispatcher()) {
    ValidateDispatcher(cluster.dispatcher(), where.Nested("dispatcher"), out.dispatcher);
  }
  if (cluster.has_agent()) ValidateAgent(cluster.agent(), where.Nested("agent"), out.agent);
  if (cluster.has_network()) {
    ValidateNetwork(cluster.network(), where.Nested("network"), out.network);
  }
  ValidateDisks(cluster, where, out);
  ValidateGroups(cluster, where, out);
}

void Validator::ValidateGroups(const pb::Cluster& cluster, const Where& where, Cluster& out) {
  const int n = cluster.group_size();
  for (int i = 0; i < n; ++i) {
    const pb::Group& g = cluster.group(i);
    const Where w = where.Nested("group", i, n);
    if (!g.has_name()) {
      Missing(w.self(), "group", "name, e.g. name: \"rackA\"");
      continue;
    }
    const std::string& name = g.name();
    const SourceLocation at = w.At("name");
    if (name == "leader" || name == "follower") {
      Error(at, absl::StrCat("name: ", Quote(name), " is reserved"));
    } else if (LooksLikeHost(name)) {
      Error(at, absl::StrCat("name: ", Quote(name), " looks like a host name"));
    } else if (!IsValidLabel(name)) {
      Error(at, absl::StrCat("name: ", Quote(name),
                             " is not a valid group name (letters, digits, '_', '-', '.', "
                             "starting with a letter or '_', at most 64 characters)"));
    } else if (groups_.count(name) != 0) {
      Error(at, absl::StrCat("name: group ", Quote(name), " is already declared"));
    }
    HostGroup group;
    group.name = name;
    const int k = g.nodes_size();
    if (k == 0) Error(w.self(), absl::StrCat("group ", Quote(name), " has no nodes"));
    std::set<std::string> seen;
    for (int j = 0; j < k; ++j) {
      const SourceLocation node_at = w.At("nodes", j, k);
      if (!seen.insert(g.nodes(j)).second) {
        Error(node_at, absl::StrCat("nodes: ", Quote(g.nodes(j)), " is listed twice"));
        continue;
      }
      if (std::optional<Host> host = HostNamed(g.nodes(j), node_at, "nodes")) {
        group.hosts.push_back(*host);
      }
    }
    std::sort(group.hosts.begin(), group.hosts.end());
    const bool valid = group.hosts.size() == static_cast<size_t>(k) && k > 0;
    if (groups_.count(name) == 0) groups_[name] = valid ? group.hosts : std::vector<Host>{};
    if (valid) out.groups.push_back(std::move(group));
  }
}

void Validator::ValidateRaft(const pb::Raft& raft, const Where& where, RaftConfig& out) {
  if (raft.has_tick_interval()) {
    const auto d =
        Duration(raft.tick_interval(), where.At("tick_interval"), "tick_interval", Sign::kPositive);
    if (d.has_value()) out.tick_interval = *d;
  }
  bool ticks_valid = true;
  if (raft.has_election_tick()) {
    const auto v =
        InRange(raft.election_tick(), 2, 1000, where.At("election_tick"), "election_tick");
    if (v.has_value()) out.election_tick = static_cast<int32_t>(*v);
    ticks_valid = ticks_valid && v.has_value();
  }
  if (raft.has_heartbeat_tick()) {
    const auto v =
        InRange(raft.heartbeat_tick(), 1, 1000, where.At("heartbeat_tick"), "heartbeat_tick");
    if (v.has_value()) out.heartbeat_tick = static_cast<int32_t>(*v);
    ticks_valid = ticks_valid && v.has_value();
  }
  // etcd raft refuses to start otherwise ("election tick must be greater than heartbeat tick").
  if (ticks_valid && out.election_tick <= out.heartbeat_tick) {
    Error(raft.has_election_tick() ? where.At("election_tick") : where.At("heartbeat_tick"),
          absl::StrCat("election_tick (", out.election_tick,
                       ") must be greater than heartbeat_tick (", out.heartbeat_tick, ")"));
  }
  if (raft.has_snapshot_interval()) {
    const auto v = InRange(raft.snapshot_interval(), 1, 1000000000, where.At("snapshot_interval"),
                           "snapshot_interval");
    if (v.has_value()) out.snapshot_interval = *v;
  }
  if (raft.has_log_entries_for_slow_followers()) {
    const auto v =
        InRange(raft.log_entries_for_slow_followers(), 0, 1000000000,
                where.At("log_entries_for_slow_followers"), "log_entries_for_slow_followers");
    if (v.has_value()) out.log_entries_for_slow_followers = *v;
  }
  if (raft.has_max_size_per_msg()) {
    const auto v = InRange(raft.max_size_per_msg(), 0, 1000000000, where.At("max_size_per_msg"),
                           "max_size_per_msg");
    if (v.has_value()) out.max_size_per_msg = *v;
  }
  if (raft.has_check_quorum()) out.check_quorum = raft.check_quorum();
  if (raft.has_pre_vote()) out.pre_vote = raft.pre_vote();
}

void Validator::ValidateDispatcher(const pb::Dispatcher& d, const Where& where,
                                   DispatcherConfig& out) {
  bool period_valid = true;
  if (d.has_heartbeat_period()) {
    const auto v = Duration(d.heartbeat_period(), where.At("heartbeat_period"), "heartbeat_period",
                            Sign::kPositive);
    if (v.has_value()) out.heartbeat_period = *v;
    period_valid = v.has_value();
  }
  if (d.has_heartbeat_epsilon()) {
    const auto v = Duration(d.heartbeat_epsilon(), where.At("heartbeat_epsilon"),
                            "heartbeat_epsilon", Sign::kNonNegative);
    if (v.has_value()) out.heartbeat_epsilon = *v;
    period_valid = period_valid && v.has_value();
  }
  // The dispatcher draws each period from [period - epsilon, period + epsilon): it must stay > 0.
  if (period_valid && out.heartbeat_epsilon >= out.heartbeat_period) {
    Error(d.has_heartbeat_epsilon() ? where.At("heartbeat_epsilon") : where.At("heartbeat_period"),
          absl::StrCat("heartbeat_epsilon (", FormatDurationExact(out.heartbeat_epsilon),
                       ") must be less than heartbeat_period (",
                       FormatDurationExact(out.heartbeat_period), ")"));
  }
  if (d.has_grace_period_multiplier()) {
    const auto v = InRange(d.grace_period_multiplier(), 1, 1000,
                           where.At("grace_period_multiplier"), "grace_period_multiplier");
    if (v.has_value()) out.grace_period_multiplier = static_cast<int32_t>(*v);
  }
  if (d.has_rate_limit_period()) {
    const auto v = Duration(d.rate_limit_period(), where.At("rate_limit_period"),
                            "rate_limit_period", Sign::kNonNegative);
    if (v.has_value()) out.rate_limit_period = *v;
  }
}

void Validator::ValidateAgent(const pb::Agent& agent, const Where& where, AgentConfig& out) {
  bool backoff_valid = true;
  if (agent.has_initial_backoff()) {
    const auto v = Duration(agent.initial_backoff(), where.At("initial_backoff"), "initial_backoff",
                            Sign::kPositive);
    if (v.has_value()) out.initial_backoff = *v;
    backoff_valid = v.has_value();
  }
  if (agent.has_max_backoff()) {
    const auto v =
        Duration(agent.max_backoff(), where.At("max_backoff"), "max_backoff", Sign::kPositive);
    if (v.has_value()) out.max_backoff = *v;
    backoff_valid = backoff_valid && v.has_value();
  }
  if (backoff_valid && out.max_backoff < out.initial_backoff) {
    Error(agent.has_max_backoff() ? where.At("max_backoff") : where.At("initial_backoff"),
          absl::StrCat("max_backoff (", FormatDurationExact(out.max_backoff),
                       ") must not be less than initial_backoff (",
                       FormatDurationExact(out.initial_backoff), ")"));
  }
  if (agent.has_rpc_timeout()) {
    const auto v =
        Duration(agent.rpc_timeout(), where.At("rpc_timeout"), "rpc_timeout", Sign::kPositive);
    if (v.has_value()) out.rpc_timeout = *v;
  }
}

void Validator::ValidateNetwork(const pb::Network& network, const Where& where, LinkConfig& out) {
  if (network.has_latency()) {
    const auto v = Duration(network.latency(), where.At("latency"), "latency", Sign::kNonNegative);
    if (v.has_value()) out.latency = *v;
  }
  if (network.has_jitter()) {
    const auto v = Duration(network.jitter(), where.At("jitter"), "jitter", Sign::kNonNegative);
    if (v.has_value()) out.jitter = *v;
  }
  if (network.has_drop()) {
    const auto v = Ratio(network.drop(), where.At("drop"), "drop");
    if (v.has_value()) out.drop_ppm = *v;
  }
  if (network.has_duplicate()) {
    const auto v = Ratio(network.duplicate(), where.At("duplicate"), "duplicate");
    if (v.has_value()) out.duplicate_ppm = *v;
  }
}

std::optional<absl::Duration> Validator::SyncLatency(const std::string& text, SourceLocation at) {
  const auto v = Duration(text, at, "sync_latency", Sign::kNonNegative);
  if (!v.has_value()) return std::nullopt;
  if (*v > kSyncLatencyMax) {
    Error(at, absl::StrCat("sync_latency: ", Quote(text), " is longer than ",
                           FormatDurationExact(kSyncLatencyMax),
                           " (a disk that slow has failed: crash the host instead)"));
    return std::nullopt;
  }
  return v;
}

void Validator::ValidateDisks(const pb::Cluster& cluster, const Where& where, Cluster& out) {
  if (cluster.has_disk() && cluster.disk().has_sync_latency()) {
    const Where disk = where.Nested("disk");
    const auto v = SyncLatency(cluster.disk().sync_latency(), disk.At("sync_latency"));
    if (v.has_value()) out.disk.sync_latency = *v;
  }
  const int n = cluster.host_disk_size();
  std::map<std::string, int> first_line;  // host -> line of the host_disk that named it
  for (int i = 0; i < n; ++i) {
    const pb::HostDisk& hd = cluster.host_disk(i);
    const Where at = where.Nested("host_disk", i, n);
    DiskConfig config = out.disk;
    if (hd.has_sync_latency()) {
      const auto v = SyncLatency(hd.sync_latency(), at.At("sync_latency"));
      if (v.has_value()) config.sync_latency = *v;
    }
    if (hd.hosts_size() == 0) {
      Missing(at.self(), "host_disk", "hosts (e.g. [\"m1\"])");
      continue;
    }
    for (int h = 0; h < hd.hosts_size(); ++h) {
      const std::string& name = hd.hosts(h);
      const SourceLocation host_at = at.At("hosts", h, hd.hosts_size());
      if (!LooksLikeHost(name)) {
        Error(host_at, absl::StrCat("hosts: ", Quote(name), " is not a host (", HostRange(), ")"));
        continue;
      }
      const auto selector = Selector(name, host_at, "hosts", Use::kExpectation);
      if (!selector.has_value()) continue;
      auto [it, inserted] = first_line.emplace(name, host_at.line);
      if (!inserted) {
        Error(host_at, absl::StrCat("hosts: ", Quote(name), " already has a host_disk (line ",
                                    it->second, ")"));
        continue;
      }
      out.host_disk[name] = config;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Services

void Validator::ValidateServices(const pb::Scenario& file, const Where& where, Scenario& out) {
  const int n = file.service_size();
  if (n > kServicesMax) {
    Error(where.At("service", kServicesMax, n),
          absl::StrCat("too many services (at most ", kServicesMax, ")"));
    return;
  }
  for (int i = 0; i < n; ++i) {
    const pb::Service& s = file.service(i);
    const Where w = where.Nested("service", i, n);
    Service service;
    service.location = w.self();
    bool valid = true;
    if (!s.has_name()) {
      Missing(w.self(), "service", "name");
      valid = false;
    } else if (!IsValidServiceName(s.name())) {
      Error(w.At("name"),
            absl::StrCat("name: ", Quote(s.name()),
                         " is not a valid service name (letters, digits, '_', '-', '.', "
                         "starting with a letter or digit, at most 63 characters)"));
      valid = false;
    } else if (services_.count(s.name()) != 0) {
      Error(w.At("name"), absl::StrCat("name: service ", Quote(s.name()),
                                       " is already declared at line ", services_[s.name()].line));
      valid = false;
    }
    if (s.has_replicas()) {
      const auto r = InRange(s.replicas(), 0, kReplicasMax, w.At("replicas"), "replicas");
      if (r.has_value()) service.replicas = *r;
      valid = valid && r.has_value();
    }
    if (s.has_name() && services_.count(s.name()) == 0) services_[s.name()] = w.At("name");
    if (!valid) continue;
    service.name = s.name();
    out.services.push_back(std::move(service));
  }
}

bool Validator::IsDeclaredService(const std::string& name, SourceLocation at,
                                  absl::string_view field) {
  if (services_.count(name) == 0) {
    Error(at, absl::StrCat(field, ": no service ", Quote(name), " is declared"));
    return false;
  }
  return true;
}

}  // namespace loader_internal

// ---------------------------------------------------------------------------------------------
// Entry points

absl::StatusOr<Scenario> ParseScenario(absl::string_view text, absl::string_view display_path) {
  using google::protobuf::TextFormat;
  const std::string file(display_path);
  loader_internal::pb::Scenario parsed;
  TextFormat::ParseInfoTree tree;
  loader_internal::FirstError syntax_error;
  if (const std::optional<std::string> not_utf8 = loader_internal::NotUtf8Text(text, file)) {
    return absl::InvalidArgumentError(*not_utf8);
  }
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&syntax_error);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &parsed)) {
    if (!syntax_error.has_error()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":1:1: does not parse"));
    }
    SourceLocation at = syntax_error.at();
    std::string message = syntax_error.message();
    loader_internal::ImproveSyntaxError(text, at, message);
    return absl::InvalidArgumentError(absl::StrCat(loader_internal::Loc(file, at), ": ", message));
  }
  loader_internal::Errors errors;
  // Text that is not UTF-8 is reported alone: the checks below would quote it in their messages.
  loader_internal::CheckStringsAreUtf8(
      parsed, loader_internal::Where(&tree, parsed.GetDescriptor(), {1, 1}), "", errors);
  if (!errors.empty()) return errors.ToStatus(file);
  loader_internal::Validator validator(file, &errors);
  Scenario scenario;
  validator.Run(parsed, loader_internal::Where(&tree, parsed.GetDescriptor(), {1, 1}), scenario);
  if (!errors.empty()) return errors.ToStatus(file);
  return scenario;
}

absl::StatusOr<std::string> ReadScenarioFile(const std::string& path) {
  return swarmsim::ReadRegularFile(
      path, swarmsim::FileKind{"a scenario file", "scenarios", kScenarioFileMaxBytes});
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path) {
  absl::StatusOr<std::string> text = ReadScenarioFile(path);
  if (!text.ok()) return text.status();
  return ParseScenario(*text, path);
}

}  // namespace scenarios
