#include "scenarios/duration.h"

#include <cstdint>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/check.h"
#include "util/quoted.h"

namespace scenarios {
namespace {

constexpr int64_t kNanosPerMicro = 1000;
constexpr int64_t kNanosPerMilli = 1000 * kNanosPerMicro;
constexpr int64_t kNanosPerSecond = 1000 * kNanosPerMilli;
constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;

// A fraction with more significant digits than this cannot be a whole number of nanoseconds
// for any unit (an hour is 2^13 * 5^11 * 9 ns), so it is rejected before any arithmetic.
constexpr int kFractionDigitsMax = 18;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status BadDuration(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("bad duration ", util::Quoted(text), ": ", why));
}

absl::Status BadRatio(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("bad ratio ", util::Quoted(text), ": ", why));
}

// Nanoseconds per unit, or 0 for an unknown unit. "µ" is accepted in both of its Unicode
// spellings (micro sign U+00B5, Greek mu U+03BC), as Go does.
int64_t UnitNanos(absl::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") return kNanosPerMicro;
  if (unit == "ms") return kNanosPerMilli;
  if (unit == "s") return kNanosPerSecond;
  if (unit == "m") return kNanosPerMinute;
  if (unit == "h") return kNanosPerHour;
  return 0;
}

absl::string_view ConsumeDigits(absl::string_view& rest) {
  size_t n = 0;
  while (n < rest.size() && IsDigit(rest[n])) ++n;
  absl::string_view digits = rest.substr(0, n);
  rest.remove_prefix(n);
  return digits;
}

// Digits as an exact integer, or false when the value exceeds `max`.
bool DigitsValue(absl::string_view digits, absl::uint128 max, absl::uint128& value) {
  value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > max) return false;
  }
  return true;
}

// Removes trailing zeros of a fraction: they add no precision.
absl::string_view TrimTrailingZeros(absl::string_view digits) {
  while (!digits.empty() && digits.back() == '0') digits.remove_suffix(1);
  return digits;
}

absl::uint128 Pow10(int n) {
  absl::uint128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Appends "<whole>[.<fraction>]<unit>" with the fraction's trailing zeros removed.
// `fraction` has exactly `width` digits of precision.
void AppendDecimal(std::string& out, uint64_t whole, uint64_t fraction, int width,
                   absl::string_view unit) {
  absl::StrAppend(&out, whole);
  if (fraction != 0) {
    std::string digits = absl::StrFormat("%0*d", width, fraction);
    absl::StrAppend(&out, ".", TrimTrailingZeros(digits));
  }
  absl::StrAppend(&out, unit);
}

}  // namespace

