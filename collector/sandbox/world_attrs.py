"""Sandbox model attributes: what flows down the lineage, engagement, benchmarks, repos and automation."""

import numpy as np

from collector.sandbox import world_names as names

AUTOMATION_SHARE = 0.05
MIRROR_SHARE = 0.005
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


KINDS = ("none", "fixture", "floor", "burst", "weekday", "nightly", "nightly_irregular", "mirror", "stopped")
SCHEDULED = (2, 5, 6, 7, 8)  # kinds whose traffic is a nightly schedule (floor and stopped CI included)
TODAY_DAYS = 60  # the sandbox's today, in days after its start (World.today)
FLOOR_LEVEL_QUANTILE = 0.85  # large flat floors sit under the busier models' moderate organic traffic


def automation(d, level: np.ndarray, mirror_of: np.ndarray) -> dict[str, np.ndarray]:
    """Which models carry CI and automation traffic, what kind and how much (days relative to the first day).

    Kinds (codes are indices of KINDS): fixture; floor (a large flat nightly floor under busy models); burst;
    weekday-only CI; nightly (a regular schedule); nightly_irregular (missed nights, re-runs, runs landing after
    midnight, a step when a second pipeline starts); mirror (a bot re-upload pulled on a schedule, mirror_of >= 0);
    stopped (nightly or, for half of them, weekday-only CI that stopped 32-45 days before today: inside a 45-day
    block, before the 30-day window).
    A separate generator keeps the rest of the world as it was drawn.
    """
    rng = np.random.default_rng([d.seed, d.total, 13])
    total, kind, created = d.total, d.kind, d.created
    code = np.zeros(total, dtype=np.int8)
    code[kind == "fixture"] = 1
    code[mirror_of >= 0] = 7
    free = (code == 0) & (level > np.quantile(level, 0.3))
    n_auto = min(int(free.sum()), max(6, round(total * AUTOMATION_SHARE)))
    busy = np.flatnonzero(free & (level > np.quantile(level, FLOOR_LEVEL_QUANTILE)))
    floors = rng.choice(busy, min(len(busy), n_auto // 6), replace=False)
    code[floors] = 2
    rest = rng.choice(np.flatnonzero(free & (code == 0)), n_auto - len(floors), replace=False)
    code[rest] = np.array([3, 4, 5, 6, 8])[np.arange(len(rest)) % 5]

    ratio = lognormal(rng, 0.7, 1.2, total)
    amount = np.select([code == 1, code == 2, code == 3, code == 7],
                       [lognormal(rng, 120, 1.3, total), lognormal(rng, 1.5, 0.8, total) * level,
                        ratio * level * rng.uniform(8, 40, total),
                        level[np.maximum(mirror_of, 0)] * lognormal(rng, 0.15, 1.0, total)], ratio * level)
    today = d.start_day + TODAY_DAYS
    start = created + np.where(code == 1, 0, rng.integers(0, 60, total))
    start = np.where(code == 7, created + rng.integers(0, 3, total), start)
    end = np.where(code == 8, today - 30 - rng.integers(2, 16, total), d.span + 1_000)
    start = np.where(code == 8, np.maximum(created, end - rng.integers(20, 120, total)), start)
    # Irregular schedules: rates of missed nights, re-runs and runs shifted past midnight, and a step up.
    irregular = (code == 6) | ((code == 7) & (rng.random(total) < 0.5))
    rates = np.where(irregular[:, None], rng.uniform([0.03, 0.02, 0.02], [0.12, 0.08, 0.1], (total, 3)), 0.0)
    stepped = irregular & (rng.random(total) < 0.5)
    step_day = np.where(stepped, today - rng.integers(5, 60, total), d.span + 1_000)
    step_gain = rng.uniform(0.5, 1.5, total)
    run_noise = np.where(code == 2, 0.02, 0.05)
    weekday_ci = (code == 4) | ((code == 8) & (rng.random(total) < 0.5))
    # Bursts fall around the sandbox's today, where collections look (from 60 days before start on).
    burst_start = np.sort(rng.integers(d.start_day - 60, d.span + 30, (total, 3)), axis=1)
    burst_start = np.maximum(burst_start, (created + 3)[:, None])
    burst_len = rng.integers(1, 5, (total, 3))
    burst_len[rng.random((total, 3)) < 0.35] = 0
    burst_len[:, 0] = np.maximum(burst_len[:, 0], 1)
    return {"kind_name": np.array(KINDS, dtype=object)[code], "auto_code": code, "auto_amount": amount,
            "auto_start": start, "auto_end": end, "p_miss": rates[:, 0], "p_rerun": rates[:, 1],
            "p_shift": rates[:, 2], "weekday_ci": weekday_ci, "step_day": step_day, "step_gain": step_gain,
            "run_noise": run_noise,
            "burst_start": burst_start, "burst_len": burst_len}


def mirrors(d, level: np.ndarray, likes: np.ndarray) -> np.ndarray:
    """Bot mirrors: long-tail roots without children re-made as re-uploads of popular major roots.

    The source's name as re-uploads spell it (`world_names.reuploaded`), another owner, created later, the source's
    size and license, a trickle of organic demand and almost no likes. Returns each model's source index (-1 for
    models that are not mirrors).
    """
    rng = np.random.default_rng([d.seed, d.total, 17])
    source = np.full(d.total, -1, dtype=np.int64)
    childless = np.setdiff1d(np.arange(d.m0, d.f0), np.concatenate([d.parent[d.parent >= 0], d.odd]))
    n = min(len(childless), max(2, round(d.total * MIRROR_SHARE)))
    slots = rng.choice(childless, n, replace=False)
    weight = level[:d.m0] / level[:d.m0].sum()
    src = rng.choice(d.m0, n, p=weight)
    source[slots] = src
    d.name[slots] = names.reuploaded(np.random.default_rng([d.seed, d.total, 18]), d.name[src], d.author[src])
    d.author[slots] = d.users[rng.integers(0, len(d.users), n)]
    d.params[slots] = d.params[src]
    d.created[slots] = np.minimum(d.created[src] + rng.integers(5, 200, n), d.span - 1)
    level[slots] = lognormal(rng, 0.3, 1.0, n)
    likes[slots] = (rng.random(n) < 0.2).astype(np.int64)
    return source


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


def organic_noise(d, level: np.ndarray) -> np.ndarray:
    """Day-to-day spread of log organic demand: 0.35 for a trickle, 0.1-0.3 for models with thousands a day.

    Real Hub models with thousands of daily downloads vary by about 0.1-0.3 in log space from day to day.
    """
    large = np.random.default_rng([d.seed, d.total, 19]).uniform(0.1, 0.3, len(level))
    return large + (0.35 - large) / (1 + level / 100)
