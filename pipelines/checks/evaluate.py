"""Measure de-noising against the sandbox's ground truth: collect a world over HTTP, build, compare (or rescore)."""

import datetime as dt
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from collector.sandbox.world import World
from pipelines.checks.simulate import simulate
from pipelines.orchestration import build
from pipelines.steps import denoise
from warehouse import db

log = logging.getLogger(__name__)
TOP = 500  # the head of the true organic ranking, where a leaderboard is read
WORLD_FILE = "world.json"  # in an evaluation folder: the seed, size and days of its world
SIZEABLE = 100  # true organic 30-day downloads: MdAPE is also read over automated models at least this large


@dataclass
class Evaluation:
    """Accuracy of the organic estimates for one world, over the models the collector listed."""

    seed: int
    models: int
    days: int
    as_of: dt.date
    method: str  # the hash of the de-noising code that scored it (denoise.code_hash)
    listed: int
    spearman_organic: float
    spearman_raw: float
    spearman_organic_top: float
    spearman_raw_top: float
    mdape_organic: float
    mdape_raw: float
    mdape_automated: float
    mdape_automated_sizeable: float
    mdape_automated_no_mirrors: float
    precision: float
    recall: float
    flagged: int
    truly_mostly_automation: int
    kinds: list[dict]
    shapes: list[dict]


def spearman(a, b) -> float:
    """Spearman rank correlation (average ranks for ties)."""
    ra, rb = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    return float(np.corrcoef(ra, rb)[0, 1])


def mdape(estimate, truth) -> float:
    """Median absolute percentage error over the rows whose true value is positive."""
    estimate, truth = np.asarray(estimate, dtype=float), np.asarray(truth, dtype=float)
    ok = truth > 0
    return float(np.median(np.abs(estimate[ok] - truth[ok]) / truth[ok])) if ok.any() else float("nan")


def by_kind(both: pd.DataFrame) -> list[dict]:
    """Per automation kind of the world: models, how many are mostly automation, recall, flag rate, MdAPE."""
    rows = []
    for kind, g in both.groupby("automation_kind", sort=True):
        actual, flagged = g["mostly_automation_true"].to_numpy(bool), g["mostly_automation"].to_numpy(bool)
        rows.append({"kind": kind, "models": len(g), "mostly": int(actual.sum()),
                     "recall": float((flagged & actual).sum() / actual.sum()) if actual.any() else float("nan"),
                     "flagged": float(flagged.mean()),
                     "mdape": mdape(g["organic_downloads_30d"], g["organic_30d"])})
    return rows


def by_shape(both: pd.DataFrame) -> list[dict]:
    """False flags and MdAPE among models without automation, by organic shape (launch, weekly, plain)."""
    clean = both[both["automation_kind"] == "none"]
    return [{"shape": shape, "models": len(g), "flagged": float(g["mostly_automation"].mean()),
             "any_removed": float((g["organic_downloads_30d"] < g["raw_downloads_30d"]).mean()),
             "mdape": mdape(g["organic_downloads_30d"], g["organic_30d"])}
            for shape, g in clean.groupby("organic_shape", sort=True)]


