"""Each de-noising signal on small constructed series in a real DuckDB, and no false flags on clean demand."""

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines.orchestration import build
from pipelines.steps import denoise, series
from pipelines.steps import denoise_signals as sig
from warehouse import db

DAYS = 45
FIRST = dt.date(2026, 3, 2)  # a Monday
AS_OF = FIRST + dt.timedelta(days=DAYS)
WEEKEND = np.array([(FIRST + dt.timedelta(days=k)).weekday() >= 5 for k in range(DAYS)])
RNG = np.random.default_rng(3)


def organic(level: float) -> np.ndarray:
    """Clean demand: log-normal day-to-day noise and a weekend dip of 5-40% (it varies between models)."""
    dip = RNG.uniform(0.05, 0.4)
    return np.rint(level * np.exp(0.3 * RNG.standard_normal(DAYS)) * np.where(WEEKEND, 1 - dip, 1.0))


def snapshots(model: str, daily: np.ndarray, likes: int, params: int | None = 7_000_000_000,
              unlisted: range = range(0), created: str = "2025-01-01") -> pd.DataFrame:
    """Daily snapshots as the Hub shows them: all-time and 30-day counts up to the day before as_of.

    Days in `unlisted` have no snapshot (the model fell out of the listing then).
    """
    history = 50_000
    rows = []
    for k in range(1, DAYS + 1):
        if k in unlisted:
            continue
        rows.append({"as_of": FIRST + dt.timedelta(days=k), "run_id": "test", "id": model,
                     "author": model.split("/")[0], "created_at": pd.Timestamp(created),
                     "downloads": int(daily[max(0, k - 30):k].sum() + 100 * max(0, 30 - k)),
                     "downloads_all_time": int(history + daily[:k].sum()), "likes": likes, "params": params})
    rows.insert(0, dict(rows[0], as_of=FIRST, downloads_all_time=history))
    return pd.DataFrame(rows)


# model id -> (organic demand, automation, likes, params)
CASES = {}
for i in range(40):
    level = float(30 * 1.08 ** i)
    likes = int((level * 30) ** 0.6 * np.exp(0.5 * RNG.standard_normal()))
    CASES[f"clean-org/model-{i}"] = (organic(level), np.zeros(DAYS), likes, 7_000_000_000)
