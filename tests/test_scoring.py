"""Scoring: profiles, components with missing inputs, coverage, ranking threshold, bootstrap intervals, meta."""

import math
from pathlib import Path

import pandas as pd
import pytest
from hub_rows import hub_snapshot, upstream_noise

from pipelines import profiles
from pipelines.orchestration import build
from pipelines.steps import lineage, marts, scoring

STEPS = build.steps_of(lineage.build, scoring.build, marts.build)
COHORT = [f"o/m{i:02d}" for i in range(12)]


def use_profiles(tmp_path, text: str) -> Path:
    """A profiles file with this text."""
    (tmp_path / "profiles.toml").write_text(text)
    return tmp_path / "profiles.toml"


def edited(old: str, new: str) -> str:
    """The packaged profiles file with one edit."""
    text = profiles.DEFAULT_FILE.read_text()
    assert old in text
    return text.replace(old, new)


def test_a_tie_for_a_familys_top_member_goes_to_the_last_model_id(con):
    hub_snapshot(con, [{"id": "m/b"}, {"id": "u/ft", "params": 400_000_000_000, "parents": [("finetune", "m/b")]}])
    upstream_noise(con, {"m/b": 50, "u/ft": 50})
    build.run_build(con, STEPS)
    assert con.execute("SELECT top_model FROM mart_families").fetchall() == [("u/ft",)]
    size = "SELECT size_class FROM int_entity_inputs WHERE entity_kind = ? AND entity_id = ?"
    assert con.execute(size, ["family", "m/b"]).fetchall() == con.execute(size, ["model", "u/ft"]).fetchall()


def world(con, trend=None) -> None:
    """Twelve 7B models (one cohort), two derivatives, a lone 100B+ model and n/none (never de-noised)."""
    models = [{"id": m} for m in COHORT]
    models += [{"id": "d/ft", "parents": [("finetune", "o/m11")]}, {"id": "d/q", "parents": [("quantized", "d/ft")]},
               {"id": "big/one", "params": 400_000_000_000}, {"id": "n/none"}]
    hub_snapshot(con, models)
    organic = {m: 300 * (i + 1) for i, m in enumerate(COHORT)} | {"d/ft": 900, "d/q": 0, "big/one": 5000}
    upstream_noise(con, organic, trend=trend)


def models(con) -> pd.DataFrame:
    """mart_models indexed by model_id."""
    return con.execute("SELECT * FROM mart_models").df().set_index("model_id")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("capability = 0.25\n", "capability = 0.20\nvibes = 0.05\n", "unknown component 'vibes'"),
    ("adoption = 0.20\n", "adoption = -0.20\n", "weight of adoption is -0.2; expected a finite number >= 0"),
    ("adoption = 0.20\n", "adoption = nan\n", "weight of adoption is nan; expected a finite number >= 0"),
    ("adoption = 0.20\n", "adoption = inf\n", "weight of adoption is inf; expected a finite number >= 0"),
    ("adoption = 0.20\n", "adoption = 0.50\n", "weights sum to 1.3; expected 1"),
    ('default_profile = "balanced"', 'default_profile = "nope"', "default_profile 'nope' is not a profile"),
    ("min_coverage = 0.5", "min_coverage = 1.5", "setting min_coverage is 1.5; expected a finite number > 0 and <= 1"),
    ("adoption_cap = 10.0", "adoption_cap = inf", "setting adoption_cap is inf; expected a finite number > 1"),
    ("benchmark_noise_sd = 2.0", "benchmark_noise_sd = +inf", "setting benchmark_noise_sd is inf; expected a finite "),
    ("min_coverage = 0.5", "min_coverage = nan", "setting min_coverage is nan; expected a finite number > 0 and <= 1"),
    ("adoption_decades = 4.0", "adoption_decades = -inf", "setting adoption_decades is -inf; expected a finite number"),
    ("bootstrap_seed = 20260401", "bootstrap_seed = inf", "setting bootstrap_seed is inf; expected a whole number"),
    ("bootstrap_samples = 200", "bootstrap_samples = 2.5", "setting bootstrap_samples is 2.5; expected a whole"),
    ("rank_interval = 0.9", "rank_interval = 0.9\nspeed = 3", "unknown setting(s) ['speed']"),
    ("[profiles.balanced]", "[profiles.balanced", "is not valid TOML"),
])
def test_bad_profiles_name_the_bad_value(tmp_path, old, new, message):
    (tmp_path / "p.toml").write_text(edited(old, new))
    with pytest.raises(profiles.ProfileError) as err:
        profiles.load(tmp_path / "p.toml")
    assert message in str(err.value) and "p.toml" in str(err.value)


