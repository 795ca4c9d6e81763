"""The sandbox world: determinism, calibration against the shared data, traffic and truth."""

import datetime as dt
import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA

from collector.sandbox import world_api
from collector.sandbox.world import World

COLUMNS = ["id", "author", "family", "parent", "parent2", "relation", "params", "created", "license", "pipeline_tag",
           "library_name", "gated", "likes", "fixture", "automation_kind", "capability", "legacy_score",
           "github_repo"]


@pytest.fixture(scope="module")
def big() -> World:
    """A world large enough for distribution checks."""
    return World(seed=11, n_models=6000)


def test_models_have_every_documented_column(world):
    assert list(world.models.columns) == COLUMNS
    assert len(world.models) == 300 and world.models["id"].is_unique
    assert list(world.families.columns) == ["family", "org", "name", "created", "params", "github_repo"]
    assert set(world.models["family"]) == set(world.families["family"])


def test_same_seed_is_identical_and_other_seed_differs(world):
    again = World(seed=7, n_models=300)
    pd.testing.assert_frame_equal(world.models, again.models)
    day = world.today
    for a, b in zip(world.daily(day - dt.timedelta(days=9), day), again.daily(day - dt.timedelta(days=9), day),
                    strict=True):
        np.testing.assert_array_equal(a, b)
    other = World(seed=8, n_models=300)
    assert set(other.models["id"]) != set(world.models["id"])


