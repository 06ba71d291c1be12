#!/usr/bin/env python3
"""Screenshot of a timeline page (or any local page) in headless Chromium, for the docs.

Usage: screenshot.py PAGE.html OUT.png [--view=FROM,TO] [--workers=all|none|g1,...]
                     [--width=PX] [--height=PX] [--viewport]

--view and --workers set the page's address (#t=FROM,TO&workers=...), which the timeline page
opens with; the whole page is captured unless --viewport. Uses viz/chromium.py (Debian's
chromium, Python's standard library only). Exit 0 written, 1 the browser failed or the page
had a script error, 2 bad usage.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chromium import BrowserError, Chromium  # noqa: E402


def main(argv):
    paths, options = [], {"width": "1400", "height": "900"}
    for arg in argv:
        if arg.startswith("--") and "=" in arg:
            key, value = arg[2:].split("=", 1)
            options[key] = value
        elif arg == "--viewport":
            options["viewport"] = True
        else:
            paths.append(arg)
    if len(paths) != 2 or not set(options) <= {"width", "height", "view", "workers", "viewport"}:
        sys.stderr.write(__doc__)
        return 2
    page_path, out = (os.path.abspath(p) for p in paths)
    fragment = []
    if "view" in options:
        fragment.append("t=" + options["view"])
    if "workers" in options:
        fragment.append("workers=" + options["workers"])
    url = "file://" + page_path + ("#" + "&".join(fragment) if fragment else "")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with Chromium(tmp) as browser:
                page = browser.open(url, width=int(options["width"]),
                                    height=int(options["height"]))
                page.screenshot(out, full_page="viewport" not in options)
                if browser.errors:
                    sys.stderr.write("\n".join(browser.errors) + "\n")
                    return 1
        except BrowserError as e:
            sys.stderr.write("screenshot: %s\n" % e)
            return 1
    print("wrote " + out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
