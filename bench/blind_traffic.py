"""The blind world's traffic: per-model design (organic demand, automation jobs) and daily counts by formula.

Designed independently of the sandbox's own traffic (see collector/sandbox/README.md, "The blind world"). Every
daily count is a function of (seed, model or job, day) through counter-based hashes, so any day range is computed
without the others and window sums are exact sums of daily counts.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collector.sandbox.world_hash import logistic, uniform

# Frozen design parameters (documented in collector/sandbox/README.md).
KIND_MIX = {"nightly": 0.28, "weekday": 0.16, "periodic": 0.10, "multi": 0.10, "floor": 0.10, "burst": 0.10,
            "stopped": 0.08, "growing": 0.08}
AUTO_BASE, AUTO_TOP = 0.05, 0.22  # P(automation) = AUTO_BASE + AUTO_TOP * (organic-level percentile)^2
BOT_MIRROR_SHARE = 0.75  # of re-uploads with <= 2 likes; the rest (and liked re-uploads) are used organically
FIXTURE_ACTIVE = 0.85  # fixtures still pulled by some test suite
VIRAL_SHARE, TREND_SHARE, WEEKLY_SHARE = 0.03, 0.08, 0.45
LAUNCH_SHAPE_DAYS = 14
_STREAM = 9100  # hash streams 9100.. (disjoint from the sandbox's own)
_CHUNK_CELLS = 400_000


@dataclass
class Design:
    """Per-model organic parameters, labels, and the automation job table (one row per job)."""

    seed: int
    today: int
    created: np.ndarray
    org: dict[str, np.ndarray]
    kind: np.ndarray
    reupload: np.ndarray
    jobs: pd.DataFrame


def _u(seed: int, stream: int, n: int) -> np.ndarray:
    """Per-model uniforms of one stream."""
    return uniform(seed, _STREAM + stream, np.arange(n))


def _z(seed: int, stream: int, n: int) -> np.ndarray:
    """Per-model unit-spread noise of one stream."""
    return logistic(seed, _STREAM + stream, np.arange(n)) / 0.998


def reuploads(models: pd.DataFrame, created: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is re-upload, index of the original): no declared base, same name as an earlier, more-liked model of
    another owner that has at least 10 likes."""
    stem = models["id"].str.partition("/")[2].to_numpy()
    order = np.lexsort((np.arange(len(models)), created))
    first = pd.Series(order, index=stem[order]).groupby(level=0).first()
    orig = first.reindex(stem).to_numpy()
    likes = models["likes"].to_numpy()
    ok = ((orig != np.arange(len(models))) & models["relation"].isna().to_numpy() & (likes[orig] >= 10)
          & (models["author"].to_numpy() != models["author"].to_numpy()[orig]) & (created > created[orig])
          & (likes < likes[orig]))
    return ok, orig


def organic(models: pd.DataFrame, seed: int, is_re: np.ndarray, orig: np.ndarray) -> dict[str, np.ndarray]:
    """Organic parameters: level (daily at maturity), weekend dip, trend, launch, viral event, day noise."""
    n = len(models)
    likes, params = models["likes"].to_numpy(float), models["params"].to_numpy(float)
    size = np.where(params > 100e9, 0.25, np.where(params > 14e9, 0.5, 1.0))
    rel = models["relation"].map({"quantized": 1.3, "adapter": 0.6, "merge": 0.5}).fillna(1.0).to_numpy()
    level = 0.8 * (likes + 1) ** 1.15 * np.exp(1.1 * _z(seed, 1, n)) * size * rel
    level = np.where(is_re, level[orig] * (0.03 + 0.22 * _u(seed, 2, n)) + level, level)
    level = np.where(models["fixture"].to_numpy(bool), 0.05 + 0.45 * _u(seed, 3, n), level)
    weekly = _u(seed, 4, n) < WEEKLY_SHARE
    trend = np.where(_u(seed, 6, n) < TREND_SHARE, np.where(_u(seed, 7, n) < 0.6, 1, -1) * (0.008 + 0.017 * _u(
        seed, 8, n)), 0.003 * _z(seed, 9, n).clip(-2, 2))
    return {"level": level, "dip": np.where(weekly, 0.22 + 0.28 * _u(seed, 5, n), 0.12 * _u(seed, 5, n)),
            "trend": trend, "launch": np.exp(np.log(2.5) + 0.8 * _z(seed, 10, n)), "tau": 3 + 9 * _u(seed, 11, n),
            "viral": _u(seed, 12, n) < VIRAL_SHARE, "viral_mag": np.exp(np.log(3) + np.log(10) * _u(seed, 13, n)),
            "viral_tau": 1 + 4 * _u(seed, 14, n), "viral_off": np.floor(70 * _u(seed, 15, n)).astype(np.int64) + 1,
            "sigma": 0.08 + 0.14 * _u(seed, 16, n) + 0.35 / np.sqrt(1 + level)}


