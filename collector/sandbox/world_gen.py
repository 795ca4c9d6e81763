"""Vectorised generation of the sandbox's models, lineage and traffic parameters (all fictional)."""

import datetime as dt

import numpy as np
import pandas as pd

from collector.sandbox import world_names as names

SPAN_BEFORE, SPAN_AFTER = 730, 120
# Share of models that declare a base model, and the relation mix among them: the 2025-10-23 hub-stats
# snapshot quoted in ../shared/data/README.md (607,148 of 2,161,698 models; adapter 258,462,
# finetune 218,000, quantized 116,696, merge 13,990).
DERIVED_SHARE = 607_148 / 2_161_698
RELATION_MIX = {"adapter": 258_462, "finetune": 218_000, "quantized": 116_696, "merge": 13_990}
FIXTURE_SHARE = 0.012
AUTOMATION_SHARE = 0.04
AUTOMATION_KINDS = ("floor", "burst", "weekday")
_SIZES = np.array([0.135, 0.5, 1, 1.5, 3, 4, 7, 8, 9, 12, 14, 24, 27, 32, 70, 72, 110, 235, 405]) * 1e9
_LICENSES = (["apache-2.0", "mit", "other", "cc-by-nc-4.0", "openrail", "cc-by-4.0", "gpl-3.0"],
             [0.45, 0.2, 0.13, 0.09, 0.05, 0.05, 0.03])
_PIPELINES = (["text-generation", "text-classification", "feature-extraction", "image-text-to-text",
               "automatic-speech-recognition", "text-to-image", "fill-mask", "token-classification"],
              [0.6, 0.08, 0.08, 0.06, 0.04, 0.05, 0.04, 0.05])
_QUANT_LIBRARY = {"GGUF": "gguf", "MLX-4bit": "mlx"}
_PIPELINE_LIBRARY = {"text-to-image": "diffusers", "feature-extraction": "sentence-transformers"}


def _growth_days(rng: np.random.Generator, n: int, span: int, g: float = 1.5) -> np.ndarray:
    """Day offsets in [0, span) with density rising exponentially (the Hub keeps growing)."""
    u = rng.random(n)
    return np.floor(span * np.log1p(u * np.expm1(g)) / g).astype(np.int64)


def _choice(rng: np.random.Generator, spec: tuple[list[str], list[float]], n: int) -> np.ndarray:
    """n weighted picks from a (values, weights) pair."""
    values, weights = spec
    return np.array(values, dtype=object)[rng.choice(len(values), n, p=np.array(weights) / sum(weights))]


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    """Heavy-tailed positive draws."""
    return median * np.exp(sigma * rng.standard_normal(n))


