#!/usr/bin/env bash
# Fails when sim/ or model/ use a wall clock, entropy or threads (see forbidden_apis.sh).
# Runs unsandboxed ("local") against the real source tree so that new packages are covered
# without being listed; tagged "external" so Bazel never serves a cached pass.
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
scanner="$(dirname "$self")/forbidden_apis.sh"
root="$(cd "$(dirname "$self")/.." && pwd)"

# The scanner itself must catch a planted violation, or a pass means nothing.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for bad in 'auto t = std::chrono::steady_clock::now();' 'std::random_device rd;' \
           'absl::BitGen gen;' 'int x = rand();' 'std::thread t(f);' 'auto f = std::async(g);' \
           'auto n = absl::Now();'; do
  echo "$bad" > "$tmp/planted.cc"
  if "$scanner" "$tmp" >/dev/null; then
    echo "scanner missed a planted violation: $bad"; exit 1
  fi
done
echo 'uint64_t r = prng.UniformU64(operand);  // brand(x) is fine' > "$tmp/planted.cc"
"$scanner" "$tmp" >/dev/null || { echo "scanner flagged allowed code"; exit 1; }

dirs=()
for d in sim model; do [ -d "$root/$d" ] && dirs+=("$root/$d"); done
[ ${#dirs[@]} -gt 0 ] || { echo "no sim/ or model/ under $root"; exit 1; }
"$scanner" "${dirs[@]}"
echo "no forbidden API in ${dirs[*]}"
