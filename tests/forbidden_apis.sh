#!/usr/bin/env bash
# Lists uses of APIs that would make a run depend on something other than its seed: wall clocks,
# entropy, threads. Usage: forbidden_apis.sh DIR...   Exit 1 and one line per hit when any is found.
# Comments are not exempt on purpose: a mention is cheap to reword, a miss is expensive.
set -u
pattern='std::random_device|absl::BitGen|absl::InsecureBitGen|(^|[^_a-zA-Z0-9.>:])s?rand\(|system_clock|steady_clock|high_resolution_clock|absl::Now\(|absl::GetCurrentTimeNanos|gettimeofday|clock_gettime|std::thread|std::jthread|std::async|pthread_create|time\(nullptr\)|time\(NULL\)|time\(0\)|getpid\(|std::unordered_map<[^>]*\*|std::hash<'
hits=$(grep -rnE "$pattern" --include='*.h' --include='*.cc' "$@" 2>/dev/null)
if [ -n "$hits" ]; then
  echo "forbidden API in deterministic code (sim/, model/):"
  echo "$hits"
  exit 1
fi
exit 0
