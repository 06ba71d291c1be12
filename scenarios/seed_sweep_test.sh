#!/usr/bin/env bash
# Runs the whole scenario library's expectations and invariants on many seeds, not only each
# file's pinned one: a library scenario must hold whatever the seed (which manager wins an
# election is the seed's choice, so scenarios name managers by role and label). Golden digests
# belong to the pinned seed and are not compared here.
#   usage: seed_sweep_test.sh BIN KNOWN FIRST_SEED LAST_SEED TOPIC...
# Seeds are split over Bazel's test shards. KNOWN lists "FILE SEED  # why" pairs that fail today
# for a reason someone is fixing: they must still fail (a listed pair that passes is reported,
# so the list only shrinks); any other failure fails the test with the command that replays it.
set -uo pipefail
bin="$TEST_SRCDIR/$TEST_WORKSPACE/$1"
known_file="$TEST_SRCDIR/$TEST_WORKSPACE/$2"
first="$3"
last="$4"
shift 4
cd "$TEST_SRCDIR/$TEST_WORKSPACE/scenarios" || exit 1
[ -n "${TEST_SHARD_STATUS_FILE:-}" ] && touch "$TEST_SHARD_STATUS_FILE"
shards="${TEST_TOTAL_SHARDS:-1}"
shard="${TEST_SHARD_INDEX:-0}"
declare -A known=()
while read -r file seed _; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  known["$file $seed"]=1
done < "$known_file"
fail=0
runs=0
for ((seed = first; seed <= last; seed++)); do
  (( seed % shards == shard )) || continue
  out="$("$bin" check --seed="$seed" "$@" 2>/dev/null)"
  status=$?
  if [ "$status" -eq 2 ]; then echo "FAIL: check --seed=$seed: bad input or usage"; fail=1; continue; fi
  while read -r file result _; do
    [[ "$file" == *.textproto ]] || continue
    runs=$((runs + 1))
    key="$file $seed"
    if [ "$result" = FAIL ] && [ -z "${known[$key]:-}" ]; then
      echo "FAIL: $file with seed $seed; replay: swarmsim run scenarios/$file --seed=$seed"
      grep -F "$file" <<<"$out" | sed 's/^/    /'
      fail=1
    elif [ "$result" = PASS ] && [ -n "${known[$key]:-}" ]; then
      echo "FIXED: $file with seed $seed now passes: remove it from $2"
      fail=1
    fi
  done <<<"$out"
done
[ "$fail" -eq 0 ] && echo "seed_sweep_test: $runs runs (seeds $first..$last, shard $shard of $shards) as expected"
exit "$fail"
