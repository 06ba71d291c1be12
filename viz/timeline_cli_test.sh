#!/usr/bin/env bash
# viz_timeline's contract: renders a trace to one HTML file (exit 0); bad input exits 2 with
# FILE:LINE: message; a path that is no regular file (FIFO, device, directory) or too large is
# refused at once, naming the path; a trace whose last record is cut is drawn up to its last
# complete record with a warning; relative paths follow BUILD_WORKING_DIRECTORY (`bazel run`);
# usage errors exit 2; --help exits 0.
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
expect_error viz/testdata/no_such_file.jsonl "viz/testdata/no_such_file.jsonl: no such file"
expect_error viz/testdata "viz/testdata: is a directory, not a trace file"
expect_error /dev/zero \
  "/dev/zero: is not a regular file (a FIFO, a device or a socket); traces are read from regular files only"
# A FIFO used to hang the reader forever (an ifstream blocks in open until a writer comes).
fifo="${TEST_TMPDIR:-/tmp}/trace.fifo"
rm -f "$fifo" && mkfifo "$fifo"
expect_error "$fifo" \
  "$fifo: is not a regular file (a FIFO, a device or a socket); traces are read from regular files only"
err="$("$bin" --max-bytes=100 viz/testdata/small.jsonl "$out" 2>&1 >/dev/null)"
[ "$err" = "viz/testdata/small.jsonl: is larger than the 100 bytes a trace file may be" ] ||
  { echo "FAIL --max-bytes: got '$err'"; fail=1; }

# A killed run's trace: the last record cut mid-way, no newline after it.
cut="${TEST_TMPDIR:-/tmp}/cut.jsonl"
head -c "$(($(wc -c <viz/testdata/small.jsonl) - 25))" viz/testdata/small.jsonl >"$cut"
lines="$(wc -l <"$cut")"
err="$("$bin" "$cut" "$out" 2>&1 >/dev/null)"
status=$?
[ "$status" -eq 0 ] || { echo "FAIL cut trace: exit $status ($err)"; fail=1; }
want="warning: $cut:$((lines + 1)): the last record is cut short ("
case "$err" in
  "$want"*"shown up to line $lines, the last complete record") ;;
  *) echo "FAIL cut trace: stderr '$err'"; fail=1 ;;
esac
grep -q '<p class="warning">.*the last record is cut short' "$out" ||
  { echo "FAIL cut trace: no note on the page"; fail=1; }
"$bin" --perfetto "$cut" "$out.json" >/dev/null 2>&1 || { echo "FAIL cut trace --perfetto"; fail=1; }
grep -q '"warning":".*the last record is cut short' "$out.json" ||
  { echo "FAIL cut trace: no warning in the Perfetto JSON"; fail=1; }

# `bazel run //viz:timeline -- trace.jsonl out.html` from any directory: Bazel starts the binary
# elsewhere and says where the user was in BUILD_WORKING_DIRECTORY.
wd="${TEST_TMPDIR:-/tmp}/wd"
mkdir -p "$wd/sub" && cp viz/testdata/small.jsonl "$wd/sub/t.jsonl"
(cd / && BUILD_WORKING_DIRECTORY="$wd" "$bin" sub/t.jsonl sub/t.html >/dev/null) ||
  { echo "FAIL: relative paths under BUILD_WORKING_DIRECTORY"; fail=1; }
[ -s "$wd/sub/t.html" ] || { echo "FAIL: $wd/sub/t.html not written"; fail=1; }
err="$(cd / && BUILD_WORKING_DIRECTORY="$wd" "$bin" sub/none.jsonl x.html 2>&1 >/dev/null)"
[ "$err" = "sub/none.jsonl: no such file" ] || { echo "FAIL: message names '$err'"; fail=1; }

for args in "" "only_one.jsonl" "a b c" "--bogus a b" "--max-lanes=0 a b" "--max-bytes=x a b" \
  "--perfetto --shiviz viz/testdata/small.jsonl x"; do
  # shellcheck disable=SC2086
  "$bin" $args >/dev/null 2>&1
  status=$?
  [ "$status" -eq 2 ] || { echo "FAIL: 'viz_timeline $args' exited $status, want 2"; fail=1; }
done
"$bin" --help | grep -q 'usage: viz_timeline' || { echo "FAIL: --help"; fail=1; }
exit $fail
