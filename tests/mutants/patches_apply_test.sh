#!/usr/bin/env bash
# Checks every tests/mutants/*.patch against the model files in the runfiles: it applies cleanly
# (`git apply --check`, copies of the files, outside any git repository), it starts with a
# `# bug:` line, and README.md lists it. Names each failing patch and why.
set -uo pipefail
cd "$TEST_SRCDIR/$TEST_WORKSPACE" || exit 1
work="${TEST_TMPDIR:-$(mktemp -d)}/tree"
mkdir -p "$work"
# Regular files, not runfiles symlinks (git apply refuses to patch a symlink as a file).
for f in $(find -L model -type f -name '*.cc'); do
  mkdir -p "$work/$(dirname "$f")"
  cp -L "$f" "$work/$f"
done
export GIT_CEILING_DIRECTORIES="$(dirname "$work")"
failures=0
count=0
for patch in tests/mutants/*.patch; do
  name="$(basename "$patch" .patch)"
  count=$((count + 1))
  if ! head -n 1 "$patch" | grep -q '^# bug: .'; then
    echo "FAIL $name: the first line must be '# bug: <the bug in one line>'"
    failures=$((failures + 1))
  fi
  if ! grep -q "\`$name\`" tests/mutants/README.md; then
    echo "FAIL $name: not listed in tests/mutants/README.md"
    failures=$((failures + 1))
  fi
  for f in $(grep '^+++ b/' "$patch" | sed 's#^+++ b/##'); do
    if [ ! -f "$work/$f" ]; then
      echo "FAIL $name: changes $f, which is not in MUTATED_FILES (tests/mutants/BUILD.bazel)"
      failures=$((failures + 1))
      continue 2
    fi
  done
  if ! out="$(cd "$work" && git apply --check "$OLDPWD/$patch" 2>&1)"; then
    echo "FAIL $name: no longer applies to the model: $out"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
done
if [ "$count" -lt 10 ]; then
  echo "FAIL: $count patches; the harness promises at least 10"
  failures=$((failures + 1))
fi
echo "$count patches, $failures problems"
[ "$failures" -eq 0 ]
