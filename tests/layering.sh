#!/usr/bin/env bash
# Checks that the BUILD files of the tree at ROOT keep the layering rules (README "Layering"):
# Bazel's `visibility` lists enforce who may depend on whom, so this checks that those lists
# exist and do not grant the forbidden edges, and that the packages with a "depends on nothing
# of ours above it" rule (sim/, viz/, util/) do not name such targets at all.
# Usage: layering.sh ROOT   Exit 1 and one "FILE:LINE: rule: text" line per violation.
set -u
root="$1"
cd "$root" || exit 2

# Packages allowed `//visibility:public`: system libraries and vendored Bazel rules, which every
# package may link (third_party/BUILD.bazel wraps Debian's packages).
public_ok='^third_party/'

build_files() {
  find . \( -name 'bazel-*' -o -name .git \) -prune -o \
    \( -name BUILD -o -name BUILD.bazel -o -name '*.bzl' \) -type f -print |
    sed 's|^\./||' | LC_ALL=C sort
}

hits=()
# grep_rule RULE REGEX FILE...: every matching line is a violation of RULE.
grep_rule() {
  local rule="$1" regex="$2"
  shift 2
  [ $# -gt 0 ] || return 0
  local line
  while IFS= read -r line; do
    hits+=("${line%%:*}:$(cut -d: -f2 <<<"$line"): $rule: $(cut -d: -f3- <<<"$line" | sed 's/^ *//')")
  done < <(grep -nHP "$regex" "$@" 2>/dev/null)
}

files=()
while IFS= read -r f; do files+=("$f"); done < <(build_files)
[ ${#files[@]} -gt 0 ] || { echo "no BUILD files under $root"; exit 2; }

in_dir() {  # in_dir REGEX: the BUILD files whose path matches REGEX
  local f
  for f in "${files[@]}"; do [[ "$f" =~ $1 ]] && echo "$f"; done
}
mapfile -t not_public_ok < <(for f in "${files[@]}"; do [[ "$f" =~ $public_ok ]] || echo "$f"; done)
mapfile -t model_files < <(in_dir '^model/')
mapfile -t model_component_files < <(in_dir '^model/(agent|controlapi|dispatcher|orchestrator|proto|raft|rolemanager|scheduler|store)/')
mapfile -t upper_files < <(in_dir '^(model|scenarios|sim)/')
mapfile -t sim_files < <(in_dir '^sim/')
mapfile -t viz_files < <(in_dir '^viz/')
mapfile -t util_files < <(in_dir '^util/')

# Real lists, package by package: no public targets, and no public in disguise (the whole
# workspace as a package group).
grep_rule public '//visibility:public|"//:__subpackages__"|"//\.\.\."' "${not_public_ok[@]}"
# A label that is not a visibility entry (those end in :__pkg__ or :__subpackages__): a dependency.
dep='(?![^"]*:__(pkg|subpackages)__")'
# The kernel knows no SwarmKit: sim/ depends on no model/, scenarios/ or viz/ target.
grep_rule kernel-knows-no-swarmkit "\"//(model|scenarios|viz)$dep[/:]" "${sim_files[@]}"
# viz/ reads trace files only: it depends on no model/, scenarios/ or sim/ target...
grep_rule viz-reads-trace-files-only "\"//(model|scenarios|sim)$dep[/:]" "${viz_files[@]}"
# ...and neither the kernel, the model nor the scenarios grant viz/ (or the kernel) a dependency.
grep_rule viz-reads-trace-files-only '"//viz(/[^"]*)?:__(pkg|subpackages)__"' "${upper_files[@]}"
grep_rule kernel-knows-no-swarmkit '"//sim(/[^"]*)?:__(pkg|subpackages)__"' "${model_files[@]}"
# util/ sits under everything that uses it (the kernel, the scenarios, viz): it depends on no
# target of ours outside itself.
grep_rule util-depends-on-nothing-of-ours "\"//(model|scenarios|sim|viz|tests|tools)$dep[/:]" \
  "${util_files[@]}"
# Checkers read trace records: no model component (nor its protos) is visible to model/check.
grep_rule checkers-read-trace-records '"//model/check:__(pkg|subpackages)__"|"//model:__subpackages__"' \
  "${model_component_files[@]}"

if [ ${#hits[@]} -gt 0 ]; then
  echo "layering violations in BUILD files:"
  printf '%s\n' "${hits[@]}"
  exit 1
fi
exit 0
