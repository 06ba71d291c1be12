// Durations and ratios as scenario files write them, parsed and formatted exactly.
//
// Durations use Go's time.ParseDuration syntax ("250ms", "5s", "2m30s", "1.5s", "-3s", "0"),
// ratios are percentages ("0.5%"). Both are parsed with integer arithmetic only: no floating
// point ever touches simulated time or a probability (style-by-example.md §5.11), so a value
// means the same thing on every machine. Anything that cannot be represented exactly (a
// duration finer than 1 ns, a ratio finer than 1 ppm) is rejected rather than rounded.
//
// These functions know nothing about where a value came from: error messages describe the
// value only ("bad duration \"5x\": ..."), and the loader adds FILE:LINE:COL and the field name.
#ifndef SWARMSIM_SCENARIOS_DURATION_H_
#define SWARMSIM_SCENARIOS_DURATION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace scenarios {

// One whole, in parts per million: "100%".
inline constexpr uint32_t kPpmPerWhole = 1000000;

// Parses a Go-style duration: an optional sign, then one or more <number><unit> terms, or "0".
// A number is digits with an optional fraction ("1.5", ".5", "1."); units are h, m, s, ms, us,
// µs (U+00B5 or U+03BC) and ns. The result must be a whole number of nanoseconds within int64.
// Errors are InvalidArgument: `bad duration "TEXT": why`.
absl::StatusOr<int64_t> ParseDurationNanos(absl::string_view text);

// The same, as an absl::Duration built from integer nanoseconds.
absl::StatusOr<absl::Duration> ParseDurationExact(absl::string_view text);

// Formats nanoseconds the way absl::FormatDuration does, but exactly and with "0s" for zero:
// "0s", "750ns", "1.5us", "250ms", "4m", "1m30.5s", "1h0.000000001s", "-2s". Components that are
// zero are left out. ParseDurationNanos(FormatDurationNanos(ns)) == ns for every int64 ns.
std::string FormatDurationNanos(int64_t ns);

// FormatDurationNanos of d truncated to whole nanoseconds (absl keeps quarter nanoseconds).
std::string FormatDurationExact(absl::Duration d);

// Parses a percentage into parts per million: "0.5%" -> 5000, "100%" -> 1000000, "0%" -> 0.
// Syntax: digits, an optional '.' and digits, then '%'. Rejects a missing '%', negative values,
// more than 100% and precision finer than 1 ppm ("0.00001%"); trailing zeros are fine.
// Errors are InvalidArgument: `bad ratio "TEXT": why`.
absl::StatusOr<uint32_t> ParseRatioPpm(absl::string_view text);

// "0%", "0.5%", "12.3456%", "100%": the shortest exact form. REQUIRES: ppm <= kPpmPerWhole.
// ParseRatioPpm(FormatRatioPpm(ppm)) == ppm.
std::string FormatRatioPpm(uint32_t ppm);

}  // namespace scenarios

#endif  // SWARMSIM_SCENARIOS_DURATION_H_
