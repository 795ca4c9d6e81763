"""Vectorised generation of the sandbox's models and lineage (all fictional); tables for the World."""

import datetime as dt

import numpy as np
import pandas as pd

from collector.sandbox import world_attrs
from collector.sandbox import world_names as names
from collector.sandbox.world_attrs import lognormal

SPAN_BEFORE, SPAN_AFTER = 730, 120
MIN_MODELS = 50  # fewer leave too few models for every kind of block
# Share of models that declare a base model, and the relation mix among them: the 2025-10-23 hub-stats
# snapshot quoted in ../shared/data/README.md (607,148 of 2,161,698 models; adapter 258,462,
# finetune 218,000, quantized 116,696, merge 13,990).
DERIVED_SHARE = 607_148 / 2_161_698
RELATION_MIX = {"adapter": 258_462, "finetune": 218_000, "quantized": 116_696, "merge": 13_990}
FIXTURE_SHARE = 0.012
_SIZES = np.array([0.135, 0.5, 1, 1.5, 3, 4, 7, 8, 9, 12, 14, 24, 27, 32, 70, 72, 110, 235, 405]) * 1e9


def _growth_days(rng: np.random.Generator, n: int, span: int, g: float = 1.5) -> np.ndarray:
    """Day offsets in [0, span) with density rising exponentially (the Hub keeps growing)."""
    u = rng.random(n)
    return np.floor(span * np.log1p(u * np.expm1(g)) / g).astype(np.int64)


