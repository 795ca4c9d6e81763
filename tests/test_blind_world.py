"""The blind world (bench/blind_world.py): its traffic is consistent over HTTP, deterministic, and has every kind."""

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import blind_traffic  # noqa: E402
import blind_world  # noqa: E402
from blind_world import BlindWorld  # noqa: E402

from pipelines.checks import evaluate  # noqa: E402
from pipelines.checks.simulate import simulate  # noqa: E402

SEED, MODELS = 3, 500  # a small world where every kind and shape occurs


@pytest.fixture(scope="module")
def blind() -> BlindWorld:
    """A small blind world (fictional data), shared by this module."""
    return BlindWorld(seed=SEED, n_models=MODELS)


def test_http_downloads_are_the_daily_counts_summed(con, blind):
    simulate(con, blind, days=1, min_downloads=0, details=0)
    got = con.execute("SELECT id, downloads, downloads_all_time FROM raw_hf_models WHERE as_of = ?",
                      [blind.today]).df().set_index("id")
    day = blind.today - dt.timedelta(days=1)
    organic, automation = blind.daily(blind.today - dt.timedelta(days=30), day)
    first = dt.date.fromordinal(int(blind.created_ordinals().min()))
    organic_all, automation_all = blind.daily(first, day)
    visible = blind.visible(blind.today)
    expected = (organic + automation).sum(axis=1)[visible]
    ids = blind.models["id"][visible]
    assert len(got) == visible.sum() and (automation.sum(axis=1)[visible] > 0).sum() > 40
    assert np.array_equal(got.loc[ids, "downloads"].to_numpy(), expected)
    assert np.array_equal(got.loc[ids, "downloads_all_time"].to_numpy(),
                          (organic_all + automation_all).sum(axis=1)[visible])


def test_truth_carries_the_designed_labels(blind):
    truth = blind.truth(blind.today)
    assert set(truth["automation_kind"]) == {*blind_traffic.KIND_MIX, "mirror", "fixture", "none"}
    assert (truth.loc[truth["automation_kind"] == "none", "automation_30d"] == 0).all()
    assert set(truth.loc[truth["automation_kind"] == "none", "organic_shape"]) == {
        "launch", "plain", "reupload", "trend", "viral", "weekly"}
    labels = blind.models.set_index("id")["automation_kind"]
    fixtures = blind.models.loc[blind.models["fixture"], "id"]
    assert set(labels[fixtures]) <= {"fixture", "none"} and (labels == "fixture").sum() >= 0.8 * len(fixtures)
    mirrors = truth[truth["automation_kind"] == "mirror"]
    assert (mirrors["automation_share"] > 0.5).all()
    fixture_rows = truth[truth["automation_kind"] == "fixture"]
    assert (fixture_rows["automation_share"] > 0.9).all()


def test_the_traffic_is_deterministic_and_computed_in_any_chunks(blind):
    lo, hi = blind.today - dt.timedelta(days=40), blind.today
    organic, automation = blind.daily(lo, hi)
    again = BlindWorld(seed=SEED, n_models=MODELS).daily(lo, hi)
    assert np.array_equal(organic, again[0]) and np.array_equal(automation, again[1])
    other = BlindWorld(seed=SEED + 1, n_models=MODELS).daily(lo, hi)
    assert not np.array_equal(automation, other[1])
    idx = np.array([7, 3, 3, 400])
    part = blind.daily(lo + dt.timedelta(days=10), hi, idx=idx)
    assert np.array_equal(part[0], organic[idx, 10:]) and np.array_equal(part[1], automation[idx, 10:])
    sums = blind_traffic.window_sums(blind.design, idx, lo.toordinal(), hi.toordinal())
    assert np.array_equal(sums[0], organic[idx].sum(axis=1)) and np.array_equal(sums[1], automation[idx].sum(axis=1))


def test_the_sandbox_rescore_refuses_a_blind_folder(tmp_path):
    (tmp_path / "evaluate.duckdb").touch()
    (tmp_path / "world.json").write_text('{"world": "blind", "rescore": "python bench/blind_world.py rescore", '
                                         '"seed": 1, "models": 50, "days": 2}')
    with pytest.raises(ValueError, match="holds the blind world, not the sandbox's; rescore it with `python bench"):
        evaluate.rescore(tmp_path)
    (tmp_path / "world.json").write_text('{"seed": 1, "models": 50, "days": 2}')
    with pytest.raises(ValueError, match="is not a blind world's"):
        blind_world.rescore(tmp_path)