def kinds(models: pd.DataFrame, seed: int, level: np.ndarray, bot: np.ndarray, re: np.ndarray) -> np.ndarray:
    """Automation kind per model: fixtures and bot mirrors by metadata, others by a level-weighted draw."""
    n = len(models)
    fixture = models["fixture"].to_numpy(bool)
    pool = ~fixture & ~re
    q = pd.Series(level[pool]).rank(pct=True).to_numpy()
    auto = np.zeros(n, dtype=bool)
    auto[pool] = _u(seed, 20, n)[pool] < AUTO_BASE + AUTO_TOP * q ** 2
    names = np.array(list(KIND_MIX))
    cum = np.cumsum(list(KIND_MIX.values()))
    drawn = names[np.minimum(np.searchsorted(cum / cum[-1], _u(seed, 21, n)), len(names) - 1)]
    out = np.where(auto, drawn, "none").astype(object)
    out[fixture & (_u(seed, 22, n) < FIXTURE_ACTIVE)] = "fixture"
    out[bot] = "mirror"
    return out


def _jobs(rng: np.random.Generator, model: np.ndarray, rate: np.ndarray, created: np.ndarray, today: int,
          **over) -> pd.DataFrame:
    """Scheduled jobs on `model` (one each): a messy nightly by default, any column overridden by keyword."""
    m = len(model)
    start = np.where(rng.random(m) < 0.3, today - rng.integers(3, 50, m), today - rng.integers(60, 500, m))
    end = np.where(rng.random(m) < 0.12, today - rng.integers(1, 40, m), today + 100_000)
    outage = rng.random(m) < 0.3
    cols = {"model": model, "rate": rate, "start": start, "end": end, "period": np.ones(m, np.int64),
            "phase": np.zeros(m, np.int64), "weekday": np.zeros(m, bool), "hour": rng.uniform(18, 23.9, m),
            "jitter": rng.uniform(0.1, 3.0, m), "miss": rng.uniform(0.02, 0.15, m), "rerun": rng.uniform(0, 0.08, m),
            "spread": np.full(m, 0.08), "growth": np.zeros(m), "out_start": today - rng.integers(1, 60, m),
            "out_len": np.where(outage, rng.integers(2, 6, m), 0)}
    cols.update({k: np.broadcast_to(v, m) for k, v in over.items()})
    jobs = pd.DataFrame(cols)
    jobs["start"] = np.maximum(jobs["start"], created[model])
    return jobs


def _ln(rng: np.random.Generator, median: float, sigma: float, m: int) -> np.ndarray:
    """Lognormal draws."""
    return median * np.exp(sigma * rng.standard_normal(m))


