#!/usr/bin/env bash
# Fails when sim/, model/ or scenarios/ use a wall clock, entropy or threads, iterate a hash
# container or key an ordered container by pointer, without a justified
# `// forbidden-apis: allow(REASON)` (see forbidden_apis.pl).
# Runs unsandboxed ("local") against the real source tree so that new packages are covered
# without being listed; tagged "external" so Bazel never serves a cached pass.
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
scanner="$(dirname "$self")/forbidden_apis.sh"
root="$(cd "$(dirname "$self")/.." && pwd)"
planted="$root/tests/testdata/forbidden_apis"

# The scanner must catch every planted violation with the rule its first line expects
# (`// expect: RULE`), or a pass means nothing; and it must pass the planted allowed code.
count=0
for bad in "$planted"/bad/*.cc; do
  rule="$(sed -n '1s|^// expect: ||p' "$bad")"
  [ -n "$rule" ] || { echo "$bad: first line must be '// expect: RULE'"; exit 1; }
  if out="$("$scanner" "$bad")"; then
    echo "scanner missed a planted violation ($rule): $bad"; exit 1
  fi
  grep -q "^$bad:[0-9]*: $rule: " <<<"$out" || {
    echo "scanner flagged $bad, but not as $rule:"; echo "$out"; exit 1; }
  count=$((count + 1))
done
[ "$count" -ge 10 ] || { echo "only $count planted violations under $planted/bad"; exit 1; }
"$scanner" "$planted/good" || { echo "scanner flagged allowed code in $planted/good"; exit 1; }

dirs=()
for d in sim model scenarios; do [ -d "$root/$d" ] && dirs+=("$root/$d"); done
[ ${#dirs[@]} -eq 3 ] || { echo "expected sim/, model/ and scenarios/ under $root"; exit 1; }
"$scanner" "${dirs[@]}"
echo "no forbidden API in ${dirs[*]} ($count planted violations caught)"
