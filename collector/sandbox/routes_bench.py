"""Sandbox LiveBench under {url}/livebench and LiveCodeBench under {url}/livecodebench (fictional scores).

Models with a clean capability appear under names as a benchmark spells them (lower case, no org, sometimes
dated or reformatted). LiveBench: a release lists the models created a week or more before it, with task
scores = capability + a per-task offset + noise, and the task sets change between releases as on
livebench.ai. LiveCodeBench: problems appear day by day up to the sandbox date; a model solves problems
published before its release more often (they leaked into training), so its all-problems score overstates
its clean one.
"""

import datetime as dt
import io
import re
import threading
import zlib

import numpy as np
import pandas as pd

from collector.benchmarks.livebench import KNOWN_RELEASES, token
from collector.sandbox.routing import Request, Response
from collector.sandbox.world_hash import logistic, uniform

PREFIXES = ("/livebench", "/livecodebench")
RELEASE_FILE = re.compile(r"^/livebench/(table|categories)_(\d{4}_\d{2}_\d{2})\.(csv|json)$")
LISTED_AFTER_DAYS = 7
LCB_FIRST_DAY = -365            # LiveCodeBench problems start a year before the world's start
MISSING_CELL_SHARE = 0.01
DIFFICULTY = {"easy": 18.0, "medium": 0.0, "hard": -22.0}
LEAK_BOOST = 1.3                # logit boost on problems a model may have seen in training
STREAM_NAME, STREAM_LINK, STREAM_CELL, STREAM_PROBLEMS, STREAM_PASS = 401, 402, 403, 404, 405

BASE_CATEGORIES = {
    "Reasoning": ["web_of_lies_v2", "zebra_puzzle"],
    "Coding": ["LCB_generation", "coding_completion"],
    "Mathematics": ["AMPS_Hard", "math_comp", "olympiad"],
    "Data Analysis": ["cta", "tablejoin", "tablereformat"],
    "Language": ["connections", "plot_unscrambling", "typos"],
    "IF": ["paraphrase", "simplify", "story_generation", "summarize"],
}
# From this release on: (category, tasks removed, tasks added), as in the real categories_<date>.json files.
CHANGES = {
    dt.date(2024, 7, 26): [("Reasoning", [], ["spatial"])],
    dt.date(2025, 4, 2): [("Reasoning", ["web_of_lies_v2"], ["web_of_lies_v3"])],
    dt.date(2025, 4, 25): [("Coding", ["LCB_generation", "coding_completion"], ["code_generation", "code_completion"]),
                           ("Data Analysis", ["cta"], [])],
    dt.date(2025, 5, 30): [("Agentic Coding", [], ["javascript", "typescript", "python"])],
    dt.date(2025, 11, 25): [("Reasoning", ["web_of_lies_v3"], ["theory_of_mind"])],
    dt.date(2025, 12, 23): [("Reasoning", [], ["logic_with_navigation"])],
    dt.date(2026, 1, 8): [("Data Analysis", [], ["consecutive_events"]), ("Mathematics", [], ["integrals_with_game"])],
}

_cache: dict = {}
_lock = threading.RLock()  # builders call other cached builders


def categories(release: dt.date) -> dict[str, list[str]]:
    """The category -> tasks map in force at a release."""
    cats = {c: list(t) for c, t in BASE_CATEGORIES.items()}
    for since, changes in sorted(CHANGES.items()):
        if since <= release:
            for category, removed, added in changes:
                cats[category] = [t for t in cats.get(category, []) if t not in removed] + added
    return {c: t for c, t in cats.items() if t}


def _cached(key, build):
    """Memoise per world and arguments (a few entries)."""
    with _lock:
        if key not in _cache:
            if len(_cache) > 32:
                _cache.pop(next(iter(_cache)))
            _cache[key] = build()
        return _cache[key]