CASES["hf-internal-testing/tiny-random-LlamaForCausalLM"] = (np.zeros(DAYS), np.full(DAYS, 300.0), 0, 1_000_000)
burst = np.zeros(DAYS)
burst[[33, 34, 35]] = 6000
CASES["ci-heavy/bursty-7B"] = (organic(100), burst, 300, 7_000_000_000)
CASES["ci-heavy/floored-7B"] = (organic(60), np.rint(400 + RNG.normal(0, 4, DAYS)), 150, 7_000_000_000)
weekdays = np.where(WEEKEND, 0, np.rint(500 * np.exp(0.05 * RNG.standard_normal(DAYS))))
CASES["ci-heavy/weekday-7B"] = (organic(60), weekdays, 150, 7_000_000_000)
CASES["quiet-org/unloved-7B"] = (organic(3000), np.zeros(DAYS), 0, 7_000_000_000)
# a floor that starts on day 25 of the 45: the days before it are organic demand only
late_floor = np.where(np.arange(DAYS) >= 25, np.rint(300 + RNG.normal(0, 3, DAYS)), 0)
CASES["ci-heavy/late-floor-7B"] = (organic(80), late_floor, 200, 7_000_000_000)
# a burst while the model was out of the listing (days 30-37 unlisted): the gap's total is spread evenly
CASES["ci-heavy/gap-burst-7B"] = (organic(40), np.where(np.arange(DAYS) == 33, 5000.0, 0), 120, 7_000_000_000)
UNLISTED = {"ci-heavy/gap-burst-7B": range(30, 38)}
# organic demand with a deep weekend dip (weekends at 45% of weekdays): a weekly cycle, not weekday CI
deep_dip = np.rint(200 * np.exp(0.3 * RNG.standard_normal(DAYS)) * np.where(WEEKEND, 0.45, 1.0))
CASES["clean-org/deep-weekend-dip"] = (deep_dip, np.zeros(DAYS), 300, 7_000_000_000)
# a nightly floor whose schedule missed one night (day 20) and ran twice on another (day 32)
nightly = np.rint(400 + RNG.normal(0, 4, DAYS))
nightly[20], nightly[32] = 0, 2 * nightly[32]
CASES["ci-heavy/irregular-floor-7B"] = (organic(60), nightly, 150, 7_000_000_000)
# nightly CI that stopped on day 10, inside the 45-day block but before the 30-day window
CASES["ci-heavy/stopped-floor-7B"] = (organic(80), np.where(np.arange(DAYS) < 10, 300.0, 0.0), 200, 7_000_000_000)
# a bot mirror: the name of a liked model, another owner, created later, no likes, flat scheduled pulls
CASES["clean-org/Popular-7B"] = (organic(500), np.zeros(DAYS), 900, 7_000_000_000)
CASES["mirror-bot/Popular-7B"] = (np.zeros(DAYS), np.rint(200 + RNG.normal(0, 3, DAYS)), 0, 7_000_000_000)
# a copy pulled harder than its liked source, on a schedule as uneven as organic demand (no floor to read): demand
# that large would leave likes
CASES["clean-org/Famous-3B"] = (organic(200), np.zeros(DAYS), 700, 3_000_000_000)
# (re-spelled as real re-uploads are: case, separators and a word that says so)
CASES["mirror-bot/famous_3b-backup"] = (np.zeros(DAYS), np.rint(400 * np.exp(0.4 * RNG.standard_normal(DAYS))), 0,
                                        3_000_000_000)
# builds that share a name with an earlier, more liked model, each busier than it: an independent quantization under the
# conventional name (the same library and format: only its name says it is a build) and a conversion to another library
CASES["clean-org/Famous-3B-GGUF"] = (organic(150), np.zeros(DAYS), 40, 3_000_000_000)
CASES["quant-shop/Famous-3B-GGUF"] = (organic(400), np.zeros(DAYS), 0, 3_000_000_000)
CASES["converter/Famous-3B"] = (organic(400), np.zeros(DAYS), 0, 3_000_000_000)
FILES = {"clean-org/Famous-3B-GGUF": (None, ["gguf"]), "quant-shop/Famous-3B-GGUF": (None, ["gguf"]),
         "converter/Famous-3B": ("transformers.js", ["onnx"])}
CREATED = {"mirror-bot/Popular-7B": "2025-06-01", "mirror-bot/famous_3b-backup": "2025-06-01",
           "quant-shop/Famous-3B-GGUF": "2025-06-01", "converter/Famous-3B": "2025-06-01"}


