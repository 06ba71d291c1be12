#!/usr/bin/env bash
# viz_timeline --shiviz writes a log ShiViz can read (checked by check_shiviz.py with the file's own
# header regex: every event matched, vector clocks by ShiViz's rules), for a real run's excerpt.
set -uo pipefail
bin="$TEST_SRCDIR/$TEST_WORKSPACE/$1"
check="$TEST_SRCDIR/$TEST_WORKSPACE/$2"
cd "$TEST_SRCDIR/$TEST_WORKSPACE" || exit 1
out="${TEST_TMPDIR:-/tmp}"
fail=0

"$bin" --shiviz viz/testdata/leader_power_off_excerpt.jsonl "$out/lpo.log" >/dev/null ||
  { echo "FAIL: --shiviz"; fail=1; }
python3 "$check" "$out/lpo.log" --min-events=300 --min-merged=90 || fail=1
grep -q '^receive session m3.1.1/w4/1: agent.registered <- m3$' <(sed 's/^[0-9.]*s //' "$out/lpo.log") ||
  { echo "FAIL: no receive event for w4's registration"; fail=1; }

# The checker fails on what it must catch.
printf '%s\n\n0.1s a\nm1 {"m1":2}\n' '(?<time>\d+\.\d+)s (?<event>.*)\n(?<host>\S+) (?<clock>\{.*\})' >"$out/bad1.log"
printf '%s\n\n0.1s a\nm1 {"m1":1, "w1":1}\n' '(?<time>\d+\.\d+)s (?<event>.*)\n(?<host>\S+) (?<clock>\{.*\})' >"$out/bad2.log"
printf '%s\n\n0.1s a\nm1 {m1:1}\n' '(?<time>\d+\.\d+)s (?<event>.*)\n(?<host>\S+) (?<clock>\{.*\})' >"$out/bad3.log"
for bad in bad1 bad2 bad3; do
  if python3 "$check" "$out/$bad.log" >/dev/null 2>&1; then
    echo "FAIL: the checker accepted $bad.log"
    fail=1
  fi
done
exit $fail
