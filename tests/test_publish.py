"""A daily build's publish updates a copy of the serving file: table by table what a full copy of the marts gives."""

import logging

import duckdb
import pytest

from collector.sandbox.raw_seed import seed_raw
from collector.sandbox.world import World
from pipelines.orchestration import build, jobs
from warehouse import db, paths, publish

DAYS = 44
FIRST_BUILD = 36  # days in the first build; the next days are added one build at a time


def served(path) -> dict[str, list]:
    """Every table of a serving file as sorted rows, bar the publish state."""
    con = db.connect_serving(path)
    names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'serving' "
                                       "AND table_name != ?", [publish.STATE]).fetchall()]
    tables = {name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}
    con.close()
    return tables


def full_copy(con, path) -> dict[str, list]:
    """What a publish that writes every table gives for the warehouse as it is."""
    return served(publish.publish(con, path))


@pytest.fixture
def later(con) -> list:
    """A 300-model world (fictional) with its first FIRST_BUILD days collected; the later days held back in `held`."""
    seed_raw(con, World(seed=11, n_models=300), DAYS)
    days = [d for (d,) in con.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY 1").fetchall()]
    con.execute("CREATE TABLE held AS SELECT * FROM raw_hf_models WHERE as_of >= ?", [days[FIRST_BUILD]])
    con.execute("DELETE FROM raw_hf_models WHERE as_of >= ?", [days[FIRST_BUILD]])
    # from the third later day an old derivative names another family's root: both families change from its first day
    child, root = con.execute(
        "SELECT min(id) FILTER (len(base_models) > 0), min(id) FILTER (len(base_models) = 0 AND id NOT IN "
        "(SELECT unnest(base_models).parent FROM raw_hf_models WHERE as_of = ?)) FROM raw_hf_models WHERE as_of = ?",
        [days[0], days[0]]).fetchone()
    con.execute("UPDATE held SET base_models = [{'relation': 'finetune', 'parent': ?}] WHERE id = ? AND as_of >= ?",
                [root, child, days[FIRST_BUILD + 2]])
    return days[FIRST_BUILD:]


def collect(con, day) -> None:
    """Collect one held-back snapshot."""
    con.execute("INSERT INTO raw_hf_models SELECT * FROM held WHERE as_of = ?", [day])


def test_daily_publishes_equal_a_full_copy(home, con, later, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="warehouse.publish")
    serving = paths.serving_file(home)
    jobs.build_and_publish(con, home, None)
    assert "(every row)" in caplog.text
    redone_before_since = 0
    for day in later:
        collect(con, day)
        caplog.clear()
        jobs.build_and_publish(con, home, None)
        since = publish.handed_since(con)
        assert f"(per-day rows from {since} on)" in caplog.text
        redo = "SELECT count(*) FROM int_family_redo WHERE since < ?"
        redone_before_since += con.execute(redo, [since]).fetchone()[0]
        daily, full = served(serving), full_copy(con, tmp_path / "full.duckdb")
        assert daily.keys() == full.keys() and daily["mart_model_daily"] and daily["mart_family_daily"]
        for name in full:
            assert daily[name] == full[name], (day, name)
    assert redone_before_since  # families redone from before the rewritten days were brought up to date too
    assert min(d for (_, d, *_) in daily["mart_model_daily"]) < since  # the copy kept the older days


def test_a_reader_keeps_the_old_copy_while_a_daily_publish_writes_the_new(home, con, later):
    jobs.build_and_publish(con, home, None)
    reader = db.connect_serving(paths.serving_file(home))
    last = "SELECT max(day) FROM mart_model_daily"
    before = reader.execute(last).fetchone()
    collect(con, later[0])
    jobs.build_and_publish(con, home, None)
    assert reader.execute(last).fetchone() == before
    reader.close()
    assert max(d for (_, d, *_) in served(paths.serving_file(home))["mart_model_daily"]) > before[0]


def test_a_failed_publish_keeps_the_serving_copy_and_the_next_writes_every_table(home, con, later, tmp_path, caplog):
    serving = paths.serving_file(home)
    jobs.build_and_publish(con, home, None)
    kept, kept_bytes = served(serving), serving.read_bytes()
    collect(con, later[0])
    before = publish.build_id(con)
    build.run_build(con)
    con.execute("ALTER TABLE int_family_redo RENAME TO int_family_redo_gone")  # fails the per-day update mid-way
    with pytest.raises(duckdb.CatalogException, match="int_family_redo"):
        publish.publish(con, serving, previous_build=before)
    assert serving.read_bytes() == kept_bytes and served(serving) == kept
    assert sorted(p.name for p in home.iterdir() if "serving" in p.name) == ["serving.duckdb"]
    collect(con, later[1])
    caplog.set_level(logging.INFO, logger="warehouse.publish")
    jobs.build_and_publish(con, home, None)  # the serving copy holds an older build than the one before this
    assert "(every row)" in caplog.text
    assert served(serving) == full_copy(con, tmp_path / "full.duckdb")


def test_a_full_build_publishes_every_table_afresh(home, con, later, caplog):
    jobs.build_and_publish(con, home, None)
    collect(con, later[0])
    caplog.set_level(logging.INFO, logger="warehouse.publish")
    jobs.build_and_publish(con, home, None, full=True)
    assert "(every row)" in caplog.text and "per-day rows" not in caplog.text


def test_an_unreadable_serving_copy_is_replaced_whole(home, con, later, tmp_path, caplog):
    jobs.build_and_publish(con, home, None)
    paths.serving_file(home).write_bytes(b"not a DuckDB file")
    collect(con, later[0])
    caplog.set_level(logging.INFO, logger="warehouse.publish")
    jobs.build_and_publish(con, home, None)
    assert "cannot be read" in caplog.text and "(every row)" in caplog.text
    assert served(paths.serving_file(home)) == full_copy(con, tmp_path / "full.duckdb")