def test_packaged_profiles_load():
    config = profiles.load()
    assert config.default_profile in config.profiles
    assert all(abs(sum(w.values()) - 1) < 1e-9 for w in config.profiles.values())


def test_bad_profile_fails_the_build_and_keeps_the_marts(con, tmp_path):
    world(con)
    build.run_build(con, STEPS)
    before = con.execute("SELECT * FROM mart_models ORDER BY model_id").fetchall()
    bad = use_profiles(tmp_path, edited("adoption = 0.20\n", "adoption = 0.80\n"))
    with pytest.raises(build.BuildError, match="weights sum to 1.6"):
        build.run_build(con, STEPS, profiles_file=bad)
    assert con.execute("SELECT * FROM mart_models ORDER BY model_id").fetchall() == before


def test_missing_components_are_null_and_not_counted(con):
    world(con)
    build.run_build(con, STEPS)
    m = models(con)
    assert m["community"].isna().all() and m["capability"].isna().all()
    row = m.loc["o/m05"]
    assert row["coverage"] == pytest.approx(0.65)  # adoption .20 + cohort .10 + momentum .15 + ecosystem .20
    expected = (0.20 * row["adoption"] + 0.10 * row["cohort_adoption"] + 0.15 * row["momentum"]
                + 0.20 * row["ecosystem"]) / 0.65
    assert row["composite"] == pytest.approx(expected)
    # d/q has no organic downloads: momentum is undefined, coverage 0.5 is still enough to be ranked
    assert math.isnan(m.loc["d/q", "momentum"]) and m.loc["d/q", "coverage"] == pytest.approx(0.5)
    assert m.loc["d/q", "rank"] > 0
    # n/none has no de-noised downloads: only ecosystem (0.2) is known, so it is not ranked and not zero-filled
    assert math.isnan(m.loc["n/none", "adoption"]) and m.loc["n/none", "coverage"] == pytest.approx(0.2)
    assert pd.isna(m.loc["n/none", "rank"]) and pd.isna(m.loc["n/none", "rank_low"])
    assert sorted(m["rank"].dropna().astype(int)) == list(range(1, len(m) - 1 + 1))


def test_capability_and_community_when_present(con):
    world(con)
    con.execute("CREATE TABLE int_model_clean_scores AS SELECT 'o/m03' AS model_id, 61.5 AS clean_score, "
                "'livebench:2025-12-23' AS clean_source")
    con.execute("CREATE TABLE int_model_github AS SELECT * FROM (VALUES ('o/m03', 'o/repo', 'card', 900, 40, "
                "DATE '2026-10-31'), ('o/m04', 'o/other', 'card', 90, NULL, DATE '2026-10-30'), "
                "('o/m05', 'o/repo', 'family_root', 900, 40, DATE '2026-10-31')) "
                "t(model_id, repo, link_source, stars, stars_growth_30d, as_of_github)")
    build.run_build(con, STEPS)
    m = models(con)
    assert m.loc["o/m03", "capability"] == 61.5 and m.loc["o/m03", "coverage"] == pytest.approx(1.0)
    assert m.loc["o/m03", "community"] == pytest.approx(100.0)   # most stars and most growth
    assert m.loc["o/m04", "community"] == pytest.approx(100 * math.log1p(90) / math.log1p(900))
    assert m.loc["o/m04", "coverage"] == pytest.approx(0.75)
    # a repository linked through the family root is shown but does not make the model's community score
    assert m.loc["o/m05", "github_stars"] == 900 and math.isnan(m.loc["o/m05", "community"])
    assert str(m.loc["o/m03", "as_of_github"])[:10] == "2026-10-31"
    meta = dict(con.execute("SELECT * FROM meta").fetchall())
    assert meta["as_of_github"] == "2026-10-31"