def covered(world) -> pd.DataFrame:
    """The models benchmarks cover: index, HF id, benchmark name, created, capability, open weight, HF link."""
    def build():
        m = world.models
        idx = np.flatnonzero(m["capability"].notna().to_numpy())
        rows = m.iloc[idx]
        u = uniform(world.seed, STREAM_NAME, idx)
        base = rows["id"].str.split("/").str[1].str.lower().to_numpy()
        dated = np.array([f"{b}-{c:%Y%m%d}" for b, c in zip(base, rows["created"], strict=True)], dtype=object)
        hosted = np.array([b.replace("-instruct", "-it") if "-instruct" in b else f"{b}-turbo" for b in base],
                          dtype=object)
        name = np.where(u < 0.2, dated, np.where(u < 0.35, hosted, base))
        out = pd.DataFrame({"index": idx, "hf_id": rows["id"].to_numpy(), "model": name,
                            "author": rows["author"].to_numpy(), "created": rows["created"].to_numpy(),
                            "capability": rows["capability"].to_numpy(),
                            "open_weight": (rows["gated"] != "manual").to_numpy(),
                            "hf_link": uniform(world.seed, STREAM_LINK, idx) < 0.6})
        return out.drop_duplicates("model").reset_index(drop=True)
    return _cached(("covered", id(world)), build)


def published(world, date: dt.date) -> list[dt.date]:
    """Known releases on or before date that list at least one model."""
    first = covered(world)["created"].min() + dt.timedelta(days=LISTED_AFTER_DAYS) if len(covered(world)) else None
    return [r for r in KNOWN_RELEASES if r <= date and first is not None and first <= r]


def release_table(world, release: dt.date) -> pd.DataFrame:
    """A release's leaderboard: one row per listed model, one 0-100 column per task (NaN = not run)."""
    def build():
        models = covered(world)
        models = models[models["created"] <= release - dt.timedelta(days=LISTED_AFTER_DAYS)]
        idx = models["index"].to_numpy()
        tasks = sorted(t for ts in categories(release).values() for t in ts)
        table = {"model": models["model"].to_numpy()}
        for task in tasks:
            stream = zlib.crc32(task.encode()) % 100_000
            offset = (zlib.crc32(task.encode()) % 26) - 15.0
            day = np.array([release.toordinal()])
            noise = 7.0 * logistic(world.seed, stream, idx, day)[:, 0]
            score = np.clip(models["capability"].to_numpy() + offset + noise, 0, 100).round(3)
            empty = uniform(world.seed, STREAM_CELL + stream, idx, day)[:, 0] < MISSING_CELL_SHARE
            table[task] = np.where(empty, np.nan, score)
        return pd.DataFrame(table).sort_values("model", key=lambda s: s.str.lower())
    return _cached(("release", id(world), release), build)


def metadata(world, date: dt.date) -> pd.DataFrame:
    """model_metadata.csv rows for every model listed in a published release."""
    listed = {m for r in published(world, date) for m in release_table(world, r)["model"]}
    models = covered(world)[covered(world)["model"].isin(listed)]
    return pd.DataFrame({
        "model": models["model"], "organization": models["author"],
        "display_name": models["hf_id"].str.split("/").str[1].str.replace("-", " "),
        "version": [c.isoformat() if n.endswith(c.strftime("%Y%m%d")) else ""
                    for c, n in zip(models["created"], models["model"], strict=True)],
        "openweight": np.where(models["open_weight"], "true", "false"), "reasoner": "false",
        "url": np.where(models["hf_link"], "https://huggingface.co/" + models["hf_id"],
                        "https://" + models["author"].str.lower() + ".example/blog"),
        "variant_of": "",
    })


def api_names(world, date: dt.date) -> pd.DataFrame:
    """model_api_names.csv rows: open models served by a (fictional) provider under their HF id."""
    meta = metadata(world, date)
    hosted = covered(world).set_index("model").loc[meta["model"]]
    open_models = hosted[hosted["open_weight"]]
    return pd.DataFrame({"display_name": open_models.index, "provider": "sandbox-provider",
                         "api_name": open_models["hf_id"].to_numpy(), "aliases": ""})


