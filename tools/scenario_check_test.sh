#!/usr/bin/env bash
# One scenario file as one test (tools/swarmsim.bzl, swarmsim_scenario_suite): runs
# `swarmsim check --check-determinism FILE`, i.e. every expectation, every invariant and the
# pinned golden digest, with the run done twice and the traces compared record by record.
# Usage (from Bazel): scenario_check_test.sh SWARMSIM FILE
# The JUnit XML (one testcase, named after the scenario) becomes the test's test.xml; on a failure
# the last line names the file and the reasons the check table gave.
set -uo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 SWARMSIM FILE" >&2
  exit 2
fi
bin="$1"
file="$2"
junit="${XML_OUTPUT_FILE:-${TEST_UNDECLARED_OUTPUTS_DIR:-/tmp}/junit_scenario.xml}"
"$bin" check --check-determinism --junit="$junit" "$file"
status=$?
case "$status" in
  0) ;;
  1) echo "FAILED scenario $file: see the expectations, invariants or digest marked FAIL above" \
       "(replay: swarmsim run $file)" >&2 ;;
  *) echo "FAILED scenario $file: bad input or crash (exit $status)" >&2 ;;
esac
exit "$status"
