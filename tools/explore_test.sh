#!/usr/bin/env bash
# One shard of a sharded exploration (tools/swarmsim.bzl, swarmsim_explore_test): runs
# `swarmsim explore BASE --jobs=1 FLAGS...`. explore itself reads TEST_TOTAL_SHARDS and
# TEST_SHARD_INDEX (this shard explores the runs r with r % total == index), touches
# TEST_SHARD_STATUS_FILE and writes a counterexample into TEST_UNDECLARED_OUTPUTS_DIR.
# --jobs=1: Bazel already runs the shards side by side, one process each.
# Under --runs_per_test=N Bazel numbers the runs 1..N in TEST_RANDOM_SEED; run k explores with
# seed SEED + k - 1, so that N runs explore N different slices of the seed space (without the flag,
# seed SEED: the same runs and the same counterexample every time).
# Usage (from Bazel): explore_test.sh SWARMSIM BASE SEED FLAGS...
set -uo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 SWARMSIM BASE SEED [FLAGS...]" >&2
  exit 2
fi
bin="$1"
base="$2"
seed="$3"
shift 3
run="${TEST_RANDOM_SEED:-1}"
case "$run" in ''|*[!0-9]*) run=1 ;; esac
[ "$run" -ge 1 ] || run=1
seed=$((seed + run - 1))
echo "explore $base: seed $seed (run $run), shard $((${TEST_SHARD_INDEX:-0} + 1)) of ${TEST_TOTAL_SHARDS:-1}"
"$bin" explore "$base" --jobs=1 --seed="$seed" "$@"
status=$?
shard="shard $((${TEST_SHARD_INDEX:-0} + 1)) of ${TEST_TOTAL_SHARDS:-1}"
case "$status" in
  0) ;;
  1) echo "COUNTEREXAMPLE in $shard of the exploration of $base (seed $seed): the scenario" \
       "file is in this shard's test.outputs/outputs.zip" \
       "(bazel-testlogs/<package>/<test>/shard_*_of_*/test.outputs/); replay it with" \
       "swarmsim run FILE" >&2 ;;
  *) echo "explore of $base failed in $shard: bad input or crash (exit $status)" >&2 ;;
esac
exit "$status"
