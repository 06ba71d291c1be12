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
[ "$fail" -eq 0 ] && echo "cli_test: $checked bad inputs rejected with their exact messages"
exit "$fail"
