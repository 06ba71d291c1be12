// A minimal reader for JSON Lines whose every line is one flat object with string and integer
// values: exactly what sim/trace writes. Anything else (nesting, floats, true/false/null) is
// reported as malformed rather than guessed at.
#ifndef SWARMSIM_VIZ_JSON_LINES_H_
#define SWARMSIM_VIZ_JSON_LINES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarmsim {
namespace viz {

// One value of a flat object: a string or an integer.
struct JsonValue {
  bool is_string = false;
  std::string str;
  int64_t num = 0;
};

// A flat JSON object; keys are unique and kept in file order.
class JsonObject {
 public:
  using Field = std::pair<std::string, JsonValue>;

  // REQUIRES: no field named `key` yet.
  void Add(std::string key, JsonValue value);
  // The value at `key`, or nullptr.
  const JsonValue* Find(std::string_view key) const;
  bool HasString(std::string_view key) const;
  bool HasInt(std::string_view key) const;
  // The string at `key`, or `fallback` when it is absent or not a string.
  std::string GetString(std::string_view key, std::string_view fallback = "") const;
  // The integer at `key`, or `fallback` when it is absent or not an integer.
  int64_t GetInt(std::string_view key, int64_t fallback = 0) const;

  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

// Parses `text` as one flat object (surrounding whitespace allowed). Returns "" and fills `out`
// on success, or a message naming the column ("column 12: expected ':'") on failure.
std::string ParseJsonObject(std::string_view text, JsonObject* out);

// One parsed line and its 1-based line number in the input.
struct JsonLine {
  int line = 0;
  JsonObject object;
};

// What ReadJsonLines found.
struct JsonLines {
  std::vector<JsonLine> lines;  // every good record, up to the first malformed line
  // The first malformed line (0: none) and what is wrong with it ("column 6: ...").
  int error_line = 0;
  std::string error;
  // A last line that has no newline and does not parse is a record cut by a killed writer
  // (sim/trace ends every record with a newline, so only an interrupted write leaves one
  // unfinished): it is set aside here instead of being an error, and `lines` holds every record
  // before it. 0: the text was not cut.
  int cut_line = 0;
  std::string cut_error;

  bool ok() const { return error_line == 0; }
};

// Reads every line of `text`; blank lines are skipped. Stops at the first malformed line.
JsonLines ReadJsonLines(std::string_view text);

}  // namespace viz
}  // namespace swarmsim

#endif  // SWARMSIM_VIZ_JSON_LINES_H_