def test_adoption_normalises_within_the_cohort(con, tmp_path):
    path = use_profiles(tmp_path, edited("adoption_cohort_min = 100", "adoption_cohort_min = 12"))
    world(con)
    build.run_build(con, STEPS, profiles_file=path)
    refs = dict(con.execute("SELECT entity_id, adoption_ref FROM int_entity_inputs WHERE entity_kind = 'model'")
                .fetchall())
    cohort = dict(con.execute("SELECT entity_id, adoption_cohort FROM int_entity_inputs").fetchall())
    # thirteen 7B models of one age, twelve with downloads: the reference is the 10th highest (RAM v2)
    tenth = sorted([300 * (i + 1) for i in range(12)] + [900, 0], reverse=True)[9]
    assert refs["o/m00"] == tenth and cohort["o/m00"] == "size+age"
    assert cohort["big/one"] == "all"      # alone in its size class: widened to every model
    m = models(con)
    at_reference = next(k for k in COHORT if 300 * (COHORT.index(k) + 1) == tenth)
    assert m.loc[at_reference, "cohort_adoption"] == pytest.approx(100 * math.log(2) / math.log(11))


def test_small_cohorts_widen_to_all(con):
    world(con)  # the default adoption_cohort_min (100) is more than this whole world
    build.run_build(con, STEPS)
    rows = con.execute("SELECT DISTINCT adoption_cohort, adoption_ref FROM int_entity_inputs "
                       "WHERE entity_kind = 'model'")
    everyone = sorted([300 * (i + 1) for i in range(12)] + [900, 0, 5000], reverse=True)
    assert rows.fetchall() == [("all", everyone[9])]


def test_momentum_follows_the_trend(con):
    world(con, trend={"o/m04": 0.05, "o/m05": -0.02})
    build.run_build(con, STEPS)
    m = models(con)
    assert m.loc["o/m04", "momentum"] > 55 > 50 > 45 > m.loc["o/m05", "momentum"]
    assert m.loc["o/m06", "momentum"] == pytest.approx(50, abs=1)


def test_min_coverage_threshold_from_profiles(con, tmp_path):
    path = use_profiles(tmp_path, edited("min_coverage = 0.5", "min_coverage = 0.7"))
    world(con)
    build.run_build(con, STEPS, profiles_file=path)
    assert models(con)["rank"].isna().all()  # nobody has more than 0.65 of the weight without benchmarks
    adoption_profile = con.execute("SELECT count(rank) FROM mart_scores WHERE entity_kind = 'model' "
                                   "AND profile = 'adoption'").fetchone()[0]
    assert adoption_profile == 15          # the adoption profile does not weigh benchmarks or stars


def test_bootstrap_intervals_contain_the_rank_and_are_reproducible(con):
    world(con, trend={m: 0.01 * (i % 5 - 2) for i, m in enumerate(COHORT)})
    build.run_build(con, STEPS)
    sql = "SELECT entity_kind, entity_id, profile, rank, rank_low, rank_high FROM mart_scores ORDER BY ALL"
    first = con.execute(sql).df()
    ranked = first.dropna(subset=["rank"])
    assert len(ranked) > 20
    assert (ranked["rank_low"] <= ranked["rank"]).all() and (ranked["rank"] <= ranked["rank_high"]).all()
    assert (ranked["rank_low"] < ranked["rank_high"]).any()   # resampling moves close neighbours
    build.run_build(con, STEPS)
    assert con.execute(sql).df().equals(first)


def test_families_roll_up_each_model_once(con):
    hub_snapshot(con, [{"id": "m/a"}, {"id": "m/b"}, {"id": "u/ft", "parents": [("finetune", "m/b")]},
                       {"id": "u/merge", "parents": [("merge", "u/ft"), ("merge", "m/a")]}])
    upstream_noise(con, {"m/a": 100, "m/b": 200, "u/ft": 30, "u/merge": 7})
    build.run_build(con, STEPS)
    fam = con.execute("SELECT * FROM mart_families").df().set_index("family")
    assert fam.loc["m/b", "organic_downloads_30d"] == 237 and fam.loc["m/a", "organic_downloads_30d"] == 100
    assert fam.loc["m/b", "members"] == 3 and fam.loc["m/b", "derivatives_merge"] == 1
    assert fam.loc["m/b", "top_model"] == "m/b"
    assert fam["organic_share"].sum() == pytest.approx(1.0)


