#include "scenarios/explore/verdict.h"

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace scenarios {
namespace explore {
namespace {

// The path of the source file in the last "PATH:LINE: CHECK(" line of `text`.
std::string CheckFile(const std::string& text) {
  std::string file;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const size_t check = line.find(": CHECK(");
    if (check == absl::string_view::npos) continue;
    absl::string_view where = line.substr(0, check);
    const size_t colon = where.rfind(':');
    if (colon == absl::string_view::npos) continue;
    where = where.substr(0, colon);
    // Bazel compiles with paths relative to the workspace, but be tolerant of absolute ones.
    for (const char* root : {"/model/", "/sim/", "/scenarios/"}) {
      const size_t at = where.find(root);
      if (at != absl::string_view::npos) {
        where = where.substr(at + 1);
        break;
      }
    }
    file = std::string(where);
  }
  return file;
}

// Length-prefixed fields: "<len>:<bytes>" one after the other.
void Put(std::string& out, absl::string_view field) { absl::StrAppend(&out, field.size(), ":", field); }

bool Get(absl::string_view& in, std::string& field) {
  const size_t colon = in.find(':');
  if (colon == absl::string_view::npos) return false;
  size_t len = 0;
  if (!absl::SimpleAtoi(in.substr(0, colon), &len) || len > in.size() - colon - 1) return false;
  field = std::string(in.substr(colon + 1, len));
  in.remove_prefix(colon + 1 + len);
  return true;
}

template <typename Int>
bool GetInt(absl::string_view& in, Int& value) {
  std::string field;
  return Get(in, field) && absl::SimpleAtoi(field, &value);
}

void PutList(std::string& out, const std::vector<std::string>& list) {
  Put(out, absl::StrCat(list.size()));
  for (const std::string& s : list) Put(out, s);
}

bool GetList(absl::string_view& in, std::vector<std::string>& list) {
  size_t n = 0;
  if (!GetInt(in, n) || n > in.size()) return false;
  list.resize(n);
  for (std::string& s : list) {
    if (!Get(in, s)) return false;
  }
  return true;
}

}  // namespace

Verdict Judge(const RunResult& result, int64_t heal_ns) {
  Verdict v;
  v.digest = result.digest;
  v.events = result.events;
  for (const InvariantResult& inv : result.invariants) {
    if (inv.passed) continue;
    v.outcome = Outcome::kFail;
    v.signature = absl::StrCat("invariant:", inv.name);
    v.detail = absl::StrCat("invariant ", inv.name, ": ", inv.detail);
    return v;
  }
  if (!result.error.empty()) {
    v.outcome = Outcome::kDiscard;
    v.signature = "discard:a step could not run";
    v.detail = result.error;
    return v;
  }
  for (const TriggerResult& t : result.triggers) {
    // A restart or heal undoes rather than does damage; a pause ends by itself (<= 60 s, well
    // inside the settle time). Anything else firing after the heal was never healed.
    const bool harmless = t.action == "restart" || t.action == "heal" || t.action == "pause";
    if (t.fired_ns < heal_ns || harmless) continue;
    v.outcome = Outcome::kDiscard;
    v.signature = "discard:a triggered step fired after healing";
    v.detail = absl::StrCat("the ", t.action, " triggered by ", t.event,
                            " fired after the healing phase began");
    return v;
  }
  for (const ExpectationResult& e : result.expectations) {
    if (e.passed) continue;
    v.outcome = Outcome::kFail;
    v.signature = absl::StrCat("expect:", e.name);
    v.detail = absl::StrCat("expectation \"", e.name, "\": ", e.detail);
    return v;
  }
  for (const ControlCallResult& c : result.control_calls) {
    if (c.outcome != "pending" || c.may_be_lost) continue;
    v.outcome = Outcome::kFail;
    v.signature = "control:pending";
    v.detail = absl::StrCat("control call \"", c.what, "\" never answered");
    return v;
  }
  return v;
}

Verdict InternalFailure(const std::string& stderr_tail) {
  Verdict v;
  v.outcome = Outcome::kFail;
  const std::string file = CheckFile(stderr_tail);
  v.signature = absl::StrCat("internal:", file.empty() ? "abort" : file);
  std::string tail(absl::StripTrailingAsciiWhitespace(stderr_tail));
  if (tail.empty()) tail = "(nothing on stderr)";
  v.detail = absl::StrCat("internal check failed: ", tail);
  return v;
}

std::string EncodeVerdict(const Verdict& v) {
  std::string out;
  Put(out, absl::StrCat(static_cast<int>(v.outcome)));
  Put(out, v.signature);
  Put(out, v.detail);
  Put(out, absl::StrCat(v.digest));
  Put(out, absl::StrCat(v.events));
  Put(out, absl::StrCat(v.wall_ns));
  Put(out, absl::StrCat(v.generate_ns));
  Put(out, absl::StrCat(v.fault_steps));
  PutList(out, v.fault_kinds);
  PutList(out, v.coverage);
  return out;
}

bool DecodeVerdict(const std::string& bytes, Verdict& v) {
  absl::string_view in(bytes);
  int outcome = 0;
  if (!GetInt(in, outcome) || outcome < 0 || outcome > 2) return false;
  v.outcome = static_cast<Outcome>(outcome);
  return Get(in, v.signature) && Get(in, v.detail) && GetInt(in, v.digest) &&
         GetInt(in, v.events) && GetInt(in, v.wall_ns) && GetInt(in, v.generate_ns) &&
         GetInt(in, v.fault_steps) && GetList(in, v.fault_kinds) && GetList(in, v.coverage) &&
         in.empty();
}

}  // namespace explore
}  // namespace scenarios
