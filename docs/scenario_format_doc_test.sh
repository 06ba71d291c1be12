#!/usr/bin/env bash
# docs/scenario-format.md documents every field of scenarios/scenario.proto (and every enum
# value a file may write), so the reference cannot drift from the schema: each name must appear
# inside `backticks` on the page. Fails naming each undocumented field, its message and line.
#   usage: scenario_format_doc_test.sh PROTO DOC
set -uo pipefail
proto="$1"
doc="$2"
[ -f "$proto" ] || { echo "no schema at $proto"; exit 1; }
[ -f "$doc" ] || { echo "no reference at $doc"; exit 1; }
fail=0
checked=0
message=""
lineno=0
while IFS= read -r line; do
  lineno=$((lineno + 1))
  code="${line%%//*}"
  if [[ "$code" =~ ^[[:space:]]*message[[:space:]]+([A-Za-z0-9_]+) ]]; then
    message="${BASH_REMATCH[1]}"
    continue
  fi
  name=""
  what="field"
  # `optional string name = 1;`, `repeated Side side = 1;`, oneof members `Leader leader = 4;`
  if [[ "$code" =~ ^[[:space:]]*(optional|repeated|required)?[[:space:]]*[A-Za-z0-9_.]+[[:space:]]+([a-z_][a-z0-9_]*)[[:space:]]*=[[:space:]]*[0-9]+ ]]; then
    name="${BASH_REMATCH[2]}"
  # enum values a file may write: `READY = 1;` (the *_UNSPECIFIED zero values are not writable)
  elif [[ "$code" =~ ^[[:space:]]*([A-Z][A-Z0-9_]*)[[:space:]]*=[[:space:]]*[0-9]+ ]]; then
    name="${BASH_REMATCH[1]}"
    what="enum value"
    [[ "$name" == *_UNSPECIFIED ]] && continue
  else
    continue
  fi
  checked=$((checked + 1))
  if ! grep -qE "\`[^\`]*\\<${name}\\>[^\`]*\`" "$doc"; then
    echo "UNDOCUMENTED: $what \`$name\` of message $message ($proto:$lineno) is not in $doc;" \
         "add it, in backticks, to the section of $message"
    fail=1
  fi
done < "$proto"
[ "$checked" -ge 50 ] || { echo "only $checked fields found in $proto: is the parser broken?"; fail=1; }
[ "$fail" -eq 0 ] && echo "scenario_format_doc_test: $checked schema names all documented in $doc"
exit "$fail"