def test_meta_says_sandbox_or_live(con):
    hub_snapshot(con, [{"id": "a/a"}], sandbox=False)
    build.run_build(con, STEPS)
    meta = dict(con.execute("SELECT * FROM meta").fetchall())
    assert meta["data_kind"] == "live" and meta["methodology_version"] == profiles.METHODOLOGY_VERSION
    assert meta["as_of_hf"] == "2026-11-01" and meta["inputs_hash"] == build.inputs_hash(con, profiles.load())
    hub_snapshot(con, [{"id": "a/a"}], as_of=pd.Timestamp("2026-11-02").date(), sandbox=True)
    build.run_build(con, STEPS)
    assert dict(con.execute("SELECT * FROM meta").fetchall())["data_kind"] == "sandbox"


def test_no_upstream_tables_at_all(con):
    hub_snapshot(con, [{"id": "a/a"}, {"id": "b/b", "parents": [("finetune", "a/a")]}])
    build.run_build(con, STEPS)
    m = models(con)
    assert m["adoption"].isna().all() and m["momentum"].isna().all() and m["rank"].isna().all()
    assert m.loc["a/a", "ecosystem"] == 0.0    # b/b has no organic downloads, so it is not an active derivative


def test_no_uncertainty_gives_zero_width_intervals(con):
    world(con)  # flat daily series and no benchmark scores: every replicate equals the point estimate
    build.run_build(con, STEPS)
    ranked = con.execute("""SELECT rank, rank_low, rank_high,
            min(rank) OVER tie AS tie_low, max(rank) OVER tie AS tie_high
        FROM mart_scores WHERE rank IS NOT NULL
        WINDOW tie AS (PARTITION BY entity_kind, profile, round(composite, 9))""").fetchall()
    # intervals stay within exact ties (d/ft and o/m02 both have 900 downloads): zero width for everyone else
    assert ranked and all(tie_low <= low <= rank <= high <= tie_high for rank, low, high, tie_low, tie_high in ranked)
    assert any(tie_low < tie_high for *_, tie_low, tie_high in ranked)


def test_missing_profiles_file(tmp_path):
    with pytest.raises(profiles.ProfileError, match="nope.toml does not exist"):
        profiles.load(tmp_path / "nope.toml")


def test_an_oversized_profiles_file_is_refused(tmp_path):
    from pipelines import profiles
    big = tmp_path / "profiles.toml"
    big.write_text("# padding\n" * 10_000)
    with pytest.raises(profiles.ProfileError, match="expected at most 65,536"):
        profiles.load(big)


def test_adoption_follows_organic_downloads_and_cohort_adoption_the_class(con):
    world(con)
    build.run_build(con, STEPS)
    m = models(con)
    # absolute adoption: the most downloaded scores 100, each tenfold fewer downloads costs 100 / 4 points
    assert m.loc["big/one", "adoption"] == pytest.approx(100)
    assert m.loc["o/m00", "adoption"] == pytest.approx(100 * (1 - math.log10(5000 / 300) / 4))
    assert m.loc["d/q", "adoption"] == 0
    known = m.dropna(subset=["adoption"]).sort_values("organic_downloads_30d")
    assert known["adoption"].is_monotonic_increasing
    # against its cohort big/one (alone in its size class, widened to all) scores as a top-10 model would
    assert m.loc["big/one", "cohort_adoption"] > m.loc["o/m00", "cohort_adoption"]


def test_mostly_automation_models_and_families_are_not_ranked(con):
    world(con)
    con.execute("UPDATE int_model_noise SET mostly_automation = true, automation_share = 0.97, "
                "noise_reasons = 'test_fixture' WHERE model_id IN ('big/one', 'o/m03')")
    build.run_build(con, STEPS)
    m = models(con)
    assert pd.isna(m.loc["big/one", "rank"]) and pd.isna(m.loc["o/m03", "rank"])
    assert m.loc["big/one", "mostly_automation"] and not m.loc["o/m04", "mostly_automation"]
    assert sorted(m["rank"].dropna().astype(int)) == list(range(1, len(m) - 3 + 1))  # n/none lacks coverage
    families = con.execute("SELECT family, rank FROM mart_families").df().set_index("family")
    # a family of one mostly-automation model is not ranked; a family with organic members is
    assert pd.isna(families.loc["big/one", "rank"]) and pd.isna(families.loc["o/m03", "rank"])
    assert families.loc["o/m11", "rank"] > 0
    unranked = con.execute("SELECT count(*) FROM mart_scores WHERE entity_id = 'big/one' AND rank IS NOT NULL")
    assert unranked.fetchone()[0] == 0  # under no profile
