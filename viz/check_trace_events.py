#!/usr/bin/env python3
"""Checks a file against the Chrome trace-event format (the JSON Object Format that Perfetto's
UI and chrome://tracing open), as strictly as viz/perfetto.h promises:

  - the file parses as JSON (an independent parser: Python's), an object with "traceEvents";
  - every event has name (string), ph, ts (number), pid and tid (integers);
  - ph is one of X i M B E s t f; an X has dur >= 0; an i has scope s in t/p/g;
  - per track (pid, tid): timestamps never go back, B/E balance, slices nest properly (a slice
    that starts inside another ends inside it too);
  - flows pair: each v2 bind_id has exactly one flow_out and one flow_in slice, the out not
    later than the in; each v1 s has an f with the same (cat, name, id), not earlier;
  - every process and thread with events is named by a process_name / thread_name event.

usage: check_trace_events.py FILE [--min-flows=N] [--process=NAME]...
Prints what is wrong (one line each) and exits 1, or prints a one-line summary and exits 0.
"""
import decimal
import json
import sys

PHASES = set("XiMBEstf")


def check(path, min_flows, processes):
    errors = []
    with open(path, encoding="utf-8") as f:
        # Exact decimals: ts and dur are microseconds with a fractional part, and float sums
        # would make a slice that starts where another ends look like an overlap.
        doc = json.load(f, parse_float=decimal.Decimal)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        return ["top level is not an object with a traceEvents list"], {}
    events = doc["traceEvents"]
    last_ts = {}
    stacks = {}  # track -> end times of open slices
    begins = {}
    bind_out, bind_in = {}, {}
    v1_start, v1_end = {}, {}
    proc_names, thread_names, used_pids, used_tracks = {}, set(), set(), set()
    for n, e in enumerate(events):
        where = "event %d (%s)" % (n, json.dumps(e, default=str)[:120])
        for key, types in (("name", str), ("ph", str), ("pid", int), ("tid", int)):
            if not isinstance(e.get(key), types) or isinstance(e.get(key), bool):
                errors.append("%s: missing or bad %r" % (where, key))
        if not isinstance(e.get("ts"), (int, decimal.Decimal)) or isinstance(e.get("ts"), bool):
            errors.append("%s: missing or bad 'ts'" % where)
            continue
        ph = e.get("ph")
        if ph not in PHASES:
            errors.append("%s: unknown ph %r" % (where, ph))
            continue
        track = (e.get("pid"), e.get("tid"))
        ts = e["ts"]
        if ph == "M":
            if e["name"] == "process_name":
                proc_names[e["pid"]] = e.get("args", {}).get("name")
            elif e["name"] == "thread_name":
                thread_names.add(track)
            continue
        used_pids.add(e["pid"])
        used_tracks.add(track)
        if ts < last_ts.get(track, ts):
            errors.append("%s: ts %s goes back on track %s (after %s)" % (where, ts, track,
                                                                         last_ts[track]))
        last_ts[track] = ts
        stack = stacks.setdefault(track, [])
        while stack and stack[-1] <= ts:  # complete slices that ended by now are closed
            stack.pop()
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, decimal.Decimal)) or isinstance(dur, bool) or dur < 0:
                errors.append("%s: X without a dur >= 0" % where)
                continue
            end = ts + dur
            if stack and end > stack[-1]:
                errors.append("%s: slice [%s, %s] overlaps the end %s of its enclosing slice"
                              % (where, ts, end, stack[-1]))
            stack.append(end)
            if "bind_id" in e:
                side = bind_out if e.get("flow_out") else bind_in if e.get("flow_in") else None
                if side is None:
                    errors.append("%s: bind_id without flow_out or flow_in" % where)
                elif e["bind_id"] in side:
                    errors.append("%s: bind_id %s used twice as %s" % (
                        where, e["bind_id"], "flow_out" if side is bind_out else "flow_in"))
                else:
                    side[e["bind_id"]] = ts
        elif ph == "B":
            begins[track] = begins.get(track, 0) + 1
        elif ph == "E":
            if begins.get(track, 0) == 0:
                errors.append("%s: E without B on track %s" % (where, track))
            else:
                begins[track] -= 1
        elif ph == "i":
            if e.get("s", "t") not in ("t", "p", "g"):
                errors.append("%s: instant scope %r" % (where, e.get("s")))
        elif ph in "sf":
            key = (e.get("cat"), e["name"], e.get("id"))
            if e.get("id") is None:
                errors.append("%s: flow event without id" % where)
            (v1_start if ph == "s" else v1_end)[key] = ts
    for track, open_count in sorted(begins.items()):
        if open_count:
            errors.append("track %s: %d B without E" % (track, open_count))
    for bind, ts in sorted(bind_out.items()):
        if bind not in bind_in:
            errors.append("flow bind_id %s: flow_out without flow_in" % bind)
        elif bind_in[bind] < ts:
            errors.append("flow bind_id %s: flow_in at %s before flow_out at %s"
                          % (bind, bind_in[bind], ts))
    for bind in sorted(set(bind_in) - set(bind_out)):
        errors.append("flow bind_id %s: flow_in without flow_out" % bind)
    for key, ts in v1_start.items():
        if key not in v1_end or v1_end[key] < ts:
            errors.append("flow %s: s without a later f" % (key,))
    for pid in sorted(used_pids - set(proc_names)):
        errors.append("pid %s has events but no process_name" % pid)
    for track in sorted(used_tracks - thread_names):
        errors.append("track %s has events but no thread_name" % (track,))
    flows = len(bind_out) + len(v1_start)
    if flows < min_flows:
        errors.append("%d flows, want at least %d" % (flows, min_flows))
    for name in processes:
        if name not in proc_names.values():
            errors.append("no process named %r (have %s)" % (name, sorted(
                v for v in proc_names.values() if v)))
    return errors, {"events": len(events), "flows": flows, "processes": len(proc_names)}


def main(argv):
    path, min_flows, processes = None, 0, []
    for arg in argv[1:]:
        if arg.startswith("--min-flows="):
            min_flows = int(arg.split("=", 1)[1])
        elif arg.startswith("--process="):
            processes.append(arg.split("=", 1)[1])
        else:
            path = arg
    errors, stats = check(path, min_flows, processes)
    for e in errors[:50]:
        print("%s: %s" % (path, e))
    if errors:
        return 1
    print("%s: valid trace-event JSON: %d events, %d flows, %d processes" % (
        path, stats["events"], stats["flows"], stats["processes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
