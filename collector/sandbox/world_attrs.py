"""Sandbox model attributes: what flows down the lineage, engagement, benchmarks, repos and automation."""

import numpy as np

from collector.sandbox import world_names as names

AUTOMATION_SHARE = 0.04
_LICENSES = (["apache-2.0", "mit", "other", "cc-by-nc-4.0", "openrail", "cc-by-4.0", "gpl-3.0"],
             [0.45, 0.2, 0.13, 0.09, 0.05, 0.05, 0.03])
_PIPELINES = (["text-generation", "text-classification", "feature-extraction", "image-text-to-text",
               "automatic-speech-recognition", "text-to-image", "fill-mask", "token-classification"],
              [0.6, 0.08, 0.08, 0.06, 0.04, 0.05, 0.04, 0.05])
_QUANT_LIBRARY = {"GGUF": "gguf", "MLX-4bit": "mlx"}
_PIPELINE_LIBRARY = {"text-to-image": "diffusers", "feature-extraction": "sentence-transformers"}


def lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    """Heavy-tailed positive draws."""
    return median * np.exp(sigma * rng.standard_normal(n))


def _choice(rng: np.random.Generator, spec: tuple[list[str], list[float]], n: int) -> np.ndarray:
    """n weighted picks from a (values, weights) pair."""
    values, weights = spec
    return np.array(values, dtype=object)[rng.choice(len(values), n, p=np.array(weights) / sum(weights))]


def inherited(d) -> dict[str, np.ndarray]:
    """Names, sizes, licenses, tasks and demand levels, parents first; then library, gating and likes.

    Fills d.name and d.params for derived models; parents always precede their children in time.
    """
    rng, m0, f0, d0, total, inst = d.rng, d.m0, d.f0, d.d0, d.total, d.inst
    license_ = np.empty(total, dtype=object)
    license_[:d0] = _choice(rng, _LICENSES, d0)
    pipeline = np.empty(total, dtype=object)
    pipeline[:d0] = _choice(rng, _PIPELINES, d0)
    pipeline[:m0] = np.where(rng.random(m0) < 0.85, "text-generation", "image-text-to-text")
    pipeline[f0:d0] = "text-generation"
    suffix = names.derived_suffix(rng, d.relation)
    suffix[inst] = "Instruct"
    level = np.zeros(total)
    level[:m0] = lognormal(rng, 400, 1.1, m0) * d.size_pref * np.exp(0.8 * d.series_q[d.s_of])
    level[m0:f0] = lognormal(rng, 0.6, 1.7, f0 - m0)
    level[f0:d0] = lognormal(rng, 0.05, 0.5, d0 - f0)
    relation = d.relation
    share = np.select([relation == "quantized", relation == "finetune", relation == "adapter"],
                      [lognormal(rng, 0.03, 1.3, total), lognormal(rng, 0.008, 1.8, total),
                       lognormal(rng, 0.002, 1.5, total)], lognormal(rng, 0.004, 1.5, total))
    share[inst] = lognormal(rng, 0.8, 0.6, len(inst))
    inherit = rng.random(total) < 0.85
    fresh_license = _choice(rng, _LICENSES, total)
    unknown_params = rng.random(total) < 0.08
    name, parent, params = d.name, d.parent, d.params
    pending = np.concatenate([inst, d.der])
    while len(pending):
        ready = pending[name[parent[pending]] != None]  # noqa: E711 (element-wise test on an object array)
        p = parent[ready]
        base = np.array([s.split("/")[-1] if len(s) < 60 else s[:24] for s in name[p]], dtype=object)
        name[ready] = base + "-" + suffix[ready]
        params[ready] = np.where(unknown_params[ready] & ~np.isin(ready, inst), 0, params[p])
        license_[ready] = np.where(inherit[ready], license_[p], fresh_license[ready])
        pipeline[ready] = pipeline[p]
        level[ready] = level[p] * share[ready] + lognormal(rng, 0.3, 1.0, len(ready))
        pending = pending[name[pending] == None]  # noqa: E711
    merged = np.flatnonzero(d.parent2 >= 0)
    name[merged] = [f"{a.split('-')[0]}-{b.split('-')[0]}-{s}" for a, b, s in
                    zip(name[parent[merged]], name[d.parent2[merged]], suffix[merged], strict=True)]

    library = np.array([_PIPELINE_LIBRARY.get(p, "transformers") for p in pipeline], dtype=object)
    q_idx = np.flatnonzero(relation == "quantized")
    library[q_idx] = [_QUANT_LIBRARY.get(s, "transformers") for s in suffix[q_idx]]
    library[relation == "adapter"] = "peft"

    gated = np.full(total, False, dtype=object)
    g = rng.random(total)
    big_major = (np.arange(total) < m0) & (params >= 7e9)
    gated[big_major & (g < 0.25)] = "manual"
    gated[big_major & (g >= 0.25) & (g < 0.4)] = "auto"
    gated[~big_major & (g < 0.015) & (d.kind != "fixture")] = "auto"

    # Engagement follows organic demand only; automation never likes anything.
    likes = np.floor((level * 30) ** 0.6 * lognormal(rng, 0.25, 1.0, total)).astype(np.int64)
    likes[f0:d0] = (rng.random(d0 - f0) < 0.1).astype(np.int64)
    return {"license": license_, "pipeline_tag": pipeline, "library_name": library, "gated": gated,
            "likes": likes, "level": level}


