#!/usr/bin/env python3
"""The timeline page of a known trace, opened in headless Chromium (viz/chromium.py).

Usage: page_in_chromium_test.py VIZ_TIMELINE TRACE.jsonl

Renders TRACE with viz_timeline, opens the page and checks, in the page as the browser built it:
  - no uncaught exception, console error or error log entry;
  - a lane per host of the trace (host.add records) and a marker per scenario step
    (scenario.step records), the leader lane, a lane per service, a summary lane of the workers;
  - the page is drawn, not only parsed: the axis has ticks and the point in the middle of a
    leader band hits that band;
  - zooming (the page's interface, Ctrl+wheel and the keyboard) re-places the bands and markers
    and keeps the view in the address; a click on a marker zooms to it;
  - a click on the workers' summary lane hides and shows their lanes, and the picture's height
    follows.
Screenshots of the whole run and of the minute around the first crash go to
$TEST_UNDECLARED_OUTPUTS_DIR (Bazel keeps them in bazel-testlogs/.../test.outputs/outputs.zip).
Exit 0 when every check passes, 1 with one FAIL line per failed check.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chromium import BrowserError, Chromium  # noqa: E402

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL: " + what)


def trace_facts(path):
    """Host names, scenario steps (time in seconds, number, action), the first crash and the
    last record's time (seconds)."""
    hosts, steps, crash, end = [], [], None, 0
    with open(path) as trace:
        for line in trace:
            record = json.loads(line)
            kind = record["kind"]
            end = record["t_ns"] / 1e9
            if kind == "host.add":
                hosts.append(record["name"])
            elif kind == "scenario.step":
                steps.append((record["t_ns"] / 1e9, record["step"], record["action"]))
            elif kind == "host.crash" and crash is None:
                crash = record["t_ns"] / 1e9
    return hosts, steps, crash, end


# Everything the checks need from the page, in one round trip.
STATE = r"""(() => {
  const svg = document.querySelector('svg.timeline');
  const shown = el => el.getClientRects().length > 0;
  const lanes = [...svg.querySelectorAll('#lanes > g.lane')];
  const leader = svg.querySelector('rect.leader-band');
  let hit = null;
  if (leader && shown(leader)) {
    const r = leader.getBoundingClientRect();
    const el = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    hit = el === leader || (el && el.closest('rect') === leader);
  }
  return {
    lanes: lanes.map(g => ({cls: g.getAttribute('class'), name: g.dataset.name || '',
                            label: ((g.querySelector('text.lane') || {}).firstChild || {}).nodeValue || '',
                            shown: shown(g)})),
    markers: [...svg.querySelectorAll('g.marker')].map(g => ({
      label: g.querySelector('text').firstChild.nodeValue, t: +g.dataset.t,
      labelShown: shown(g.querySelector('text')), x: +g.querySelector('line').getAttribute('x1')})),
    ticks: svg.querySelectorAll('#axis text.tick').length,
    height: +svg.getAttribute('height'),
    left: +svg.dataset.left, right: +svg.dataset.right, begin: +svg.dataset.begin,
    leaderHit: hit,
    leaderWidth: leader ? +leader.getAttribute('width') : 0,
    view: window.swarmsimTimeline ? window.swarmsimTimeline.view() : null,
    hash: location.hash,
  };
})()"""


def centre_of(page, selector):
    """The centre of the first element matching `selector`, in CSS pixels of the viewport."""
    return page.evaluate("(() => { const r = document.querySelector(%s).getBoundingClientRect();"
                         " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
                         % json.dumps(selector))


