#!/usr/bin/env bash
# A short coverage-guided fuzz run for CI: FUZZER (a clang_fuzz_binary) runs RUNS executions
# from libFuzzer seed 1, starting from the SEED files, and the test fails on any crash, ASan
# report, broken contract (the target aborts), input slower than 10 s or allocation over 1 GiB.
# A fixed number of executions, not a time budget, so that a slow machine runs the same test.
# The crashing input is saved in the test's outputs (bazel-testlogs/tests/fuzz/<test>/
# test.outputs/outputs.zip): add it to corpus/<target>/ with the fix.
# Usage: fuzz_smoke_test.sh FUZZER RUNS DICT MAX_LEN SEED...
#   DICT: a libFuzzer dictionary (tokens of the input format); MAX_LEN: the largest input tried.
set -euo pipefail
fuzzer="$1"
runs="$2"
dict="$3"
max_len="$4"
shift 4
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
out="${TEST_UNDECLARED_OUTPUTS_DIR:-$tmp}"
# libFuzzer reads a corpus from directories; the seeds are files scattered over the runfiles.
corpus="$tmp/corpus"
mkdir -p "$corpus"
for seed in "$@"; do
  cp "$seed" "$corpus/$(echo "$seed" | tr / _)"
done
echo "fuzzing $fuzzer: $runs executions from $# seeds"
exec "$fuzzer" -seed=1 -runs="$runs" -dict="$dict" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$out/" "$corpus"