def test_same_seed_is_identical_across_processes(world):
    code = ("import json, sys; from collector.sandbox.world import World; w = World(seed=7, n_models=300); "
            "print(json.dumps([w.api_model(i, w.today) for i in range(0, 300, 7)]) + w.readme(3))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "123"}).stdout
    here = json.dumps([world.api_model(i, world.today) for i in range(0, 300, 7)]) + world.readme(3)
    assert out.rstrip("\n") == here.rstrip("\n")


def test_relation_mix_matches_hub_stats_in_shared_readme(big):
    text = (SHARED_DATA / "README.md").read_text()
    figures = {k: int(v.replace(",", "")) for k, v in re.findall(r"(adapter|finetune|quantized|merge) ([\d,]+)", text)}
    declared, total = (int(x.replace(",", "")) for x in re.search(r"([\d,]+) models,\s+of which ([\d,]+) declare",
                                                                   text).groups()[::-1])
    want = pd.Series(figures) / sum(figures.values())
    got = big.models["relation"].value_counts(normalize=True)
    # Instruct versions of the major releases are extra finetunes, so allow 5 points either way.
    for relation, share in want.items():
        assert abs(got[relation] - share) < 0.05, (relation, got[relation], share)
    assert abs(big.models["relation"].notna().mean() - declared / total) < 0.03


def test_lineage_shape_like_the_real_edge_sample(big):
    edges = pd.read_csv(SHARED_DATA / "hf" / "lineage_edges_sample.csv")
    real_quantized_leaf = (~edges.loc[edges["edge"] == "quantized", "target"].isin(edges["source"])).mean()
    lineage = big.lineage_truth()
    quantized = lineage.loc[lineage["relation"] == "quantized", "child"]
    assert (~quantized.isin(lineage["parent"])).mean() >= real_quantized_leaf - 0.03
    per_parent = lineage.groupby("parent").size()
    real_per_parent = edges.groupby("source").size()
    assert per_parent.median() <= real_per_parent.median() + 1
    assert per_parent.max() >= 20 * per_parent.median()  # heavy tail of derivatives per parent
    merges = lineage[lineage["relation"] == "merge"].groupby("child").size()
    assert len(merges) and (merges == 2).all()
    real_deep = _deep_share(edges.drop_duplicates("target").set_index("target")["source"])
    first_parent = big.models.set_index("id")["parent"].dropna()
    assert abs(_deep_share(first_parent) - real_deep) < 0.15  # finetunes of finetunes, quantizations of those
    missing = set(lineage["parent"]) - set(big.models["id"])
    assert missing, "some parents should be missing from the listing"
    assert (big.models.loc[big.models["parent"].isna(), "family"] == big.models.loc[big.models["parent"].isna(), "id"]
            ).all()


def _deep_share(parent_of: pd.Series) -> float:
    """Share of derived models two or more levels below their root."""
    parents = parent_of.to_dict()
    deep = [child for child, parent in parents.items() if parent in parents and parents[parent] != child]
    return len(deep) / len(parents)


def test_downloads_are_heavy_tailed(big):
    d30 = np.sort(big.downloads_30d(big.today))[::-1]
    top_share = d30[: len(d30) // 100].sum() / d30.sum()
    assert top_share > 0.4
    assert np.median(d30) < d30.mean() / 10


def test_windows_agree_with_daily_values(world):
    day = world.today
    organic, automation = world.daily(day - dt.timedelta(days=30), day - dt.timedelta(days=1))
    np.testing.assert_array_equal(world.downloads_30d(day), (organic + automation).sum(axis=1))
    before = world.downloads_all_time(day - dt.timedelta(days=1))
    after = world.downloads_all_time(day)
    np.testing.assert_array_equal(after - before, (organic + automation)[:, -1])
    np.testing.assert_array_equal(world.downloads_all_time(day, idx=[3, 5]), after[[3, 5]])


def test_nothing_before_creation_and_listing_hides_future_models(world):
    created = world.models["created"]
    i = int(np.argmax(created.to_numpy() > world.start))
    born = created[i]
    organic, automation = world.daily(born - dt.timedelta(days=5), born + dt.timedelta(days=5), idx=[i])
    assert organic[0, :5].sum() == 0 and automation[0, :5].sum() == 0
    assert i in world.listing_order(born) and i not in world.listing_order(born - dt.timedelta(days=1))
    order = world.listing_order(world.today)
    d30 = world.downloads_30d(world.today)[order]
    assert (np.diff(d30) <= 0).all() and len(order) == (created <= world.today).sum()


def test_truth_matches_the_served_window(world):
    truth = world.truth(world.today)
    visible = world.visible(world.today)
    np.testing.assert_array_equal(truth["raw_30d"], world.downloads_30d(world.today)[visible])
    assert (truth["raw_30d"] == truth["organic_30d"] + truth["automation_30d"]).all()
    assert (truth["mostly_automation"] == (truth["automation_share"] > 0.5)).all()


def test_automation_kinds_have_their_signatures(big):
    day = big.today
    organic, automation = big.daily(day - dt.timedelta(days=55), day - dt.timedelta(days=1))
    kinds = big.models["automation_kind"].to_numpy()
    first = day - dt.timedelta(days=55)
    weekend = np.array([(first + dt.timedelta(days=k)).weekday() >= 5 for k in range(55)])
    active = automation.sum(axis=1) > 0
    weekday = (kinds == "weekday") & active
    assert weekday.any() and automation[weekday][:, weekend].sum() == 0
    floor = (kinds == "floor") & (automation.min(axis=1) > 20)
    assert floor.any()
    spread = automation[floor].std(axis=1) / automation[floor].mean(axis=1)
    assert np.median(spread) < 0.1  # flat floors
    burst = (kinds == "burst") & active
    assert burst.any() and (np.median((automation[burst] > 0).sum(axis=1)) <= 12)
    assert automation[kinds == "none"].sum() == 0
    truth = big.truth(day)
    assert 0.02 < (truth["automation_kind"] != "none").mean() < 0.1
    assert truth["mostly_automation"].sum() >= 10
    assert (truth.loc[truth["mostly_automation"], "automation_kind"] != "none").all()


def test_harder_automation_kinds_have_their_signatures(big):
    day = big.today
    organic, automation = big.daily(day - dt.timedelta(days=45), day - dt.timedelta(days=1))
    kinds = big.models["automation_kind"].to_numpy()
    steady = automation[(kinds == "nightly") & (automation.min(axis=1) > 20)]
    irregular = automation[(kinds == "nightly_irregular") & (np.median(automation, axis=1) > 20)]
    assert len(steady) and len(irregular)
    # regular schedules never miss a night; irregular ones miss some, run twice on others, yet are flat on most
    assert (steady > 0).all() and (irregular == 0).any(axis=1).mean() > 0.5
    runs = irregular / np.median(irregular, axis=1, keepdims=True)
    assert (runs > 1.7).any(axis=1).mean() > 0.5 and np.median((np.abs(runs - 1) < 0.15).mean(axis=1)) > 0.7
    # CI that stopped before the 30-day window: automation early in the 45 days, none in the window
    stopped = (kinds == "stopped") & (automation.sum(axis=1) > 0)
    assert stopped.any() and automation[stopped][:, -30:].sum() == 0
    # mirrors: the name of a more-liked model of another owner as re-uploads spell it, created later, no derivatives,
    # no organic demand
    m = big.models
    mirrors = m[m["automation_kind"] == "mirror"]
    assert len(mirrors) >= 10 and mirrors["likes"].max() <= 1
    name = m["id"].str.split("/").str[1]
    letters = name.str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
    same = 0
    for i, row in mirrors.iterrows():
        stem = name[i].removesuffix("-v2")  # two mirrors of one source by one user: the second id gets -v2
        source = m[letters.map(lambda s, k=letters[i]: s in k) & (m["author"] != row["author"])
                   & (m["likes"] > row["likes"]) & (m["created"] < row["created"])]
        assert len(source)
        same += stem in set(name[source.index])
    assert 0.3 < same / len(mirrors) < 0.8  # about half keep the source's name exactly
    assert not m["parent"].isin(mirrors["id"]).any() and not m["parent2"].isin(mirrors["id"]).any()
    assert organic[mirrors.index].sum() < 0.05 * automation[mirrors.index].sum()


def test_organic_counts_are_at_least_poisson_dispersed(big):
    day = big.today
    organic, _ = big.daily(day - dt.timedelta(days=14), day - dt.timedelta(days=1))
    t = big._t
    days = np.arange(day.toordinal() - 14, day.toordinal())
    quiet = np.flatnonzero((big.models["automation_kind"] == "none").to_numpy() & (t["created"] < days[0] - 60))
    # a trickle of 2-8 downloads a day: the variance of the counts is at least their mean (Poisson), never below
    trickle = quiet[(organic[quiet].mean(axis=1) > 2) & (organic[quiet].mean(axis=1) < 8)]
    assert len(trickle) > 50
    dispersion = organic[trickle].var(axis=1, ddof=1) / organic[trickle].mean(axis=1)
    assert np.median(dispersion) > 1.0
    # large models vary by about 0.1-0.3 in log space from day to day, small ones more
    busy = quiet[organic[quiet].min(axis=1) > 2000]
    assert len(busy) >= 3
    spread = np.median(np.abs(np.diff(np.log(organic[busy]), axis=1)), axis=1) * 1.4826 / np.sqrt(2)
    assert 0.05 < np.median(spread) < 0.3


def test_fixtures_look_like_test_repos(big):
    fixtures = big.models[big.models["fixture"]]
    assert len(fixtures) > 20
    assert fixtures["id"].str.contains("test|tiny|dummy").all()
    assert (fixtures["params"] < 10_000_000).all() and fixtures["likes"].max() <= 1
    assert (fixtures["automation_kind"] == "fixture").all()


def test_benchmark_and_legacy_columns(big):
    m = big.models
    covered = m["capability"].notna()
    assert 20 < covered.sum() < len(m) * 0.05
    assert m.loc[covered, "capability"].between(0, 100).all()
    claims = m[m["legacy_score"].notna() & covered]
    inflated = claims["legacy_score"] - (28 + 0.62 * claims["capability"])
    assert (inflated > 5).mean() > 0.1 and (inflated.abs() < 5).mean() > 0.5
    assert m.loc[m["github_repo"].notna(), "relation"].isna().all()


def test_odd_ids_exist(world):
    ids = world.models["id"]
    assert ids.map(lambda s: not s.isascii()).any()
    assert (ids.str.len() > 80).any() and ids.str.contains(r"\.", regex=True).any()


def test_tags_and_tag_filter_agree(big):
    c = big.col
    sample = np.random.default_rng(0).choice(big.n_models, 200, replace=False)
    probes = ["gguf", "peft", "merge", "safetensors", "license:mit", "text-generation"]
    probes += [f"base_model:{c['parent'][i]}" for i in sample if c["parent"][i] is not None][:5]
    probes += [f"base_model:{c['relation'][i]}:{c['parent'][i]}" for i in sample if c["parent"][i] is not None][:5]
    for tag in probes:
        mask = world_api.tag_mask(c, tag)
        assert mask.any(), tag
        for i in sample:
            assert (tag in world_api.tags(c, int(i))) == mask[i], (tag, c["id"][i])


def test_readme_front_matter_and_repo_link(world):
    m = world.models
    child = int(m.index[m["parent"].notna()][0])
    card = world.readme(child)
    assert card.startswith("---\n") and f"base_model: {m['parent'][child]}" in card and "Fictional" in card
    root = int(m.index[m["github_repo"].notna()][0])
    assert f"https://github.com/{m['github_repo'][root]}" in world.readme(root)


def test_too_small_world_is_refused():
    with pytest.raises(ValueError, match="n_models=10"):
        World(n_models=10)
