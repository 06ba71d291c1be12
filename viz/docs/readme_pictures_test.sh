#!/usr/bin/env bash
# ReadmeShowsItsPicturesAndThePerfettoScreenshot: every `![...](viz/docs/X.png)` of README.md
# names a PNG that is in viz/docs, under 400 KB (the README loads them all), and one of them is
# a Perfetto screenshot (viz/docs/perfetto_*.png, made by perfetto_screenshot.py).
# Usage: readme_pictures_test.sh README.md   (run from the workspace root, as Bazel does)
set -u
readme="$1"
fail=0
pictures="$(grep -oP '!\[[^]]*\]\(\Kviz/docs/[^)]+' "$readme" | LC_ALL=C sort -u)"
[ -n "$pictures" ] || { echo "FAIL: $readme shows no picture of viz/docs"; exit 1; }
for p in $pictures; do
  if [ ! -f "$p" ]; then
    echo "FAIL: $readme shows $p, which is not there"; fail=1; continue
  fi
  [ "$(head -c 8 "$p" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
    { echo "FAIL: $p is not a PNG"; fail=1; }
  size=$(wc -c <"$p")
  [ "$size" -lt 409600 ] || { echo "FAIL: $p is $size bytes (limit 400 KB)"; fail=1; }
done
grep -qx 'viz/docs/perfetto_[a-z0-9_]*\.png' <<<"$pictures" ||
  { echo "FAIL: $readme shows no Perfetto screenshot (viz/docs/perfetto_*.png)"; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS: $(wc -w <<<"$pictures") pictures"
exit "$fail"
