"""The backtest's computation on small hand-made cases (the figures on real data are in docs/backtest.md)."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from pipelines.checks import backtest


def test_spearman_is_one_for_the_same_order_and_ties_share_their_rank():
    assert backtest.spearman(np.array([1, 2, 3, 4]), np.array([10, 200, 3000, 40000])) == pytest.approx(1)
    assert backtest.spearman(np.array([1, 2, 3, 4]), np.array([4, 3, 2, 1])) == pytest.approx(-1)
    # ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4: covariance 4.5 over sqrt(4.5 * 5)
    assert backtest.spearman(np.array([1, 2, 2, 3]), np.array([1, 2, 3, 4])) == pytest.approx(3 / math.sqrt(10))


def test_score_counts_models_in_both_and_precision_of_the_top_k():
    predictors = pd.DataFrame({"raw": [50, 40, 30, 20, 10], "signal": [1, 5, np.nan, 4, 2]},
                              index=pd.Index(["a", "b", "c", "d", "e"], name="model_id"))
    outcome = pd.Series({"a": 9, "b": 7, "c": 8, "d": 1, "x": 100})  # e was not listed later; x is new
    table = backtest.score(predictors, outcome, k=2)
    # raw over a, b, c, d: same order as the outcome except b/c swapped; top 2 {a, b} vs outcome's {a, c}
    assert table.loc["raw"].to_dict() == {"models": 4, "spearman": pytest.approx(0.8), "precision_top_2": 0.5}
    # signal over a, b, d (c has none): ranks 1, 3, 2 against 3, 2, 1; top 2 {b, d} vs {a, b}
    assert table.loc["signal"].to_dict() == {"models": 3, "spearman": pytest.approx(-0.5), "precision_top_2": 0.5}


def test_later_ids_follow_a_bare_id_to_its_new_namespace_when_that_repo_existed_then():
    late = pd.DataFrame({
        "id": ["google-bert/bert-base-uncased", "miguelpr/bert-base-uncased", "Habana/bert-base-uncased",
               "org/kept", "openai-community/gpt2-large"],
        "downloads": [50, 900, 10, 5, 7],
        "created_at": pd.to_datetime(["2022-03-02", "2024-05-21", "2022-04-22", "2021-01-01", "2022-03-02"]),
    })
    early = pd.Index(["bert-base-uncased", "org/kept", "gone", "other/bert-base-uncased", "gpt2"])
    assert backtest.later_ids(early, late, dt.date(2022, 10, 1)).to_dict() == {
        "org/kept": "org/kept", "bert-base-uncased": "google-bert/bert-base-uncased"}
