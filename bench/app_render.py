"""Time to first render of the leaderboard in a real browser (Debian Chromium via Playwright) on a big warehouse.

python bench/app_render.py [--models 100000] [--days 35] [--starts 3] [--loads 7] [--home DIR]

Without --home it builds a synthetic warehouse of --models models (bench/synthetic_hub.py, then the lineage,
scoring and marts steps) and publishes it. A load is timed from navigation until the top-ranked model's row
is in the leaderboard table (a data row whose link is that model's id: no placeholder has one). The first load
after each server start is cold (empty query caches); the rest are warm (a new browser session each, cached
queries). For scale it also times, the same way, an empty Streamlit page (the floor that any Streamlit app
pays for its front end on this machine) and a bare table page: the title, the sandbox banner and the same first
25 rows drawn by the same app/board.py table, without any control or navigation. Each load is also split, by
the page's own clock, into Streamlit's boot (navigation until its websocket opens: loading and running its
scripts, the same for any app) and the page (websocket open until the marker is in the document: the script
run, the messages and drawing them).
"""

import argparse
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
# Records, by the page's clock, when Streamlit's websocket first opens.
CLOCK = """
window.__bench = {};
const OpenSocket = window.WebSocket;
window.WebSocket = class extends OpenSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("open", () => { window.__bench.open ??= performance.now(); });
  }
};
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
    return page.get_by_test_id("stHtml").get_by_role("row").filter(has=link).first


def time_loads(serve, marker, starts: int, loads: int, split: list) -> tuple[list[float], list[float]]:
    """Seconds until `marker(page)` is in the page: cold (first load per server start) and warm loads.

    Each load's (boot, page) seconds by the page's clock are appended to `split`."""
    cold, warm = [], []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=app_server.CHROMIUM, args=app_server.CHROMIUM_ARGS)
        for start in range(starts):
            with serve() as url:
                for i in range(loads):
                    context = chromium.new_context(viewport={"width": 1440, "height": 900})
                    context.add_init_script(CLOCK)
                    page = context.new_page()
                    began = time.perf_counter()
                    page.goto(url)
                    expect(marker(page)).to_be_attached(timeout=120_000)
                    seconds = time.perf_counter() - began
                    (warm if i else cold).append(seconds)
                    opened = page.evaluate("window.__bench.open") / 1000
                    shown = page.evaluate("performance.now()") / 1000 - (time.perf_counter() - began - seconds)
                    split.append((opened, shown - opened))
                    log.info("start %d load %d: %.2f s (boot %.2f s, page %.2f s)", start + 1, i + 1, seconds,
                             opened, shown - opened)
                    context.close()
        chromium.close()
    return cold, warm


def time_script(source: str, marker, starts: int, loads: int, split: list) -> tuple[list[float], list[float]]:
    """The same timing for a one-file Streamlit page with this source."""
    script = Path(tempfile.mkdtemp(prefix="bench-page-")) / "page.py"
    script.write_text(source)
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.port"]
    return time_loads(lambda: app_server.serving(lambda port: [*command, str(port)]), marker, starts, loads, split)


def bare_table_page(home: Path) -> str:
    """Source of a page with the leaderboard's title, sandbox banner and first 25 rows, and nothing else."""
    con = db.connect_serving(home / "serving.duckdb")
    params = {"profile": profiles.load().default_profile, "tasks": [], "licenses": [], "sizes": [],
              "open_only": False, "min_coverage": 0.0, "limit": 25, "offset": 0}
    cur = con.execute(queries.sql("leaderboard_models"), params)
    rows = [dict(zip([d[0] for d in cur.description], row, strict=True)) for row in cur.fetchall()]
    trends = dict(con.execute(queries.sql("model_trends"), {"ids": [r["model_id"] for r in rows],
                                                            "days": board.TREND_DAYS}).fetchall())
    con.close()
    for r in rows:
        r["trend"] = trends.get(r["model_id"])
    columns = board.columns(True, list(profiles.COMPONENTS))
    table = board.STYLE + board.table(rows, columns, label="Models leaderboard, page 1")
    return ('import streamlit as st\nst.set_page_config(layout="wide")\nst.title("Leaderboard")\n'
            'st.warning("**Sandbox data: fictional.**")\n'
            f"st.html({table!r})\n")


def summary(label: str, cold: list[float], warm: list[float], split: list[tuple[float, float]]) -> str:
    """One line of medians."""
    boot, page = statistics.median(b for b, _ in split), statistics.median(p for _, p in split)
    return (f"{label}: cold median {statistics.median(cold):.2f} s ({len(cold)} server starts), "
            f"warm median {statistics.median(warm):.2f} s ({len(warm)} loads); every load: Streamlit's boot "
            f"{boot:.2f} s, then the page {page:.2f} s")


def main() -> None:
    """Build (or reuse) a warehouse, then time leaderboard loads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--home", type=Path, help="an existing REVEALED_HOME with a published serving copy")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    home = args.home or build_home(args.models, args.days)
    first, count = top_model(home)
    board_split, empty_split, bare_split = [], [], []
    cold, warm = time_loads(lambda: app_server.running_app(home), lambda page: top_row(page, first),
                            args.starts, args.loads, board_split)
    empty = time_script('import streamlit as st\nst.title("empty page")\n', lambda page: page.get_by_text("empty page"),
                        args.starts, args.loads, empty_split)
    bare = time_script(bare_table_page(home), lambda page: top_row(page, first), args.starts, args.loads, bare_split)
    print(summary(f"leaderboard first render, {count:,} models, real Chromium", cold, warm, board_split))
    print(summary("empty Streamlit page, same harness", *empty, empty_split))
    print(summary("bare table page (title, banner, the same 25 rows; no controls), same harness", *bare, bare_split))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
