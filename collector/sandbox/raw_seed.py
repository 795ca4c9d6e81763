"""Seed raw_hf_models straight from a sandbox World (vectorised, every visible model every day), no HTTP.

For benchmarks and tests of the build, not of the collector. The data is fictional sandbox data.
"""

import datetime as dt

import numpy as np
import pandas as pd

from collector.sandbox.world import World
from warehouse import load


def seed_raw(con, world: World, days: int, min_downloads: int = 0) -> dt.date:
    """Fill raw_hf_models with one snapshot per day ending on the world's today; return the last as_of."""
    m = world.models
    children = m.dropna(subset=["parent"]).groupby("id")[["relation", "parent"]].apply(
        lambda g: [{"relation": r, "parent": p} for r, p in zip(g["relation"], g["parent"], strict=True)])
    base_models = m["id"].map(children).to_numpy()
    base_models = np.array([b if isinstance(b, list) else [] for b in base_models], dtype=object)
    created = pd.to_datetime(world._t["created"] - dt.date(1970, 1, 1).toordinal(), unit="D")
    first = world.today - dt.timedelta(days=days - 1)
    # the 30-day and all-time counts are rolled forward one day of traffic at a time (exact integer sums)
    before = sum(world.daily(first - dt.timedelta(days=30), first - dt.timedelta(days=1)))
    w30, all_time = before.sum(axis=1), world.downloads_all_time(first)
    recent = list(before.T)
    for k in range(days):
        day = first + dt.timedelta(days=k)
        if k:
            total = sum(world.daily(day - dt.timedelta(days=1), day - dt.timedelta(days=1)))[:, 0]
            w30, all_time = w30 + total - recent.pop(0), all_time + total
            recent.append(total)
        keep = world.visible(day) & (w30 >= min_downloads)
        frame = pd.DataFrame({
            "as_of": day, "run_id": f"bench-{day}", "id": m["id"].to_numpy()[keep],
            "author": m["author"].to_numpy()[keep], "created_at": created[keep], "downloads": w30[keep],
            "downloads_all_time": all_time[keep], "likes": m["likes"].to_numpy()[keep],
            "params": m["params"].where(m["params"] > 0).to_numpy()[keep], "base_models": base_models[keep],
        })
        load.replace_slice(con, "raw_hf_models", day, [frame])
    return world.today
