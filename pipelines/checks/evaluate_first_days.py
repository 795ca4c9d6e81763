"""A deployment's first days: collect k days of one sandbox world over HTTP, build, compare with its truth."""

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from collector.sandbox.world import World
from pipelines.checks.evaluate import mdape, spearman
from pipelines.checks.simulate import simulate
from pipelines.orchestration import build
from pipelines.steps import lineage
from warehouse import db

STEPS = build.steps_through(lineage.build)  # de-noising and derivatives
LARGE = 1_000        # true organic 30-day downloads of a large model
DERIVED = 4          # active derivatives (full history) of a model with real derivatives


@dataclass
class FirstDays:
    """Figures of one deployment that collected `days` days up to as_of, against truth and the full history."""

    days: int
    as_of: dt.date
    listed: int
    spearman_organic: float
    spearman_raw: float
    mdape_large: float
    mdape_automated: float
    bursts: int
    false_bursts: int
    unseen_share: float
    active_derivatives: int
    active_derivatives_full: int
    derived: int
    losing_most: int


def collect_and_build(path: Path, world: World, days: int, end: dt.date,
                      min_downloads: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A new warehouse at path with `days` collected days ending on `end`, built: its int_model_noise and
    int_model_derivatives."""
    con = db.connect(path)
    try:
        simulate(con, world, days, start=end - dt.timedelta(days=days - 1), min_downloads=min_downloads, details=0)
        build.run_build(con, STEPS)
        return (con.execute("SELECT * FROM int_model_noise").df(),
                con.execute("SELECT model_id, active_derivatives FROM int_model_derivatives").df())
    finally:
        con.close()


def compare(days: int, noise: pd.DataFrame, active: pd.DataFrame, full_active: pd.DataFrame,
            truth: pd.DataFrame) -> FirstDays:
    """One deployment's figures: its int_model_noise against truth, its active derivatives against the full build's."""
    both = noise.merge(truth, left_on="model_id", right_on="id", how="inner", suffixes=("", "_true"))
    if both.empty:
        raise ValueError("no model of int_model_noise is in the truth table; expected the same world and as_of")
    large = both["organic_30d"] >= LARGE
    automated = (both["automation_30d"] > 0) & (both["automation_kind"] != "fixture")
    burst = both["noise_reasons"].str.contains("burst")
    pairs = full_active.merge(active, on="model_id", how="left", suffixes=("_full", "")).fillna(0)
    derived = pairs["active_derivatives_full"] >= DERIVED
    return FirstDays(
        days=days, as_of=pd.Timestamp(noise["as_of"].max()).date(), listed=len(both),
        spearman_organic=spearman(both["organic_downloads_30d"], both["organic_30d"]),
        spearman_raw=spearman(both["raw_downloads_30d"], both["organic_30d"]),
        mdape_large=mdape(both.loc[large, "organic_downloads_30d"], both.loc[large, "organic_30d"]),
        mdape_automated=mdape(both.loc[automated, "organic_downloads_30d"], both.loc[automated, "organic_30d"]),
        bursts=int(burst.sum()), false_bursts=int((burst & (both["automation_kind"] != "burst")).sum()),
        unseen_share=float(np.average(both["unseen_share"], weights=both["raw_downloads_30d"] + 1)),
        active_derivatives=int(pairs["active_derivatives"].sum()),
        active_derivatives_full=int(pairs["active_derivatives_full"].sum()), derived=int(derived.sum()),
        losing_most=int((derived & (pairs["active_derivatives"] * 2 < pairs["active_derivatives_full"])).sum()),
    )


def first_days(folder: Path, world: World, days: list[int], end: dt.date, full_days: int = 45,
               min_downloads: int = 100) -> list[FirstDays]:
    """Collect `full_days` and each of `days` days of the world up to `end` (separate warehouses), compare each.

    `min_downloads` is the collector's listing threshold (30-day downloads).
    """
    if min(days) < 1 or full_days < 30:
        raise ValueError(f"days {days} and full_days {full_days}: expected days >= 1 and full_days >= 30")
    folder = Path(folder)
    full = collect_and_build(folder / f"full-{full_days}.duckdb", world, full_days, end, min_downloads)
    truth = world.truth(full[0]["as_of"].max())
    out = [compare(full_days, *full, full[1], truth)]
    for k in days:
        first = collect_and_build(folder / f"first-{k}.duckdb", world, k, end, min_downloads)
        out.append(compare(k, *first, full[1], truth))
    return out


def render(world: World, rows: list[FirstDays]) -> str:
    """A plain-text table of the figures, the full-history build first."""
    head = ("days", "listed", "spearman", "raw", "mdape_large", "mdape_auto", "bursts", "false", "unseen",
            "active", "active_full", "losing_most")
    lines = [f"NOTE: FICTIONAL sandbox world (seed {world.seed}, {world.n_models:,} models), as_of {rows[0].as_of}",
             "".join(f"{h:>12}" for h in head)]
    for r in map(asdict, rows):
        lines.append("".join(f"{v:>12}" for v in (
            r["days"], r["listed"], f"{r['spearman_organic']:.3f}", f"{r['spearman_raw']:.3f}",
            f"{r['mdape_large']:.1%}", f"{r['mdape_automated']:.1%}", r["bursts"], r["false_bursts"],
            f"{r['unseen_share']:.2f}", r["active_derivatives"], r["active_derivatives_full"],
            f"{r['losing_most']}/{r['derived']}")))
    return "\n".join(lines)
