"""Model cards: parsing hostile and ordinary cards, and collecting them over loopback HTTP into DuckDB."""

import logging
import random

import pytest
from hub_rows import AS_OF, hub_snapshot
from static_server import serve

from app import cli
from collector import http
from collector.hf import card_parse
from collector.hf import cards as model_cards
from collector.hf import listing as hf
from collector.hf.card_parse import parse_card
from warehouse import db, paths
from warehouse.settings import Settings

MMLU_CARD = """---
license: apache-2.0
base_model: acme/Widget-7B
model-index:
- name: Widget-7B-Instruct
  results:
  - task: {type: text-generation}
    dataset: {name: MMLU (5-shot), type: cais/mmlu}
    metrics:
    - {type: acc, value: 0.712, name: accuracy}
  - dataset: {name: GSM8k (5-shot), type: gsm8k}
    metrics:
    - {type: acc, value: "n/a"}
    - {type: acc, value: "64.5%"}
  - dataset: {name: HellaSwag, type: hellaswag}
    metrics:
    - {type: acc_norm, value: 230}
  - dataset: {name: Some private eval}
    metrics:
    - {type: acc, value: 12}
---
# Widget
Code at [GitHub](https://github.com/Acme/widget) and https://github.com/acme/Widget.git, see
https://github.com/acme/widget/blob/main/train.py#L10. Not repos: https://github.com/orgs/acme,
https://github.com/acme, https://github.com/topics/llm. Elsewhere: https://gist.github.com/acme/123.
"""

BOMB = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\nbody\n"


def test_ordinary_card_gives_scores_links_and_recorded_skips():
    card = parse_card(MMLU_CARD)
    assert card.scores == [("MMLU", 71.2), ("GSM8K", 64.5)]
    assert card.github == [("acme/widget", "https://github.com/Acme/widget")]
    reasons = [reason for _, reason in card.skips]
    assert "GSM8K: metric value 'n/a' is not a number" in reasons
    assert "HellaSwag: metric value '230' is outside 0-1 or 0-100" in reasons
    assert {r for p, r in card.skips if p == "github_link"} == {
        "not a repository page: https://github.com/orgs/acme", "not a repository page: https://github.com/acme",
        "not a repository page: https://github.com/topics/llm"}


@pytest.mark.parametrize(("text", "reason"), [
    (BOMB, "aliases are not allowed"),
    ("---\nx: !!python/object/apply:os.system ['echo pwned']\n---\n", "could not determine a constructor"),
    ("---\nlicense: mit\n" + "k: v\n" * 60_000 + "---\n", "the limit is 256,000"),
    ("---\na: " + "[" * 5000 + "]" * 5000 + "\n---\n", "nesting deeper than 50 levels"),
    ("---\n" + "".join(" " * i + f"k{i}:\n" for i in range(200)) + "---\n", "nesting deeper than 50 levels"),
    ("---\n- just\n- a list\n---\n", "a list; expected a mapping"),
    ("---\nmodel-index: [1,\n---\n", "malformed YAML"),
    ("---\nreleased: 2024-13-45\n---\n", "malformed YAML: month must be in 1..12"),
    ("---\nmodel-index: {name: x}\n---\n", "model-index is a dict; expected a list"),
])
def test_hostile_front_matter_is_a_recorded_skip(text, reason):
    card = parse_card(text)
    assert card.scores == []
    assert any(reason in r for _, r in card.skips), card.skips


def test_cards_without_front_matter_and_odd_values_never_raise():
    assert parse_card("") == card_parse.ParsedCard()
    assert parse_card("# no front matter\n---\nnot yaml: [\n").skips == []
    assert parse_card("---\nlicense: mit\nno closing fence\n").skips == []
    odd = parse_card("---\nmodel-index:\n- results:\n  - dataset: {name: MMLU}\n    metrics: [{value: true}, "
                     "{value: .nan}, {value: [1]}, {value: 55}]\n---\n")
    assert odd.scores == [("MMLU", 55.0)] and len(odd.skips) == 3


