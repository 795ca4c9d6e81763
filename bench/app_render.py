"""Time to first render of the leaderboard in a real browser (Debian Chromium via Playwright) on a big warehouse.

python bench/app_render.py [--models 100000] [--days 35] [--starts 3] [--loads 7] [--home DIR] [--versus CHECKOUT ...]
    [--wait SECONDS]

Without --home it builds a synthetic warehouse of --models models (bench/synthetic_hub.py, then the lineage,
scoring and marts steps) and publishes it. A load is timed from navigation until the top-ranked model's row
is in the leaderboard table (a data row whose link is that model's id: no placeholder has one). The first load
after each server start is cold (a server that has just started: the browser arrives as soon as it serves), timed
both from navigation and from the server process's start (so whatever a server does before it serves counts, for
every page alike); the rest are warm (a new browser session each, cached queries). For scale it also times, the same
way, an empty Streamlit page (the floor that any Streamlit app pays for its front end on this machine) and a bare
table page: the title, the sandbox banner and the same first 25 rows drawn by the same app/web/board.py table,
without any control or navigation. Each load is also split, by the page's own clock, into Streamlit's boot
(navigation until its websocket opens: loading and running its scripts, the same for any app) and the page
(websocket open until the marker is in the document: the script run, the messages and drawing them). Times are
taken by the page's own clock. The pages take turns: each round starts every page's server once (with --versus,
also the leaderboard of other checkouts, for before/after pairs), so a change in the machine's load falls on all
of them.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from synthetic_hub import fill  # noqa: E402

from app.web import app_server, board, queries  # noqa: E402
from pipelines import profiles  # noqa: E402
from pipelines.orchestration import build  # noqa: E402
from pipelines.steps import lineage, marts, scoring  # noqa: E402
from warehouse import db, paths, publish  # noqa: E402

log = logging.getLogger("bench.app_render")
# Records, by the page's clock, when Streamlit's websocket first opens and when the page's marker (the JavaScript
# test filled in) is first in the document: a MutationObserver sees it at once, where Playwright's expect()
# polls every 0.5 s after its first tries.
CLOCK = """
window.__bench = {};
const OpenSocket = window.WebSocket;
window.WebSocket = class extends OpenSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("open", () => { window.__bench.open ??= performance.now(); });
  }
};
const shown = () => %s;
new MutationObserver((_, observer) => {
  if (shown()) { window.__bench.shown = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def build_home(models: int, days: int) -> Path:
    """A fresh REVEALED_HOME with a published synthetic warehouse."""
    home = Path(tempfile.mkdtemp(prefix="bench-app-"))
    con = db.connect(paths.warehouse_file(home))
    began = time.perf_counter()
    fill(con, models, days)
    build.run_build(con, build.steps_of(lineage.build, scoring.build, marts.build))
    publish.publish(con, paths.serving_file(home))
    con.close()
    log.info("built and published %s models x %s days in %.0f s", f"{models:,}", days, time.perf_counter() - began)
    return home


def top_model(home: Path) -> tuple[str, int]:
    """The model the leaderboard shows first, and how many models the warehouse holds."""
    con = db.connect_serving(home / "serving.duckdb")
    first = con.execute("SELECT entity_id FROM mart_scores WHERE entity_kind = 'model' AND profile = ? "
                        "ORDER BY rank NULLS LAST, composite DESC NULLS LAST, entity_id LIMIT 1",
                        [profiles.load().default_profile]).fetchone()[0]
    count = con.execute("SELECT count(*) FROM mart_models").fetchone()[0]
    con.close()
    return first, count


def top_row(page, model_id: str):
    """The leaderboard table's row that links to model_id's page: only real data rows carry model links."""
    link = page.get_by_role("link", name=model_id, exact=True)
    return page.get_by_role("table", name="Models leaderboard, page 1").get_by_role("row").filter(has=link).first


def top_row_js(model_id: str) -> str:
    """The same test in the page's JavaScript, for its clock: a link named model_id in a row of the leaderboard."""
    links = "[...document.querySelectorAll('table[aria-label=\"Models leaderboard, page 1\"] tr a')]"
    return f"{links}.some(a => a.textContent === {json.dumps(model_id)})"


EMPTY_PAGE_JS = "[...document.querySelectorAll('h1')].some(h => h.textContent.includes('empty page'))"


def time_loads(serve, marker, marker_js: str, loads: int, split: list,
               wait: float = 0.0) -> tuple[float, float, list[float]]:
    """Seconds until the marker is in the page, for one server start: its first (cold) load from navigation and from
    the server process's start, and the warm loads from navigation.

    `marker(page)` (a Playwright locator) is what each load waits for; `marker_js` is the same test, run by the page
    on every change of its document, which gives the time. Each load's (boot, page) seconds are appended to
    `split`. The first load starts `wait` seconds after the server answers."""
    seconds = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=app_server.CHROMIUM, args=app_server.CHROMIUM_ARGS)
        started = time.time()  # the server process starts now: the cold load also counts the wait until it serves
        with serve() as url:
            time.sleep(wait)  # 0: the browser comes as soon as the server answers
            for i in range(loads):
                context = chromium.new_context(viewport={"width": 1440, "height": 900})
                context.add_init_script(CLOCK % marker_js)
                page = context.new_page()
                page.goto(url)
                expect(marker(page)).to_be_attached(timeout=120_000)
                opened, shown, origin = page.evaluate(
                    "[window.__bench.open, window.__bench.shown, performance.timeOrigin]")
                if shown is None:
                    raise RuntimeError(f"the page's clock never saw its marker ({marker_js})")
                seconds.append(shown / 1000)
                split.append((opened / 1000, (shown - opened) / 1000))
                if i == 0:
                    waited = origin / 1000 - started
                    log.info("server start to navigation: %.2f s", waited)
                log.info("load %d: %.2f s (boot %.2f s, page %.2f s)", i + 1, seconds[-1], *split[-1])
                context.close()
        chromium.close()
    return seconds[0], waited + seconds[0], seconds[1:]


def script_server(source: str):
    """A one-file Streamlit page with this source, as a function that starts its server (a context manager)."""
    script = Path(tempfile.mkdtemp(prefix="bench-page-")) / "page.py"
    script.write_text(source)
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.port"]
    return lambda: app_server.serving(lambda port: [*command, str(port)])


def checkout_app(home: Path, root: Path):
    """`revealed app` run from another checkout of revealed (its own code throughout), for home."""
    command = [sys.executable, "-m", "app.cli", "app", "--port"]
    env = {"REVEALED_HOME": str(home), "PYTHONPATH": str(root)}
    return lambda: app_server.serving(lambda port: [*command, str(port)], env, cwd=root)


def bare_table_page(home: Path) -> str:
    """Source of a page with the leaderboard's title, sandbox banner and first 25 rows, and nothing else."""
    con = db.connect_serving(home / "serving.duckdb")
    params = {"kind": "model", "profile": profiles.load().default_profile, "tasks": [], "licenses": [], "sizes": [],
              "open_only": False, "min_coverage": 0.0, "limit": 25, "offset": 0}
    cur = con.execute(queries.sql("leaderboard_models"), params)
    rows = [dict(zip([d[0] for d in cur.description], row, strict=True)) for row in cur.fetchall()]
    trends = dict(con.execute(queries.sql("model_trends"), {"ids": [r["model_id"] for r in rows],
                                                            "days": board.TREND_DAYS}).fetchall())
    con.close()
    for r in rows:
        r["trend"] = trends.get(r["model_id"])
    config = profiles.load()
    weights = config.profiles[config.default_profile]
    columns = board.columns(True, [c for c in profiles.COMPONENTS if weights.get(c, 0) > 0])  # as the leaderboard
    table = board.STYLE + board.table(rows, columns, label="Models leaderboard, page 1")
    return ('import streamlit as st\nst.set_page_config(layout="wide")\nst.title("Leaderboard")\n'
            'st.warning("**Sandbox data: fictional.**")\n'
            f"st.html({table!r})\n")


def summary(label: str, cold: list[float], from_start: list[float], warm: list[float],
            split: list[tuple[float, float]]) -> str:
    """One line of medians."""
    boot, page = statistics.median(b for b, _ in split), statistics.median(p for _, p in split)
    return (f"{label}: cold median {statistics.median(cold):.2f} s from navigation, "
            f"{statistics.median(from_start):.2f} s from the server process's start ({len(cold)} server starts), "
            f"warm median {statistics.median(warm):.2f} s ({len(warm)} loads); every load: Streamlit's boot "
            f"{boot:.2f} s, then the page {page:.2f} s")


def main() -> None:
    """Build (or reuse) a warehouse, then time leaderboard loads and the pages that give them scale, in rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--home", type=Path, help="an existing REVEALED_HOME with a published serving copy")
    parser.add_argument("--versus", type=Path, metavar="CHECKOUT", nargs="+", default=[],
                        help="also time the leaderboard of other checkouts of revealed (say `git worktree add "
                             "CHECKOUT main`), in the same rounds")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="send the browser this long after each server answers, to see what its start-up run "
                             "costs a visitor who comes at once (the figure from the server's start holds the wait)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    home = args.home or build_home(args.models, args.days)
    first, count = top_model(home)
    row, row_js = (lambda page: top_row(page, first)), top_row_js(first)
    pages = {f"leaderboard first render, {count:,} models, real Chromium": (lambda: app_server.running_app(home),
                                                                              row, row_js)}
    for checkout in args.versus:
        pages[f"the same, from {checkout}"] = (checkout_app(home, checkout), row, row_js)
    pages["empty Streamlit page, same harness"] = (
        script_server('import streamlit as st\nst.title("empty page")\n'),
        lambda page: page.get_by_text("empty page"), EMPTY_PAGE_JS)
    pages["bare table page (title, banner, the same 25 rows; no controls), same harness"] = (
        script_server(bare_table_page(home)), row, row_js)
    timed = {label: ([], [], [], []) for label in pages}
    for start in range(args.starts):  # one server start of each page per round: they share the machine's load
        for label, (serve, marker, marker_js) in pages.items():
            log.info("round %d: %s", start + 1, label)
            cold, from_start, warm, split = timed[label]
            first_load, first_from_start, later_loads = time_loads(serve, marker, marker_js, args.loads, split,
                                                                          args.wait)
            cold.append(first_load)
            from_start.append(first_from_start)
            warm += later_loads
    for label, (cold, from_start, warm, split) in timed.items():
        print(summary(label, cold, from_start, warm, split))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
