"""Lineage: edges, family roots, cycles, merges, derivative counts, and the real edge sample."""

import numpy as np
import pytest
from conftest import SHARED_DATA
from hub_rows import hub_snapshot, upstream_noise

from pipelines import profiles
from pipelines.checks import lineage_sample, simulate
from pipelines.orchestration import build
from pipelines.steps import lineage


def run(con, models, organic=None, profiles_file=None):
    """Load a snapshot (and organic downloads) and run the lineage step."""
    hub_snapshot(con, models)
    if organic:
        upstream_noise(con, organic)
    build.run_build(con, build.steps_of(lineage.build), profiles_file=profiles_file)


def families(con) -> dict[str, tuple[str, int]]:
    """model_id -> (family, depth)."""
    return {m: (f, d) for m, f, d in con.execute("SELECT * FROM int_model_family").fetchall()}


def issues(con) -> set[tuple[str, str]]:
    """(model_id, issue) pairs reported."""
    return set(con.execute("SELECT model_id, issue FROM int_lineage_issues").fetchall())


def test_missing_parent_is_the_family_root(con):
    run(con, [{"id": "u/ft", "parents": [("finetune", "gone/base")]},
              {"id": "u/q", "parents": [("quantized", "u/ft")]}])
    assert families(con) == {"u/ft": ("gone/base", 1), "u/q": ("gone/base", 2)}
    assert issues(con) == {("u/ft", "missing_parent")}


def test_cycle_is_broken_at_the_lowest_id_and_reported(con):
    run(con, [{"id": "c/c", "parents": [("finetune", "b/b")]}, {"id": "b/b", "parents": [("finetune", "a/a")]},
              {"id": "a/a", "parents": [("merge", "c/c")]}, {"id": "d/d", "parents": [("adapter", "b/b")]},
              {"id": "y/y", "parents": [("finetune", "x/x")]}, {"id": "x/x", "parents": [("finetune", "y/y")]}])
    assert families(con) == {"a/a": ("a/a", 0), "b/b": ("a/a", 1), "c/c": ("a/a", 2), "d/d": ("a/a", 2),
                             "x/x": ("x/x", 0), "y/y": ("x/x", 1)}
    assert issues(con) == {("a/a", "cycle_broken"), ("x/x", "cycle_broken")}
    edges = set(con.execute("SELECT child, parent FROM int_lineage_edges").fetchall())
    assert ("a/a", "c/c") not in edges and ("x/x", "y/y") not in edges
    assert ("b/b", "a/a") in edges
    derivatives = dict(con.execute("SELECT model_id, descendants FROM int_model_derivatives").fetchall())
    assert derivatives["a/a"] == 3  # b, c, d once each


def test_merge_follows_the_first_listed_parent_and_counts_once(con):
    run(con, [{"id": "m/a"}, {"id": "m/b"}, {"id": "u/ft", "parents": [("finetune", "m/b")]},
              {"id": "u/merge", "parents": [("merge", "u/ft"), ("merge", "m/a")]},
              {"id": "u/q", "parents": [("quantized", "u/merge")]}],
        organic={"m/a": 100, "m/b": 200, "u/ft": 30, "u/merge": 7, "u/q": 4})
    assert families(con)["u/merge"] == ("m/b", 2)
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT model_id, derivatives_merge, descendants, active_derivatives FROM int_model_derivatives").fetchall()}
    assert rows["m/a"] == (1, 2, 1)      # merge and its quantization below; only the merge has >= 6 downloads
    assert rows["u/ft"] == (1, 2, 1)
    assert rows["m/b"] == (0, 3, 2)      # ft, merge, q: the merge's two paths count it once
    members = con.execute("SELECT family, count(*) FROM int_model_family GROUP BY 1 ORDER BY 1").fetchall()
    assert members == [("m/a", 1), ("m/b", 4)]


def test_deep_chain_and_self_reference(con):
    chain = [{"id": "r/0000"}] + [{"id": f"r/{i:04d}", "parents": [("finetune", f"r/{i - 1:04d}")]}
                                   for i in range(1, 300)]
    run(con, chain + [{"id": "s/self", "parents": [("finetune", "s/self")]}])
    found = families(con)
    assert found["r/0299"] == ("r/0000", 299)
    assert found["s/self"] == ("s/self", 0)
    assert ("s/self", "self_reference") in issues(con)
    assert con.execute("SELECT count(*) FROM int_lineage_edges WHERE child = parent").fetchone()[0] == 0
    top = con.execute("SELECT descendants FROM int_model_derivatives WHERE model_id = 'r/0000'").fetchone()[0]
    assert top == 299


def test_active_derivative_threshold_comes_from_the_profiles_file(con, tmp_path):
    text = (profiles.DEFAULT_FILE.read_text()
            .replace("active_derivative_min_downloads = 6", "active_derivative_min_downloads = 50"))
    (tmp_path / "p.toml").write_text(text)
    run(con, [{"id": "b/b"}, {"id": "u/1", "parents": [("finetune", "b/b")]},
              {"id": "u/2", "parents": [("finetune", "b/b")]}], organic={"b/b": 1000, "u/1": 49, "u/2": 50},
        profiles_file=tmp_path / "p.toml")
    assert con.execute("SELECT active_derivatives FROM int_model_derivatives WHERE model_id = 'b/b'").fetchone()[0] == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pointer_jumping_matches_a_plain_walk(seed):
    rng = np.random.default_rng(seed)
    n = 2000
    parent = np.arange(n)
    has_parent = rng.random(n) < 0.8
    parent[has_parent] = rng.integers(0, n, has_parent.sum())
    broken = lineage.break_cycles(parent)
    root, depth = lineage.roots(parent)
    for node in rng.integers(0, n, 200):
        steps, at = 0, int(node)
        while parent[at] != at:
            at, steps = int(parent[at]), steps + 1
        assert (root[node], depth[node]) == (at, steps)
    for child, _ in broken:
        assert parent[child] == child


def test_real_edge_sample(capsys):
    lineage_sample.main([str(SHARED_DATA / "hf" / "lineage_edges_sample.csv"), "--top", "3"])
    out = capsys.readouterr().out
    assert "30,341 distinct edges" in out and "self_reference | 42" in out
    assert "meta-llama/Llama-3.1-8B | 2218 |" in out


def test_sandbox_lineage_matches_the_worlds_truth(con, world):
    simulate.simulate(con, world, days=2, min_downloads=0, details=0)
    build.run_build(con, build.steps_of(lineage.build))
    listed = {i for (i,) in con.execute("SELECT model_id FROM int_lineage_nodes").fetchall()}
    truth = world.lineage_truth()
    truth = truth[truth["child"].isin(listed)]
    expected = set(truth[["child", "parent", "relation"]].itertuples(index=False, name=None))
    assert len(expected) > 50
    assert set(con.execute("SELECT child, parent, relation FROM int_lineage_edges").fetchall()) == expected
    known = world.models.set_index("id")
    family = families(con)
    assert {m: f for m, (f, _) in family.items()} == {m: known.loc[m, "family"] for m in listed}


@pytest.mark.parametrize(("text", "message"), [
    ("from,to,edge\na,b,finetuned\n", "expected at least ['edge', 'source', 'target']"),
    ("source,target,edge\na,b,cloned\n", "unknown edge kind(s) ['cloned']"),
])
def test_edge_sample_bad_input(tmp_path, text, message):
    (tmp_path / "edges.csv").write_text(text)
    with pytest.raises(ValueError) as err:
        lineage_sample.main([str(tmp_path / "edges.csv")])
    assert message in str(err.value) and "edges.csv" in str(err.value)