def _kind_jobs(rng, kind: str, model, level, created, today) -> list[pd.DataFrame]:
    """The jobs of all models of one automation kind."""
    m, lv = len(model), level[model]
    rate = lv * _ln(rng, 1.0, 1.3, m) + _ln(rng, 4, 0.9, m)
    day = {"hour": 12.0, "jitter": 0.0, "miss": 0.0, "rerun": 0.0, "out_len": 0}
    if kind == "nightly":
        two = rng.random(m) < 0.35
        return [_jobs(rng, model, rate, created, today),
                _jobs(rng, model[two], rate[two] * rng.uniform(0.5, 2, two.sum()), created, today,
                      start=today - rng.integers(2, 45, two.sum()))]
    if kind == "stopped":
        return [_jobs(rng, model, rate, created, today, start=today - rng.integers(60, 500, m),
                      end=today - rng.integers(3, 23, m))]
    if kind == "weekday":
        extra = rng.random(m) < 0.2
        return [_jobs(rng, model, rate, created, today, weekday=True, hour=rng.uniform(8, 17, m), jitter=0.0,
                      miss=0.02, rerun=0.0, spread=0.5),
                _jobs(rng, model[extra], rate[extra] * 0.2, created, today)]
    if kind == "periodic":
        period = rng.choice([2, 3, 7], m, p=[0.4, 0.3, 0.3])
        return [_jobs(rng, model, rate * rng.uniform(1, period), created, today, period=period,
                      phase=rng.integers(0, 7, m) % period)]
    if kind == "multi":
        return _multi(rng, model, rate, created, today)
    if kind == "floor":
        return [_jobs(rng, model, lv * rng.uniform(0.4, 3, m) + _ln(rng, 30, 0.8, m), created, today, spread=0.03,
                      **day)]
    if kind == "growing":
        return [_jobs(rng, model, lv * rng.uniform(0.4, 3, m) + _ln(rng, 20, 0.8, m), created, today,
                      growth=rng.uniform(0.008, 0.03, m), spread=0.1, **day)]
    if kind == "burst":
        again = model[rng.random(m) < 0.4]
        return [_burst(rng, model, level, created, today), _burst(rng, again, level, created, today)]
    if kind == "mirror":
        return _mirror(rng, model, created, today)
    return _fixture(rng, model, created, today)


def _burst(rng, model, level, created, today) -> pd.DataFrame:
    """A few days of heavy pulls (an evaluation sweep, a data-generation run)."""
    m = len(model)
    start = today - rng.integers(2, 60, m)
    return _jobs(rng, model, level[model] * rng.uniform(3, 40, m) + _ln(rng, 40, 1.0, m), created, today,
                 start=start, end=start + rng.integers(1, 7, m), spread=0.4, hour=12.0, jitter=0.0, miss=0.0,
                 rerun=0.0, out_len=0)


def _multi(rng, model, rate, created, today) -> list[pd.DataFrame]:
    """Two to four independent jobs per model: nightly, every 2/3/7 days or weekday CI; later ones may start late."""
    n_jobs = rng.integers(2, 5, len(model))
    owner = np.repeat(np.arange(len(model)), n_jobs)
    k = len(owner)
    share = rng.dirichlet([1.0] * 4, len(model))[owner, np.concatenate([np.arange(j) for j in n_jobs])]
    period = rng.choice([1, 1, 2, 3, 7], k)
    weekday = (period == 1) & (rng.random(k) < 0.4)
    late = (rng.random(k) < 0.5) & (np.concatenate([np.arange(j) for j in n_jobs]) > 0)
    jobs = _jobs(rng, model[owner], rate[owner] * share * period + 1, created, today, period=period,
                 phase=rng.integers(0, 7, k) % period, weekday=weekday, spread=np.where(weekday, 0.5, 0.1))
    jobs.loc[late, "start"] = np.maximum(today - rng.integers(2, 45, late.sum()), created[model[owner][late]])
    return [jobs]


def _mirror(rng, model, created, today) -> list[pd.DataFrame]:
    """A bot mirror's sync pulls from its first days on, sometimes a second puller; organic use is near nil."""
    m = len(model)
    start = created[model] + rng.integers(0, 3, m)
    end = np.where(rng.random(m) < 0.1, today - rng.integers(3, 40, m), today + 100_000)
    two = rng.random(m) < 0.3
    return [_jobs(rng, model, _ln(rng, 30, 1.0, m), created, today, start=start, end=end, spread=0.15,
                  hour=rng.uniform(0, 23.9, m), jitter=0.5, miss=0.03),
            _jobs(rng, model[two], _ln(rng, 8, 1.0, two.sum()), created, today, start=start[two])]


def _fixture(rng, model, created, today) -> list[pd.DataFrame]:
    """Test suites of two to five orgs pull a tiny model: weekday CI on pushes and nightly runs."""
    n_jobs = rng.integers(2, 6, len(model))
    owner = np.repeat(model, n_jobs)
    k = len(owner)
    weekday = rng.random(k) < 0.6
    return [_jobs(rng, owner, np.where(weekday, _ln(rng, 40, 1.2, k), _ln(rng, 20, 1.0, k)), created, today,
                  weekday=weekday, spread=np.where(weekday, 0.5, 0.1), hour=np.where(weekday, 12.0,
                                                                                     rng.uniform(18, 23.9, k)))]


