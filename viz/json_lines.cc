#include "viz/json_lines.h"

#include <limits>

namespace swarmsim {
namespace viz {

void JsonObject::Add(std::string key, JsonValue value) {
  fields_.emplace_back(std::move(key), std::move(value));
}

const JsonValue* JsonObject::Find(std::string_view key) const {
  for (const Field& f : fields_) {
    if (f.first == key) return &f.second;
  }
  return nullptr;
}

bool JsonObject::HasString(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v != nullptr && v->is_string;
}

bool JsonObject::HasInt(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v != nullptr && !v->is_string;
}

std::string JsonObject::GetString(std::string_view key, std::string_view fallback) const {
  const JsonValue* v = Find(key);
  return v != nullptr && v->is_string ? v->str : std::string(fallback);
}

int64_t JsonObject::GetInt(std::string_view key, int64_t fallback) const {
  const JsonValue* v = Find(key);
  return v != nullptr && !v->is_string ? v->num : fallback;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::string ParseObject(JsonObject* out) {
    SkipSpace();
    if (!Eat('{')) return Error("expected '{' (each line must be one JSON object)");
    SkipSpace();
    if (Eat('}')) return Finish();
    for (;;) {
      SkipSpace();
      if (Peek() != '"') return Error("expected a quoted key");
      std::string key;
      const size_t key_start = i_;
      std::string err = ParseString(&key);
      if (!err.empty()) return err;
      if (out->Find(key) != nullptr) {
        i_ = key_start;
        return Error("duplicate key \"" + key + "\"");
      }
      SkipSpace();
      if (!Eat(':')) return Error("expected ':' after key \"" + key + "\"");
      SkipSpace();
      JsonValue value;
      err = ParseValue(&value);
      if (!err.empty()) return err;
      out->Add(std::move(key), std::move(value));
      SkipSpace();
      if (Eat(',')) continue;
      if (Eat('}')) return Finish();
      return Error("expected ',' or '}'");
    }
  }

 private:
  std::string Finish() {
    SkipSpace();
    if (i_ != s_.size()) return Error("unexpected text after the object");
    return "";
  }

  std::string ParseValue(JsonValue* v) {
    const char c = Peek();
    if (c == '"') {
      v->is_string = true;
      return ParseString(&v->str);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseInt(&v->num);
    if (c == '{' || c == '[') return Error("nested objects and arrays are not supported");
    if (c == '\0' && i_ >= s_.size()) return Error("expected a value, found end of line");
    return Error("expected a string or an integer value");
  }

  std::string ParseInt(int64_t* out) {
    const size_t start = i_;
    const bool negative = Eat('-');
    if (!IsDigit(Peek())) return Error("expected a digit");
    if (Peek() == '0' && IsDigit(PeekAt(1))) return Error("leading zeros are not allowed");
    // Accumulate as a negative number so that INT64_MIN fits.
    int64_t value = 0;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    while (IsDigit(Peek())) {
      const int d = Peek() - '0';
      if (value < (kMin + d) / 10) {
        i_ = start;
        return Error("integer out of range");
      }
      value = value * 10 - d;
      ++i_;
    }
    const char c = Peek();
    if (c == '.' || c == 'e' || c == 'E') return Error("only integers are supported");
    if (!negative) {
      if (value == kMin) {
        i_ = start;
        return Error("integer out of range");
      }
      value = -value;
    }
    *out = value;
    return "";
  }

  std::string ParseString(std::string* out) {
    ++i_;  // the opening quote
    for (;;) {
      if (i_ >= s_.size()) return Error("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return "";
      if (static_cast<unsigned char>(c) < 0x20) {
        --i_;
        return Error("control character in string");
      }
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return Error("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          std::string err = ParseHex4(&cp);
          if (!err.empty()) return err;
          if (cp >= 0xD800 && cp <= 0xDBFF && PeekAt(0) == '\\' && PeekAt(1) == 'u') {
            i_ += 2;
            uint32_t low = 0;
            err = ParseHex4(&low);
            if (!err.empty()) return err;
            if (low < 0xDC00 || low > 0xDFFF) return Error("invalid surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            return Error("unpaired surrogate");
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --i_;
          return Error(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  std::string ParseHex4(uint32_t* out) {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = Peek();
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return Error("expected 4 hex digits after \\u");
      }
      v = v * 16 + static_cast<uint32_t>(d);
      ++i_;
    }
    *out = v;
    return "";
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  char Peek() const { return PeekAt(0); }
  char PeekAt(size_t k) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  bool Eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  std::string Error(const std::string& what) const {
    return "column " + std::to_string(i_ + 1) + ": " + what;
  }

  std::string_view s_;
  size_t i_ = 0;
};

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

std::string ParseJsonObject(std::string_view text, JsonObject* out) {
  return Parser(text).ParseObject(out);
}

JsonLines ReadJsonLines(std::string_view text) {
  JsonLines out;
  int line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t newline = text.find('\n', pos);
    const bool last_unterminated = newline == std::string_view::npos;
    const std::string_view row =
        text.substr(pos, last_unterminated ? std::string_view::npos : newline - pos);
    pos = last_unterminated ? text.size() : newline + 1;
    ++line;
    if (IsBlank(row)) continue;
    JsonLine parsed;
    parsed.line = line;
    std::string err = ParseJsonObject(row, &parsed.object);
    if (!err.empty() && last_unterminated) {
      out.cut_line = line;
      out.cut_error = std::move(err);
      break;
    }
    if (!err.empty()) {
      out.error_line = line;
      out.error = std::move(err);
      break;
    }
    out.lines.push_back(std::move(parsed));
  }
  return out;
}

}  // namespace viz
}  // namespace swarmsim
