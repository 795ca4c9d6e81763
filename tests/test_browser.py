"""The real app in a real browser: `revealed app` on a free port, driven through Playwright and Debian's Chromium."""

import csv
import io
import logging
import os
import re
import shutil
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import board_html
import pytest
import sandbox_built
from playwright.sync_api import expect, sync_playwright

from app.web import app_server, board, queries, streamlit_server
from pipelines import profiles
from pipelines.serving import export_weekly, questionnaire_picks
from pipelines.serving import questionnaire as qn
from warehouse import db

pytestmark = pytest.mark.browser
CHROMIUM = app_server.CHROMIUM
WAIT_MS = 60_000

if not Path(CHROMIUM).exists() or not shutil.which("chromium"):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs Chromium at {CHROMIUM}: run apt-get install -y chromium", pytrace=False)
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium); browser tests skipped",
                allow_module_level=True)


expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def home() -> Path:
    """A REVEALED_HOME with a sandbox-built, published serving copy."""
    return sandbox_built.built_home()


@pytest.fixture(scope="module")
def app_url(home):
    """`revealed app` serving the published home."""
    with app_server.running_app(home) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; Playwright's own browsers are never downloaded."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=app_server.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh laptop-sized page."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture(scope="module")
def serving(home):
    """A read-only connection for what the pages should show."""
    con = db.connect_serving(home / "serving.duckdb")
    yield con
    con.close()


def expect_sandbox_banner(page) -> None:
    expect(page.get_by_text("Sandbox data: fictional.")).to_be_visible()


