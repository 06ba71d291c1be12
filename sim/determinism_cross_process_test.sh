#!/usr/bin/env bash
# Same seed => same digest across two processes (absl's hash tables are seeded per process, so
# any iteration over one that reached the trace would show here).
set -euo pipefail
bin="$1"
for seed in 7 8; do
  first="$("$bin" "$seed")"
  second="$("$bin" "$seed")"
  echo "run 1: $first"
  echo "run 2: $second"
  if [ "$first" != "$second" ]; then
    echo "nondeterministic across processes for seed $seed"
    exit 1
  fi
done