@pytest.fixture(scope="module")
def noise(tmp_path_factory) -> pd.DataFrame:
    """int_model_noise of the constructed warehouse, indexed by model id, with the true organic 30-day counts."""
    con = db.connect(tmp_path_factory.mktemp("denoise") / "w.duckdb")
    frame = pd.concat([snapshots(m, o + a, likes, params, UNLISTED.get(m, range(0)), CREATED.get(m, "2025-01-01"))
                       for m, (o, a, likes, params) in CASES.items()])
    frame["library_name"] = [FILES.get(m, (None, []))[0] for m in frame["id"]]
    frame["tags"] = [FILES.get(m, (None, []))[1] for m in frame["id"]]
    con.register("frame", frame)
    con.execute("INSERT INTO raw_hf_models (as_of, run_id, id, author, created_at, downloads, downloads_all_time, "
                "likes, params, library_name, tags) SELECT as_of, run_id, id, author, created_at, downloads, "
                "downloads_all_time, likes, params, library_name, tags FROM frame")
    build.run_build(con, build.steps_of(series.build, denoise.build))
    out = con.execute("SELECT * FROM int_model_noise").df().set_index("model_id")
    daily = con.execute("SELECT count(*), count(*) FILTER (WHERE organic_downloads > raw_downloads), "
                        "count(*) FILTER (WHERE model_id LIKE 'clean-org/%' AND organic_downloads <> raw_downloads), "
                        "sum(organic_downloads) FILTER (WHERE model_id LIKE 'hf-internal-testing/%') "
                        "FROM int_model_daily"
                        ).fetchall()[0]
    late = con.execute("SELECT day, raw_downloads, organic_downloads FROM int_model_daily "
                       "WHERE model_id = 'ci-heavy/late-floor-7B' ORDER BY day").df()
    con.close()
    # one row a day; organic never above raw; clean days untouched; a fixture's days all automation
    assert daily == (len(CASES) * DAYS, 0, 0, 0)
    out.attrs["late_floor_days"] = late
    out["true_organic"] = [int(CASES[m][0][-30:].sum()) for m in out.index]
    return out


def test_every_model_is_scored_as_of_the_last_snapshot(noise):
    assert len(noise) == len(CASES)
    assert set(noise["as_of"]) == {pd.Timestamp(AS_OF)}


def test_clean_organic_series_are_not_flagged(noise):
    clean = noise.loc[noise.index.str.startswith("clean-org/")]
    assert (clean["noise_reasons"] == "").all()
    assert (clean["organic_downloads_30d"] == clean["raw_downloads_30d"]).all()
    assert not clean["mostly_automation"].any()


def test_fixture_repo_is_all_automation(noise):
    row = noise.loc["hf-internal-testing/tiny-random-LlamaForCausalLM"]
    assert row["noise_reasons"].split(";")[0] == "test_fixture"
    assert row["organic_downloads_30d"] == 0 and row["mostly_automation"]


@pytest.mark.parametrize(("model", "rel"), [("ci-heavy/bursty-7B", 0.1), ("ci-heavy/gap-burst-7B", 0.2)],
                         ids=["burst", "burst_inside_a_listing_gap"])
def test_burst_is_removed(noise, model, rel):
    row = noise.loc[model]
    assert "burst" in row["noise_reasons"].split(";")
    assert row["mostly_automation"]
    assert row["organic_downloads_30d"] == pytest.approx(row["true_organic"], rel=rel)


def test_flat_floor_is_removed(noise):
    row = noise.loc["ci-heavy/floored-7B"]
    assert row["noise_reasons"] == "floor"
    assert row["mostly_automation"]
    # the organic level is read off the day-to-day variance: about 25% error at 30-45 days (docs/denoising.md)
    assert row["organic_downloads_30d"] == pytest.approx(row["true_organic"], rel=0.4)
    assert row["organic_downloads_30d"] < row["raw_downloads_30d"] / 4


def test_weekday_only_traffic_is_removed(noise):
    row = noise.loc["ci-heavy/weekday-7B"]
    assert row["noise_reasons"] == "weekday_only"
    assert row["mostly_automation"]
    assert row["organic_downloads_30d"] == pytest.approx(row["true_organic"], rel=0.3)


def test_downloads_far_out_of_line_with_engagement_are_flagged_not_removed(noise):
    row = noise.loc["quiet-org/unloved-7B"]
    assert row["noise_reasons"] == "engagement_outlier"
    assert row["organic_downloads_30d"] == row["raw_downloads_30d"]