def settle(page) -> None:
    """Wait until the app's script run is over (a click during a rerun can be dropped)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def test_model_page_from_the_url_first(page, app_url, serving):
    model_id, raw = serving.execute(
        "SELECT model_id, raw_downloads_30d FROM mart_models WHERE model_id <> family ORDER BY rank LIMIT 1").fetchone()
    page.goto(f"{app_url}/model?model={model_id}")
    expect_sandbox_banner(page)
    expect(page.get_by_role("heading", name=model_id)).to_be_visible()
    expect(page.get_by_text("From raw input to score")).to_be_visible()
    # first page of a fresh server opened by deep link: still the app's own navigation, not the bare file
    expect(page.get_by_role("link", name="Leaderboard")).to_be_visible()
    expect(page.get_by_text("Parents, up to the family root")).to_be_visible()


TOP_2 = """SELECT entity_id FROM mart_scores WHERE entity_kind = 'model' AND profile = 'balanced'
    ORDER BY rank NULLS LAST, composite DESC NULLS LAST, entity_id LIMIT 2"""


def board_row(page, model_id: str):
    """The leaderboard table's row that links to model_id's page."""
    link = page.get_by_role("link", name=model_id, exact=True)
    return page.get_by_role("table", name="Models leaderboard, page 1").get_by_role("row").filter(has=link)


def test_leaderboard_renders_real_rows(page, app_url, serving, home):
    top = [model_id for (model_id,) in serving.execute(TOP_2).fetchall()]
    page.goto(app_url)
    expect_sandbox_banner(page)
    for model_id in top:
        expect(board_row(page, model_id)).to_be_visible()
    first = board_row(page, top[0])
    expect(first.get_by_role("cell").first).to_have_text(re.compile(r"^#1\b"))
    # the sparkline survives Streamlit's HTML sanitizer and is drawn (a data-URI SVG image with its description)
    sparkline = first.get_by_role("img", name=re.compile("^30 days of organic downloads: "))
    expect(sparkline).to_be_visible()
    assert sparkline.evaluate("img => img.complete && img.naturalWidth > 0")
    settle(page)  # the first screen (blank sparkline cells) was replaced in place: one table, every trend, the why
    expect(page.get_by_role("table")).to_have_count(1)
    expect(page.locator(".rv-board .spark")).to_have_count(0)
    expect(first.get_by_role("cell").first.locator("span[title]")).to_have_attribute("title", re.compile(r"^#1 of "))
    why = page.locator("details.rv-why")
    expect(why.get_by_text("Why each model on this page sits where it does")).to_be_visible()
    expect(why.locator("li")).to_have_count(25)
    assert str(home) not in page.content()


@pytest.mark.parametrize("width", [1440, 700])  # at 700 px the headers wrap and the sparklines set their column
def test_the_first_screen_has_every_cell_where_the_full_table_has_it(page, home, monkeypatch, width):
    monkeypatch.setenv("REVEALED_HOME", str(home))  # the page's own readers (app/web/queries.py) on the served home
    page.set_viewport_size({"width": width, "height": 900})
    profile = profiles.load().default_profile
    weights = queries.weights()[profile]
    columns = board.columns(True, [c for c in queries.components() if weights.get(c, 0) > 0])
    rows = queries.records("leaderboard_models", kind="model", profile=profile, tasks=[], licenses=[], sizes=[],
                           open_only=False, min_coverage=0.0, limit=25, offset=0)
    trends = {t["model_id"]: t["trend"] for t in queries.records("model_trends", ids=[r["model_id"] for r in rows],
                                                                   days=board.TREND_DAYS)}
    boxes = "cells => cells.map(c => { const r = c.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"
    page.set_content(board.STYLE + board.table(rows, columns, label="first screen"))
    blank = page.locator("td, th").evaluate_all(boxes)
    assert page.locator(".spark").count() == len(rows) and page.locator("img").count() == 0
    page.set_content(board.STYLE + board.table([r | {"trend": trends[r["model_id"]]} for r in rows], columns,
                                               label="full table"))
    assert page.locator("img").count() == len(rows)
    assert page.locator("td, th").evaluate_all(boxes) == blank, "the sparklines moved cells when they came"


@pytest.mark.parametrize("width", [1280, 1440])
@pytest.mark.parametrize("view", ["", "?kind=families"])
def test_leaderboard_fits_a_laptop_screen(browser, app_url, view, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{app_url}/{view}")
    expect(page.locator(".rv-board table")).to_be_visible()
    settle(page)
    # every column visible without scrolling sideways, with the sidebar open
    assert page.get_by_test_id("stSidebar").is_visible()
    hidden = page.locator(".rv-board").evaluate("b => b.scrollWidth - b.clientWidth")
    assert hidden <= 0, f"{hidden} px of the table hidden at {width} px: it scrolls sideways"
    context.close()


def test_leaderboard_link_opens_the_model_page_and_one_back_returns(page, app_url, serving):
    model_id = serving.execute(TOP_2).fetchone()[0]
    page.goto(app_url)
    board_row(page, model_id).get_by_role("link", name=model_id, exact=True).click()
    expect(page.get_by_role("heading", name=model_id)).to_be_visible()
    expect(page.get_by_text("From raw input to score")).to_be_visible()
    settle(page)
    # the link's address is the one the page writes back: no second history entry for the same model
    expect(page).to_have_url(f"{app_url}/model?model={quote(model_id, safe='')}")
    page.go_back()
    expect(page.get_by_role("table", name="Models leaderboard, page 1")).to_be_visible()
    expect(page).to_have_url(f"{app_url}/")


# Streamlit's page loaded by a deep link (/noise) first looks for its server under that path: these two 404s are
# its own probe, not a fault of a page; every other failed request or console message is.
PROBES = re.compile(r"/[^/]+/_stcore/(health|host-config)$")
GRIDS = "[...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')]"
METRICS = "[...document.querySelectorAll('[data-testid=stMetricValue] > div')]"
OVERFLOW = ".map(e => e.scrollWidth - e.clientWidth)"


@pytest.mark.parametrize("width", [1280, 1440])
@pytest.mark.parametrize("path", ["", "model?model={root}", "family?family={root}", "families", "benchmarks", "noise",
                                  "data_health", "questionnaire"])
def test_every_page_is_drawn_for_people(browser, app_url, serving, path, width):
    root = serving.execute("SELECT family FROM mart_families ORDER BY organic_downloads_30d DESC LIMIT 1").fetchone()[0]
    context = browser.new_context(viewport={"width": width, "height": 2400})  # tall: every table is drawn
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    said, failed = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and said.append(m.text))
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(f"{app_url}/{path.format(root=root)}")
    expect_sandbox_banner(page)
    settle(page)
    grids = page.get_by_test_id("stDataFrame")
    for i in range(grids.count()):  # each grid has drawn its scroller
        expect(grids.nth(i).locator(".dvn-scroller")).to_have_count(1)
    assert [px for px in page.evaluate(f"() => {GRIDS}{OVERFLOW}") if px > 1] == [], \
        f"a table is wider than its place at {width} px: a column is hidden"
    assert [px for px in page.evaluate(f"() => {METRICS}{OVERFLOW}") if px > 0] == [], f"a figure is cut at {width} px"
    probes = [url for url in failed if PROBES.search(url)]
    assert [url for url in failed if url not in probes] == []
    assert [text for text in said if "status of 404" not in text] == [] and len(said) == len(probes)
    context.close()


def test_the_model_pages_inputs_table_shows_every_source_whole_at_1280(page, app_url, serving):
    model_id = serving.execute(TOP_2).fetchone()[0]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{app_url}/model?model={quote(model_id, safe='')}")
    inputs = page.get_by_test_id("stTable").filter(has_text="Source, as of")
    expect(inputs.get_by_role("row")).to_have_count(9)
    settle(page)
    sources = inputs.locator("tbody tr td:last-child")
    assert sources.first.inner_text().startswith("Hugging Face, ")
    cut = sources.evaluate_all("cells => cells.filter(c => { const r = c.getBoundingClientRect(); "
                               "return c.scrollWidth > c.clientWidth || r.right > innerWidth; }).map(c => c.innerText)")
    assert cut == [], f"source cells cut at 1280 px: {cut}"


def test_the_noise_chart_labels_every_bar_at_1280(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{app_url}/noise")
    chart = page.get_by_test_id("stVegaLiteChart")
    expect(chart.locator(".role-axis-label text").first).to_be_visible()
    settle(page)
    bars = chart.locator(".role-mark rect, .role-mark path").evaluate_all(
        "marks => new Set(marks.map(m => Math.round(m.getBoundingClientRect().top))).size")
    # the y axis's labels (model ids, not the x axis's numbers), each drawn and none over the next
    labels = chart.locator(".role-axis").filter(has_text="/").locator(".role-axis-label text").evaluate_all(
        "ts => ts.filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')"
        ".map(t => { const r = t.getBoundingClientRect(); return [r.top, r.bottom]; })")
    assert len(labels) == bars > 1, f"{len(labels)} labels for {bars} bars"
    assert all(above[1] <= below[0] for above, below in pairwise(labels)), "labels overlap"


def test_family_link_on_the_leaderboard_opens_the_family_page(page, app_url, serving):
    page.goto(app_url)
    expect_sandbox_banner(page)
    page.get_by_role("group", name="Rank").get_by_role("link", name="Families").click()
    family = page.get_by_role("table", name="Families leaderboard, page 1").get_by_role("link").first
    name = family.inner_text()
    family.click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_text("Members by relation")).to_be_visible()
    assert unquote(page.url).endswith("/family?family=" + name)


def test_a_search_on_the_model_page_shows_its_first_match(page, app_url, serving):
    shown, wanted = [m for (m,) in serving.execute(TOP_2).fetchall()]
    page.goto(f"{app_url}/model?model={quote(shown, safe='')}")
    expect(page.get_by_role("heading", name=shown, exact=True)).to_be_visible()
    settle(page)
    page.get_by_label("Find a model by id").fill(wanted)
    page.get_by_label("Find a model by id").press("Enter")
    expect(page.get_by_role("heading", name=wanted, exact=True)).to_be_visible()
    expect(page).to_have_url(f"{app_url}/model?model={quote(wanted, safe='')}")


def test_a_bot_mirrors_link_to_its_source_moves_the_address_too(page, app_url, serving):
    mirror, source = serving.execute("SELECT model_id, mirror_of FROM mart_models WHERE mirror_of IS NOT NULL "
                                     "ORDER BY raw_downloads_30d DESC, model_id LIMIT 1").fetchone()
    page.goto(f"{app_url}/model?model={quote(mirror, safe='')}")
    settle(page)
    page.get_by_role("link", name=f"Read as a re-upload of {source}").click()
    expect(page.get_by_role("heading", name=source, exact=True)).to_be_visible()
    expect(page).to_have_url(f"{app_url}/model?model={quote(source, safe='')}")  # a reload or a shared link: the same


def test_a_link_on_the_model_page_is_followed_while_a_search_is_in_the_box(page, app_url, serving):
    # a mirror whose id no other model's id contains: searching for it shows it first, and not its source
    mirror, source = serving.execute(
        "SELECT model_id, mirror_of FROM mart_models m WHERE mirror_of IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
        "mart_models o WHERE o.model_id <> m.model_id AND contains(lower(o.model_id), lower(m.model_id))) "
        "ORDER BY raw_downloads_30d DESC, model_id LIMIT 1").fetchone()
    page.goto(f"{app_url}/model?model={quote(source, safe='')}")
    settle(page)
    search = page.get_by_label("Find a model by id")
    search.fill(mirror)
    search.press("Enter")
    expect(page.get_by_role("heading", name=mirror, exact=True)).to_be_visible()
    settle(page)
    page.get_by_role("link", name=f"Read as a re-upload of {source}").click()
    expect(page).to_have_url(f"{app_url}/model?model={quote(source, safe='')}")
    settle(page)
    expect(search).to_have_value(mirror)  # the search that does not match the source is still in the box
    expect(page.get_by_role("heading", name=source, exact=True)).to_be_visible()
    expect(page).to_have_url(f"{app_url}/model?model={quote(source, safe='')}")  # not given back to the search
    page.go_back()
    expect(page.get_by_role("heading", name=mirror, exact=True)).to_be_visible()
    settle(page)
    page.go_forward()
    expect(page.get_by_role("heading", name=source, exact=True)).to_be_visible()
    settle(page)
    expect(page.get_by_role("heading", name=source, exact=True)).to_be_visible()


def test_a_pick_in_the_model_box_moves_the_page_and_the_address(page, app_url, serving):
    shown, picked = [m for (m,) in serving.execute(TOP_2).fetchall()]
    page.goto(f"{app_url}/model?model={quote(shown, safe='')}")
    expect(page.get_by_role("heading", name=shown, exact=True)).to_be_visible()
    settle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Model").click()
    page.get_by_role("option", name=picked, exact=True).click()
    expect(page.get_by_role("heading", name=picked, exact=True)).to_be_visible()
    expect(page).to_have_url(f"{app_url}/model?model={quote(picked, safe='')}")
    settle(page)
    page.go_back()
    expect(page.get_by_role("heading", name=shown, exact=True)).to_be_visible()
    expect(page).to_have_url(f"{app_url}/model?model={quote(shown, safe='')}")


def test_unknown_model_in_the_url_is_named(page, app_url):
    page.goto(f"{app_url}/model?model=nobody/missing-model")
    expect(page.get_by_text("Unknown model id 'nobody/missing-model'")).to_be_visible()


def test_questionnaire_to_a_shortlist(page, app_url, serving):
    q = qn.load("run_locally")
    expected = questionnaire_picks.recommend(serving, q, qn.check_answers(q, {}), top=5).picks
    page.goto(f"{app_url}/questionnaire")
    expect_sandbox_banner(page)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=q.title).click()
    expect(page.get_by_text(q.questions[0]["prompt"])).to_be_visible()
    settle(page)
    page.get_by_role("button", name="Show my shortlist").click()
    expect(page.get_by_role("heading", name="Shortlist")).to_be_visible()
    expect(page.get_by_text(f"1. {expected[0].model_id}", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Open the model page").first).to_be_visible()


def test_leaderboard_csv_download_holds_the_whole_filtered_view(page, app_url, serving):
    page.goto(app_url)
    expect_sandbox_banner(page)
    settle(page)
    page.get_by_test_id("stPopover").get_by_role("button", name="Download as CSV").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the filtered view as CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    total = serving.execute("SELECT count(rank) FROM mart_scores WHERE entity_kind = 'model' AND profile = 'balanced'"
                            ).fetchone()[0]  # ranked models only: the unranked are on the Noise page and in exports
    assert len(rows) == total and {r["data_kind"] for r in rows} == {"sandbox"}
    assert list(rows[0]) == [*export_weekly.MODEL_COLUMNS, "data_kind"]  # the weekly export's columns
    assert not [v for r in rows for v in r.values() if re.search(r"\.\d{5,}$", v)]  # rounded as the export is
    assert download.value.suggested_filename == "revealed-models-balanced.csv"


def test_leaderboard_filters_and_pages_through_links_and_forms(page, app_url, serving):
    license_class = serving.execute("SELECT license_class FROM mart_models WHERE rank IS NOT NULL "
                                    "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    page.goto(app_url)
    expect_sandbox_banner(page)
    page.get_by_text("Filters", exact=True).click()
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_role("group", name="License class").get_by_label(license_class, exact=True).check()
    filters.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(f"filters: license {license_class}")).to_be_visible()
    table = page.get_by_role("table", name="Models leaderboard, page 1")
    expect(table).to_be_visible()
    rows = board_html.rows(table.evaluate("t => t.outerHTML"))
    assert rows and board_html.licenses(rows) == {license_class}
    assert f"license={license_class}" in page.url  # the view is in the address: it can be kept and shared
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next ›").click()
    table = page.get_by_role("table", name="Models leaderboard, page 2")
    expect(table).to_be_visible()
    assert board_html.licenses(board_html.rows(table.evaluate("t => t.outerHTML"))) == {license_class}
    page.get_by_role("spinbutton", name="Page").fill("1")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("table", name="Models leaderboard, page 1")).to_be_visible()
    assert f"license={license_class}" in page.url


def test_a_bad_address_says_what_was_wrong_and_shows_the_default_view(page, app_url):
    page.goto(f"{app_url}/?profile=%3Cimg%20src%3Dx%3E&rows=7")
    said = page.get_by_role("alert").filter(has_text="in the address")
    expect(said).to_contain_text("Unknown profile '<img src=x>' in the address")
    expect(said).to_contain_text("Showing the default view.")
    expect(page.locator("img[src=x]")).to_have_count(0)  # the hostile value is text, not markup
    expect(page.get_by_role("table", name="Models leaderboard, page 1")).to_be_visible()
    expect(page.get_by_role("group", name="Weight profile").get_by_role("link", name="balanced")).to_have_attribute(
        "aria-current", "true")


def leaves_loopback(url: str) -> bool:
    """True for a URL that would be fetched from another machine (data:, blob: and about: stay local)."""
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about", "javascript") and parts.hostname not in LOOPBACK


LOOPBACK = ("127.0.0.1", "localhost", "::1")
EVERY_PAGE = ("", "/model", "/families", "/benchmarks", "/noise", "/data_health", "/questionnaire")


def test_nothing_the_app_serves_fetches_from_outside_the_machine(page, app_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("websocket", lambda socket: requested.append(socket.url))
    referenced = []
    for path in EVERY_PAGE:
        page.goto(app_url + path)
        expect_sandbox_banner(page)
        settle(page)
        # what the page points at, fetched or not yet (the favicon is fetched by the browser, not the page)
        referenced += page.evaluate("() => [...document.querySelectorAll('[href], [src]')]"
                                    ".map(e => e.href || e.src).filter(u => typeof u === 'string')")
    assert requested and referenced
    assert [u for u in requested + referenced if leaves_loopback(u)] == []


def test_the_app_server_runs_the_first_page_at_start(app_url, caplog):
    """`revealed app` serves the script health check its start-up run uses, and the app runs through it."""
    with caplog.at_level(logging.WARNING, logger=streamlit_server.log.name):
        streamlit_server.warm_up(app_url)
    assert caplog.records == []


def test_the_start_up_run_gives_up_on_a_server_that_never_answers(caplog):
    url = f"http://127.0.0.1:{app_server.free_port()}"
    with caplog.at_level(logging.WARNING, logger=streamlit_server.log.name):
        streamlit_server.warm_up(url, timeout=0.5)
    assert [r.getMessage() for r in caplog.records] == [f"the app's server did not answer on {url} within 0 s"]


def test_back_from_a_grid_selection_returns_to_the_same_view(page, app_url):
    page.goto(f"{app_url}/?profile=usage&kind=families&view=grid")
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    settle(page)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection box, under the header row
    expect(page).to_have_url(re.compile(r"/family\?"))
    expect(page.get_by_role("heading", name="Family")).to_be_visible()
    page.go_back()
    expect(page.get_by_text(re.compile(r"ranked families · profile usage"))).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/\?profile=usage&kind=families&view=grid"))
