#!/usr/bin/env bash
# The CLI's contract for bad input: every malformed scenario in testdata/bad makes `run` exit 2
# and print exactly the message its .expected sidecar holds; usage errors exit 2 too; help
# (general and per command) documents every flag and names only docs that exist.
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
for word in run check validate version docs/scenario-format.md; do
  grep -q -- "$word" <<<"$help" || { echo "FAIL: --help does not mention $word"; fail=1; }
done
# Per-command help, however it is asked for, documents that command's flags.
for ask in "run --help" "run -h" "help run" "run x.textproto --no-such-flag --help"; do
  # shellcheck disable=SC2086
  out="$("$bin" $ask)" || { echo "FAIL: 'swarmsim $ask' exited non-zero"; fail=1; }
  for flag in --seed --summary --trace --json --check-determinism --quiet; do
    grep -q -- "$flag" <<<"$out" || { echo "FAIL: 'swarmsim $ask' does not document $flag"; fail=1; }
  done
  grep -q -- "--junit" <<<"$out" && { echo "FAIL: 'swarmsim $ask' shows check's flags"; fail=1; }
done
out="$("$bin" check --help)"
for flag in --junit --update-golden --check-determinism --seed; do
  grep -q -- "$flag" <<<"$out" || { echo "FAIL: check --help does not document $flag"; fail=1; }
done
"$bin" validate -h | grep -q "usage: swarmsim validate" || { echo "FAIL: validate -h"; fail=1; }
"$bin" version | grep -Eq '^swarmsim [0-9]+\.[0-9]+\.[0-9]+ \((opt|fastbuild|asan|tsan)[^)]*build\)$' || {
  echo "FAIL: version does not print 'swarmsim X.Y.Z (MODE build)'"; fail=1; }
# Help files named by the CLI exist in the source tree.
for doc in $(grep -o 'docs/[a-z-]*\.md' <<<"$help" | sort -u); do
  [ -f "$doc" ] || { echo "FAIL: help names $doc, which is not there"; fail=1; }
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

# A golden digest belongs to its file's seed: with another seed it is not compared (the run
# passes on its expectations and says so); --update-golden refuses to pin another seed's digest.
"$bin" check "$tmp/lib" --seed=8 >/dev/null 2>&1 || { echo "FAIL: check --seed=8 failed on the golden digest"; fail=1; }
"$bin" run "$tmp/lib/sub/pinned.textproto" --seed=8 | grep -q 'golden digest not compared: it is pinned for seed 7, this run used seed 8' || {
  echo "FAIL: run --seed=8 does not say the golden digest was not compared"; fail=1; }
"$bin" run "$tmp/lib/sub/pinned.textproto" --seed=7 | grep -q '(matches golden)' || {
  echo "FAIL: run --seed=7 (the pinned seed) does not compare the golden digest"; fail=1; }
expect_usage check "$tmp/lib" --update-golden --seed=8
# Progress lines go to a terminal only: a piped or redirected stderr stays clean.
err="$("$bin" run "$example" --quiet 2>&1 >/dev/null)"
[ -z "$err" ] || { echo "FAIL: run printed on a non-terminal stderr: $err"; fail=1; }

[ "$fail" -eq 0 ] && echo "cli_test: $checked bad inputs rejected with their exact messages"
exit "$fail"