def benchmarks(d) -> dict[str, np.ndarray]:
    """Clean skill for the models the benchmarks cover (major roots and their instruct versions) and legacy claims."""
    rng, total, kind = d.rng, d.total, d.kind
    covered = ((kind == "major") | (kind == "instruct")) & (d.params >= 4e8)
    sq = np.where(d.series >= 0, d.series_q[np.maximum(d.series, 0)], 0.0)
    cap = 14 + 7.5 * np.log(np.maximum(d.params, 1) / 1e8) + 0.02 * d.created + 5 * sq + rng.normal(0, 3, total)
    cap += np.where(kind == "instruct", 6, 0)
    capability = np.where(covered, np.clip(cap, 3, 97), np.nan)
    claims = covered | ((d.relation == "finetune") & (rng.random(total) < 0.04))
    legacy = np.clip(28 + 0.62 * np.where(covered, capability, np.clip(cap, 3, 90)) + rng.normal(0, 2, total), 0, 99)
    contaminated = rng.random(total) < np.where(covered, 0.2, 0.6)
    legacy = np.where(contaminated, np.minimum(legacy + rng.uniform(6, 18, total), 99.5), legacy)
    return {"capability": capability, "legacy_score": np.where(claims, np.round(legacy, 1), np.nan)}


def github_repos(d, ids: np.ndarray, level: np.ndarray) -> np.ndarray:
    """'org/repo' for most major series (shared by their sizes) and a few popular hobby roots, else None."""
    github = np.full(d.total, None, dtype=object)
    major_root = (d.kind == "major") & (d.rng.random(d.total) < 0.8)
    github[major_root] = [f"{a}/{s.lower()}" for a, s in
                          zip(d.author[major_root], d.series_name[d.series[major_root]], strict=True)]
    hobby = (d.kind == "minor") & (level > np.quantile(level[d.m0:d.f0], 0.9)) & (d.rng.random(d.total) < 0.3)
    github[hobby] = [i.lower() for i in ids[hobby]]
    return github


def automation(d, level: np.ndarray) -> dict[str, np.ndarray]:
    """Which models carry CI and automation traffic, what kind and how much (days relative to the first day)."""
    rng, total, kind, created = d.rng, d.total, d.kind, d.created
    code = np.zeros(total, dtype=np.int8)  # 0 none, 1 fixture, 2 floor, 3 burst, 4 weekday
    code[kind == "fixture"] = 1
    eligible = np.flatnonzero((kind != "fixture") & (level > np.quantile(level, 0.3)))
    n_auto = min(len(eligible), max(3, round(total * AUTOMATION_SHARE)))
    chosen = rng.choice(eligible, n_auto, replace=False)
    code[chosen] = 2 + np.arange(n_auto) % 3
    ratio = lognormal(rng, 0.7, 1.2, total)
    amount = np.where(code == 1, lognormal(rng, 120, 1.3, total), ratio * level)
    amount = np.where(code == 3, amount * rng.uniform(8, 40, total), amount)
    start = created + np.where(code == 1, 0, rng.integers(0, 60, total))
    # Bursts fall around the sandbox's today, where collections look (from 60 days before start on).
    burst_start = np.sort(rng.integers(d.start_day - 60, d.span + 30, (total, 3)), axis=1)
    burst_start = np.maximum(burst_start, (created + 3)[:, None])
    burst_len = rng.integers(1, 5, (total, 3))
    burst_len[rng.random((total, 3)) < 0.35] = 0
    burst_len[:, 0] = np.maximum(burst_len[:, 0], 1)
    kind_name = np.array(["none", "fixture", "floor", "burst", "weekday"], dtype=object)[code]
    return {"kind_name": kind_name, "auto_code": code, "auto_amount": amount, "auto_start": start,
            "burst_start": burst_start, "burst_len": burst_len}


def demand_shape(rng: np.random.Generator, n: int, kind: np.ndarray) -> dict[str, np.ndarray]:
    """Per-model demand curve parameters: ramp-up, launch hype, decay, growth and weekend dip."""
    major = (kind == "major") | (kind == "instruct")
    return {
        "ramp": rng.uniform(1, 6, n),
        "hype": lognormal(rng, 1.0, 0.8, n) * np.where(major, 2.5, 0.6),
        "tau_hype": rng.uniform(5, 40, n),
        "tau_decay": lognormal(rng, 420, 0.6, n),
        "growth": rng.uniform(-0.2, 1.2, n),
        "weekend": rng.uniform(0.05, 0.4, n),
    }
