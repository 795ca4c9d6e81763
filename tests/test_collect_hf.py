"""The Hugging Face collector against the sandbox: real huggingface_hub client over loopback, real DuckDB file."""

import datetime as dt
import logging

import pytest

from app import cli
from collector import http
from collector.hf import listing as hf
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.checks.simulate import simulate
from warehouse.settings import Settings

TOKEN = "hf_sandboxSECRET42"


@pytest.fixture(scope="module")
def big_world() -> World:
    """A fictional world of about 2,000 visible models: three listing pages of 1,000."""
    return World(seed=7, n_models=2500)


@pytest.fixture
def hub(big_world):
    """A sandbox server over big_world."""
    with SandboxServer(big_world) as server:
        yield server


class FaultsAfterFirstPage:
    """A progress bar that injects sandbox faults once the first page is in, so they hit the run mid-way."""

    def __init__(self, server, faults: list[dict]):
        self.server, self.faults, self.pages = server, faults, 0

    def __call__(self, label, total):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def update(self, n):
        self.pages += 1
        if self.pages == 1:
            for fault in self.faults:
                self.server.faults.add(**fault)


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """Record the waits collector.http asks for (Retry-After, backoff, pacing) instead of sleeping through them."""
    recorded: list[float] = []
    monkeypatch.setattr(http, "sleep", recorded.append)
    return recorded


def expected(world, day: dt.date, floor: int = 0) -> list[dict]:
    """What the listing on `day` must hold, straight from the world, in listing order."""
    order = world.listing_order(day)
    d30 = world.downloads_30d(day, order)
    keep, d30 = order[d30 >= floor], d30[d30 >= floor]
    all_time = world.downloads_all_time(day, keep)
    models = world.models.iloc[keep].to_dict("records")
    rows = []
    for m, downloads, total in zip(models, d30.tolist(), all_time.tolist(), strict=True):
        parents = [p for p in (m["parent"], m["parent2"]) if isinstance(p, str)]
        rows.append({
            "id": m["id"], "author": m["author"], "downloads": downloads, "downloads_all_time": total,
            "license": m["license"], "gated": str(m["gated"]).lower(),
            "base_models": [{"relation": m["relation"], "parent": p} for p in parents],
        })
    return rows


def stored(con, day: dt.date) -> list[dict]:
    """The stored slice for day, in listing order."""
    df = con.execute(
        "SELECT id, author, downloads, downloads_all_time, license, gated, base_models FROM raw_hf_models "
        "WHERE as_of = ? ORDER BY downloads DESC, id", [day]).df()
    return [{**r, "base_models": list(r["base_models"])} for r in df.to_dict("records")]


def run_row(con, run_id: str) -> dict:
    return con.execute("SELECT * FROM collection_runs WHERE run_id = ?", [run_id]).df().to_dict("records")[0]


def by_id(rows):
    return sorted(rows, key=lambda r: (-r["downloads"], r["id"]))


def test_multi_page_collection_equals_the_world_row_for_row(con, big_world, hub):
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0)
    day = hub.date
    assert result.sandbox and result.rows == len(expected(big_world, day)) > 2000
    assert stored(con, day) == by_id(expected(big_world, day))
    listing_requests = hub.request_count("/api/models")
    assert listing_requests == 3
    run = run_row(con, result.run_id)
    assert (run["status"], run["sandbox"], run["rows_written"]) == ("ok", True, result.rows)
    assert run["requests"] == result.stats.requests == listing_requests + 1  # + the /_sandbox/info probe


def test_floor_stops_the_listing_early_and_limit_caps_it(con, big_world, hub):
    day = hub.date
    floor = int(big_world.downloads_30d(day, [big_world.listing_order(day)[40]])[0])
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=floor, details=0)
    assert stored(con, day) == by_id(expected(big_world, day, floor))
    # sorted: it stops a page's worth of models below the floor, so in the second of three pages
    assert 40 <= result.rows < 1000 and hub.request_count("/api/models") == 2
    capped = hf.collect(con, Settings(hf_endpoint=hub.url), as_of=day - dt.timedelta(days=1), min_downloads=0, limit=7,
                        details=0)
    assert capped.rows == 7 and hub.request_count("/api/models") == 3