def design(models: pd.DataFrame, created: np.ndarray, seed: int, today: int) -> Design:
    """The whole traffic design of a world's models (deterministic in seed and the models table)."""
    n = len(models)
    is_re, orig = reuploads(models, created)
    bot = is_re & (models["likes"].to_numpy() <= 2) & (_u(seed, 30, n) < BOT_MIRROR_SHARE)
    org = organic(models, seed, is_re & ~bot, orig)
    org["level"] = np.where(bot, 0.02 + 0.5 * _u(seed, 31, n), org["level"])
    kind = kinds(models, seed, org["level"], bot, is_re & ~bot)
    rng = np.random.default_rng([seed, _STREAM])
    parts = [part for name in [*KIND_MIX, "mirror", "fixture"]
             for part in _kind_jobs(rng, name, np.flatnonzero(kind == name), org["level"], created, today)]
    jobs = pd.concat(parts, ignore_index=True).sort_values("model", kind="stable").reset_index(drop=True)
    jobs = jobs.astype({"model": np.int64, "start": np.int64, "end": np.int64, "period": np.int64,
                        "phase": np.int64, "weekday": bool, "out_start": np.int64, "out_len": np.int64})
    return Design(seed, today, created, org, kind, is_re & ~bot, jobs)


def holiday(days: np.ndarray) -> np.ndarray:
    """How much of a holiday each day ordinal is (0..1): Christmas to New Year, the same every year."""
    weight = {(12, 24): 1.0, (12, 25): 1.0, (12, 26): 1.0, (12, 27): 0.6, (12, 28): 0.6, (12, 29): 0.6,
              (12, 30): 0.6, (12, 31): 1.0, (1, 1): 1.0, (1, 2): 0.4}
    dates = [dt.date.fromordinal(int(d)) for d in days]
    return np.array([weight.get((d.month, d.day), 0.0) for d in dates])


def weekend(days: np.ndarray) -> np.ndarray:
    """True on Saturdays and Sundays."""
    return (np.asarray(days) + 6) % 7 >= 5


