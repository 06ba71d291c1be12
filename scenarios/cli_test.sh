#!/usr/bin/env bash
# The CLI's contract for bad input: every malformed scenario in testdata/bad makes `run` exit 2
# and print exactly the message its .expected sidecar holds; usage errors exit 2 too; --help
# documents every flag.
set -uo pipefail
bin="$TEST_SRCDIR/$TEST_WORKSPACE/$1"
cd "$TEST_SRCDIR/$TEST_WORKSPACE" || exit 1
fail=0
checked=0
for f in scenarios/testdata/bad/*.textproto; do
  expected="${f%.textproto}.expected"
  err="$("$bin" run "$f" 2>&1 >/dev/null)"
  status=$?
  if [ "$status" -ne 2 ]; then
    echo "FAIL $f: exit status $status, want 2"; fail=1
  elif [ "$err" != "$(cat "$expected")" ]; then
    echo "FAIL $f: stderr differs"; echo "  got:  $err"; echo "  want: $(cat "$expected")"; fail=1
  fi
  checked=$((checked + 1))
done
[ "$checked" -ge 20 ] || { echo "FAIL: only $checked bad inputs found"; fail=1; }

expect_usage() {
  "$bin" "$@" >/dev/null 2>&1
  local status=$?
  [ "$status" -eq 2 ] || { echo "FAIL: 'swarmsim $*' exited $status, want 2"; fail=1; }
}
expect_usage
expect_usage run
expect_usage run a.textproto b.textproto
expect_usage run scenarios/testdata/format_example.textproto --no-such-flag
expect_usage run scenarios/testdata/format_example.textproto --seed=abc
expect_usage run does/not/exist.textproto
expect_usage frobnicate
expect_usage check

help="$("$bin" --help)" || { echo "FAIL: --help exited non-zero"; fail=1; }
for flag in --seed --summary --trace --json --check-determinism --junit --update-golden; do
  grep -q -- "$flag" <<<"$help" || { echo "FAIL: --help does not document $flag"; fail=1; }
done
"$bin" validate scenarios/testdata/format_example.textproto >/dev/null || {
  echo "FAIL: the SCENARIO_FORMAT.md example does not validate"; fail=1; }
# run: summary JSON with the contract's keys, a JSON Lines trace, exit 0 when everything held.
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
example=scenarios/testdata/format_example.textproto
"$bin" run "$example" --summary="$tmp/summary.json" --trace="$tmp/trace.jsonl" --quiet >/dev/null
status=$?
[ "$status" -eq 0 ] || { echo "FAIL: the format example exited $status, want 0"; fail=1; }
for key in scenario seed passed sim_time_ns events wall_ns digest expectations invariants leaders \
           name at_ns detail term node; do
  grep -q "\"$key\":" "$tmp/summary.json" || { echo "FAIL: summary JSON has no \"$key\""; fail=1; }
done
head -1 "$tmp/trace.jsonl" | grep -q '"kind":"world.start"' || { echo "FAIL: trace does not start with world.start"; fail=1; }
"$bin" run "$example" --seed=12 --json | grep -q '"seed":12,' || { echo "FAIL: --seed does not override"; fail=1; }
"$bin" run "$example" --check-determinism | grep -q 'determinism.*records identical' || {
  echo "FAIL: --check-determinism did not compare the two traces"; fail=1; }

# check: a pinned digest that differs fails (exit 1); --update-golden rewrites it; then it passes.
mkdir -p "$tmp/lib/sub" "$tmp/lib/testdata"
sed 's/^seed: 7$/seed: 7\ngolden_digest: "0000000000000000"/' "$example" > "$tmp/lib/sub/pinned.textproto"
cp scenarios/testdata/bad/cluster_empty.textproto "$tmp/lib/testdata/"  # skipped by check
"$bin" check "$tmp/lib" --junit="$tmp/junit.xml" >/dev/null 2>&1
status=$?
[ "$status" -eq 1 ] || { echo "FAIL: check with a wrong golden digest exited $status, want 1"; fail=1; }
grep -q '<failure message=".*golden_digest' "$tmp/junit.xml" || { echo "FAIL: JUnit XML does not name the digest"; fail=1; }
"$bin" check "$tmp/lib" --update-golden >/dev/null 2>&1
grep -q 'golden_digest: "0000000000000000"' "$tmp/lib/sub/pinned.textproto" && { echo "FAIL: --update-golden left the digest"; fail=1; }
"$bin" check "$tmp/lib" >/dev/null 2>&1 || { echo "FAIL: check after --update-golden did not pass"; fail=1; }
grep -q '^# The leader manager loses power' "$tmp/lib/sub/pinned.textproto" || { echo "FAIL: --update-golden lost the file's comments"; fail=1; }

[ "$fail" -eq 0 ] && echo "cli_test: $checked bad inputs rejected with their exact messages"
exit "$fail"
