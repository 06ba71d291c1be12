#!/usr/bin/env bash
# The catalog, the code and the docs name the same fault points:
#  - every ctx.Buggify call in model code (tests aside) names its site with a string literal
#    that is in the catalog, and every catalog name has such a call;
#  - docs/fault-points.md lists exactly the catalog (between its generated markers);
#  - every fault point named in a `buggify` example in README.md and docs/ is in the catalog.
# Runs unsandboxed ("local") against the real source tree so that new files are covered without
# being listed; tagged "external" so Bazel never serves a cached pass.
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
root="$(cd "$(dirname "$self")/../.." && pwd)"
print_catalog="$1"
catalog="$("$print_catalog" names)"
fail=0

# Names used at Buggify calls in a tree of sources (prints "BAD file:line" for a call whose
# argument is not a literal).
buggify_names() {
  grep -rn --include='*.cc' --include='*.h' 'Buggify(' "$1" |
    grep -v '_test\.cc:' |
    grep -v -E 'bool Buggify\(absl::string_view' |
    while IFS= read -r line; do
      if [[ "$line" =~ Buggify\(\"([a-z0-9_]+\.[a-z0-9_.]+)\"\) ]]; then
        echo "${BASH_REMATCH[1]}"
      else
        echo "BAD ${line%%:*}:$(echo "$line" | cut -d: -f2)"
      fi
    done | sort -u
}

# The extractor must see a planted call, or a pass means nothing.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo 'if (ctx.Buggify("planted.site")) return;' > "$tmp/planted.cc"
[ "$(buggify_names "$tmp")" = "planted.site" ] || { echo "extractor missed a planted call"; exit 1; }

in_code="$(buggify_names "$root/model")"
if grep -q '^BAD ' <<<"$in_code"; then
  echo "Buggify calls must name their site with a string literal:"; grep '^BAD ' <<<"$in_code"
  fail=1
fi
in_code="$(grep -v '^BAD ' <<<"$in_code" || true)"
missing_in_catalog="$(comm -23 <(echo "$in_code") <(echo "$catalog"))"
missing_in_code="$(comm -13 <(echo "$in_code") <(echo "$catalog"))"
if [ -n "$missing_in_catalog" ]; then
  echo "Buggify sites in model code missing from model/faultpoints/catalog.cc:"
  echo "$missing_in_catalog"; fail=1
fi
if [ -n "$missing_in_code" ]; then
  echo "catalog entries with no ctx.Buggify(\"name\") call in model code:"
  echo "$missing_in_code"; fail=1
fi

doc="$root/docs/fault-points.md"
listed="$(sed -n '/<!-- catalog:begin/,/<!-- catalog:end/p' "$doc" | grep '^| `' || true)"
if [ "$listed" != "$("$print_catalog" markdown)" ]; then
  echo "docs/fault-points.md is out of date; its table between the catalog markers must be:"
  "$print_catalog" markdown
  fail=1
fi

# Fault point names in buggify examples of the README and docs.
named="$(grep -h -o -E '(enable|allow): \[?"[a-z0-9_.]+"(, "[a-z0-9_.]+")*' \
           "$root/README.md" "$root"/docs/*.md | grep -o -E '"[a-z0-9_.]+"' | tr -d '"' | sort -u)"
unknown="$(comm -23 <(echo "$named") <(echo "$catalog"))"
if [ -n "$unknown" ]; then
  echo "README.md or docs/ name fault points that do not exist:"; echo "$unknown"; fail=1
fi

[ "$fail" = 0 ] && echo "catalog, code and docs agree on $(echo "$catalog" | wc -l) fault points"
exit "$fail"