absl::StatusOr<int64_t> ParseDurationNanos(absl::string_view text) {
  if (text.empty()) return BadDuration(text, "empty");
  absl::string_view rest = text;
  bool negative = false;
  if (rest[0] == '-' || rest[0] == '+') {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return 0;
  if (rest.empty()) return BadDuration(text, "expected a number");
  // The magnitude may reach 2^63 only when negative (int64's minimum).
  const absl::uint128 limit =
      negative ? absl::uint128(uint64_t{1} << 63) : absl::uint128(INT64_MAX);
  absl::uint128 total = 0;
  while (!rest.empty()) {
    const absl::string_view term_start = rest;
    const absl::string_view whole_digits = ConsumeDigits(rest);
    absl::string_view fraction_digits;
    bool has_dot = false;
    if (!rest.empty() && rest[0] == '.') {
      has_dot = true;
      rest.remove_prefix(1);
      fraction_digits = ConsumeDigits(rest);
    }
    if (whole_digits.empty() && fraction_digits.empty()) {
      return BadDuration(text, has_dot ? "expected digits around \".\"" : "expected a number");
    }
    const absl::string_view number = term_start.substr(0, term_start.size() - rest.size());
    size_t unit_size = 0;
    while (unit_size < rest.size() && !IsDigit(rest[unit_size]) && rest[unit_size] != '.') {
      ++unit_size;
    }
    const absl::string_view unit = rest.substr(0, unit_size);
    rest.remove_prefix(unit_size);
    if (unit.empty()) {
      return BadDuration(
          text, absl::StrCat("missing unit after \"", number, "\" (use h, m, s, ms, us or ns)"));
    }
    const int64_t unit_ns = UnitNanos(unit);
    if (unit_ns == 0) {
      return BadDuration(text,
                         absl::StrCat("unknown unit ", util::Quoted(unit), " (use h, m, s, ms, us or ns)"));
    }
    absl::uint128 whole = 0;
    if (!DigitsValue(whole_digits, limit, whole) ||
        whole * static_cast<uint64_t>(unit_ns) > limit) {
      return BadDuration(text, "out of range");
    }
    const absl::string_view fraction = TrimTrailingZeros(fraction_digits);
    absl::uint128 fraction_ns = 0;
    if (!fraction.empty()) {
      absl::uint128 numerator = 0;
      const int scale_digits = static_cast<int>(fraction.size());
      if (scale_digits > kFractionDigitsMax ||
          !DigitsValue(fraction, Pow10(kFractionDigitsMax), numerator)) {
        return BadDuration(text, "finer than 1ns");
      }
      const absl::uint128 scaled = numerator * static_cast<uint64_t>(unit_ns);
      const absl::uint128 scale = Pow10(scale_digits);
      if (scaled % scale != 0) return BadDuration(text, "finer than 1ns");
      fraction_ns = scaled / scale;
    }
    total += whole * static_cast<uint64_t>(unit_ns) + fraction_ns;
    if (total > limit) return BadDuration(text, "out of range");
  }
  if (negative) {
    // Two's complement negation of the magnitude; exact for 2^63 too.
    return static_cast<int64_t>(~absl::Uint128Low64(total) + 1);
  }
  return static_cast<int64_t>(absl::Uint128Low64(total));
}

absl::StatusOr<absl::Duration> ParseDurationExact(absl::string_view text) {
  absl::StatusOr<int64_t> ns = ParseDurationNanos(text);
  if (!ns.ok()) return ns.status();
  return absl::Nanoseconds(*ns);
}

std::string FormatDurationNanos(int64_t ns) {
  if (ns == 0) return "0s";
  std::string out = ns < 0 ? "-" : "";
  // The magnitude as unsigned: exact for INT64_MIN as well.
  const uint64_t abs = ns < 0 ? ~static_cast<uint64_t>(ns) + 1 : static_cast<uint64_t>(ns);
  const uint64_t second = kNanosPerSecond;
  if (abs < static_cast<uint64_t>(kNanosPerMicro)) {
    AppendDecimal(out, abs, 0, 0, "ns");
  } else if (abs < static_cast<uint64_t>(kNanosPerMilli)) {
    AppendDecimal(out, abs / kNanosPerMicro, abs % kNanosPerMicro, 3, "us");
  } else if (abs < second) {
    AppendDecimal(out, abs / kNanosPerMilli, abs % kNanosPerMilli, 6, "ms");
  } else {
    const uint64_t hours = abs / kNanosPerHour;
    const uint64_t minutes = abs % kNanosPerHour / kNanosPerMinute;
    const uint64_t sub_minute = abs % kNanosPerMinute;
    if (hours != 0) absl::StrAppend(&out, hours, "h");
    if (minutes != 0) absl::StrAppend(&out, minutes, "m");
    if (sub_minute != 0) AppendDecimal(out, sub_minute / second, sub_minute % second, 9, "s");
  }
  return out;
}

std::string FormatDurationExact(absl::Duration d) {
  return FormatDurationNanos(absl::ToInt64Nanoseconds(d));
}

absl::StatusOr<uint32_t> ParseRatioPpm(absl::string_view text) {
  if (text.empty()) return BadRatio(text, "empty");
  if (text[0] == '-') return BadRatio(text, "negative");
  if (text.back() != '%') {
    return BadRatio(text, "missing \"%\" (write a percentage, e.g. \"0.5%\")");
  }
  absl::string_view rest = text.substr(0, text.size() - 1);
  const absl::string_view whole_digits = ConsumeDigits(rest);
  absl::string_view fraction_digits;
  bool well_formed = !whole_digits.empty();
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    fraction_digits = ConsumeDigits(rest);
    well_formed = well_formed && !fraction_digits.empty();
  }
  if (!well_formed || !rest.empty()) {
    return BadRatio(text, "expected a number before \"%\", e.g. \"0.5%\"");
  }
  // Per-cent to parts per million: four decimal places are exact, more are not.
  const absl::string_view fraction = TrimTrailingZeros(fraction_digits);
  if (fraction.size() > 4) return BadRatio(text, "finer than 1 ppm (0.0001%)");
  absl::uint128 whole = 0;
  if (!DigitsValue(whole_digits, 100, whole)) return BadRatio(text, "more than 100%");
  absl::uint128 fraction_value = 0;
  SIM_CHECK(DigitsValue(fraction, 10000, fraction_value));
  const absl::uint128 ppm =
      whole * 10000 + fraction_value * Pow10(4 - static_cast<int>(fraction.size()));
  if (ppm > kPpmPerWhole) return BadRatio(text, "more than 100%");
  return static_cast<uint32_t>(absl::Uint128Low64(ppm));
}

std::string FormatRatioPpm(uint32_t ppm) {
  SIM_CHECK_LE(ppm, kPpmPerWhole);
  std::string out;
  AppendDecimal(out, ppm / 10000, ppm % 10000, 4, "%");
  return out;
}

}  // namespace scenarios