def poisson(lam: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Poisson counts by inverting the CDF at u (a normal approximation from mean 30 on)."""
    lam = np.maximum(lam, 0.0)
    out = np.zeros(lam.shape, dtype=np.int64)
    big = lam >= 30
    z = 4.91 * (u[big] ** 0.14 - (1 - u[big]) ** 0.14)
    out[big] = np.maximum(np.floor(lam[big] + np.sqrt(lam[big]) * z + 0.5), 0)
    cell = np.flatnonzero(~big & (lam > 0))
    lam_s, u_s = lam.reshape(-1)[cell], u.reshape(-1)[cell]
    p = np.exp(-lam_s)
    cdf, k = p.copy(), np.zeros(len(cell), dtype=np.int64)
    for step in range(1, 120):
        more = u_s > cdf
        if not more.any():
            break
        k[more] += 1
        p = p * lam_s / step
        cdf = cdf + p
    out.reshape(-1)[cell] = k
    return out


def organic_daily(d: Design, idx: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Organic downloads of models idx on day ordinals days (zero before creation, half on the creation day)."""
    o = {k: v[idx][:, None] for k, v in d.org.items()}
    age = days[None, :] - d.created[idx][:, None]
    lam = o["level"] * (1 + o["launch"] * np.exp(-np.maximum(age, 0) / o["tau"]))
    lam = lam * np.exp(np.clip(o["trend"] * (days[None, :] - d.today), -2.5, 1.0))
    lam = lam * np.where(weekend(days)[None, :], 1 - o["dip"], 1.0)
    lam = lam * (1 - np.minimum(0.7, 0.15 + o["dip"]) * holiday(days)[None, :])
    since = days[None, :] - (d.today - o["viral_off"])
    lam = lam * (1 + np.where(o["viral"] & (since >= 0), o["viral_mag"] * np.exp(-np.maximum(since, 0) /
                                                                                 o["viral_tau"]), 0))
    noise = 0.6 * logistic(d.seed, _STREAM + 40, idx, days) + 0.8 * logistic(d.seed, _STREAM + 40, idx, days - 1)
    lam = lam * np.exp(o["sigma"] * noise / 0.998) * np.where(age == 0, 0.5, np.where(age > 0, 1.0, 0.0))
    return poisson(lam, uniform(d.seed, _STREAM + 41, idx, days))


def _runs(d: Design, jobs: pd.DataFrame, jid: np.ndarray, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pulls, lands the next day) of each job's run scheduled on day ordinals runs."""
    j = {c: jobs[c].to_numpy()[:, None] for c in jobs.columns}
    n = runs[None, :]
    on = (n >= j["start"]) & (n < j["end"]) & ((n - j["phase"]) % j["period"] == 0)
    on &= ~(j["weekday"] & weekend(runs)[None, :]) & ~((n >= j["out_start"]) & (n < j["out_start"] + j["out_len"]))
    on &= uniform(d.seed, _STREAM + 50, jid, runs) >= j["miss"]
    times = 1 + (uniform(d.seed, _STREAM + 51, jid, runs) < j["rerun"])
    delay = np.minimum(j["jitter"] * np.abs(logistic(d.seed, _STREAM + 52, jid, runs)), 23.0)
    rate = j["rate"] * np.exp(j["spread"] * logistic(d.seed, _STREAM + 53, jid, runs) / 0.998)
    rate = rate * np.exp(j["growth"] * (np.minimum(n, d.today + 30) - d.today))
    rate = rate * np.where(j["weekday"], 1 - 0.9 * holiday(runs)[None, :], 1.0)
    pulls = poisson(rate * times, uniform(d.seed, _STREAM + 54, jid, runs)) * on
    return pulls, j["hour"] + delay >= 24


def automation_daily(d: Design, idx: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Automation downloads of models idx (sorted, unique) on day ordinals days; late runs land a day on."""
    out = np.zeros((len(idx), len(days)), dtype=np.int64)
    jid = np.flatnonzero(np.isin(d.jobs["model"].to_numpy(), idx))
    if not len(jid):
        return out
    jobs = d.jobs.iloc[jid]
    same, same_late = _runs(d, jobs, jid, days)
    prev, prev_late = _runs(d, jobs, jid, days - 1)
    counts = same * ~same_late + prev * prev_late
    counts = counts * (days[None, :] >= d.created[jobs["model"].to_numpy()][:, None])
    np.add.at(out, np.searchsorted(idx, jobs["model"].to_numpy()), counts)
    return out


def daily(d: Design, idx: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(organic, automation) per model idx (any order, repeats allowed) and day ordinal."""
    uniq, inverse = np.unique(np.asarray(idx, dtype=np.int64), return_inverse=True)
    days = np.asarray(days, dtype=np.int64)
    return organic_daily(d, uniq, days)[inverse], automation_daily(d, uniq, days)[inverse]


def window_sums(d: Design, idx: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """(organic, automation) totals per model idx over day ordinals first..last, summed from daily in chunks."""
    idx = np.asarray(idx, dtype=np.int64)
    organic, automation = np.zeros(len(idx), np.int64), np.zeros(len(idx), np.int64)
    step = max(1, _CHUNK_CELLS // max(len(idx), 1))
    for lo in range(first, last + 1, step):
        o, a = daily(d, idx, np.arange(lo, min(lo + step, last + 1), dtype=np.int64))
        organic += o.sum(axis=1)
        automation += a.sum(axis=1)
    return organic, automation


def shapes(d: Design, date: int) -> np.ndarray:
    """Organic shape per model on date: reupload, launch, viral (event in the 30-day window), trend, weekly, plain."""
    o = d.org
    viral_day = d.today - o["viral_off"]
    in_window = o["viral"] & (viral_day >= date - 30) & (viral_day <= date - 1)
    return np.select([d.reupload, date - d.created < LAUNCH_SHAPE_DAYS, in_window, np.abs(o["trend"]) >= 0.008,
                      o["dip"] >= 0.22], ["reupload", "launch", "viral", "trend", "weekly"], "plain").astype(object)
