#!/usr/bin/env bash
# Expectations that cannot fail prove nothing. For each library scenario in the table below, this
# test applies one mutation (its key fault removed, or a behaviour changed through an ordinary
# scenario override), runs the mutant, and requires the named expectation to FAIL (and the run to
# exit 1). A row that starts passing means that expectation no longer tests what its name says.
#
# Table rows: FILE (under scenarios/, without .textproto)|SED SCRIPT|NAME OF THE EXPECTATION THAT
# MUST FAIL. The sed script edits the scenario text (library files keep one step per line). A
# fault is "removed" by turning it into a 1 ms pause of the same node, so its label stays bound.
# Every mutant must still keep every invariant. Not yet in the table, because no mutation makes
# an expectation of theirs fail: services/* (service_converged compares with the current replica
# count, so "24 replicas after scaling up" holds without the scale-up) and raft/*.
set -uo pipefail
bin="$TEST_SRCDIR/$TEST_WORKSPACE/$1"
cd "$TEST_SRCDIR/$TEST_WORKSPACE/scenarios" || exit 1
tmp="${TEST_TMPDIR:-/tmp}/vacuity"
mkdir -p "$tmp"

ROWS=$(cat <<'TABLE'
failover/leader_power_off|s/crash {/pause { duration: "1ms"/; /restart {/d|a new leader is elected
failover/leader_power_off|s/crash {/pause { duration: "1ms"/; /restart {/d|web runs 10 replicas again
failover/leader_graceful_stop|s/stop {/pause { duration: "1ms"/; /restart {/d|a new leader is elected
failover/leader_graceful_stop|s/stop {/pause { duration: "1ms"/; /restart {/d|web runs 10 replicas again
failover/leader_paused|s/duration: "40s"/duration: "1ms"/|a new leader while the old one is frozen
failover/follower_crash_no_disruption|s/crash {/pause { duration: "1ms"/|the dead follower goes DOWN
failover/follower_crash_no_disruption|s/crash { node: "follower"/crash { node: "leader"/|the leader never changes
dispatcher/heartbeat_expiry_marks_down|s/crash {/pause { duration: "1ms"/|DOWN within 3 periods of 5.5 s, plus a batch
dispatcher/heartbeat_expiry_marks_down|s/workers: 3 }/workers: 3 dispatcher { grace_period_multiplier: 1 } }/|not DOWN before 3 periods can have passed
dispatcher/unknown_grace_after_leader_change|s/workers: 3 }/workers: 3 dispatcher { grace_period_multiplier: 2 } }/|the dead worker is not DOWN before the new leader's sixfold grace runs out
dispatcher/unknown_grace_after_leader_change|s/workers: 3 }/workers: 3 dispatcher { grace_period_multiplier: 4 } }/|the dead worker goes DOWN once the sixfold grace has run out
dispatcher/rate_limit_storm_on_cluster_restart|/restart {/d|a leader after the restart
agent/backoff_after_losing_every_manager|/crash {/d|no leader while every manager is down
agent/reconnect_to_new_leader|s/crash {/pause { duration: "1ms"/|every surviving agent reconnects to the new leader
agent/session_reuse_after_short_blip|s/duration: "4s"/duration: "20s"/|nobody is marked DOWN
bugs/moby_25017_leader_power_off|s/crash {/pause { duration: "1ms"/|web runs 18 replicas again
bugs/moby_34466_one_way_partition|s/cut { to: "follower" label: "deaf" }/pause { node: "follower" label: "deaf" duration: "1ms" }/|the inflated term deposes the leader when the stalled connection retransmits
bugs/moby_43508_longer_heartbeat_rides_out_pause|s/heartbeat_period: "30s" heartbeat_epsilon: "3s"/heartbeat_period: "5s"/|nobody is ever marked DOWN
bugs/moby_43508_vm_pause_worker|s/duration: "30s"/duration: "1ms"/|the frozen worker is marked DOWN
bugs/swarmkit_1183_registration_storm|/restart {/d|every agent registers with the new leader
bugs/swarmkit_1364_rejoin_term_inflation|s/isolate {\(.*\)duration: "60s"/pause {\1duration: "1ms"/|the healthy leader is deposed when the stalled connection retransmits
bugs/swarmkit_1364_with_prevote|s/pre_vote: true/pre_vote: false/|the leader is never disturbed
bugs/swarmkit_2091_repeated_leader_suspend|s/duration: "25s"/duration: "120s"/|no worker is ever marked down
bugs/swarmkit_2128_lost_quorum_fast_fail|s/crash {/pause { duration: "1ms"/; /restart {/d|the leader steps down by CheckQuorum
bugs/found_paused_worker_finishes_starting|s/duration: "30s"/duration: "1ms"/|the frozen worker is marked DOWN
TABLE
)

fail=0
checked=0
while IFS='|' read -r file script want; do
  [ -z "$file" ] && continue
  checked=$((checked + 1))
  src="$file.textproto"
  mutant="$tmp/$(basename "$src")"
  sed -e '/^golden_digest:/d' -e "$script" "$src" >"$mutant"
  if cmp -s <(sed '/^golden_digest:/d' "$src") "$mutant"; then
    echo "FAIL $file: the mutation '$script' changed nothing"; fail=1; continue
  fi
  "$bin" run "$mutant" --summary="$tmp/summary.json" >"$tmp/out.txt" 2>&1
  status=$?
  if [ "$status" -ne 1 ]; then
    echo "FAIL $file: mutant '$script' exited $status, want 1 (an expectation fails)"
    sed 's/^/    /' "$tmp/out.txt" | head -30
    fail=1; continue
  fi
  # The summary JSON: the expectation's verdict by name; and a mutant must break expectations
  # only, never an invariant (the model stays correct under the mutation).
  if ! grep -qF "\"name\":\"$want\",\"passed\":false" "$tmp/summary.json"; then
    echo "FAIL $file: mutant '$script': expectation \"$want\" did not fail"
    sed 's/^/    /' "$tmp/out.txt" | grep -E 'PASS|FAIL' | head -20
    fail=1; continue
  fi
  if sed -n 's/.*"invariants":\(.*\)/\1/p' "$tmp/summary.json" | grep -q '"passed":false'; then
    echo "FAIL $file: mutant '$script' broke an invariant"
    grep -E '^  FAIL' "$tmp/out.txt" | head -10
    fail=1; continue
  fi
  echo "ok   $file: '$script' fails \"$want\""
done <<<"$ROWS"
[ "$checked" -ge 1 ] || { echo "FAIL: empty table"; fail=1; }
exit "$fail"
