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
  for flag in --seed --summary --trace --perfetto --json --check-determinism --quiet; do
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

# Only regular files of at most 4 MiB are read, and a bad path is named for what it is, exit 2,
# quickly: a FIFO is never opened (it would block), /dev/zero never read (it never ends).
expect_file_error() {  # PATH WANT-STDERR
  local err status
  err="$(timeout 20 "$bin" run "$1" 2>&1 >/dev/null)"
  status=$?
  [ "$status" -eq 2 ] || { echo "FAIL: run $1 exited $status, want 2"; fail=1; }
  [ "$err" = "$2" ] || { echo "FAIL: run $1 said: $err"; echo "  want: $2"; fail=1; }
}
mkfifo "$tmp/fifo.textproto"
expect_file_error "$tmp/fifo.textproto" \
  "$tmp/fifo.textproto: is not a regular file (a FIFO, a device or a socket); scenarios are read from regular files only"
expect_file_error /dev/zero \
  "/dev/zero: is not a regular file (a FIFO, a device or a socket); scenarios are read from regular files only"
expect_file_error scenarios/testdata "scenarios/testdata: is a directory, not a scenario file"
expect_file_error "$tmp/missing.textproto" "$tmp/missing.textproto: no such file"
truncate -s 5M "$tmp/big.textproto"
expect_file_error "$tmp/big.textproto" \
  "$tmp/big.textproto: is larger than the 4 MiB (4194304 bytes) a scenario file may be"
if [ "$(id -u)" -ne 0 ]; then  # root reads anything
  cp "$example" "$tmp/unreadable.textproto" && chmod 000 "$tmp/unreadable.textproto"
  expect_file_error "$tmp/unreadable.textproto" "$tmp/unreadable.textproto: permission denied"
fi
# check and validate say the same of a path given explicitly (check used to say "no such file").
err="$(timeout 20 "$bin" check "$tmp/fifo.textproto" 2>&1 >/dev/null)"
[ $? -eq 2 ] && grep -q "fifo.textproto: is not a regular file" <<<"$err" || {
  echo "FAIL: check on a FIFO: $err"; fail=1; }
err="$(timeout 20 "$bin" validate /dev/zero 2>&1 >/dev/null)"
[ $? -eq 2 ] && grep -q "^/dev/zero: is not a regular file" <<<"$err" || {
  echo "FAIL: validate /dev/zero: $err"; fail=1; }
grep -q -- "4 MiB" <<<"$help" || { echo "FAIL: --help does not state the 4 MiB limit"; fail=1; }

# --perfetto: the run's trace as Chrome trace-event JSON, valid (viz/check_trace_events.py), and
# the same as viz_timeline --perfetto makes of the --trace file (one reader; only the source
# name in otherData differs).
"$bin" run "$example" --trace="$tmp/p.jsonl" --perfetto="$tmp/run.json" --quiet >/dev/null ||
  { echo "FAIL: run --perfetto"; fail=1; }
python3 viz/check_trace_events.py "$tmp/run.json" --process=cluster || fail=1
viz/timeline --perfetto "$tmp/p.jsonl" "$tmp/viz.json" >/dev/null || { echo "FAIL: viz/timeline"; fail=1; }
cmp -s <(tail -n +2 "$tmp/run.json") <(tail -n +2 "$tmp/viz.json") ||
  { echo "FAIL: run --perfetto and viz_timeline --perfetto disagree"; fail=1; }
expect_usage run "$example" --perfetto=- --trace=-

# `-` is standard output: --trace=- writes JSON Lines there (and no file named `-`), the report
# goes to stderr; two outputs cannot both have stdout.
( cd "$tmp" && "$bin" run "$TEST_SRCDIR/$TEST_WORKSPACE/$example" --trace=- >"$tmp/stdout.jsonl" 2>"$tmp/stderr.txt" )
status=$?
[ "$status" -eq 0 ] || { echo "FAIL: run --trace=- exited $status"; fail=1; }
[ -e "$tmp/-" ] && { echo "FAIL: --trace=- wrote a file named -"; fail=1; }
head -1 "$tmp/stdout.jsonl" | grep -q '"kind":"world.start"' || { echo "FAIL: --trace=- did not write the trace to stdout"; fail=1; }
grep -qv '^{.*}$' "$tmp/stdout.jsonl" && { echo "FAIL: stdout of --trace=- holds more than JSON Lines"; fail=1; }
grep -q '^PASSED' "$tmp/stderr.txt" || { echo "FAIL: with --trace=- the report is not on stderr"; fail=1; }
"$bin" run "$example" --summary=- --quiet 2>/dev/null | grep -q '"digest":' || { echo "FAIL: --summary=- did not write to stdout"; fail=1; }
expect_usage run "$example" --trace=- --json