def click(page, x, y):
    for kind in ("mousePressed", "mouseReleased"):
        page.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                               "clickCount": 1})


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    timeline, trace = sys.argv[1], sys.argv[2]
    tmp = os.environ.get("TEST_TMPDIR") or tempfile.mkdtemp()
    outputs = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR") or tmp
    page_path = os.path.join(tmp, "page.html")
    subprocess.run([timeline, trace, page_path], check=True, stdout=subprocess.DEVNULL)
    hosts, steps, crash, end = trace_facts(trace)
    check(len(hosts) > 0 and len(steps) > 0 and crash is not None and end > crash + 20,
          "the known trace has hosts, steps and a crash 20 s before its end")

    with Chromium(tmp) as browser:
        page = browser.open("file://" + page_path, width=1400, height=900)
        state = page.evaluate(STATE)
        names = [lane["name"] for lane in state["lanes"] if lane["name"]]
        for host in hosts:
            check(host in names, "a lane for host %s (lanes: %s)" % (host, names))
        classes = [lane["cls"] for lane in state["lanes"]]
        check("lane leader" in classes, "the leader lane")
        check("lane service" in classes, "a service lane")
        check("lane summary" in classes, "a summary lane of the workers")
        labels = [m["label"] for m in state["markers"]]
        for at, number, action in steps:
            check(any(label == "step %d: %s" % (number, action) or
                      (label.startswith(action.split("_")[0]) and
                       abs(m["t"] / 1e9 + state["begin"] / 1e9 - at) < 1e-6)
                      for m, label in zip(state["markers"], labels)),
                  "a marker for step %d (%s) at %.3fs (markers: %s)" % (number, action, at, labels))
        check(state["ticks"] >= 5, "the time axis has ticks (%d)" % state["ticks"])
        check(state["leaderHit"] is True, "the middle of a leader band hits that band")
        whole_run_width = state["leaderWidth"]
        page.screenshot(os.path.join(outputs, "timeline.png"), full_page=True)

        # Zoom to the 30 s around the first crash through the page's interface.
        begin, to = crash - 10, crash + 20
        page.evaluate("window.swarmsimTimeline.setView(%r, %r)" % (begin, to))
        state = page.evaluate(STATE)
        check(abs(state["view"][0] - begin) < 1e-6 and abs(state["view"][1] - to) < 1e-6,
              "the view is the 30 s around the crash (%s)" % state["view"])
        check(state["hash"].startswith("#t=%s," % ("%.6f" % begin).rstrip("0").rstrip(".")),
              "the address keeps the view (%s)" % state["hash"])
        crash_markers = [m for m in state["markers"] if m["label"].startswith("crash ")]
        want_x = state["left"] + (state["right"] - state["left"]) * 10 / 30
        check(any(abs(m["x"] - want_x) < 0.5 and m["labelShown"] for m in crash_markers),
              "the crash marker is drawn at %.1f with its label (%s)" % (want_x, crash_markers))
        check(state["leaderWidth"] != whole_run_width, "bands are re-placed when zoomed")
        page.screenshot(os.path.join(outputs, "timeline_zoomed.png"), full_page=True)

        # Ctrl+wheel over the plot zooms in around the pointer; '0' shows the whole run again.
        x, y = centre_of(page, "#lanes")
        page.call("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": x, "y": y,
                                               "deltaX": 0, "deltaY": -300, "modifiers": 2})
        zoomed = page.evaluate("window.swarmsimTimeline.view()")
        check(zoomed[1] - zoomed[0] < 30 - 1e-6, "Ctrl+wheel zooms in (%s)" % zoomed)
        page.call("Input.dispatchKeyEvent", {"type": "keyDown", "key": "0", "text": "0"})
        page.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": "0"})
        whole = page.evaluate("window.swarmsimTimeline.view()")
        check(abs(whole[0] - state["begin"] / 1e9) < 1e-6, "'0' shows the whole run (%s)" % whole)

        # A click on a marker's label zooms to the minute around it (or the whole run, if shorter).
        page.evaluate("window.swarmsimTimeline.fit()")
        state = page.evaluate(STATE)
        shown_markers = [m for m in state["markers"] if m["labelShown"]]
        check(shown_markers, "marker labels are shown in the whole run's view")
        if shown_markers:
            index = state["markers"].index(shown_markers[0])
            x, y = centre_of(page, "g.marker:nth-child(%d) text" % (index + 1))
            click(page, x, y)
            view = page.evaluate("window.swarmsimTimeline.view()")
            t = (state["begin"] + shown_markers[0]["t"]) / 1e9
            span = whole[1] - whole[0]
            check(view[0] <= t <= view[1] and abs(view[1] - view[0] - min(60, span)) < 1e-6,
                  "a click on marker %s zooms to the minute around it (%s)"
                  % (shown_markers[0]["label"], view))
        page.evaluate("window.swarmsimTimeline.fit()")

        # A click on the summary lane hides the workers' lanes, another shows them again.
        before = page.evaluate(STATE)
        x, y = centre_of(page, "g.lane.summary text.toggle")
        click(page, x, y)
        hidden = page.evaluate(STATE)
        workers = [lane for lane in hidden["lanes"] if lane["cls"] == "lane worker"]
        check(workers and not any(lane["shown"] for lane in workers),
              "a click on the summary hides the workers' lanes")
        check(hidden["height"] < before["height"], "the picture shrinks when they are hidden")
        check("workers=none" in hidden["hash"], "the address says so (%s)" % hidden["hash"])
        x, y = centre_of(page, "g.lane.summary text.toggle")
        click(page, x, y)
        shown_again = page.evaluate(STATE)
        check(all(lane["shown"] for lane in shown_again["lanes"] if lane["cls"] == "lane worker"),
              "another click shows them again")
        check(shown_again["height"] == before["height"], "and the picture has its height again")

        # A page opened with a view in its address starts there.
        page2 = browser.open("file://%s#t=%r,%r&workers=none" % (page_path, crash - 1, crash + 1))
        opened = page2.evaluate(STATE)
        check(opened["view"] and abs(opened["view"][0] - (crash - 1)) < 1e-6,
              "#t=FROM,TO opens that view (%s)" % opened["view"])
        check(not any(lane["shown"] for lane in opened["lanes"] if lane["cls"] == "lane worker"),
              "#workers=none opens with the workers' lanes hidden")

        for error in browser.errors:
            check(False, "the page ran without errors: " + error)

    print("%d checks failed" % len(FAILURES) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrowserError as e:
        print("FAIL: " + str(e))
        sys.exit(1)
