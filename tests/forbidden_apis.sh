#!/usr/bin/env bash
# Lists what would make a run depend on something other than its seed: wall clocks, entropy,
# threads, iteration over hash containers, pointer-keyed ordered containers (the rules and the
# allow syntax, `// forbidden-apis: allow(REASON)`, are in forbidden_apis.pl).
# Usage: forbidden_apis.sh DIR_OR_FILE...   Exit 1 and one line per hit when any is found.
set -u
exec perl "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/forbidden_apis.pl" "$@"