def test_random_yaml_shaped_noise_never_raises():
    rng = random.Random(7)
    pieces = ["---\n", "model-index:", "\n- ", "results:", "  ", "{", "}", "[", "]", ": ", "&a ", "*a", "!!int ",
              "value: ", "0.5", "1e999", "'", '"', "#", "https://github.com/", "x/y", "\t", "\x00", "é", "---"]
    for _ in range(500):
        card = parse_card("---\n" + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))))
        assert all(0 <= score <= 100 for _, score in card.scores)


def test_a_flood_of_bad_links_is_capped():
    card = parse_card(" ".join(f"https://github.com/orgs/o{i}" for i in range(500)))
    assert len(card.skips) == card_parse.MAX_SKIPS_PER_PART


def write_cards(folder, cards: dict[str, str | bytes]) -> None:
    """Lay cards out as the Hub serves them: <id>/raw/main/README.md."""
    for model_id, text in cards.items():
        path = folder / model_id / "raw" / "main" / "README.md"
        path.parent.mkdir(parents=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())


@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setattr(http, "sleep", lambda s: None)


def test_collect_stores_one_atomic_slice_and_reruns_replace_it(con, tmp_path):
    hub_snapshot(con, [{"id": "acme/Widget-7B-Instruct", "downloads": 900}, {"id": "acme/Ghost-1B", "downloads": 800},
                       {"id": "acme/Huge-3B", "downloads": 700}, {"id": "acme/Bomb-2B", "downloads": 600},
                       {"id": "acme/Tail-1B", "downloads": 1}])
    write_cards(tmp_path, {"acme/Widget-7B-Instruct": MMLU_CARD, "acme/Huge-3B": b"x" * 1_000_001,
                           "acme/Bomb-2B": BOMB, "acme/Tail-1B": "---\nlicense: mit\n---\n"})
    with serve(tmp_path) as url:
        summary = model_cards.collect(con, Settings(hf_endpoint=url), top=4)
        again = model_cards.collect(con, Settings(hf_endpoint=url.replace("http://", "http://me:pw@")), top=4)
    assert summary.as_of == AS_OF and summary.extra["statuses"] == {"ok": 2, "not_found": 1, "too_large": 1}
    assert (summary.extra["links"], summary.extra["scores"]) == (1, 2)
    statuses = con.execute("SELECT id, status, readme IS NULL FROM raw_hf_model_cards ORDER BY id").fetchall()
    assert statuses == [("acme/Bomb-2B", "ok", False), ("acme/Ghost-1B", "not_found", True),
                        ("acme/Huge-3B", "too_large", True), ("acme/Widget-7B-Instruct", "ok", False)]
    assert con.execute("SELECT run_id FROM raw_hf_model_cards GROUP BY 1").fetchall() == [(again.run_id,)]
    assert con.execute("SELECT id, repo, url FROM card_github_links").fetchall() == [
        ("acme/Widget-7B-Instruct", "acme/widget", "https://github.com/Acme/widget")]
    assert con.execute("SELECT benchmark, score FROM card_legacy_scores ORDER BY 1").fetchall() == [
        ("GSM8K", 64.5), ("MMLU", 71.2)]
    skipped = con.execute("SELECT id, part FROM card_parse_skips WHERE part = 'front_matter'").fetchall()
    assert skipped == [("acme/Bomb-2B", "front_matter")]
    runs = con.execute("SELECT endpoint, status, rows_written, sandbox FROM collection_runs "
                       "WHERE source = 'hf_cards'").fetchall()
    assert runs == [(url, "ok", 4, False)] * 2  # recorded without the user:password part