def test_floor_that_starts_inside_the_block_is_removed_from_its_start_only(noise):
    row = noise.loc["ci-heavy/late-floor-7B"]
    assert row["noise_reasons"] == "floor"
    assert row["mostly_automation"]
    assert row["organic_downloads_30d"] == pytest.approx(row["true_organic"], rel=0.3)
    days = noise.attrs["late_floor_days"]
    # the 25 days before the floor started are left as they were; every day after carries it
    assert (days["organic_downloads"][:25] == days["raw_downloads"][:25]).all()
    assert (days["organic_downloads"][26:] < days["raw_downloads"][26:] - 200).all()


def test_deep_organic_weekend_dip_is_not_weekday_automation(noise):
    row = noise.loc["clean-org/deep-weekend-dip"]
    assert "weekday_only" not in row["noise_reasons"].split(";")
    assert row["organic_downloads_30d"] == row["raw_downloads_30d"]


def test_floor_with_a_missed_and_a_doubled_night_is_removed(noise):
    # one missed night used to outweigh 44 flat days (the mean log dispersion): the floor went unseen
    row = noise.loc["ci-heavy/irregular-floor-7B"]
    assert row["noise_reasons"] == "floor"
    assert row["mostly_automation"]
    assert row["organic_downloads_30d"] == pytest.approx(row["true_organic"], rel=0.4)


def test_ci_that_stopped_before_the_window_is_not_applied_to_it(noise):
    row = noise.loc["ci-heavy/stopped-floor-7B"]
    assert not row["mostly_automation"]
    assert row["organic_downloads_30d"] == pytest.approx(row["true_organic"], rel=0.02)


def test_bot_mirror_is_all_automation_and_its_source_is_untouched(noise):
    mirror, source = noise.loc["mirror-bot/Popular-7B"], noise.loc["clean-org/Popular-7B"]
    assert mirror["noise_reasons"].split(";")[:2] == ["floor", "mirror"]
    assert mirror["organic_downloads_30d"] == 0 and mirror["mostly_automation"]
    assert mirror["mirror_of"] == "clean-org/Popular-7B"
    assert source["noise_reasons"] == "" and source["organic_downloads_30d"] == source["raw_downloads_30d"]
    assert noise.loc[~noise["noise_reasons"].str.contains("mirror"), "mirror_of"].isna().all()


def test_mirror_busier_than_its_source_is_all_automation_without_a_floor(noise):
    mirror, source = noise.loc["mirror-bot/famous_3b-backup"], noise.loc["clean-org/Famous-3B"]
    assert "floor" not in mirror["noise_reasons"] and "mirror" in mirror["noise_reasons"]
    assert mirror["organic_downloads_30d"] == 0 and mirror["mirror_of"] == "clean-org/Famous-3B"
    assert source["noise_reasons"] == "" and source["organic_downloads_30d"] == source["raw_downloads_30d"]


@pytest.mark.parametrize("model", ["quant-shop/Famous-3B-GGUF", "converter/Famous-3B"])
def test_a_build_sharing_a_liked_models_name_is_not_a_mirror(noise, model):
    row = noise.loc[model]
    assert "mirror" not in row["noise_reasons"] and row["organic_downloads_30d"] == row["raw_downloads_30d"]


def test_fixture_flags_match_each_value_by_name_or_owner():
    # repeated and missing values: each distinct value is searched once, a missing one never matches
    author = ["hf-internal-testing", "meta", None, "hf-internal-testing", "CI_bot", np.nan, "contest", "meta"]
    name = ["bert", "Tiny-Random-gpt2", "model-test", "bert", None, "dummy-x", "latest", "llama-test-7b"]
    flags = sig.fixture_flags(author, name, [50e6] * 8, [5] * 8, [0] * 8)
    assert flags.tolist() == [True, True, True, True, True, True, False, False]
    assert not sig.fixture_flags(author[:2], name[:2], [2e8, 2e8], [5, 5], [0, 0]).any()  # too large for a fixture