class Draft:
    """The world under construction: one slot per generated model, ghosts included, in blocks by kind.

    Blocks: [0, m0) major-series roots, [m0, f0) long-tail roots, [f0, d0) test fixtures, then instruct
    versions of major roots (`inst`) and community derivatives (`der`).
    """

    def __init__(self, seed: int, n_models: int, start: dt.date):
        if n_models < MIN_MODELS:
            raise ValueError(f"n_models={n_models} is too small; expected at least {MIN_MODELS}")
        self.seed = seed
        self.rng = rng = np.random.default_rng([seed, n_models])
        self.span = SPAN_BEFORE + SPAN_AFTER + 1
        self.start_day = SPAN_BEFORE  # offset of `start` in days from the first day
        self.day0 = (start - dt.timedelta(days=SPAN_BEFORE)).toordinal()
        self.n_ghost = max(2, n_models // 150)
        self.total = total = n_models + self.n_ghost

        # Major series: fictional orgs releasing several sizes of a model at once.
        n_series = max(3, round(total * 0.0025))
        n_orgs = max(2, n_series // 3)
        orgs = names.make_unique(pd.Series(names.org_names(rng, n_orgs))).to_numpy()
        self.series_org = orgs[rng.integers(0, n_orgs, n_series)]
        series_word = names.syllable_words(rng, n_series, 2)
        series_ver = np.array(["", "-2", "-2.5", "-3", "-3.1", "-4"], dtype=object)[rng.integers(0, 6, n_series)]
        self.series_name = names.make_unique(pd.Series(series_word + series_ver)).to_numpy()
        self.series_day = rng.integers(0, self.span, n_series)
        self.series_q = rng.standard_normal(n_series)
        sizes_per = rng.integers(2, 6, n_series)
        self.s_of = np.repeat(np.arange(n_series), sizes_per)
        self.size_pick = np.concatenate([np.sort(rng.choice(len(_SIZES), k, replace=False)) for k in sizes_per])
        n_major = len(self.s_of)
        n_instruct = int(round(n_major * 0.7))
        n_fix = max(3, round(total * FIXTURE_SHARE))
        n_der = max(n_instruct + 10, round(total * DERIVED_SHARE))
        n_minor = total - n_major - n_fix - n_der
        self.kind = np.concatenate([np.full(n_major, "major"), np.full(n_minor, "minor"), np.full(n_fix, "fixture"),
                                    np.full(n_instruct, "instruct"), np.full(n_der - n_instruct, "derived")])
        self.m0, self.f0, self.d0 = n_major, n_major + n_minor, n_major + n_minor + n_fix
        self.inst = np.arange(self.d0, self.d0 + n_instruct)
        self.der = np.arange(self.d0 + n_instruct, total)

        self.author = np.empty(total, dtype=object)
        self.name = np.empty(total, dtype=object)
        self.params = np.zeros(total, dtype=np.int64)
        self.created = np.zeros(total, dtype=np.int64)
        self.series = np.full(total, -1, dtype=np.int64)
        self.relation = np.full(total, None, dtype=object)
        self.parent = np.full(total, -1, dtype=np.int64)
        self.parent2 = np.full(total, -1, dtype=np.int64)


def _roots(d: Draft) -> None:
    """Major-series roots, long-tail roots from individual uploaders, and test fixtures."""
    rng, m0, f0, d0 = d.rng, d.m0, d.f0, d.d0
    nominal = _SIZES[d.size_pick]
    d.author[:m0] = d.series_org[d.s_of]
    d.name[:m0] = d.series_name[d.s_of] + "-" + names.size_label(nominal)
    d.params[:m0] = np.round(nominal * rng.uniform(0.96, 1.08, m0)).astype(np.int64)
    d.created[:m0] = np.minimum(d.series_day[d.s_of] + rng.integers(0, 3, m0), d.span - 1)
    d.series[:m0] = d.s_of
    d.size_pref = np.where(d.params[:m0] <= 14e9, 3.0, 1.0)  # small models draw most demand (RAM)

    n_minor = f0 - m0
    d.users = names.make_unique(pd.Series(names.user_names(rng, max(20, d.total // 8)))).to_numpy()
    d.zipf_users = np.minimum(rng.zipf(1.6, d.total) - 1, len(d.users) - 1)
    d.author[m0:f0] = d.users[d.zipf_users[m0:f0]]
    minor_params = np.round(lognormal(rng, 1.5e9, 1.6, n_minor)).astype(np.int64)
    minor_params[rng.random(n_minor) < 0.15] = 0
    d.params[m0:f0] = minor_params
    d.name[m0:f0] = names.syllable_words(rng, n_minor, 2) + np.where(
        minor_params > 0, "-" + names.size_label(minor_params.astype(float)), "")
    n_odd = max(3, d.total // 3000)
    d.odd = m0 + rng.choice(n_minor, n_odd, replace=False)
    d.name[d.odd] = names.odd_names(rng, n_odd)
    d.created[m0:f0] = _growth_days(rng, n_minor, d.span)
    d.created[d.odd] = rng.integers(0, SPAN_BEFORE, n_odd)  # odd names exist on every default date

    n_fix = d0 - f0
    d.author[f0:d0] = names.pick(rng, names.FIXTURE_ORGS, n_fix)
    d.name[f0:d0] = names.fixture_names(rng, n_fix)
    d.params[f0:d0] = rng.integers(100_000, 5_000_000, n_fix)
    d.created[f0:d0] = _growth_days(rng, n_fix, d.span)


def _lineage(d: Draft) -> None:
    """Instruct versions of major roots, then community derivatives by preferential attachment in time order."""
    rng, m0, f0, inst, der = d.rng, d.m0, d.f0, d.inst, d.der
    inst_base = np.sort(rng.choice(m0, len(inst), replace=False))
    d.parent[inst] = inst_base
    d.relation[inst] = "finetune"
    d.author[inst] = d.author[inst_base]
    d.created[inst] = np.minimum(d.created[inst_base] + rng.integers(0, 15, len(inst)), d.span - 1)
    d.series[inst] = d.series[inst_base]

    rels = list(RELATION_MIX)
    mix = np.array([RELATION_MIX[r] for r in rels], dtype=float)
    d.relation[der] = np.array(rels, dtype=object)[rng.choice(len(rels), len(der), p=mix / mix.sum())]
    d.created[der] = _growth_days(rng, len(der), d.span, g=2.0)
    weight = np.zeros(d.total)
    weight[:m0] = lognormal(rng, 150, 1.0, m0) * d.size_pref * np.exp(0.7 * d.series_q[d.s_of])
    weight[m0:f0] = lognormal(rng, 0.15, 1.8, f0 - m0)
    weight[inst] = lognormal(rng, 200, 1.0, len(inst))
    # Finetunes of finetunes make deep trees; quantized re-uploads are almost always leaves (Model Atlas: 99.4%).
    weight[der] = np.where(d.relation[der] == "finetune", lognormal(rng, 12.0, 2.0, len(der)),
                           np.where(d.relation[der] == "merge", lognormal(rng, 1.0, 1.5, len(der)),
                                    lognormal(rng, 0.01, 1.5, len(der))))
    d.created[der] = np.maximum(d.created[der], d.created[:f0].min() + 1)
    is_child = np.zeros(d.total, dtype=bool)
    is_child[der] = True
    order = np.lexsort((is_child, d.created))
    pos = np.empty(d.total, dtype=np.int64)
    pos[order] = np.arange(d.total)
    cw = np.cumsum(weight[order])
    below = cw[pos[der] - 1]
    pick1 = np.searchsorted(cw, rng.random(len(der)) * below, side="right")
    d.parent[der] = order[np.minimum(pick1, pos[der] - 1)]
    is_merge = d.relation[der] == "merge"
    pick2 = np.searchsorted(cw, rng.random(len(der)) * below, side="right")
    p2 = order[np.minimum(pick2, pos[der] - 1)]
    ok2 = is_merge & (p2 != d.parent[der])
    d.parent2[der[ok2]] = p2[ok2]
    d.relation[der[is_merge & ~ok2]] = "finetune"

    # Quantizers are a few prolific orgs; other derivatives come from the uploader pool.
    quantizers = names.make_unique(pd.Series(names.user_names(rng, max(3, d.total // 800)) + "-quants")).to_numpy()
    is_q = d.relation[der] == "quantized"
    qpick = np.minimum(rng.zipf(1.4, len(der)) - 1, len(quantizers) - 1)
    d.author[der] = np.where(is_q & (rng.random(len(der)) < 0.75), quantizers[qpick], d.users[d.zipf_users[der]])


def _ghosts(d: Draft) -> np.ndarray:
    """A few long-tail roots, with children where possible, are deleted: their children keep the parent id."""
    minor_idx = np.setdiff1d(np.arange(d.m0, d.f0), d.odd)
    has_child = np.isin(minor_idx, d.parent[d.parent >= 0])
    with_child = d.rng.permutation(minor_idx[has_child])
    pool = np.concatenate([with_child, d.rng.permutation(minor_idx[~has_child])])[:d.n_ghost]
    ghost = np.zeros(d.total, dtype=bool)
    ghost[pool] = True
    return ghost


def _roots_of(parent: np.ndarray) -> np.ndarray:
    """Family root of every model, following first parents (pointer jumping)."""
    root = np.arange(len(parent))
    for _ in range(64):
        nxt = np.where(parent[root] >= 0, parent[root], root)
        if np.array_equal(nxt, root):
            break
        root = nxt
    return root


def _ids_or_none(ids: np.ndarray, ptr: np.ndarray) -> pd.Series:
    """Parent ids for pointer arrays (-1 means none), keeping None."""
    out = np.full(len(ptr), None, dtype=object)
    out[ptr >= 0] = ids[ptr[ptr >= 0]]
    return pd.Series(out, dtype=object)


def generate(seed: int, n_models: int, start: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The models table, the families table and the per-model traffic parameters."""
    d = Draft(seed, n_models, start)
    _roots(d)
    _lineage(d)
    attrs = world_attrs.inherited(d)
    mirror_of = world_attrs.mirrors(d, attrs["level"], attrs["likes"])
    is_mirror = mirror_of >= 0
    for column in ("license", "pipeline_tag", "library_name"):
        attrs[column][is_mirror] = attrs[column][mirror_of[is_mirror]]
    bench = world_attrs.benchmarks(d)
    ghost = _ghosts(d)
    ids = names.make_unique(pd.Series(d.author + "/" + d.name)).to_numpy()
    root = _roots_of(d.parent)
    github = world_attrs.github_repos(d, ids, attrs["level"])
    auto = world_attrs.automation(d, attrs["level"], mirror_of)
    keep = ~ghost
    day_dates = np.array([dt.date.fromordinal(d.day0 + k) for k in range(d.span)], dtype=object)
    models = pd.DataFrame({
        "id": ids, "author": d.author, "family": ids[root], "parent": _ids_or_none(ids, d.parent),
        "parent2": _ids_or_none(ids, d.parent2), "relation": pd.Series(d.relation, dtype=object),
        "params": d.params, "created": day_dates[d.created], "license": attrs["license"],
        "pipeline_tag": attrs["pipeline_tag"], "library_name": attrs["library_name"],
        "gated": pd.Series(attrs["gated"], dtype=object), "likes": attrs["likes"], "fixture": d.kind == "fixture",
        "automation_kind": auto.pop("kind_name"), **bench, "github_repo": pd.Series(github, dtype=object),
    })
    fam = models.iloc[pd.unique(root[keep])]
    families = pd.DataFrame({"family": fam["id"].to_numpy(), "org": fam["author"].to_numpy(),
                             "name": fam["id"].str.partition("/")[2].to_numpy(), "created": fam["created"].to_numpy(),
                             "params": fam["params"].to_numpy(),
                             "github_repo": pd.Series(fam["github_repo"].to_numpy(), dtype=object)})
    auto["auto_start"] = auto["auto_start"] + d.day0
    for column in ("burst_start", "auto_end", "step_day"):
        auto[column] = auto[column] + d.day0
    traffic = {"created": d.day0 + d.created, "level": attrs["level"], **auto}
    traffic = {k: v[keep] for k, v in traffic.items()}
    traffic.update(world_attrs.demand_shape(d.rng, int(keep.sum()), d.kind[keep]))
    traffic["sigma"] = world_attrs.organic_noise(d, traffic["level"])
    return models[keep].reset_index(drop=True), families, traffic
