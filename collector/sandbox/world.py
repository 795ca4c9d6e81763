"""A deterministic, fictional Hugging Face ecosystem with day-by-day downloads and ground truth.

Download windows (the Hub's semantics as the sandbox plays them):
- `downloads` seen on day D = raw (organic + automation) downloads of the 30 days D-30 .. D-1;
- `downloadsAllTime` seen on day D = all raw downloads from creation up to D-1;
- `truth(D)` uses the same 30-day window. A model is visible from its creation day on.
Daily values come from a formula with counter-based noise, so any day is computed without the others.
"""

import datetime as dt
import threading
from functools import cached_property

import numpy as np
import pandas as pd

from collector.sandbox import world_api, world_attrs, world_gen, world_traffic
from collector.sandbox.world_hash import uniform

WINDOW_DAYS = 30
_CACHE_DATES = 8
_SUBSET_DIRECT = 50_000
LAUNCH_DAYS, WEEKLY_DIP = 45, 0.25


class World:
    """Sandbox ecosystem: models, families, lineage, traffic and the truth behind them."""

    def __init__(self, seed: int = 7, n_models: int = 10_000, start: dt.date = dt.date(2026, 1, 1)):
        self.seed, self.n_models, self.start = seed, n_models, start
        self.models, self.families, self._t = world_gen.generate(seed, n_models, start)
        self.today = start + dt.timedelta(days=world_attrs.TODAY_DAYS)
        self._lock = threading.RLock()
        self._window_cache: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._cum_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._order_cache: dict[int, np.ndarray] = {}
        self.query_cache: dict[tuple, np.ndarray] = {}  # listing orders per query, kept by the Hub routes
        self._modified = self._t["created"] + np.floor(uniform(seed, 11, np.arange(n_models)) ** 3 * 120).astype(int)

    def __repr__(self) -> str:
        return f"World(seed={self.seed}, n_models={self.n_models}, start={self.start})"

    @cached_property
    def col(self) -> dict[str, np.ndarray]:
        """Model columns as numpy arrays, for fast page building and filtering."""
        return {c: self.models[c].to_numpy() for c in self.models.columns}

    @cached_property
    def children(self) -> tuple[np.ndarray, np.ndarray]:
        """CSR index of children per model (both parents of a merge): (offsets, child indices)."""
        pos = pd.Series(np.arange(self.n_models), index=self.models["id"])
        kids, pars = [], []
        for column in ("parent", "parent2"):
            p = pos.reindex(self.models[column]).to_numpy()
            ok = ~np.isnan(p)
            kids.append(np.flatnonzero(ok))
            pars.append(p[ok].astype(np.int64))
        kids, pars = np.concatenate(kids), np.concatenate(pars)
        order = np.argsort(pars, kind="stable")
        offsets = np.zeros(self.n_models + 1, dtype=np.int64)
        np.add.at(offsets, pars + 1, 1)
        return np.cumsum(offsets), kids[order]

    @cached_property
    def _positions(self) -> dict[str, int]:
        """Model index by id."""
        return {repo_id: i for i, repo_id in enumerate(self.models["id"])}

    def position(self, repo_id: str) -> int | None:
        """Index of the model with this id, or None."""
        return self._positions.get(repo_id)

    def created_ordinals(self) -> np.ndarray:
        """Creation day of every model as a date ordinal."""
        return self._t["created"]

    def created_ordinal(self, i: int) -> int:
        """Creation day of model i as a date ordinal."""
        return int(self._t["created"][i])

    def _idx(self, idx) -> np.ndarray:
        """Model indices as an int64 array (all models when idx is None)."""
        if idx is None:
            return np.arange(self.n_models, dtype=np.int64)
        idx = np.asarray(idx, dtype=np.int64).reshape(-1)
        if len(idx) and (idx.min() < 0 or idx.max() >= self.n_models):
            raise IndexError(f"model index out of range; expected 0..{self.n_models - 1}")
        return idx

    def visible(self, date: dt.date) -> np.ndarray:
        """Boolean mask of models that exist on date."""
        return self._t["created"] <= date.toordinal()

    def daily(self, day_from: dt.date, day_to: dt.date, idx=None) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) downloads per model and day, both days included, zero before creation."""
        if day_to < day_from:
            raise ValueError(f"day_to {day_to} is before day_from {day_from}")
        days = np.arange(day_from.toordinal(), day_to.toordinal() + 1, dtype=np.int64)
        return self._traffic_daily(self._idx(idx), days)

    def _traffic_daily(self, idx: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) per model idx and day ordinal; subclasses may supply other traffic."""
        return world_traffic.daily(self._t, self.seed, idx, days)

    def _traffic_sums(self, idx: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) totals per model idx over day ordinals first..last, as sums of _traffic_daily."""
        return world_traffic.window_sums(self._t, self.seed, idx, first, last)

    def _window(self, first: int, last: int, idx) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) totals over day ordinals first..last; cached for all models."""
        if idx is not None:
            return self._traffic_sums(self._idx(idx), first, last)
        with self._lock:
            key = (first, last)
            if key not in self._window_cache:
                if len(self._window_cache) >= _CACHE_DATES * 2:
                    self._window_cache.pop(next(iter(self._window_cache)))
                self._window_cache[key] = self._traffic_sums(self._idx(None), first, last)
            return self._window_cache[key]

    def window_30d(self, date: dt.date, idx=None) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) over the 30 days ending the day before date."""
        d = date.toordinal()
        return self._window(d - WINDOW_DAYS, d - 1, idx)

    def downloads_30d(self, date: dt.date, idx=None) -> np.ndarray:
        """Raw downloads as the Hub's `downloads` field shows them on date."""
        organic, automation = self.window_30d(date, idx)
        return organic + automation

    def all_time(self, date: dt.date, idx=None) -> tuple[np.ndarray, np.ndarray]:
        """(organic, automation) from creation up to the day before date."""
        d = date.toordinal()
        first = int(self._t["created"].min())
        if idx is not None and len(self._idx(idx)) <= _SUBSET_DIRECT:
            sub = self._idx(idx)
            first = int(self._t["created"][sub].min()) if len(sub) else first
            return self._traffic_sums(sub, first, d - 1)
        with self._lock:
            if d not in self._cum_cache:
                done = [k for k in self._cum_cache if k <= d]
                if done:
                    base = max(done)
                    organic, automation = self._cum_cache[base]
                    add_o, add_a = self._traffic_sums(self._idx(None), base, d - 1)
                    value = (organic + add_o, automation + add_a)
                else:
                    value = self._traffic_sums(self._idx(None), first, d - 1)
                if len(self._cum_cache) >= _CACHE_DATES:
                    self._cum_cache.pop(min(self._cum_cache))
                self._cum_cache[d] = value
            organic, automation = self._cum_cache[d]
        if idx is None:
            return organic, automation
        return organic[self._idx(idx)], automation[self._idx(idx)]

    def downloads_all_time(self, date: dt.date, idx=None) -> np.ndarray:
        """Raw cumulative downloads as `downloadsAllTime` shows them on date."""
        organic, automation = self.all_time(date, idx)
        return organic + automation

    def trending_score(self, date: dt.date, idx=None) -> np.ndarray:
        """A recency-weighted 7-day download rate, the sandbox's stand-in for trendingScore."""
        d = date.toordinal()
        organic, automation = self._window(d - 7, d - 1, idx)
        age = np.maximum(d - self._t["created"][self._idx(idx)], 0)
        return np.round((organic + automation) / 70 / np.sqrt(1 + age / 30), 1)

    def last_modified(self, date: dt.date, idx=None) -> np.ndarray:
        """Day ordinal of each model's last commit as seen on date."""
        return np.minimum(self._modified[self._idx(idx)], date.toordinal())

    def listing_order(self, date: dt.date) -> np.ndarray:
        """Indices of the models visible on date, by 30-day raw downloads, most first (cached per date)."""
        d = date.toordinal()
        with self._lock:
            if d not in self._order_cache:
                if len(self._order_cache) >= _CACHE_DATES:
                    self._order_cache.pop(next(iter(self._order_cache)))
                self._order_cache[d] = self.sorted_visible(date, self.downloads_30d(date))
            return self._order_cache[d]

    def sorted_visible(self, date: dt.date, key: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Visible (and masked) model indices by key descending, ties by index."""
        keep = self.visible(date) if mask is None else self.visible(date) & mask
        idx = np.flatnonzero(keep)
        return idx[np.lexsort((idx, -np.asarray(key, dtype=np.float64)[idx]))]

    def api_model(self, i: int, date: dt.date, expand: list[str] | None = None) -> dict:
        """One model in the Hub's JSON shape as seen on date (model_info defaults when expand is None)."""
        fields = world_api.INFO_DEFAULT if expand is None else expand
        return world_api.build_models(self, np.array([i]), date, fields)[0]

    def readme(self, i: int) -> str:
        """The model card: YAML front matter and a short fictional body."""
        return world_api.readme(self, int(i))

    def truth(self, date: dt.date) -> pd.DataFrame:
        """Ground truth per visible model over the same 30-day window as `downloads` on date."""
        organic, automation = self.window_30d(date)
        organic_all, _ = self.all_time(date)
        raw = organic + automation
        share = np.divide(automation, raw, out=np.zeros(len(raw)), where=raw > 0)
        out = pd.DataFrame({
            "id": self.models["id"], "family": self.models["family"], "raw_30d": raw, "organic_30d": organic,
            "automation_30d": automation, "automation_share": share, "mostly_automation": share > 0.5,
            "automation_kind": self.models["automation_kind"], "organic_all_time": organic_all,
            "organic_shape": self.organic_shapes(date),
        })
        return out[self.visible(date)].reset_index(drop=True)

    def organic_shapes(self, date: dt.date) -> np.ndarray:
        """Each model's organic demand shape on date: 'launch' (created in the last LAUNCH_DAYS days), 'weekly'
        (weekend dip of WEEKLY_DIP or more), else 'plain'; what de-noising must leave alone."""
        age = date.toordinal() - self._t["created"]
        return np.where(age < LAUNCH_DAYS, "launch", np.where(self._t["weekend"] >= WEEKLY_DIP, "weekly", "plain"))

    def lineage_truth(self) -> pd.DataFrame:
        """True child -> parent edges (merges give two rows); parents may be missing from the listing."""
        m = self.models
        edges = pd.concat([m.loc[m["parent"].notna(), ["id", "parent", "relation"]],
                           m.loc[m["parent2"].notna(), ["id", "parent2", "relation"]].rename(
                               columns={"parent2": "parent"})])
        return edges.rename(columns={"id": "child"}).reset_index(drop=True)