def test_busier_copies_compare_each_likely_mirror_with_its_source():
    author, name = ["org", "bot", "bot2"], ["Popular-7B", "Popular-7B", "Popular-7B"]
    created = pd.to_datetime(["2025-01-01", "2025-06-01", "2025-07-01"])
    pairs = sig.mirror_pairs(author, name, [""] * 3, created, [900, 0, 0], [30, 0, 0])
    assert sorted(pairs["row"].tolist()) == [1, 2] and set(pairs["row_source"]) == {0}
    assert sig.busier_copies(pairs, [5_000, 8_000, 1_000]).tolist() == [False, True, False]


def test_a_source_leads_its_copy_in_likes_beyond_chance():
    # a course's exercises: the same name, a like or two between them, no popular source (a real pattern: `ppo-Huggy`
    # of 1,316 owners on the 2024-07-11 Hub, the most liked with 2); five likes beside none is a lead (0.5^5 = 0.03)
    author = ["student-a", "student-b", "org", "bot", "org2", "bot2"]
    name = ["ppo-Huggy", "ppo-Huggy", "Model-1B", "Model-1B", "Model-3B", "Model-3B"]
    created = pd.to_datetime(["2025-01-01", "2025-02-01"] * 3)
    pairs = sig.mirror_pairs(author, name, [""] * 6, created, [2, 0, 5, 0, 6, 1], [0] * 6)
    assert pairs["row"].tolist() == [3] and pairs["row_source"].tolist() == [2]  # 6 beside 1: (1 + 7) / 2^7 = 0.06


def test_engagement_line_spread_is_each_cohorts_own_with_cohorts_interleaved():
    # two cohorts on one exact line each, rows interleaved: every residual is 0, so each spread is the floor
    rng = np.random.default_rng(5)
    likes = rng.integers(1, 500, 80).astype(float)
    cohort = np.tile([0, 1], 40)
    raw = np.expm1(np.where(cohort == 0, 1.0, 0.5) * np.log1p(likes) + np.where(cohort == 0, 3.0, 6.0))
    fitted, spread = sig.engagement_line(raw, likes, np.zeros(80), cohort, np.ones(80, dtype=bool))
    assert fitted == pytest.approx(np.log1p(raw)) and (spread == sig.OUTLIER_MIN_MAD).all()


def test_like_lead_p_is_the_binomial_tail_at_one_half():
    p = sig.like_lead_p(np.array([0, 0, 1, 2, 2, 1, 0, 3]), np.array([1, 5, 7, 9, 3028, 0, 0, 3]))
    assert p == pytest.approx([0.5, 1 / 32, 9 / 256, 67 / 2048, 0.0, 1.0, 1.0, 42 / 64])


def test_a_mirrors_source_is_its_most_liked_listed_match():
    pairs = pd.DataFrame({"row": [1, 1, 1, 4, 5, 5], "row_source": [0, 2, 3, 2, 0, 6]})
    listed = [True, True, True, True, True, True, False]
    sources = sig.mirror_sources(pairs, [900, 0, 5, 900, 0, 0, 5_000], listed)
    assert sources.tolist() == [-1, 0, -1, -1, 2, 0, -1]  # a tie goes to the first row, an unlisted source comes last


@pytest.mark.parametrize(("name", "stem"), [
    ("AbsoluteReality_v1.8.1", "absoluterealityv181"), ("absolutereality-v181", "absoluterealityv181"),
    ("flan-t5-large-copy", "flant5large"), ("Llama-2-7b-hf.mirror", "llama27bhf"), ("x_re-upload", "x"),
    ("Popular-7B-GGUF", "popular7bgguf"),  # a build's suffix is part of its name
    ("meta-llama_-_Llama-2-7b-hf", "llama27bhf"),  # the source's owner spelled in front (`owner_-_name`)
    ("Travis_Scott_-_RVC_-_1000_Epoch_48k", "rvc1000epoch48k"),  # only the first `_-_` ends an owner (a real name)
    ("-copy", "-copy"),  # nothing left: the name itself
])
def test_name_stem_sets_aside_case_separators_and_a_reupload_word(name, stem):
    query = f"SELECT {denoise.NAME_STEM.format(name='$n')}"
    assert duckdb.connect().execute(query, {"n": name}).fetchall() == [(stem,)]


