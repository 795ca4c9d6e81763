"""End to end: the real collector over HTTP against a small sandbox world, the build, and the truth."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from app import cli
from pipelines.checks import evaluate
from pipelines.steps import denoise


def test_metrics_on_a_known_comparison():
    noise = pd.DataFrame({"model_id": ["a", "b", "c", "d"], "raw_downloads_30d": [100, 200, 300, 400],
                          "organic_downloads_30d": [100, 180, 30, 400],
                          "mostly_automation": [False, False, True, True]})
    truth = pd.DataFrame({"id": ["a", "b", "c", "d", "e"], "organic_30d": [100, 200, 20, 390, 5],
                          "automation_30d": [0, 0, 280, 10, 0], "mostly_automation": [False, False, True, False, False],
                          "automation_kind": ["none", "none", "floor", "burst", "none"],
                          "organic_shape": ["launch", "weekly", "plain", "plain", "plain"]})
    m = evaluate.compare(evaluate.joined(noise, truth))
    assert m["listed"] == 4 and m["precision"] == 0.5 and m["recall"] == 1.0
    assert m["spearman_organic"] == pytest.approx(1.0) and m["spearman_raw"] == pytest.approx(1 - 6 * 6 / (4 * 15))
    # absolute percentage errors 0, 0.1, 0.5 and 10/390: the median is halfway between the middle two
    assert m["mdape_organic"] == pytest.approx((10 / 390 + 0.1) / 2)
    assert m["mdape_automated"] == pytest.approx((0.5 + 10 / 390) / 2)  # c and d carry automation
    assert m["mdape_automated_sizeable"] == pytest.approx(10 / 390)  # c's true organic (20) is under 100
    # fewer than 500 models: the top 500 are all of them
    assert m["spearman_organic_top"] == m["spearman_organic"] and m["spearman_raw_top"] == m["spearman_raw"]
    kinds = {k["kind"]: k for k in m["kinds"]}
    assert kinds["floor"] == {"kind": "floor", "models": 1, "mostly": 1, "recall": 1.0, "flagged": 1.0, "mdape": 0.5}
    assert kinds["burst"]["mostly"] == 0 and np.isnan(kinds["burst"]["recall"]) and kinds["burst"]["flagged"] == 1.0
    assert kinds["none"]["models"] == 2 and kinds["none"]["flagged"] == 0.0
    shapes = {s["shape"]: s for s in m["shapes"]}
    assert set(shapes) == {"launch", "weekly"}  # c and d carry automation: not in the clean shapes
    assert shapes["weekly"] == {"shape": "weekly", "models": 1, "flagged": 0.0, "any_removed": 1.0, "mdape": 0.1}


def test_mdape_without_mirrors_leaves_out_the_bot_mirrors_trickle():
    noise = pd.DataFrame({"model_id": ["f", "m", "g"], "raw_downloads_30d": [300, 5000, 400],
                          "organic_downloads_30d": [30, 0, 110], "mostly_automation": [True, True, True]})
    truth = pd.DataFrame({"id": ["f", "m", "g"], "organic_30d": [20, 6, 100], "automation_30d": [280, 4994, 300],
                          "mostly_automation": [True, True, True], "automation_kind": ["floor", "mirror", "nightly"],
                          "organic_shape": ["plain"] * 3})
    m = evaluate.compare(evaluate.joined(noise, truth))
    assert m["mdape_automated"] == pytest.approx(0.5)  # errors 0.5, 1.0 (the mirror's 6 taken as 0) and 0.1
    assert m["mdape_automated_no_mirrors"] == pytest.approx(0.3)


def test_top_spearman_reads_only_the_head_of_the_true_ranking():
    n = 1000
    truth = pd.DataFrame({"id": [f"m{i}" for i in range(n)], "organic_30d": np.arange(n, 0, -1) * 10,
                          "automation_30d": 0, "mostly_automation": False, "automation_kind": "none",
                          "organic_shape": "plain"})
    organic = truth["organic_30d"].to_numpy().copy()
    organic[evaluate.TOP:] = organic[evaluate.TOP:][::-1]  # the tail (not in the top 500) is ranked backwards
    noise = pd.DataFrame({"model_id": truth["id"], "raw_downloads_30d": organic, "organic_downloads_30d": organic,
                          "mostly_automation": False})
    m = evaluate.compare(evaluate.joined(noise, truth))
    assert m["spearman_organic_top"] == pytest.approx(1.0) and m["spearman_organic"] < 0.9



def test_evaluate_meets_the_targets_on_an_untuned_seed(tmp_path):
    # developed on seeds 7, 23 and 11 (10,000 models). On the harder world of issue 13 seed 5 with 4,000 models x
    # 35 days measured Spearman 0.976, precision 1.0, recall 0.82: recall is below the goal of 0.9
    # (docs/denoising.md), so this guards against falling further, not the goal (it asked 0.85 of the old world)
    result = evaluate.evaluate(tmp_path, seed=5, models=4000, days=35)
    assert result.as_of == dt.date(2026, 3, 2)
    assert result.listed > 300
    assert result.spearman_organic >= 0.95 and result.spearman_organic > result.spearman_raw + 0.1
    assert result.mdape_organic <= 0.10
    assert result.precision >= 0.95 and result.recall >= 0.75
    kinds = {k["kind"]: k for k in result.kinds}
    assert kinds["mirror"]["recall"] >= 0.8 and kinds["fixture"]["recall"] == 1.0
    again, rows = evaluate.rescore(tmp_path)  # de-noised from scratch on the kept warehouse: the same figures
    assert evaluate.render(again) == evaluate.render(result)
    assert {"model_id", "organic_downloads_30d", "organic_30d", "mostly_automation_true"} <= set(rows.columns)


def test_rescore_names_what_a_folder_lacks(tmp_path):
    with pytest.raises(FileNotFoundError, match="lacks evaluate.duckdb and world.json; expected the --dir"):
        evaluate.rescore(tmp_path)
    (tmp_path / "evaluate.duckdb").touch()
    with pytest.raises(FileNotFoundError, match=r"lacks world.json; .* needs one: \{"):
        evaluate.rescore(tmp_path)


def test_evaluate_command_says_the_data_is_fictional(tmp_path, capsys):
    assert cli.main(["sandbox", "evaluate", "--models", "300", "--days", "3", "--dir", str(tmp_path / "ev")]) == 0
    out = capsys.readouterr().out
    assert "FICTIONAL" in out and "Spearman" in out and str(tmp_path / "ev") in out
    assert f"de-noising code {denoise.code_hash()}" in out  # which method the figures are of


def test_evaluate_rejects_a_series_of_one_day_or_a_used_folder_before_building_a_world(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate, "World", lambda **kw: pytest.fail("a world built before the checks"))
    with pytest.raises(ValueError, match="days=1 gives no daily series; expected at least 2"):
        evaluate.evaluate(tmp_path, days=1)
    (tmp_path / "evaluate.duckdb").touch()
    with pytest.raises(FileExistsError, match="evaluate.duckdb already exists; expected a fresh folder"):
        evaluate.evaluate(tmp_path, days=3)
