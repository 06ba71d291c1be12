#!/usr/bin/env bash
# Cross-build determinism: every scenario runs with the CLI of every build (-c opt, -c dbg,
# --config=asan, --config=ubsan; crossbuild.bzl builds them within `bazel test //...`) and must
# give the same trace digest and semantic digest under all of them, equal to the file's pinned
# golden_digest, with every expectation and invariant holding. A build whose optimiser,
# sanitizer or debug checks change a single trace record fails here, naming the scenario and the
# digests of every build.
# Usage: crossbuild_test.sh NAME=SWARMSIM... -- FILE...
set -uo pipefail
names=()
bins=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  names+=("${1%%=*}")
  bins+=("${1#*=}")
  shift
done
[ "${1:-}" = "--" ] && shift
if [ ${#bins[@]} -lt 2 ] || [ $# -eq 0 ]; then
  echo "usage: $0 NAME=SWARMSIM NAME=SWARMSIM... -- FILE..." >&2
  exit 2
fi

field() {  # field NAME JSON: the string value of "NAME" in the summary JSON
  sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2"
}

for i in "${!bins[@]}"; do
  echo "${names[$i]}: $("${bins[$i]}" version)"
done

failures=0
for file in "$@"; do
  first=""
  row="$file"
  differs=0
  for i in "${!bins[@]}"; do
    json="$("${bins[$i]}" run --json "$file" 2>&1)"
    status=$?
    digest="$(field digest "$json")"
    semantic="$(field semantic_digest "$json")"
    golden="$(field golden_digest "$json")"
    verdict="$digest/$semantic"
    row+=" ${names[$i]}=$verdict"
    if [ "$status" -ne 0 ] || [ -z "$digest" ]; then
      echo "FAIL $file under ${names[$i]}: exit $status (expectations, invariants or golden" \
        "digest; replay: swarmsim run $file)" >&2
      failures=$((failures + 1))
    elif [ -n "$golden" ] && [ "$golden" != "$semantic" ]; then
      echo "FAIL $file under ${names[$i]}: semantic digest $semantic, golden $golden" >&2
      failures=$((failures + 1))
    fi
    if [ -z "$first" ]; then first="$verdict"; elif [ "$verdict" != "$first" ]; then differs=1; fi
  done
  if [ "$differs" -eq 1 ]; then
    echo "FAIL $file: the builds' digests (trace/semantic) differ:$row" >&2
    failures=$((failures + 1))
  else
    echo "same in all ${#bins[@]} builds: $file $first"
  fi
done
echo "crossbuild: $# scenarios x ${#bins[@]} builds, $failures failures"
[ "$failures" -eq 0 ]