@pytest.mark.parametrize(("tags", "formats"), [
    (["llama", "GGUF", "gguf", "4-bit"], "4-bit,gguf"),  # format tags only, once, sorted
    (["onnx"], "onnx"), (["llama"], ""), (None, ""),
])
def test_formats_are_the_format_tags(tags, formats):
    query = f"SELECT {denoise.FORMATS} FROM (SELECT $t::VARCHAR[] AS tags)"
    assert duckdb.connect().execute(query, {"t": tags}).fetchall() == [(formats,)]


@pytest.mark.parametrize(("name", "build"), [
    ("Codestral-22B-v0.1-GGUF", True), ("llama-3-8b-instruct-awq", True), ("gemma-2b-it-bnb-4bit", True),
    ("Llama-3-70B-Instruct-exl2-6.0bpw", True), ("Qwen2-7B-Instruct-MLX", True), ("phi-2.onnx", True),
    ("meta-llama_-_Llama-2-7b-hf-4bits", True),
    ("whisper-tiny", False), ("Mistral-7B-Instruct-v0.3", False), ("awqward-7b", False), ("mlxr", False),
])
def test_a_build_names_its_format(name, build):
    query = f"SELECT regexp_matches($n, '{denoise.BUILD_NAME}', 'i')"
    assert duckdb.connect().execute(query, {"n": name}).fetchall() == [(build,)]


def test_mirror_flags_need_an_earlier_model_of_another_owner_that_leads_in_likes():
    author = ["org", "bot", "org2", "fan", "solo"]
    kept = ["popular7b/transformers"] * 4 + ["unique1b/transformers"]  # as the MODELS query gives them
    created = pd.to_datetime(["2025-01-01", "2025-06-01", "2024-12-01", "2024-06-01", "2025-01-01"])
    likes = [900, 0, 5, 1, 0]
    children = [30, 0, 0, 0, 0]
    pairs = sig.mirror_pairs(author, kept, [""] * 5, created, likes, children)
    # the bot copy mirrors every earlier copy that leads it in likes beyond chance (not fan's one like); org2 has likes
    # of its own; "fan" is older than every liked copy
    assert set(pairs["row"]) == {1} and sorted(pairs["row_source"].tolist()) == [0, 2]
    derivative = [30, 1, 0, 0, 0]
    assert 1 not in sig.mirror_pairs(author, kept, [""] * 5, created, likes, derivative)["row"].tolist()
    # a conversion to another library is not a copy of what it converts
    converted = ["popular7b/transformers", "popular7b/transformers.js", "popular7b/transformers", "popular7b/",
                 "unique1b/"]
    assert sig.mirror_pairs(author, converted, [""] * 5, created, likes, children)["row"].tolist() == []
    # nor a model with a format its namesakes lack; a source may have gained formats since it was copied
    added = ["onnx", "gguf", "gguf,onnx", "", ""]
    assert sorted(sig.mirror_pairs(author, kept, added, created, likes, children)["row_source"]) == [2]
    assert sorted(sig.mirror_pairs(author, kept, ["onnx", "", "", "", ""], created, likes, children)["row_source"]) \
        == [0, 2]


def test_rolling_median_matches_a_per_window_median():
    rng = np.random.default_rng(5)
    x = np.floor(rng.lognormal(2, 1, (6, 30)))
    x[1, :4] = np.nan
    x[2, 10:14] = np.nan
    x[3] = np.nan
    x[4, 7] = 0.1  # not exact in float32: the float64 path
    x[5, 3] = 2.0 ** 30
    expected = np.array([[np.nanmedian(r[max(0, t - 7):t + 8]) if (~np.isnan(r[max(0, t - 7):t + 8])).any()
                          else np.nan for t in range(30)] for r in x])
    assert np.array_equal(sig.rolling_median(x, 15), expected, equal_nan=True)
    assert sig.rolling_median(np.zeros((2, 0)), 15).shape == (2, 0)