# A control character in an expectation name is escaped on the terminal and in JUnit XML.
mkdir -p "$tmp/ctl"
sed -e 's/name: "a new leader is elected"/name: "a new \\x1b[2Jleader\\a"/' \
    -e 's/^seed: 7$/seed: 7\ngolden_digest: "0000000000000000"/' "$example" > "$tmp/ctl/ctl.textproto"
out="$("$bin" run "$tmp/ctl/ctl.textproto" 2>&1)"
grep -q 'a new \\x1b\[2Jleader\\x07' <<<"$out" || { echo "FAIL: run does not escape the control characters"; fail=1; }
grep -q $'\x1b' <<<"$out" && { echo "FAIL: run printed a raw ESC"; fail=1; }
"$bin" check "$tmp/ctl" --junit="$tmp/ctl.xml" >/dev/null 2>&1
grep -q 'a new \\x1b\[2Jleader\\x07' "$tmp/ctl.xml" || { echo "FAIL: JUnit XML does not show the escaped name"; fail=1; }
LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n\t' <"$tmp/ctl.xml") && { echo "FAIL: JUnit XML holds a raw control character"; fail=1; }
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$tmp/ctl.xml" || {
    echo "FAIL: the JUnit XML does not parse"; fail=1; }
fi
"$bin" check "$tmp/ctl" --junit=- >"$tmp/junit_stdout.xml" 2>/dev/null  # exit 1: the digest differs
head -1 "$tmp/junit_stdout.xml" | grep -q '^<?xml' || { echo "FAIL: --junit=- did not write to stdout"; fail=1; }

# Resource limits (docs/limits.md): a valid but enormous scenario is refused before it runs, by
# every command, with the FILE:LINE:COL messages in its sidecar (each names its limit, the
# estimate and --allow-large); validate --allow-large accepts it.
large=scenarios/testdata/too_large.textproto
for cmd in run validate check explore; do
  err="$(timeout 60 "$bin" "$cmd" "$large" 2>&1 >/dev/null)"
  status=$?
  [ "$status" -eq 2 ] || { echo "FAIL: $cmd of an over-limit scenario exited $status, want 2"; fail=1; }
  [ "$err" = "$(cat scenarios/testdata/too_large.expected)" ] || {
    echo "FAIL: $cmd of an over-limit scenario said: $err"; fail=1; }
done
"$bin" validate "$large" --allow-large | grep -q '^scenarios/testdata/too_large.textproto: ok (3 managers, 100000 workers' || {
  echo "FAIL: validate --allow-large does not accept the over-limit scenario"; fail=1; }
for cmd in run check validate explore; do
  "$bin" help "$cmd" | grep -q -- '--allow-large' || { echo "FAIL: $cmd --help does not document --allow-large"; fail=1; }
done

# check prints each row as its scenario finishes and replaces its JUnit file after each one, so
# a check killed (SIGKILL, as a CI timeout or the OOM killer would) leaves valid XML with the
# finished scenarios and the rest skipped. No timing decides the outcome: the second scenario
# (over the limits, let through by --allow-large) runs for years, and the kill waits for the
# first one's row; the loop's bound is only a safety net.
mkdir -p "$tmp/killed"
cp "$example" "$tmp/killed/a_quick.textproto"
printf 'duration: "100000h"\ncluster { managers: 3 workers: 100 }\n' >"$tmp/killed/b_endless.textproto"
"$bin" check "$tmp/killed" --allow-large --junit="$tmp/killed.xml" >"$tmp/killed.out" 2>"$tmp/killed.err" &
pid=$!
for _ in $(seq 1 3000); do
  grep -q 'a_quick.textproto' "$tmp/killed.out" && break
  sleep 0.1
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
grep -q 'a_quick.textproto  *PASS' "$tmp/killed.out" || { echo "FAIL: check did not print the first row before the end"; cat "$tmp/killed.out" "$tmp/killed.err"; fail=1; }
grep -q '^check:' "$tmp/killed.out" && { echo "FAIL: the killed check finished"; fail=1; }
python3 - "$tmp/killed.xml" <<'PY' || { echo "FAIL: the killed check's JUnit file"; cat "$tmp/killed.xml"; fail=1; }
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
cases = {c.get("name").rsplit("/", 1)[-1]: c for c in suite.findall("testcase")}
assert suite.get("tests") == "2" and suite.get("skipped") == "1", suite.attrib
a, b = cases["a_quick.textproto"], cases["b_endless.textproto"]
assert a.find("failure") is None and a.find("skipped") is None, "a_quick should have passed"
assert b.find("skipped") is not None, "b_endless should be skipped"
PY

[ "$fail" -eq 0 ] && echo "cli_test: $checked bad inputs rejected with their exact messages"
exit "$fail"
