"""A tiny driver for headless Chromium over the DevTools protocol (CDP), Python 3 stdlib only.

Chromium is started with --remote-debugging-pipe: it reads commands from its file descriptor 3
and writes answers and events to its descriptor 4, each message one JSON object ended by a NUL
byte. That needs no port, no network and no package beyond Python's standard library.

Used by the browser test of the timeline page (viz/page_in_chromium_test.py) and by
viz/screenshot.py, which takes the README's pictures. Every wait has a deadline: a page or a
browser that never answers fails with a message instead of hanging.

    with Chromium(tmpdir) as browser:
        page = browser.open("file:///tmp/t.html", width=1400, height=900)
        page.evaluate("document.title")
        page.screenshot("/tmp/t.png", full_page=True)
        browser.errors  # uncaught exceptions, console.error and error log entries, in order
"""

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time


class BrowserError(Exception):
    pass


def find_chromium():
    """The Chromium binary: $CHROMIUM, else `chromium` (Debian) or `chromium-browser` on PATH."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Page:
    def __init__(self, browser, session):
        self._browser = browser
        self._session = session

    def call(self, method, params=None, timeout=30):
        return self._browser.call(method, params, session=self._session, timeout=timeout)

    def evaluate(self, expression, timeout=30):
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.call("Runtime.evaluate", {
            "expression": expression,
            "returnByValue": True,
            "awaitPromise": True,
        }, timeout=timeout)
        if "exceptionDetails" in result:
            raise BrowserError("%s: %s" % (expression[:80], _describe_exception(
                result["exceptionDetails"])))
        return result["result"].get("value")

    def screenshot(self, path, full_page=False):
        """Writes a PNG of the viewport, or of the whole page when full_page."""
        params = {"format": "png"}
        if full_page:
            metrics = self.call("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                              "scale": 1}
        data = self.call("Page.captureScreenshot", params, timeout=60)["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))


class Chromium:
    """One headless Chromium; a context manager that always ends the process it started."""

    def __init__(self, tmpdir, binary=None, timeout=60):
        self.binary = binary or find_chromium()
        if not self.binary:
            raise BrowserError("no chromium on PATH (tools/bootstrap installs Debian's chromium)")
        self.errors = []   # text of every uncaught exception, console.error, error log entry
        self.console = []  # text of every console message
        self._events = []
        self._next_id = 0
        self._buffer = b""
        self._timeout = timeout
        home = os.path.join(tmpdir, "chromium-home")
        os.makedirs(home, exist_ok=True)
        # Chromium's own sandbox needs user namespaces that Bazel's sandbox (and containers)
        # do not give; the page is a local file we wrote. No GPU, no first-run or crash UI,
        # nothing fetched from the network.
        args = [
            self.binary, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--remote-debugging-pipe",
            "--user-data-dir=" + os.path.join(home, "profile"),
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", "--mute-audio",
            "--allow-file-access-from-files", "about:blank",
        ]
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_CACHE_HOME=home)
        log = open(os.path.join(tmpdir, "chromium-stderr.log"), "wb")

        def child_fds():
            # Chromium expects the pipe on descriptors 3 (commands in) and 4 (messages out).
            # Moved out of the way first: either end may itself be descriptor 3 or 4.
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)  # dup2 leaves the new descriptor open across exec
            os.dup2(high_w, 4)

        # os.pipe() descriptors are not inherited (PEP 446); only 3 and 4 reach Chromium.
        self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=env, preexec_fn=child_fds, close_fds=False)
        log.close()
        os.close(to_chrome_r)
        os.close(from_chrome_w)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._process.poll() is None:
            try:
                self._send({"id": self._new_id(), "method": "Browser.close"})
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass

    def _new_id(self):
        self._next_id += 1
        return self._next_id

    def _send(self, message):
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data):]

    def _receive(self, deadline):
        """The next message, or BrowserError at the deadline or when Chromium exits."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise BrowserError("chromium exited (status %s)" % self._process.poll())
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self._note_event(message)
        return message

    def _note_event(self, event):
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append("uncaught " + _describe_exception(params["exceptionDetails"]))
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.console.append("%s: %s" % (params["type"], text))
            if params["type"] in ("error", "assert"):
                self.errors.append("console.%s: %s" % (params["type"], text))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self.errors.append("log: %s (%s)" % (entry["text"], entry.get("url", "")))
        self._events.append(event)

    def call(self, method, params=None, session=None, timeout=None):
        message = {"id": self._new_id(), "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + (timeout or self._timeout)
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == message["id"]:
                if "error" in answer:
                    raise BrowserError("%s: %s" % (method, answer["error"].get("message")))
                return answer.get("result", {})

    def wait_for_event(self, method, session, timeout=None):
        deadline = time.monotonic() + (timeout or self._timeout)
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method and event.get("sessionId") == session:
                    del self._events[i]
                    return event.get("params", {})
            self._receive(deadline)

    def open(self, url, width=1400, height=900):
        """A new tab of width x height CSS pixels showing `url`, after its load event."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Runtime", "Page", "Log"):
            page.call(domain + ".enable")
        page.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self._events = [e for e in self._events if e["method"] != "Page.loadEventFired"]
        navigation = page.call("Page.navigate", {"url": url})
        if navigation.get("errorText"):
            raise BrowserError("%s: %s" % (url, navigation["errorText"]))
        self.wait_for_event("Page.loadEventFired", session)
        return page


def _describe_exception(details):
    exception = details.get("exception", {})
    text = exception.get("description") or details.get("text", "")
    return "%s (line %s, column %s)" % (text, details.get("lineNumber"),
                                        details.get("columnNumber"))