@pytest.mark.filterwarnings("ignore:All-NaN slice")
def test_nan_quantile_is_numpys_nanquantile_bit_for_bit():
    rng = np.random.default_rng(11)
    x = rng.gamma(0.7, 30, (400, 45))
    x[::2] = np.floor(x[::2])  # whole counts, as downloads are
    x[rng.random(x.shape) < 0.3] = np.nan
    x[:3] = np.nan
    x[3, 1:] = np.nan
    for q in (0.1, 0.25, 0.5):
        expected = np.nanquantile(x, q, axis=1)
        assert np.array_equal(sig.nan_quantile(x, q).view(np.int64), expected.view(np.int64))


def test_window_models_are_each_models_last_snapshot_in_the_window(con):
    """int_denoise_ids: a model per snapshot or imputed series day in the window, with its last snapshot of (lo, hi]
    (none for a model seen only on imputed days); snapshots on lo or after hi are not the window's."""
    day = [dt.date(2026, 3, 2) + dt.timedelta(days=k) for k in range(5)]
    con.execute(series.STATE)
    snapshots = [(day[1], "a/two", 1, []), (day[3], "a/two", 5, [{"relation": "finetune", "parent": "a/left"}]),
                 (day[1], "a/left", 2, []), (day[2], "a/left", 3, []),
                 (day[0], "a/old", 4, []), (day[4], "a/later", 6, [])]
    con.executemany("INSERT INTO raw_hf_models (as_of, run_id, id, author, likes, base_models) "
                    "VALUES (?, 'test', ?, 'a', ?, ?)", snapshots)
    con.execute("INSERT INTO int_series_daily VALUES ('b/imputed', ?, 10, true, false), ('a/old', ?, 10, false, false)",
                [day[1], day[1]])
    con.execute(denoise.WINDOW_IDS.format(last_day=denoise.LAST_DAY[False]), {"lo": day[0], "hi": day[3]})
    rows = con.execute("SELECT model_id, m, as_of, r.likes, r.parents FROM int_denoise_ids ORDER BY m").fetchall()
    assert rows == [("a/left", 0, day[2], 3, 0), ("a/two", 1, day[3], 5, 1), ("b/imputed", 2, None, None, None)]


def test_newest_window_reads_last_days_from_the_series_models_and_joins_series_rows_by_hash(tmp_path):
    """In the newest snapshot's window, int_denoise_ids from int_series_models is the one from the window's snapshots
    (a model last seen inside the window included), and its series rows joined on the models' hashes are those
    joined on their ids."""
    con = db.connect(tmp_path / "w.duckdb")
    listed = {"clean-org/model-0": range(0), "ci-heavy/gap-burst-7B": range(30, 38), "gone/early": range(20, DAYS + 1)}
    frame = pd.concat([snapshots(m, np.full(DAYS, 50.0), 10, unlisted=gaps) for m, gaps in listed.items()])
    con.register("frame", frame)
    con.execute("INSERT INTO raw_hf_models (as_of, run_id, id, author, created_at, downloads, downloads_all_time, "
                "likes, params) SELECT as_of, run_id, id, author, created_at, downloads, downloads_all_time, likes, "
                "params FROM frame")
    build.run_build(con, build.steps_of(series.build))
    span = {"lo": FIRST + dt.timedelta(days=10), "hi": AS_OF}
    ids = []
    for newest in (True, False):
        con.execute(denoise.WINDOW_IDS.format(last_day=denoise.LAST_DAY[newest]), span)
        ids.append(con.execute("SELECT * FROM int_denoise_ids ORDER BY m").fetchall())
    assert ids[0] == ids[1]
    assert [(model, as_of) for model, _, as_of, *_ in ids[0]] == [
        ("ci-heavy/gap-burst-7B", AS_OF), ("clean-org/model-0", AS_OF), ("gone/early", FIRST + dt.timedelta(days=19))]
    params = span | {"first": span["lo"], "n_days": 35}
    rows = [con.execute(denoise.DAILY.format(on=on) + " ORDER BY cell", params).fetchall()
            for on in (denoise.BY_HASH, denoise.BY_ID)]
    assert rows[0] == rows[1]
    assert len(rows[0]) == con.execute("SELECT count(*) FROM int_series_daily WHERE day >= $lo AND day < $hi",
                                       span).fetchall()[0][0] > 0