def generate(seed: int, n_models: int, start: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The models table, the families table and the per-model traffic parameters."""
    if n_models < 50:
        raise ValueError(f"n_models={n_models} is too small; expected at least 50")
    rng = np.random.default_rng([seed, n_models])
    span = SPAN_BEFORE + SPAN_AFTER + 1
    day0 = (start - dt.timedelta(days=SPAN_BEFORE)).toordinal()
    n_ghost = max(2, n_models // 150)
    total = n_models + n_ghost

    # Major series: fictional orgs releasing several sizes of a model at once.
    n_series = max(3, round(total * 0.0025))
    n_orgs = max(2, n_series // 3)
    orgs = names.make_unique(pd.Series(names.org_names(rng, n_orgs))).to_numpy()
    series_org = orgs[rng.integers(0, n_orgs, n_series)]
    series_word = names.syllable_words(rng, n_series, 2)
    series_ver = np.array(["", "-2", "-2.5", "-3", "-3.1", "-4"], dtype=object)[rng.integers(0, 6, n_series)]
    series_name = names.make_unique(pd.Series(series_word + series_ver)).to_numpy()
    series_day = rng.integers(0, span, n_series)
    series_q = rng.standard_normal(n_series)
    sizes_per = rng.integers(2, 6, n_series)
    s_of = np.repeat(np.arange(n_series), sizes_per)
    size_pick = np.concatenate([np.sort(rng.choice(len(_SIZES), k, replace=False)) for k in sizes_per])
    n_major = len(s_of)
    n_instruct = int(round(n_major * 0.7))
    n_fix = max(3, round(total * FIXTURE_SHARE))
    n_der = max(n_instruct + 10, round(total * DERIVED_SHARE))
    n_minor = total - n_major - n_fix - n_der
    kind = np.concatenate([np.full(n_major, "major"), np.full(n_minor, "minor"), np.full(n_fix, "fixture"),
                           np.full(n_instruct, "instruct"), np.full(n_der - n_instruct, "derived")])
    m0, f0, d0 = n_major, n_major + n_minor, n_major + n_minor + n_fix

    author = np.empty(total, dtype=object)
    name = np.empty(total, dtype=object)
    params = np.zeros(total, dtype=np.int64)
    created = np.zeros(total, dtype=np.int64)
    series = np.full(total, -1, dtype=np.int64)

    # Roots of the major series.
    nominal = _SIZES[size_pick]
    author[:m0] = series_org[s_of]
    name[:m0] = series_name[s_of] + "-" + names.size_label(nominal)
    params[:m0] = np.round(nominal * rng.uniform(0.96, 1.08, n_major)).astype(np.int64)
    created[:m0] = np.minimum(series_day[s_of] + rng.integers(0, 3, n_major), span - 1)
    series[:m0] = s_of

    # Long-tail roots from individual uploaders and small orgs.
    users = names.make_unique(pd.Series(names.user_names(rng, max(20, total // 8)))).to_numpy()
    zipf_users = np.minimum(rng.zipf(1.6, total) - 1, len(users) - 1)
    author[m0:f0] = users[zipf_users[m0:f0]]
    minor_params = np.round(_lognormal(rng, 1.5e9, 1.6, n_minor)).astype(np.int64)
    minor_params[rng.random(n_minor) < 0.15] = 0
    params[m0:f0] = minor_params
    name[m0:f0] = names.syllable_words(rng, n_minor, 2) + np.where(
        minor_params > 0, "-" + names.size_label(minor_params.astype(float)), "")
    n_odd = max(3, total // 3000)
    odd = m0 + rng.choice(n_minor, n_odd, replace=False)
    name[odd] = names.odd_names(rng, n_odd)
    created[m0:f0] = _growth_days(rng, n_minor, span)
    created[odd] = rng.integers(0, SPAN_BEFORE, n_odd)  # odd names exist on every default date

    # Test fixtures: CI repos with tiny parameter counts and no real users.
    author[f0:d0] = names.pick(rng, names.FIXTURE_ORGS, n_fix)
    name[f0:d0] = names.fixture_names(rng, n_fix)
    params[f0:d0] = rng.integers(100_000, 5_000_000, n_fix)
    created[f0:d0] = _growth_days(rng, n_fix, span)

    relation = np.full(total, None, dtype=object)
    parent = np.full(total, -1, dtype=np.int64)
    parent2 = np.full(total, -1, dtype=np.int64)

    # Instruct versions of major roots, by the same org, days after the base.
    inst = np.arange(d0, d0 + n_instruct)
    inst_base = np.sort(rng.choice(n_major, n_instruct, replace=False))
    parent[inst] = inst_base
    relation[inst] = "finetune"
    author[inst] = author[inst_base]
    created[inst] = np.minimum(created[inst_base] + rng.integers(0, 15, n_instruct), span - 1)
    series[inst] = series[inst_base]

    # Community derivatives: relation mix from hub-stats, parents by preferential attachment in time order.
    der = np.arange(d0 + n_instruct, total)
    rels = list(RELATION_MIX)
    mix = np.array([RELATION_MIX[r] for r in rels], dtype=float)
    relation[der] = np.array(rels, dtype=object)[rng.choice(len(rels), len(der), p=mix / mix.sum())]
    created[der] = _growth_days(rng, len(der), span, g=2.0)
    weight = np.zeros(total)
    size_pref = np.where(params[:m0] <= 14e9, 3.0, 1.0)
    weight[:m0] = _lognormal(rng, 150, 1.0, n_major) * size_pref * np.exp(0.7 * series_q[s_of])
    weight[m0:f0] = _lognormal(rng, 0.15, 1.8, n_minor)
    weight[inst] = _lognormal(rng, 200, 1.0, n_instruct)
    is_ft = relation[der] == "finetune"
    # Finetunes of finetunes make deep trees; quantized re-uploads are almost always leaves (Model Atlas: 99.4%).
    weight[der] = np.where(is_ft, _lognormal(rng, 12.0, 2.0, len(der)),
                           np.where(relation[der] == "merge", _lognormal(rng, 1.0, 1.5, len(der)),
                                    _lognormal(rng, 0.01, 1.5, len(der))))
    first_root_day = created[:f0].min()
    created[der] = np.maximum(created[der], first_root_day + 1)
    is_child = np.zeros(total, dtype=bool)
    is_child[der] = True
    order = np.lexsort((is_child, created))
    pos = np.empty(total, dtype=np.int64)
    pos[order] = np.arange(total)
    cw = np.cumsum(weight[order])
    below = cw[pos[der] - 1]
    pick1 = np.searchsorted(cw, rng.random(len(der)) * below, side="right")
    parent[der] = order[np.minimum(pick1, pos[der] - 1)]
    is_merge = relation[der] == "merge"
    pick2 = np.searchsorted(cw, rng.random(len(der)) * below, side="right")
    p2 = order[np.minimum(pick2, pos[der] - 1)]
    ok2 = is_merge & (p2 != parent[der])
    parent2[der[ok2]] = p2[ok2]
    relation[der[is_merge & ~ok2]] = "finetune"

    # Quantizers are a few prolific orgs; other derivatives come from the uploader pool.
    quantizers = names.make_unique(pd.Series(names.user_names(rng, max(3, total // 800)) + "-quants")).to_numpy()
    is_q = relation[der] == "quantized"
    qpick = np.minimum(rng.zipf(1.4, len(der)) - 1, len(quantizers) - 1)
    author[der] = np.where(is_q & (rng.random(len(der)) < 0.75), quantizers[qpick], users[zipf_users[der]])

    # Attributes that flow down the lineage, parents first (parents always precede children in time).
    license_ = np.empty(total, dtype=object)
    license_[:d0] = _choice(rng, _LICENSES, d0)
    pipeline = np.empty(total, dtype=object)
    pipeline[:d0] = _choice(rng, _PIPELINES, d0)
    pipeline[:m0] = np.where(rng.random(n_major) < 0.85, "text-generation", "image-text-to-text")
    pipeline[f0:d0] = "text-generation"
    suffix = names.derived_suffix(rng, relation)
    suffix[inst] = "Instruct"
    level = np.zeros(total)
    level[:m0] = _lognormal(rng, 400, 1.1, n_major) * size_pref * np.exp(0.8 * series_q[s_of])
    level[m0:f0] = _lognormal(rng, 0.6, 1.7, n_minor)
    level[f0:d0] = _lognormal(rng, 0.05, 0.5, n_fix)
    share = np.select([relation == "quantized", relation == "finetune", relation == "adapter"],
                      [_lognormal(rng, 0.03, 1.3, total), _lognormal(rng, 0.008, 1.8, total),
                       _lognormal(rng, 0.002, 1.5, total)], _lognormal(rng, 0.004, 1.5, total))
    share[inst] = _lognormal(rng, 0.8, 0.6, n_instruct)
    inherit = rng.random(total) < 0.85
    fresh_license = _choice(rng, _LICENSES, total)
    unknown_params = rng.random(total) < 0.08
    pending = np.concatenate([inst, der])
    while len(pending):
        ready = pending[name[parent[pending]] != None]  # noqa: E711 (element-wise test on an object array)
        p = parent[ready]
        base = np.array([s.split("/")[-1] if len(s) < 60 else s[:24] for s in name[p]], dtype=object)
        name[ready] = base + "-" + suffix[ready]
        params[ready] = np.where(unknown_params[ready] & ~np.isin(ready, inst), 0, params[p])
        license_[ready] = np.where(inherit[ready], license_[p], fresh_license[ready])
        pipeline[ready] = pipeline[p]
        level[ready] = level[p] * share[ready] + _lognormal(rng, 0.3, 1.0, len(ready))
        pending = pending[name[pending] == None]  # noqa: E711
    merged = np.flatnonzero(parent2 >= 0)
    name[merged] = [f"{a.split('-')[0]}-{b.split('-')[0]}-{s}" for a, b, s in
                    zip(name[parent[merged]], name[parent2[merged]], suffix[merged], strict=True)]

    library = np.array([_PIPELINE_LIBRARY.get(p, "transformers") for p in pipeline], dtype=object)
    q_idx = np.flatnonzero(relation == "quantized")
    library[q_idx] = [_QUANT_LIBRARY.get(s, "transformers") for s in suffix[q_idx]]
    library[relation == "adapter"] = "peft"

    gated = np.full(total, False, dtype=object)
    g = rng.random(total)
    big_major = (np.arange(total) < m0) & (params >= 7e9)
    gated[big_major & (g < 0.25)] = "manual"
    gated[big_major & (g >= 0.25) & (g < 0.4)] = "auto"
    gated[~big_major & (g < 0.015) & (kind != "fixture")] = "auto"

    # Engagement follows organic demand only; automation never likes anything.
    likes = np.floor((level * 30) ** 0.6 * _lognormal(rng, 0.25, 1.0, total)).astype(np.int64)
    likes[f0:d0] = (rng.random(n_fix) < 0.1).astype(np.int64)

    # Clean skill for the models the benchmarks cover (major roots and their instruct versions).
    covered = ((kind == "major") | (kind == "instruct")) & (params >= 4e8)
    sq = np.where(series >= 0, series_q[np.maximum(series, 0)], 0.0)
    cap = 14 + 7.5 * np.log(np.maximum(params, 1) / 1e8) + 0.02 * created + 5 * sq + rng.normal(0, 3, total)
    cap += np.where(kind == "instruct", 6, 0)
    capability = np.where(covered, np.clip(cap, 3, 97), np.nan)
    claims = covered | ((relation == "finetune") & (rng.random(total) < 0.04))
    legacy = np.clip(28 + 0.62 * np.where(covered, capability, np.clip(cap, 3, 90)) + rng.normal(0, 2, total), 0, 99)
    contaminated = rng.random(total) < np.where(covered, 0.2, 0.6)
    legacy = np.where(contaminated, np.minimum(legacy + rng.uniform(6, 18, total), 99.5), legacy)
    legacy_score = np.where(claims, np.round(legacy, 1), np.nan)

    # Ghosts: a few roots with children are deleted, so some parents are missing from the listing.
    minor_idx = np.setdiff1d(np.arange(m0, f0), odd)
    has_child = np.isin(minor_idx, parent[parent >= 0])
    with_child = rng.permutation(minor_idx[has_child])
    pool = np.concatenate([with_child, rng.permutation(minor_idx[~has_child])])[:n_ghost]
    ghost = np.zeros(total, dtype=bool)
    ghost[pool] = True

    ids = names.make_unique(pd.Series(author + "/" + name)).to_numpy()
    root = np.arange(total)
    for _ in range(64):
        nxt = np.where(parent[root] >= 0, parent[root], root)
        if np.array_equal(nxt, root):
            break
        root = nxt
    github = np.full(total, None, dtype=object)
    major_root = (kind == "major") & (rng.random(total) < 0.8)
    github[major_root] = [f"{a}/{s.lower()}" for a, s in zip(author[major_root], series_name[series[major_root]],
                                                            strict=True)]
    hobby = (kind == "minor") & (level > np.quantile(level[m0:f0], 0.9)) & (rng.random(total) < 0.3)
    github[hobby] = [i.lower() for i in ids[hobby]]

    auto = _automation(rng, total, kind, level, created, span)
    keep = ~ghost
    models = pd.DataFrame({
        "id": ids, "author": author, "family": ids[root], "parent": pd.Series(_ids_or_none(ids, parent), dtype=object),
        "parent2": pd.Series(_ids_or_none(ids, parent2), dtype=object), "relation": pd.Series(relation, dtype=object),
        "params": params,
        "created": np.array([dt.date.fromordinal(day0 + d) for d in range(span)], dtype=object)[created],
        "license": license_,
        "pipeline_tag": pipeline, "library_name": library, "gated": pd.Series(gated, dtype=object), "likes": likes,
        "fixture": kind == "fixture", "automation_kind": auto.pop("kind_name"), "capability": capability,
        "legacy_score": legacy_score, "github_repo": pd.Series(github, dtype=object),
    })
    fam = models.iloc[pd.unique(root[keep])]
    families = pd.DataFrame({"family": fam["id"].to_numpy(), "org": fam["author"].to_numpy(),
                             "name": fam["id"].str.partition("/")[2].to_numpy(), "created": fam["created"].to_numpy(),
                             "params": fam["params"].to_numpy(),
                             "github_repo": pd.Series(fam["github_repo"].to_numpy(), dtype=object)})
    auto["auto_start"] = auto["auto_start"] + day0
    auto["burst_start"] = auto["burst_start"] + day0
    traffic = {"created": day0 + created, "level": level, **auto}
    traffic = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in traffic.items()}
    traffic.update(_shape(rng, keep.sum(), kind[keep]))
    return models[keep].reset_index(drop=True), families, traffic


def _ids_or_none(ids: np.ndarray, ptr: np.ndarray) -> np.ndarray:
    """Parent ids for pointer arrays (-1 means none)."""
    out = np.full(len(ptr), None, dtype=object)
    out[ptr >= 0] = ids[ptr[ptr >= 0]]
    return out


def _shape(rng: np.random.Generator, n: int, kind: np.ndarray) -> dict:
    """Per-model demand curve parameters: ramp-up, launch hype, decay, growth and weekend dip."""
    major = (kind == "major") | (kind == "instruct")
    return {
        "ramp": rng.uniform(1, 6, n),
        "hype": _lognormal(rng, 1.0, 0.8, n) * np.where(major, 2.5, 0.6),
        "tau_hype": rng.uniform(5, 40, n),
        "tau_decay": _lognormal(rng, 420, 0.6, n),
        "growth": rng.uniform(-0.2, 1.2, n),
        "weekend": rng.uniform(0.05, 0.4, n),
    }


def _automation(rng: np.random.Generator, total: int, kind: np.ndarray, level: np.ndarray,
                created: np.ndarray, span: int) -> dict:
    """Which models carry CI and automation traffic, what kind and how much."""
    code = np.zeros(total, dtype=np.int8)  # 0 none, 1 fixture, 2 floor, 3 burst, 4 weekday
    code[kind == "fixture"] = 1
    eligible = np.flatnonzero((kind != "fixture") & (level > np.quantile(level, 0.3)))
    n_auto = min(len(eligible), max(3, round(total * AUTOMATION_SHARE)))
    chosen = rng.choice(eligible, n_auto, replace=False)
    code[chosen] = 2 + np.arange(n_auto) % 3
    ratio = _lognormal(rng, 0.7, 1.2, total)
    amount = np.where(code == 1, _lognormal(rng, 120, 1.3, total), ratio * level)
    amount = np.where(code == 3, amount * rng.uniform(8, 40, total), amount)
    start = created + np.where(code == 1, 0, rng.integers(0, 60, total))
    last_day = span + 30
    # Bursts fall around the sandbox's today, where collections look (from 60 days before start on).
    burst_start = np.sort(rng.integers(SPAN_BEFORE - 60, last_day, (total, 3)), axis=1)
    burst_start = np.maximum(burst_start, (created + 3)[:, None])
    burst_len = rng.integers(1, 5, (total, 3))
    burst_len[rng.random((total, 3)) < 0.35] = 0
    burst_len[:, 0] = np.maximum(burst_len[:, 0], 1)
    kind_name = np.array(["none", "fixture", "floor", "burst", "weekday"], dtype=object)[code]
    return {"kind_name": kind_name, "auto_code": code, "auto_amount": amount, "auto_start": start,
            "burst_start": burst_start, "burst_len": burst_len}
