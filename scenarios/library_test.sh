#!/usr/bin/env bash
# Runs the whole scenario library through the CLI's own `check`, with the determinism check
# (every scenario twice, traces compared record by record). Fails, naming each failing
# scenario and why, when any expectation, invariant, golden digest or replay differs.
set -uo pipefail
bin="$1"
shift
cd "$TEST_SRCDIR/$TEST_WORKSPACE/scenarios" || exit 1
dirs=()
for d in "$@"; do dirs+=("$d"); done
out="${TEST_UNDECLARED_OUTPUTS_DIR:-/tmp}/junit_scenarios.xml"
"$TEST_SRCDIR/$TEST_WORKSPACE/$bin" check --check-determinism --junit="$out" "${dirs[@]}"