def test_params_and_lineage_map_from_safetensors_gguf_and_tags(con, world, sandbox):
    hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=0)
    got = dict(con.execute("SELECT id, params FROM raw_hf_models WHERE as_of = ?", [sandbox.date]).fetchall())
    for i in world.listing_order(sandbox.date)[:60].tolist():
        item = world.api_model(int(i), sandbox.date, ["safetensors", "gguf"])
        want = (item.get("safetensors") or item.get("gguf") or {}).get("total")
        assert got[item["id"]] == want, item


def test_429_and_5xx_mid_run_are_survived_and_counted(con, big_world, hub, waits):
    faults = FaultsAfterFirstPage(hub, [{"kind": "429", "count": 2}, {"kind": "503"}, {"kind": "500"},
                                        {"kind": "reset"}, {"kind": "timeout", "seconds": 6.0}])
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults, timeout=3.0)
    assert stored(con, hub.date) == by_id(expected(big_world, hub.date))
    assert result.stats.retries == 6 and run_row(con, result.run_id)["retries"] == 6
    assert waits[:2] == [1.0, 1.0]  # the sandbox's Retry-After, then exponential backoff
    assert result.stats.requests == 1 + 3 + 6


def test_a_run_that_cannot_finish_leaves_the_old_slice_and_is_recorded_failed(con, big_world, hub):
    good = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0)
    faults = FaultsAfterFirstPage(hub, [{"kind": "500", "count": 1000}])
    with pytest.raises(http.HttpError, match=r"GET http://127\.0\.0\.1:\d+/api/models\?.*cursor=.* failed after 7 "):
        hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults)
    assert stored(con, hub.date) == by_id(expected(big_world, hub.date))
    assert con.execute("SELECT DISTINCT run_id FROM raw_hf_models").fetchall() == [(good.run_id,)]
    failed = con.execute("SELECT status, error FROM collection_runs WHERE run_id != ? AND source = 'hf'",
                         [good.run_id]).fetchall()
    assert len(failed) == 1 and failed[0][0] == "failed" and "HTTP 500" in failed[0][1]


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
def test_a_broken_later_page_fails_the_run_and_writes_nothing(con, hub, kind):
    faults = FaultsAfterFirstPage(hub, [{"kind": kind, "count": 1000}])
    with pytest.raises(hf.HfCollectError, match=r"malformed or truncated page from http://127\.0\.0\.1:\d+/api/models\?.*cursor="):
        hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults)
    assert con.execute("SELECT count(*) FROM raw_hf_models").fetchone() == (0,)
    status, error = con.execute("SELECT status, error FROM collection_runs WHERE source = 'hf'").fetchone()
    assert status == "failed" and "expected a JSON array" in error


@pytest.mark.parametrize(("kind", "field", "message"), [
    ("missing_field", "downloads", "expected 'downloads' to be a whole number of at least 0, got None"),
    ("mistyped_field", "likes", "expected 'likes' to be a whole number of at least 0, got '"),
    ("null_field", "tags", None),
])
def test_schema_drift_fails_the_run_naming_model_and_page_or_is_tolerated(con, big_world, hub, kind, field, message):
    faults = FaultsAfterFirstPage(hub, [{"kind": kind, "field": field}])
    if message is None:  # a model without tags is legal: its tags and lineage are stored as unknown (NULL)
        hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults)
        unknown = "SELECT count(*) FROM raw_hf_models WHERE tags IS NULL AND base_models IS NULL AND license IS NULL"
        assert con.execute(unknown).fetchone()[0] == 1000
        return
    with pytest.raises(hf.HfCollectError, match=r"malformed entry '.+' from http://127\.0\.0\.1:\d+/api/models\?"):
        hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults)
    error = con.execute("SELECT error FROM collection_runs WHERE source = 'hf'").fetchone()[0]
    assert message in error and con.execute("SELECT count(*) FROM raw_hf_models").fetchone() == (0,)


