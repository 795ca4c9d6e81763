"""The first day of a live deployment: one Hub snapshot, no daily series yet, still a complete build."""

from pipelines.checks.simulate import simulate
from pipelines.orchestration import build
from warehouse import paths, publish


def test_a_single_snapshot_builds_and_publishes(home, con, world):
    simulate(con, world, days=1, details=0)
    build.run_build(con)
    publish.publish(con, paths.serving_file(home))
    models, ranked, organic, raw = con.execute(
        "SELECT count(*), count(rank), sum(organic_downloads_30d), sum(raw_downloads_30d) FROM mart_models"
    ).fetchone()
    assert models > 20 and ranked > 0
    assert 0 < organic <= raw  # only the fixture signal can speak without a series; nothing goes negative
    assert con.execute("SELECT count(*) FROM mart_model_daily").fetchone()[0] == 0