def test_failed_run_keeps_the_earlier_slice_and_never_logs_the_token(con, tmp_path, fast_retries, caplog):
    hub_snapshot(con, [{"id": "acme/Widget-7B-Instruct"}])
    write_cards(tmp_path, {"acme/Widget-7B-Instruct": MMLU_CARD})
    with serve(tmp_path) as url:
        model_cards.collect(con, Settings(hf_endpoint=url), top=5)
    with serve(tmp_path) as url:
        dead = url  # the server is gone once the block ends
    caplog.set_level(logging.DEBUG)
    with pytest.raises(RuntimeError, match="every card request .* failed; earlier card slices were kept"):
        model_cards.collect(con, Settings(hf_endpoint=dead, hf_token="hf_SECRET_token_123"), top=5)
    assert con.execute("SELECT count(*) FROM card_legacy_scores").fetchone()[0] == 2
    failed = con.execute("SELECT status, error FROM collection_runs WHERE source = 'hf_cards' "
                         "ORDER BY started_at DESC LIMIT 1").fetchone()
    assert failed[0] == "failed" and "hf_SECRET" not in failed[1]
    assert "hf_SECRET" not in caplog.text


def test_collect_needs_a_hub_snapshot(con):
    with pytest.raises(RuntimeError, match="run 'revealed collect hf' first"):
        model_cards.collect(con, Settings(hf_endpoint="http://127.0.0.1:9"), top=5)


def test_card_path_encodes_unusual_ids():
    assert model_cards.card_path("org/Ünïcode model.v2") == "/org/%C3%9Cn%C3%AFcode%20model.v2/raw/main/README.md"


def test_cli_collect_cards_prints_what_it_stored(home, tmp_path, capsys):
    con = db.connect(paths.warehouse_file(home))
    hub_snapshot(con, [{"id": "acme/Widget-7B-Instruct", "downloads": 9}, {"id": "acme/Gone-1B", "downloads": 5}])
    con.close()
    write_cards(tmp_path / "site", {"acme/Widget-7B-Instruct": MMLU_CARD})
    with serve(tmp_path / "site") as url:
        assert cli.main(["collect", "cards", "--endpoint", url, "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert f"(as_of {AS_OF}) from {url}: 1 not_found, 1 ok; 1 GitHub links, 2 legacy scores" in out
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["collect", "cards", "--top", "0"])
    assert exit_info.value.code == 2
    assert "'0' is not a whole number of at least 1" in capsys.readouterr().err


def test_sandbox_cards_say_what_the_world_put_in_them(con, world, sandbox, fast_retries):
    hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=0)
    sandbox.faults.add("500", count=2, path_prefix="/")  # the first card requests fail and are retried
    summary = model_cards.collect(con, Settings(hf_endpoint=sandbox.url), top=120)
    assert summary.sandbox and summary.extra["statuses"] == {"ok": 120}
    ids = [i for (i,) in con.execute("SELECT id FROM raw_hf_model_cards").fetchall()]
    truth = world.models.set_index("id").loc[ids]
    want_links = {(i, r.lower()) for i, r in truth["github_repo"].dropna().items()}
    assert set(con.execute("SELECT id, repo FROM card_github_links").fetchall()) == want_links
    want_scores = {i: round(s, 4) for i, s in truth["legacy_score"].dropna().items()}
    got_scores = dict(con.execute("SELECT id, score FROM card_legacy_scores WHERE benchmark = 'MMLU'").fetchall())
    assert got_scores == pytest.approx(want_scores) and want_scores
    assert con.execute("SELECT count(*) FROM card_parse_skips").fetchone()[0] == 0
    run = con.execute("SELECT sandbox, retries FROM collection_runs WHERE run_id = ?", [summary.run_id]).fetchone()
    assert run == (True, 2)


def test_a_card_that_fails_on_a_rerun_keeps_what_was_fetched_before(con, world, sandbox, fast_retries):
    hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=0)
    model_cards.collect(con, Settings(hf_endpoint=sandbox.url), top=5)
    before = dict(con.execute("SELECT id, readme FROM raw_hf_model_cards").fetchall())
    broken = sorted(before)[0]
    sandbox.faults.add("500", count=100, path_prefix=f"/{broken}/")
    again = model_cards.collect(con, Settings(hf_endpoint=sandbox.url), top=5)
    assert again.extra["statuses"] == {"ok": 5}
    assert dict(con.execute("SELECT id, readme FROM raw_hf_model_cards").fetchall()) == before
    retries = con.execute("SELECT retries FROM collection_runs WHERE run_id = ?", [again.run_id]).fetchone()[0]
    assert retries == 6  # the broken card really failed: every retry was spent on it
