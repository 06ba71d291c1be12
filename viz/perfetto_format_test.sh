#!/usr/bin/env bash
# viz_timeline --perfetto writes valid Chrome trace-event JSON (checked by check_trace_events.py
# with Python's JSON parser: required fields, per-track monotonic ts, nesting, paired flows, named
# processes and threads) for the hand-written trace and for an excerpt of a real run (the first
# 62 s of scenarios/failover/leader_power_off.textproto, seed 7, with the bulk Raft/store records
# left out), which has connection, registration and task-assignment flows.
set -uo pipefail
bin="$TEST_SRCDIR/$TEST_WORKSPACE/$1"
check="$TEST_SRCDIR/$TEST_WORKSPACE/$2"
cd "$TEST_SRCDIR/$TEST_WORKSPACE" || exit 1
out="${TEST_TMPDIR:-/tmp}"
fail=0

"$bin" --perfetto viz/testdata/small.jsonl "$out/small.json" >/dev/null || { echo "FAIL: small"; fail=1; }
python3 "$check" "$out/small.json" --process=cluster || fail=1

"$bin" --perfetto viz/testdata/leader_power_off_excerpt.jsonl "$out/lpo.json" >/dev/null ||
  { echo "FAIL: excerpt"; fail=1; }
python3 "$check" "$out/lpo.json" --min-flows=90 --process="m1 (manager)" --process="m3 (manager)" \
  --process=w5 || fail=1
for want in '"name":"crash m3","cat":"fault","ph":"i"' '"name":"step 1: scale_service"' \
  '"name":"session m3.1.1/w4/1","cat":"flow"' '"name":"connect conn 11","cat":"flow"' \
  '"name":"task task.m3.2.10","cat":"flow"' '"name":"leader t2","cat":"raft","ph":"X"'; do
  grep -qF "$want" "$out/lpo.json" || { echo "FAIL: no $want in the excerpt's export"; fail=1; }
done

# The checker itself fails on what it must catch.
printf '{"traceEvents":[{"name":"a","ph":"X","ts":1,"pid":1,"tid":1}]}' >"$out/bad1.json"
printf '{"traceEvents":[{"name":"a","ph":"i","ts":2,"pid":1,"tid":1},{"name":"b","ph":"i","ts":1,"pid":1,"tid":1}]}' >"$out/bad2.json"
printf '{"traceEvents":[{"name":"a","ph":"X","dur":1,"ts":1,"pid":1,"tid":1,"bind_id":3,"flow_out":true}]}' >"$out/bad3.json"
printf '{"traceEvents":[{"name":"a","ph":"B","ts":1,"pid":1,"tid":1}' >"$out/bad4.json"
for bad in bad1 bad2 bad3 bad4; do
  if python3 "$check" "$out/$bad.json" >/dev/null 2>&1; then
    echo "FAIL: the checker accepted $bad.json"
    fail=1
  fi
done
exit $fail