def test_fields_without_a_column_are_kept_in_payload(con, hub):
    faults = FaultsAfterFirstPage(hub, [{"kind": "extra_field"}])
    hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults)
    payloads = con.execute("SELECT payload->>'$.sandboxUnexpectedField.note', payload->>'$._id' FROM raw_hf_models "
                           "WHERE json_extract(payload, '$.sandboxUnexpectedField') IS NOT NULL").fetchall()
    assert len(payloads) == 1000 and all(note and len(_id) == 24 for note, _id in payloads)


def test_a_page_served_twice_is_stored_once(con, big_world, hub):
    faults = FaultsAfterFirstPage(hub, [{"kind": "duplicate_page"}])
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults)
    assert stored(con, hub.date) == by_id(expected(big_world, hub.date))
    assert result.stats.extra["duplicates"] == 1000 and result.rows == len(expected(big_world, hub.date))


def test_a_page_out_of_order_at_the_floor_loses_nothing(con, big_world, hub):
    day = hub.date
    floor = int(big_world.downloads_30d(day, [big_world.listing_order(day)[1500]])[0])
    faults = FaultsAfterFirstPage(hub, [{"kind": "out_of_order"}])
    hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=floor, details=0, progress=faults)
    assert stored(con, day) == by_id(expected(big_world, day, floor))


def test_an_empty_listing_empties_the_slice(con, hub):
    hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0)
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=10**12, details=0)
    assert result.rows == 0 and con.execute("SELECT count(*) FROM raw_hf_models").fetchone() == (0,)


def test_rerunning_an_as_of_replaces_and_never_duplicates(con, world, sandbox):
    hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=0)
    second = hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=0)
    n = len(expected(world, sandbox.date))
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM raw_hf_models").fetchone() == (n, n)
    assert con.execute("SELECT DISTINCT run_id FROM raw_hf_models").fetchall() == [(second.run_id,)]


def test_odd_ids_round_trip(con, world, sandbox):
    hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=0)
    ids = {r[0] for r in con.execute("SELECT id FROM raw_hf_models").fetchall()}
    odd = [i for i in world.models["id"] if not i.isascii() or len(i) > 60 or "." in i.split("/")[1]]
    visible = {r["id"] for r in expected(world, sandbox.date)}
    assert odd and {i for i in odd if i in visible} <= ids
    assert any(not i.isascii() for i in ids) and any(len(i) > 60 for i in ids)


def test_details_pass_records_child_counts_of_top_base_models(con, world, sandbox):
    result = hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=5)
    rows = con.execute("SELECT id, children_count FROM raw_hf_model_details WHERE as_of = ?",
                       [sandbox.date]).fetchall()
    top = con.execute("SELECT id FROM raw_hf_models WHERE len(base_models) = 0 ORDER BY downloads DESC, id "
                      "LIMIT 5").fetchall()
    assert [r[0] for r in rows] == [t[0] for t in top] and result.details.rows == 5
    for model_id, count in rows:
        i = int(world.models.index[world.models["id"] == model_id][0])
        assert count == world.api_model(i, sandbox.date, ["childrenModelCount"])["childrenModelCount"]
    assert run_row(con, result.details.run_id)["status"] == "ok"


def test_pacing_waits_when_the_window_is_small(con, hub, waits):
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=3, calls_per_window=2, window_s=60)
    assert result.stats.extra["pacing_waits"] == 1  # three listing pages at two calls per window
    assert result.details.stats.extra["pacing_waits"] == 3  # the details pass shares the listing's quota
    assert len(waits) == 4 and all(0 < w <= 60 for w in waits)


