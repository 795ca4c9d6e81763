"""The blind world: the sandbox's models with traffic designed independently of the de-noising (fictional data).

Usage:
  .venv/bin/python bench/blind_world.py evaluate --seed S --models N --days D --dir DIR
  .venv/bin/python bench/blind_world.py rescore --dir DIR      (de-noise a kept DIR again with the current code)
  .venv/bin/python bench/blind_world.py describe --seed S --models N
The design (kinds, proportions, parameters) is in bench/blind_traffic.py and collector/sandbox/README.md.
"""

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
sys.path.append(str(Path(__file__).resolve().parents[1]))  # after PYTHONPATH: a round runs another checkout

import blind_traffic  # noqa: E402

from collector.sandbox.world import World  # noqa: E402
from pipelines.checks.evaluate import (  # noqa: E402
    WORLD_FILE,
    Evaluation,
    check_fresh,
    collect,
    kept_world,
    render,
    score,
)

BANNER = "BLIND WORLD: independently designed traffic (bench/blind_world.py), FICTIONAL data."


class BlindWorld(World):
    """The sandbox World's models, names, likes and lineage, with the blind design's traffic and labels."""

    def __init__(self, seed: int = 7, n_models: int = 10_000, start: dt.date = dt.date(2026, 1, 1)):
        super().__init__(seed, n_models, start)
        self.design = blind_traffic.design(self.models, self._t["created"], seed, self.today.toordinal())
        self.models["automation_kind"] = self.design.kind

    def __repr__(self) -> str:
        return f"BlindWorld(seed={self.seed}, n_models={self.n_models}, start={self.start})"

    def _traffic_daily(self, idx: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) per model and day from the blind design."""
        return blind_traffic.daily(self.design, idx, days)

    def _traffic_sums(self, idx: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) totals from the blind design, summed from its daily counts."""
        return blind_traffic.window_sums(self.design, idx, first, last)

    def organic_shapes(self, date: dt.date) -> np.ndarray:
        """Each model's organic shape on date in the blind design."""
        return blind_traffic.shapes(self.design, date.toordinal())


def evaluate(folder: Path, seed: int, models: int, days: int) -> str:
    """Collect `days` days of a BlindWorld over HTTP into a new warehouse under folder, score it; the report."""
    check_fresh(folder, days)
    world = BlindWorld(seed=seed, n_models=models)
    path = collect(folder, world, days, {
        "world": "blind", "design": "bench/blind_world.py", "seed": seed, "models": models, "days": days,
        "rescore": f"python bench/blind_world.py rescore --dir {folder}"})
    return BANNER + "\n" + render(score(path, world, days)[0])


def rescored(folder: Path) -> tuple[Evaluation, pd.DataFrame]:
    """De-noise a kept blind evaluation warehouse again, in place, with the code as it is now; its figures and rows."""
    kept = kept_world(folder)
    if kept.get("world") != "blind":
        raise ValueError(f"{folder / WORLD_FILE} is not a blind world's; expected the --dir of `evaluate` here")
    world = BlindWorld(seed=kept["seed"], n_models=kept["models"])
    return score(folder / "evaluate.duckdb", world, kept["days"], full=True)


def rescore(folder: Path) -> str:
    """De-noise a kept blind evaluation warehouse again with the code as it is now; the report."""
    return BANNER + "\n" + render(rescored(folder)[0])


def kind_table(truth: pd.DataFrame) -> pd.DataFrame:
    """Per automation kind: models, 30-day raw, and the spread of automation shares."""
    g = truth.groupby("automation_kind")
    return pd.DataFrame({
        "models": g.size(), "raw>=100": g["raw_30d"].apply(lambda s: int((s >= 100).sum())),
        "mostly_auto": g["mostly_automation"].sum(), "share_p10": g["automation_share"].quantile(0.1),
        "share_p50": g["automation_share"].quantile(0.5), "share_p90": g["automation_share"].quantile(0.9),
        "median_raw": g["raw_30d"].median(), "median_organic": g["organic_30d"].median()}).round(3)


def job_table(world: BlindWorld) -> pd.DataFrame:
    """Per automation kind: jobs, and how many start or stop in the last 50 days, run weekdays only, every k days."""
    jobs = world.design.jobs.assign(kind=world.design.kind[world.design.jobs["model"]])
    today = world.today.toordinal()
    return jobs.assign(starts_late=jobs["start"] > today - 50, stops=jobs["end"] <= today,
                       outage=jobs["out_len"] > 0, weekday_only=jobs["weekday"], every_k_days=jobs["period"] > 1,
                       grows=jobs["growth"] > 0).groupby("kind").agg(
        jobs=("model", "size"), models=("model", "nunique"), starts_late=("starts_late", "sum"),
        stops=("stops", "sum"), outage=("outage", "sum"), weekday_only=("weekday_only", "sum"),
        every_k_days=("every_k_days", "sum"), grows=("grows", "sum"))


def describe(seed: int, models: int) -> str:
    """The blind world's own traffic statistics on its today."""
    world = BlindWorld(seed=seed, n_models=models)
    truth = world.truth(world.today)
    clean = truth[truth["automation_kind"] == "none"]
    automated = (truth["automation_kind"] != "none").mean()
    return "\n".join([
        BANNER, f"seed {seed}, {models:,} models, {len(truth):,} visible on {world.today}; "
        f"{automated:.1%} with automation; {len(world.design.jobs):,} automation jobs",
        "", "by automation kind (30-day window ending the day before today)", kind_table(truth).to_string(),
        "", "automation jobs by kind (starts_late: started in the last 50 days; stops: ended before today)",
        job_table(world).to_string(),
        "", "models without automation, by organic shape",
        clean.groupby("organic_shape").agg(models=("id", "size"), median_organic=("organic_30d", "median"),
                                           raw_ge_100=("raw_30d", lambda s: int((s >= 100).sum()))).to_string(),
    ])


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run evaluate, rescore or describe."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("evaluate", "describe"):
        p = sub.add_parser(name)
        p.add_argument("--seed", type=int, required=True)
        p.add_argument("--models", type=int, default=10_000)
        if name == "evaluate":
            p.add_argument("--days", type=int, default=45)
            p.add_argument("--dir", type=Path, required=True)
    sub.add_parser("rescore").add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "evaluate":
        print(evaluate(args.dir, args.seed, args.models, args.days))
    elif args.command == "rescore":
        print(rescore(args.dir))
    else:
        print(describe(args.seed, args.models))


if __name__ == "__main__":
    main()
