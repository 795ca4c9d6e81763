"""Where a warm leaderboard load spends its time in the browser: a timeline and the main thread's CPU by script.

python bench/app_profile.py --home DIR [--loads 5] [--checkout CHECKOUT]

Starts `revealed app` for DIR (a REVEALED_HOME with a published serving copy, say one bench/app_render.py built),
or that of another checkout of revealed, and opens the leaderboard --loads times in Debian Chromium, each in a new
browser session; the first load (cold) is left out. For each warm load it prints, in milliseconds after Streamlit's
websocket opened (the page's own clock): every websocket message and its size, every script or font that
finished loading, the first time each kind of element was in the document (title, banner, loading placeholders,
controls, the table's top row) and each long task (50 ms or more of the main thread). Then V8's sampling profile
of the same span, as self time by script file, per load and summed over the loads.
"""

import argparse
import collections
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from app_render import CLOCK, checkout_app, top_model, top_row, top_row_js  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from app.web import app_server  # noqa: E402

# What the timeline watches for, by Streamlit's test ids (the table's row is the bench's marker).
WATCHED = ["h1", "[data-testid=stAlert]", "[data-testid=stSkeleton]", "[data-testid=stSidebarNav]",
           "[data-testid=stHtml]", "[data-testid=stExpander]", "[data-testid=stPopover]",
           "[data-testid=stButtonGroup]", "[data-testid=stNumberInput]", "[data-testid=stDownloadButton]"]
TIMELINE = """
window.__seen = [];
const Socket = window.WebSocket;
window.WebSocket = class extends Socket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", e => {
      window.__seen.push([performance.now(), `message ${e.data.byteLength ?? e.data.size} B`]);
    });
  }
};
const counted = new Set();
new MutationObserver(() => {
  for (const selector of WATCHED) {
    const n = document.querySelectorAll(selector).length;
    if (n && !counted.has(selector + n)) {
      counted.add(selector + n);
      window.__seen.push([performance.now(), `${n} x ${selector}`]);
    }
  }
}).observe(document, {childList: true, subtree: true});
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__seen.push([e.startTime, `long task ${Math.round(e.duration)} ms`]);
}).observe({type: "longtask", buffered: true});
""".replace("WATCHED", json.dumps(WATCHED))
RESOURCES = ("performance.getEntriesByType('resource')"
             ".map(r => [r.responseEnd, 'loaded ' + r.name.split('/').pop(), r.startTime])")


def self_time(profile: dict, stopped: float, start_ms: float, end_ms: float) -> collections.Counter:
    """Microseconds of V8 samples per script file between two times of the page's clock (`stopped`: its time when
    the profile ended)."""
    nodes = {n["id"]: n["callFrame"] for n in profile["nodes"]}
    at, spent = profile["startTime"], collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        at += delta
        if start_ms <= stopped - (profile["endTime"] - at) / 1000 <= end_ms:
            frame = nodes[sample]
            spent[frame["url"].rsplit("/", 1)[-1] or f"({frame['functionName']})"] += delta
    return spent


def main() -> None:
    """Profile --loads leaderboard loads and print the warm ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="a REVEALED_HOME with a published serving copy")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--checkout", type=Path, help="profile the app of this checkout of revealed instead")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    first, _ = top_model(args.home)
    serve = checkout_app(args.home, args.checkout) if args.checkout else lambda: app_server.running_app(args.home)
    total = collections.Counter()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=app_server.CHROMIUM, args=app_server.CHROMIUM_ARGS)
        with serve() as url:
            for i in range(args.loads):
                context = chromium.new_context(viewport={"width": 1440, "height": 900})
                context.add_init_script(CLOCK % top_row_js(first))
                context.add_init_script(TIMELINE)
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Profiler.enable")
                cdp.send("Profiler.setSamplingInterval", {"interval": 200})
                cdp.send("Profiler.start")
                page.goto(url)
                expect(top_row(page, first)).to_be_attached(timeout=120_000)
                opened, shown, stopped = page.evaluate("[window.__bench.open, window.__bench.shown, performance.now()]")
                profile = cdp.send("Profiler.stop")["profile"]
                events = page.evaluate("window.__seen") + [e[:2] for e in page.evaluate(RESOURCES) if e[2] >= opened]
                context.close()
                if i == 0:
                    continue
                print(f"--- warm load {i}: websocket open at {opened:.0f} ms, top row in the table "
                      f"{shown - opened:.0f} ms later; after the open (ms):")
                for at, what in sorted(events + [[shown, "TOP ROW IN THE TABLE"]]):
                    if opened <= at <= shown + 100:
                        print(f"  {at - opened:6.0f}  {what}")
                spent = self_time(profile, stopped, opened, shown)
                total += spent
                print("  CPU (ms): " + ", ".join(f"{name} {us / 1000:.0f}" for name, us in spent.most_common(8)))
        chromium.close()
    print(f"CPU from websocket open to the top row, summed over {args.loads - 1} warm loads (ms):")
    for name, us in total.most_common(15):
        print(f"  {us / 1000:7.0f}  {name}")


if __name__ == "__main__":
    main()
