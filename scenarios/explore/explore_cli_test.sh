#!/usr/bin/env bash
# `swarmsim explore` end to end: exit codes, bad flags, a counterexample that `swarmsim run`
# replays with the same digest, the same counterexample with --jobs=1 and --jobs=2, known
# failures that keep the sweep going, Bazel sharding, and an internal abort caught per run.
#   usage: explore_cli_test.sh SWARMSIM BASE
set -uo pipefail
swarmsim="$1"
base="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}/explore_cli"
rm -rf "$tmp"
mkdir -p "$tmp"
# This test sets the sharding variables itself where it means to.
unset TEST_TOTAL_SHARDS TEST_SHARD_INDEX TEST_SHARD_STATUS_FILE TEST_UNDECLARED_OUTPUTS_DIR
fail=0
check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [ "$2" != "$3" ]; then
    echo "FAIL $1: exit status $3, expected $2"
    fail=1
  else
    echo "ok   $1"
  fi
}
expect_in() {  # expect_in NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1: no /$2/ in $3:"; cat "$3"; fail=1; fi
}
json() {  # json FILE EXPRESSION: evaluates a Python expression over the JSON as `j`
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

# --- usage -----------------------------------------------------------------------------------
"$swarmsim" explore --help >"$tmp/help" 2>&1
check "--help exits 0" 0 $?
expect_in "--help lists --faults" "--faults=LIST" "$tmp/help"
"$swarmsim" help explore >/dev/null 2>&1
check "help explore exits 0" 0 $?
"$swarmsim" explore --list-fault-points >"$tmp/points" 2>&1
check "--list-fault-points exits 0" 0 $?
expect_in "--list-fault-points prints name and description" "^raft\.drop_append  .+" "$tmp/points"
[ "$(wc -l <"$tmp/points")" -ge 15 ] && echo "ok   at least 15 fault points" || { echo "FAIL few fault points"; fail=1; }
"$swarmsim" explore "$base" --bogus >/dev/null 2>"$tmp/err"
check "an unknown flag exits 2" 2 $?
expect_in "an unknown flag is named" "unknown flag --bogus" "$tmp/err"
"$swarmsim" explore >/dev/null 2>&1
check "no BASE exits 2" 2 $?
"$swarmsim" explore "$tmp/missing.textproto" >/dev/null 2>"$tmp/err"
check "a missing BASE exits 2" 2 $?
"$swarmsim" explore "$base" --faults=crash,meteor >/dev/null 2>"$tmp/err"
check "an unknown fault kind exits 2" 2 $?
expect_in "an unknown fault kind is named" "unknown fault kind 'meteor'" "$tmp/err"
"$swarmsim" explore "$base" --runs=3 --time-budget=5s >/dev/null 2>&1
check "--runs with --time-budget exits 2" 2 $?
"$swarmsim" explore "$base" --runs=0 >/dev/null 2>&1
check "--runs=0 exits 2" 2 $?
"$swarmsim" explore "$base" --jobs=x >/dev/null 2>&1
check "--jobs=x exits 2" 2 $?
printf 'name: "x"\nduration: "1m"\ncluster { managers: 3 }\nexplore { known_failure: "" }\n' >"$tmp/bad.textproto"
"$swarmsim" explore "$tmp/bad.textproto" >/dev/null 2>"$tmp/err"
check "an empty known_failure exits 2" 2 $?
expect_in "an empty known_failure is located" "bad.textproto:4:[0-9]+: known_failure" "$tmp/err"

# --- a clean sweep: exit 0 -------------------------------------------------------------------
"$swarmsim" explore "$base" --runs=6 --jobs=2 --faults=pause,latency --out="$tmp/clean" \
  --summary="$tmp/clean.json" >"$tmp/clean.out" 2>&1
check "a sweep without failures exits 0" 0 $?
[ "$(json "$tmp/clean.json" 'j["runs"]')" = 6 ] || { echo "FAIL clean sweep: runs != 6"; fail=1; }
[ "$(json "$tmp/clean.json" 'sorted(j["fault_kinds"])')" = "['latency', 'pause']" ] ||
  { echo "FAIL --faults=pause,latency: kinds $(json "$tmp/clean.json" 'j["fault_kinds"]')"; fail=1; }
[ ! -e "$tmp/clean" ] || [ -z "$(ls "$tmp/clean")" ] || { echo "FAIL clean sweep wrote a file"; fail=1; }

# --- a planted failure: 2 s to settle is too short after a crash -----------------------------
planted=(--faults=crash,isolate --settle=2s --runs=40 --shrink-candidates=300)
"$swarmsim" explore "$base" "${planted[@]}" --jobs=1 --out="$tmp/j1" --summary="$tmp/j1.json" \
  >"$tmp/j1.out" 2>&1
check "a planted failure exits 1" 1 $?
"$swarmsim" explore "$base" "${planted[@]}" --jobs=2 --out="$tmp/j2" --summary="$tmp/j2.json" \
  >"$tmp/j2.out" 2>&1
check "the planted failure with --jobs=2 exits 1" 1 $?
f1="$(ls "$tmp"/j1/counterexample-1-*.textproto 2>/dev/null | head -1)"
f2="$(ls "$tmp"/j2/counterexample-1-*.textproto 2>/dev/null | head -1)"
if [ -z "$f1" ] || [ -z "$f2" ]; then
  echo "FAIL no counterexample written"; cat "$tmp/j1.out"; fail=1
else
  [ "$(basename "$f1")" = "$(basename "$f2")" ] || { echo "FAIL --jobs=1 found $f1, --jobs=2 $f2"; fail=1; }
  if diff <(grep -v '^#' "$f1") <(grep -v '^#' "$f2") >/dev/null; then
    echo "ok   same seed, same counterexample with --jobs=1 and --jobs=2"
  else
    echo "FAIL the counterexamples differ"; diff "$f1" "$f2"; fail=1
  fi
  for k in run signature digest fault_steps shrink_steps runs; do
    a="$(json "$tmp/j1.json" "j['counterexample'].get('$k', j['runs'])")"
    b="$(json "$tmp/j2.json" "j['counterexample'].get('$k', j['runs'])")"
    [ "$a" = "$b" ] || { echo "FAIL $k differs: $a vs $b"; fail=1; }
  done
  expect_in "the header names the explore seed and run" "^# Base .*, explore seed 1, run [0-9]+" "$f1"
  expect_in "the header says how it shrank" "^# Found after .* shrunk in [0-9]+ steps" "$f1"
  expect_in "the liveness expectations are explicit" "explore: every node ready after healing" "$f1"
  if grep -q golden_digest "$f1"; then echo "FAIL the counterexample pins a digest"; fail=1; fi
  digest="$(json "$tmp/j1.json" "j['counterexample']['digest']")"
  expect_in "the header gives the digest" "trace digest $digest" "$f1"
  "$swarmsim" run "$f1" --summary="$tmp/replay.json" >"$tmp/replay.out" 2>&1
  check "swarmsim run on the counterexample fails" 1 $?
  [ "$(json "$tmp/replay.json" 'j["digest"]')" = "$digest" ] ||
    { echo "FAIL replay digest $(json "$tmp/replay.json" 'j["digest"]') != $digest"; fail=1; }
  signature="$(json "$tmp/j1.json" "j['counterexample']['signature']")"
  name="${signature#expect:}"
  [ "$(json "$tmp/replay.json" "[e['passed'] for e in j['expectations'] if e['name']=='$name'][0]")" = False ] ||
    { echo "FAIL the replay does not fail '$name'"; fail=1; }
  [ "$(json "$tmp/j1.json" "j['counterexample']['fault_steps'] <= j['counterexample']['fault_steps_before']")" = True ] ||
    { echo "FAIL shrinking grew the plan"; fail=1; }

  # --- known: the same failure declared known keeps the sweep going to the end ---------------
  # Every liveness signature known (a 2 s settle breaks all of them), the one found first too.
  all_known=(--known="expect:explore: every agent connected after healing"
             --known="expect:explore: service web converged after healing"
             --known="expect:explore: every node ready after healing"
             --known="expect:explore: a leader after healing")
  "$swarmsim" explore "$base" "${planted[@]}" --runs=12 --jobs=2 --known="$signature" \
    "${all_known[@]}" --out="$tmp/known" --summary="$tmp/known.json" >"$tmp/known.out" 2>&1
  check "known failures only: exit 0" 0 $?
  [ "$(json "$tmp/known.json" 'j["runs"]')" = 12 ] || { echo "FAIL known: the sweep stopped early"; fail=1; }
  [ "$(json "$tmp/known.json" "j['known_failures'].get('$signature', 0) > 0")" = True ] ||
    { echo "FAIL known: $signature not counted"; cat "$tmp/known.json"; fail=1; }
  printf 'explore { known_failure: "%s" }\n' "$signature" | cat "$base" - >"$tmp/known_base.textproto"
  others=()
  for k in "${all_known[@]}"; do [ "$k" = "--known=$signature" ] || others+=("$k"); done
  "$swarmsim" explore "$tmp/known_base.textproto" "${planted[@]}" --runs=12 --jobs=2 \
    "${others[@]}" --out="$tmp/known2" --summary="$tmp/known2.json" >/dev/null 2>&1
  check "known_failure in the base file works as --known" 0 $?
fi

# --- Bazel sharding: shard 1 of 3 does runs 1, 4, 7, ... and touches the status file ---------
TEST_TOTAL_SHARDS=3 TEST_SHARD_INDEX=1 TEST_SHARD_STATUS_FILE="$tmp/shard_status" \
  TEST_UNDECLARED_OUTPUTS_DIR="$tmp/shard_out" SWARMSIM_EXPLORE_TEST_ABORT_ON=crash \
  "$swarmsim" explore "$base" --runs=30 --jobs=2 --summary="$tmp/shard.json" >"$tmp/shard.out" 2>&1
check "a sharded sweep with a (test hook) internal abort exits 1" 1 $?
[ -e "$tmp/shard_status" ] && echo "ok   TEST_SHARD_STATUS_FILE touched" || { echo "FAIL status file"; fail=1; }
run="$(json "$tmp/shard.json" "j['counterexample']['run']")"
[ "$((run % 3))" = 1 ] && echo "ok   the shard's runs are i % 3 == 1" || { echo "FAIL shard ran run $run"; fail=1; }
[ -e "$tmp/shard_out/counterexample-1-$run.textproto" ] &&
  echo "ok   the counterexample goes to TEST_UNDECLARED_OUTPUTS_DIR" || { echo "FAIL no output in shard_out"; fail=1; }
[ "$(json "$tmp/shard.json" "j['counterexample']['signature']")" = "internal:scenarios/explore/run_job.cc" ] &&
  echo "ok   an internal abort is a failure with its file as signature" ||
  { echo "FAIL signature: $(json "$tmp/shard.json" "j['counterexample']['signature']")"; fail=1; }
[ "$(json "$tmp/shard.json" "j['counterexample']['fault_steps']")" = 1 ] &&
  echo "ok   the abort shrinks to the one crash step" || { echo "FAIL abort not shrunk to 1 step"; fail=1; }
grep -c 'crash {' "$tmp/shard_out/counterexample-1-$run.textproto" | grep -qx 1 ||
  { echo "FAIL the written abort counterexample has not exactly one crash"; fail=1; }

exit $fail
