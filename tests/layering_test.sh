#!/usr/bin/env bash
# Fails when a BUILD file breaks the layering rules (see layering.sh): a public target outside
# third_party/, the kernel or viz depending upward, a visibility list granting a forbidden edge.
# Bazel itself enforces the visibility lists on every build; this test keeps the lists honest.
# Runs unsandboxed ("local") against the real source tree so that new packages are covered
# without being listed; tagged "external" so Bazel never serves a cached pass.
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
checker="$(dirname "$self")/layering.sh"
root="$(cd "$(dirname "$self")/.." && pwd)"
planted="$root/tests/testdata/layering"

# Every planted BUILD file is checked alone at the path its header names (`# path: P`) and must
# be reported under the rule it expects (`# expect: RULE`, or `none` for an allowed one).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
count=0
for file in "$planted"/*.BUILD; do
  path="$(sed -n 's|^# path: ||p' "$file")"
  rule="$(sed -n 's|^# expect: ||p' "$file")"
  [ -n "$path" ] && [ -n "$rule" ] || { echo "$file: needs '# path: P' and '# expect: RULE'"; exit 1; }
  rm -rf "$tmp/root" && mkdir -p "$tmp/root/$(dirname "$path")"
  cp "$file" "$tmp/root/$path"
  if out="$("$checker" "$tmp/root")"; then
    [ "$rule" = none ] || { echo "checker missed a planted violation ($rule): $file"; exit 1; }
  else
    [ "$rule" != none ] || { echo "checker flagged allowed $file:"; echo "$out"; exit 1; }
    grep -q "^$path:[0-9]*: $rule: " <<<"$out" || {
      echo "checker flagged $file, but not as $rule:"; echo "$out"; exit 1; }
    count=$((count + 1))
  fi
done
[ "$count" -ge 8 ] || { echo "only $count planted violations under $planted"; exit 1; }

"$checker" "$root"
echo "layering rules hold in $root ($count planted violations caught)"