def joined(noise: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """int_model_noise rows joined on model id to World.truth rows of the same as_of (clashing truth columns: _true)."""
    both = noise.merge(truth, left_on="model_id", right_on="id", how="inner", suffixes=("", "_true"))
    if both.empty:
        raise ValueError("no model of int_model_noise is in the truth table; expected the same world and as_of")
    return both


def compare(both: pd.DataFrame) -> dict:
    """Metrics of de-noised estimates against the truth, on rows joined by `joined`."""
    flagged, actual = both["mostly_automation"].to_numpy(bool), both["mostly_automation_true"].to_numpy(bool)
    automated = (both["automation_30d"] > 0) & (both["automation_kind"] != "fixture")
    sizeable = automated & (both["organic_30d"] >= SIZEABLE)
    not_mirror = automated & (both["automation_kind"] != "mirror")
    top = both.nlargest(TOP, "organic_30d")
    return {
        "listed": len(both),
        "spearman_organic": spearman(both["organic_downloads_30d"], both["organic_30d"]),
        "spearman_raw": spearman(both["raw_downloads_30d"], both["organic_30d"]),
        "spearman_organic_top": spearman(top["organic_downloads_30d"], top["organic_30d"]),
        "spearman_raw_top": spearman(top["raw_downloads_30d"], top["organic_30d"]),
        "mdape_organic": mdape(both["organic_downloads_30d"], both["organic_30d"]),
        "mdape_raw": mdape(both["raw_downloads_30d"], both["organic_30d"]),
        "mdape_automated": mdape(both.loc[automated, "organic_downloads_30d"], both.loc[automated, "organic_30d"]),
        "mdape_automated_sizeable": mdape(both.loc[sizeable, "organic_downloads_30d"],
                                          both.loc[sizeable, "organic_30d"]),
        "mdape_automated_no_mirrors": mdape(both.loc[not_mirror, "organic_downloads_30d"],
                                            both.loc[not_mirror, "organic_30d"]),
        "precision": float((flagged & actual).sum() / max(flagged.sum(), 1)),
        "recall": float((flagged & actual).sum() / max(actual.sum(), 1)),
        "flagged": int(flagged.sum()), "truly_mostly_automation": int(actual.sum()),
        "kinds": by_kind(both), "shapes": by_shape(both),
    }


def evaluate(folder: Path, seed: int = 11, models: int = 10_000, days: int = 45) -> Evaluation:
    """Collect `days` simulated days of a fresh world into a new warehouse under folder, build, compare.

    The build runs the steps up to and including de-noising (the later steps do not change its figures). The
    folder also gets WORLD_FILE (the world's seed, size and days), so rescore can score it again.
    """
    check_fresh(Path(folder), days)
    world = World(seed=seed, n_models=models)
    return score(collect(Path(folder), world, days, {"seed": seed, "models": models, "days": days}), world, days)[0]


def check_fresh(folder: Path, days: int) -> None:
    """An error, before any world is built, when `days` gives no daily series or folder already holds a warehouse."""
    if days < 2:
        raise ValueError(f"days={days} gives no daily series; expected at least 2 (30 or more for floors)")
    if (folder / "evaluate.duckdb").exists():
        raise FileExistsError(f"{folder / 'evaluate.duckdb'} already exists; expected a fresh folder for the "
                              "evaluation warehouse")


def collect(folder: Path, world: World, days: int, kept: dict) -> Path:
    """Collect `days` simulated days of `world` into a new warehouse under folder, `kept` as WORLD_FILE; its path."""
    check_fresh(folder, days)
    path = folder / "evaluate.duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    con = db.connect(path)
    try:
        simulate(con, world, days, details=0)
    finally:
        con.close()
    (folder / WORLD_FILE).write_text(json.dumps(kept))
    return path


def kept_world(folder: Path) -> dict:
    """WORLD_FILE of a kept evaluation folder (its world's seed, size and days); an error naming what it lacks."""
    missing = [name for name in ("evaluate.duckdb", WORLD_FILE) if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{folder} lacks {' and '.join(missing)}; expected the --dir of an evaluation "
                                f"(a folder kept before {WORLD_FILE} existed needs one: "
                                '{"seed": S, "models": N, "days": D})')
    return json.loads((folder / WORLD_FILE).read_text())


def rescore(folder: Path) -> tuple[Evaluation, pd.DataFrame]:
    """De-noise a kept evaluation warehouse again, in place, with the code as it is now; its report and rows."""
    folder = Path(folder)
    kept = kept_world(folder)
    if kept.get("world", "sandbox") != "sandbox":
        raise ValueError(f"{folder} holds the {kept['world']} world, not the sandbox's; rescore it with "
                         f"`{kept.get('rescore', 'the tool that made it')}`")
    world = World(seed=kept["seed"], n_models=kept["models"])
    return score(folder / "evaluate.duckdb", world, kept["days"], full=True)


def score(path: Path, world: World, days: int, full: bool = False) -> tuple[Evaluation, pd.DataFrame]:
    """Build a collected evaluation warehouse up to de-noising and compare it with the world's truth."""
    con = db.connect(path)
    try:
        build.run_build(con, build.steps_through(denoise.build), full=full)
        noise = con.execute("SELECT * FROM int_model_noise").df()
        as_of = noise_as_of(con)
    finally:
        con.close()
    both = joined(noise, world.truth(as_of))
    return Evaluation(seed=world.seed, models=world.n_models, days=days, as_of=as_of, method=denoise.code_hash(),
                      **compare(both)), both


def noise_as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The as_of of the de-noised 30-day figures."""
    return con.execute("SELECT max(as_of) FROM int_model_noise").fetchall()[0][0]


def render(result: Evaluation) -> str:
    """A plain-text report of one evaluation."""
    r = asdict(result)
    return "\n".join([
        "NOTE: sandbox evaluation on FICTIONAL data (a synthetic world with known ground truth).",
        f"seed {r['seed']}, {r['models']:,} models, {r['days']} days collected, as_of {r['as_of']}, "
        f"{r['listed']:,} models listed; de-noising code {r['method']}",
        f"{'metric':<44}{'raw':>10}{'de-noised':>12}",
        f"{'Spearman vs true organic 30-day ranking':<44}{r['spearman_raw']:>10.3f}{r['spearman_organic']:>12.3f}",
        f"{f'Spearman, top {TOP} by true organic':<44}{r['spearman_raw_top']:>10.3f}{r['spearman_organic_top']:>12.3f}",
        f"{'MdAPE of organic 30-day downloads':<44}{r['mdape_raw']:>10.1%}{r['mdape_organic']:>12.1%}",
        f"{'MdAPE, automated models (not fixtures)':<44}{'':>10}{r['mdape_automated']:>12.1%}",
        f"{f'... with >= {SIZEABLE} true organic in 30 days':<44}{'':>10}{r['mdape_automated_sizeable']:>12.1%}",
        f"{'... without bot mirrors (organic taken as 0)':<44}{'':>10}{r['mdape_automated_no_mirrors']:>12.1%}",
        f"{'mostly automation: precision':<44}{'':>10}{r['precision']:>12.3f}",
        f"{'mostly automation: recall':<44}{'':>10}{r['recall']:>12.3f}",
        f"flagged {r['flagged']}, truly mostly automation {r['truly_mostly_automation']}",
        "",
        "by the world's automation kind (recall of mostly automation; flagged = share of the kind's models flagged)",
        f"{'kind':<20}{'models':>8}{'mostly':>8}{'recall':>8}{'flagged':>9}{'MdAPE':>8}",
        *(f"{k['kind']:<20}{k['models']:>8}{k['mostly']:>8}{k['recall']:>8.3f}{k['flagged']:>9.3f}{k['mdape']:>8.1%}"
          for k in r["kinds"]),
        "",
        "models without automation, by organic shape (flagged = false flags; removed = any download taken out)",
        f"{'shape':<20}{'models':>8}{'flagged':>9}{'removed':>9}{'MdAPE':>8}",
        *(f"{s['shape']:<20}{s['models']:>8}{s['flagged']:>9.3f}{s['any_removed']:>9.3f}{s['mdape']:>8.1%}"
          for s in r["shapes"]),
    ])
