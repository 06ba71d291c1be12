#!/usr/bin/env bash
# The timeline page in headless Chromium: see page_in_chromium_test.py. Args: the viz_timeline
# binary, the test script, the trace (runfiles paths).
set -uo pipefail
cd "$TEST_SRCDIR/$TEST_WORKSPACE" || exit 1
exec python3 "$2" "$TEST_SRCDIR/$TEST_WORKSPACE/$1" "$3"
