#!/usr/bin/env python3
"""Checks a ShiViz log as ShiViz reads it (viz/shiviz.h):

  - line 1 is the parsing regex, with the named groups event, host and clock; line 2 is empty;
  - the rest is matched by that regex, event after event, leaving nothing unmatched;
  - every clock is a JSON object of host -> positive integer that holds its own host;
  - each host's own entry is 1 at its first event and grows by exactly one per event;
  - no entry of a host's clock ever goes down from one of its events to the next;
  - an entry for another host never exceeds what that host has reached so far (a clock
    cannot know of events that have not happened).

usage: check_shiviz.py FILE [--min-events=N] [--min-merged=N]
(--min-merged: events whose clock knows of another host, i.e. that received a message)
"""
import json
import re
import sys


def check(path, min_events, min_merged):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n", 2)
    if len(lines) < 3:
        return ["fewer than three lines"], 0, 0
    regex, delimiter, log = lines
    errors = []
    for group in ("event", "host", "clock"):
        if "(?<%s>" % group not in regex:
            errors.append("the regex has no group %r" % group)
    if delimiter != "":
        errors.append("line 2 (the executions delimiter) is not empty")
    pattern = re.compile(regex.replace("(?<", "(?P<"))
    own, last, reached = {}, {}, {}
    pos, events, merged = 0, 0, 0
    while pos < len(log):
        m = pattern.match(log, pos)
        if m is None:
            errors.append("text at offset %d does not match the regex: %r" % (pos, log[pos:pos + 80]))
            break
        pos = m.end()
        if log.startswith("\n", pos):
            pos += 1
        events += 1
        host = m.group("host")
        try:
            clock = json.loads(m.group("clock"))
        except ValueError as e:
            errors.append("event %d: clock is not JSON: %s" % (events, e))
            continue
        if not all(isinstance(v, int) and v > 0 for v in clock.values()):
            errors.append("event %d: clock entries must be positive integers" % events)
            continue
        if clock.get(host) != own.get(host, 0) + 1:
            errors.append("event %d: %s's own entry is %s, want %d" % (
                events, host, clock.get(host), own.get(host, 0) + 1))
        own[host] = clock.get(host, 0)
        reached[host] = own[host]
        for other, n in clock.items():
            if n < last.get(host, {}).get(other, 0):
                errors.append("event %d: %s's entry for %s went down" % (events, host, other))
            if n > reached.get(other, 0):
                errors.append("event %d: %s knows %s's event %d, which has not happened" % (
                    events, host, other, n))
        if len(clock) > 1:
            merged += 1
        last[host] = clock
    if events < min_events:
        errors.append("%d events, want at least %d" % (events, min_events))
    if merged < min_merged:
        errors.append("%d events received something, want at least %d" % (merged, min_merged))
    return errors, events, merged


def main(argv):
    path, min_events, min_merged = None, 1, 0
    for arg in argv[1:]:
        if arg.startswith("--min-events="):
            min_events = int(arg.split("=", 1)[1])
        elif arg.startswith("--min-merged="):
            min_merged = int(arg.split("=", 1)[1])
        else:
            path = arg
    errors, events, merged = check(path, min_events, min_merged)
    for e in errors[:50]:
        print("%s: %s" % (path, e))
    if errors:
        return 1
    print("%s: valid ShiViz log: %d events, %d with another host in their clock" % (
        path, events, merged))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