def test_keep_days_leaves_equal_rows_and_writes_what_a_fresh_write_would(con):
    """keep_days: a row equal to its cell stays where it is (one of two equal copies), a changed, vanished or unknown
    model's row is replaced or deleted, the days outside [lo, hi) are untouched; the rows are a fresh write's."""
    day = [dt.date(2026, 3, 2) + dt.timedelta(days=k) for k in range(5)]
    con.execute(denoise.STATE)
    con.execute("CREATE TEMP TABLE int_denoise_ids AS SELECT * FROM (VALUES ('a/m0', 0), ('a/m1', 1), ('a/m2', 2)) "
                "t(model_id, m)")
    before = [("a/m0", day[0], 1, 1, False, False),   # equal: stays
              ("a/m0", day[1], 2, 2, False, False),   # organic downloads changed
              ("a/m1", day[0], 5, 5, False, False),   # equal, twice: one stays
              ("a/m1", day[0], 5, 5, False, False),
              ("a/m1", day[1], 3, 3, False, False),   # no such cell any more
              ("gone/m", day[2], 1, 1, False, False),  # a model no longer in the window
              ("a/m0", day[4], 7, 7, False, False)]   # outside [lo, hi)
    con.executemany("INSERT INTO int_model_daily VALUES (?, ?, ?, ?, ?, ?)", before)
    [(equal_row,)] = con.execute("SELECT rowid FROM int_model_daily WHERE model_id = 'a/m0' AND day = ?",
                                 [day[0]]).fetchall()
    [(last_row,)] = con.execute("SELECT max(rowid) FROM int_model_daily").fetchall()
    x = np.array([[1, 2, 3, 4], [5, np.nan, 7, 8], [np.nan, np.nan, 9, 10]])
    auto = np.array([[0, 1, 0, 0], [0, np.nan, 1, 0], [np.nan, np.nan, 0, 2.4]])
    imputed = np.zeros(x.shape, dtype=bool)
    imputed[2, 3] = True
    w = denoise.Window(pd.DataFrame({"id": ["a/m0", "a/m1", "a/m2"]}), np.datetime64(day[0], "D") + np.arange(4),
                       imputed, np.zeros(x.shape, dtype=bool), x, auto, np.zeros(x.shape), {}, np.zeros(3),
                       np.full(3, None))
    denoise.keep_days(con, w, day[0], day[4])
    fresh = [(f"a/m{i}", day[k], int(x[i, k]), int(np.rint(x[i, k] - auto[i, k])), bool(imputed[i, k]), False)
             for i in range(3) for k in range(4) if not np.isnan(x[i, k])]
    rows = con.execute("SELECT * FROM int_model_daily").fetchall()
    assert sorted(rows) == sorted(fresh + [before[-1]])
    assert con.execute("SELECT model_id, day FROM int_model_daily WHERE rowid = ?", [equal_row]).fetchall() \
        == [("a/m0", day[0])]
    days = [d for (_, d) in con.execute("SELECT rowid, day FROM int_model_daily WHERE rowid > ? ORDER BY rowid",
                                        [last_row]).fetchall()]
    assert days == sorted(days)  # appended in day order
