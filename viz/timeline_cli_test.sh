#!/usr/bin/env bash
# viz_timeline's contract: renders a trace to one HTML file (exit 0); bad input exits 2 with
# FILE:LINE: message; usage errors exit 2; --help exits 0.
set -uo pipefail
bin="$TEST_SRCDIR/$TEST_WORKSPACE/$1"
cd "$TEST_SRCDIR/$TEST_WORKSPACE" || exit 1
out="${TEST_TMPDIR:-/tmp}/small.html"
fail=0

"$bin" viz/testdata/small.jsonl "$out" >/dev/null || { echo "FAIL: render exited $?"; fail=1; }
grep -q 'class="raft-leader"' "$out" || { echo "FAIL: no leader band in $out"; fail=1; }

expect_error() {  # FILE WANT-STDERR
  local err status
  err="$("$bin" "$1" "$out" 2>&1 >/dev/null)"
  status=$?
  [ "$status" -eq 2 ] || { echo "FAIL $1: exit $status, want 2"; fail=1; }
  [ "$err" = "$2" ] || { echo "FAIL $1: got '$err', want '$2'"; fail=1; }
}
expect_error viz/testdata/bad_json.jsonl "viz/testdata/bad_json.jsonl:2: column 63: expected ',' or '}'"
expect_error viz/testdata/missing_field.jsonl \
  'viz/testdata/missing_field.jsonl:2: missing integer field "t_ns"'
expect_error viz/testdata/no_such_file.jsonl "viz/testdata/no_such_file.jsonl: cannot open"

for args in "" "only_one.jsonl" "a b c" "--bogus a b" "--max-lanes=0 a b"; do
  # shellcheck disable=SC2086
  "$bin" $args >/dev/null 2>&1
  status=$?
  [ "$status" -eq 2 ] || { echo "FAIL: 'viz_timeline $args' exited $status, want 2"; fail=1; }
done
"$bin" --help | grep -q 'usage: viz_timeline' || { echo "FAIL: --help"; fail=1; }
exit $fail