def problems(world, date: dt.date) -> pd.DataFrame:
    """LiveCodeBench problems published before date: id, date, difficulty, platform."""
    def build():
        days = np.arange((world.start + dt.timedelta(days=LCB_FIRST_DAY)).toordinal(), date.toordinal())
        per_day = np.floor(uniform(world.seed, STREAM_PROBLEMS, days) * 3.2).astype(int)
        day = np.repeat(days, per_day)
        u = uniform(world.seed, STREAM_PROBLEMS + 1, np.arange(len(day)))
        return pd.DataFrame({
            "question_id": [f"{3000 + i}" for i in range(len(day))],
            "day": day,
            "difficulty": np.select([u < 0.35, u < 0.75], ["easy", "medium"], "hard"),
            "platform": np.select([u * 7 % 1 < 0.4, u * 7 % 1 < 0.7], ["leetcode", "atcoder"], "codeforces"),
        })
    return _cached(("problems", id(world), date), build)


def lcb_file(world, date: dt.date) -> dict:
    """performances_generation.json as of date (api-contracts.md 3.4)."""
    def build():
        probs = problems(world, date)
        models = covered(world)[covered(world)["created"] < date]
        idx = models["index"].to_numpy()
        released = np.array([c.toordinal() for c in models["created"]])
        skill = models["capability"].to_numpy()[:, None] + np.array([DIFFICULTY[d] for d in probs["difficulty"]])
        logit = (skill - 50.0) / 10.0 + LEAK_BOOST * (probs["day"].to_numpy()[None, :] <= released[:, None])
        chance = 1.0 / (1.0 + np.exp(-logit))
        days = np.arange(len(probs))
        passes = sum(uniform(world.seed, STREAM_PASS + k, idx, days) < chance for k in range(10))
        millis = (probs["day"].to_numpy() - dt.date(1970, 1, 1).toordinal()) * 86_400_000
        performances = [
            {"question_id": q, "model": m, "date": int(t), "difficulty": d, "pass@1": float(10 * p), "platform": pl}
            for m, row in zip(models["model"], passes, strict=True)
            for q, t, d, pl, p in zip(probs["question_id"], millis, probs["difficulty"], probs["platform"], row,
                                      strict=True)
        ]
        entries = [{"model_name": h if link else m, "model_repr": m, "model_style": "Sandbox",
                    "release_date": (c.toordinal() - dt.date(1970, 1, 1).toordinal()) * 86_400_000,
                    "link": f"https://huggingface.co/{h}" if link else f"https://{a.lower()}.example/blog"}
                   for m, h, c, link, a in zip(models["model"], models["hf_id"], models["created"],
                                               models["hf_link"], models["author"], strict=True)]
        marks = [int(t) for t in millis[::30]]
        return {"performances": performances, "models": entries, "date_marks": marks}
    return _cached(("lcb", id(world), date), build)


def _csv(frame: pd.DataFrame) -> Response:
    """A CSV response."""
    out = io.StringIO()
    frame.to_csv(out, index=False, float_format="%g")
    return Response(200, out.getvalue(), {"Content-Type": "text/csv; charset=utf-8"})


def handle(req: Request) -> Response | None:
    """Serve the benchmark files; None (404) for anything else or a release not yet published."""
    if req.method != "GET":
        return None
    if req.path == "/livecodebench/performances_generation.json":
        return Response(200, lcb_file(req.world, req.date))
    if req.path == "/livebench/model_metadata.csv":
        return _csv(metadata(req.world, req.date))
    if req.path == "/livebench/model_api_names.csv":
        return _csv(api_names(req.world, req.date))
    match = RELEASE_FILE.match(req.path)
    if not match:
        return None
    release = dt.datetime.strptime(match.group(2), "%Y_%m_%d").date()
    if release not in published(req.world, req.date) or token(release) != match.group(2):
        return None
    if match.group(1) == "categories" and match.group(3) == "json":
        return Response(200, categories(release))
    if match.group(1) == "table" and match.group(3) == "csv":
        return _csv(release_table(req.world, release))
    return None