def test_token_never_reaches_runs_rows_or_logs(con, world, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    sandbox.faults.add("500", count=1000)
    with pytest.raises(http.HttpError):
        hf.collect(con, Settings(hf_endpoint=sandbox.url, hf_token=TOKEN), min_downloads=0, details=0)
    dump = str(con.execute("SELECT * FROM collection_runs").fetchall())
    assert TOKEN not in dump and TOKEN not in caplog.text
    assert "HTTP 500" in dump


def test_cli_collect_hf_and_bad_values(home, sandbox, capsys, caplog):
    caplog.set_level(logging.INFO)
    assert cli.main(["collect", "hf", "--endpoint", sandbox.url, "--limit", "5", "--details", "2",
                     "--min-downloads", "0"]) == 0
    out = capsys.readouterr().out
    assert "SANDBOX" in out and "5 models" in out and "2 base models" in out
    assert f"hf listing {sandbox.date}: 5/5 models (100%)" in caplog.text  # progress, logged when not a TTY
    with pytest.raises(SystemExit) as exit_:
        cli.main(["collect", "hf", "--min-downloads", "-3"])
    assert exit_.value.code == 2 and "'-3' is not a whole number of at least 0" in capsys.readouterr().err


def test_cli_unreachable_endpoint_is_one_line_and_exit_1(home, capsys):
    assert cli.main(["collect", "hf", "--endpoint", "http://127.0.0.1:9", "--details", "0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("revealed: error: cannot reach the Hub at http://127.0.0.1:9")


def test_simulate_collects_consecutive_days(con, world):
    results = simulate(con, world, days=3, min_downloads=0, details=2)
    days = [r[0] for r in con.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY 1").fetchall()]
    assert days == [world.today - dt.timedelta(days=k) for k in (2, 1, 0)]
    for day, result in zip(days, results, strict=True):
        assert stored(con, day) == by_id(expected(world, day))
        assert result.sandbox and result.details.rows == 2


def test_an_interrupted_listing_is_not_logged_as_done(home, sandbox, caplog):
    caplog.set_level(logging.INFO)
    sandbox.faults.add(kind="truncated", count=1000)
    assert cli.main(["collect", "hf", "--endpoint", sandbox.url, "--details", "0", "--min-downloads", "0"]) == 1
    listing = [r.getMessage() for r in caplog.records if r.getMessage().startswith("hf listing")]
    assert listing and listing[-1].endswith("(stopped before the end)")
    assert "(done)" not in caplog.text


def test_the_sandbox_is_named_once_not_once_a_day(con, world, caplog):
    caplog.set_level(logging.INFO)
    simulate(con, world, days=3, min_downloads=0, details=0)
    # at most once per process and endpoint (an earlier test may have had the same port)
    assert caplog.text.count("is the revealed SANDBOX") <= 1
    assert caplog.text.count("collecting fictional models") == 3  # each day's own line still says so


@pytest.mark.parametrize(("kind", "field", "repair"), [
    ("short_row", "downloads", "expected 'downloads' to be a whole number of at least 0, got None; entry skipped"),
    ("mistyped_row", "likes", "expected 'likes' to be a whole number of at least 0, got '"),
])
def test_one_malformed_entry_is_skipped_recorded_and_the_rest_kept(con, big_world, hub, kind, field, repair):
    faults = FaultsAfterFirstPage(hub, [{"kind": kind, "field": field}])
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0, progress=faults)
    listing = expected(big_world, hub.date)
    skipped = listing.pop(1000 + 1)  # the second entry of the second page (the sandbox fault's row)
    assert stored(con, hub.date) == by_id(listing)
    repairs = run_row(con, result.run_id)["repairs"]
    assert run_row(con, result.run_id)["status"] == "ok" and f"malformed entry {skipped['id']!r}" in repairs
    assert repair in repairs


def test_a_model_listed_twice_is_kept_once_and_recorded(con, big_world, hub):
    hub.faults.add("duplicate_row", path_prefix="/api/models")
    result = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0)
    assert stored(con, hub.date) == by_id(expected(big_world, hub.date))
    assert run_row(con, result.run_id)["repairs"] == "1 model(s) were listed twice; each kept once, as first listed"


def test_an_empty_listing_fails_and_keeps_the_slice(con, big_world, hub):
    first = hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0)
    hub.faults.add("empty_release", path_prefix="/api/models")
    with pytest.raises(hf.HfCollectError, match=r"the Hub listed no models at http://127\.0\.0\.1:\d+/api/models"):
        hf.collect(con, Settings(hf_endpoint=hub.url), min_downloads=0, details=0)
    assert stored(con, hub.date) == by_id(expected(big_world, hub.date))
    assert con.execute("SELECT DISTINCT run_id FROM raw_hf_models").fetchall() == [(first.run_id,)]
