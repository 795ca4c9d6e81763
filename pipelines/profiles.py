"""Weight profiles, scoring settings (pipelines/profiles.toml or the file given) and the methodology version."""

import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from pipelines.config_files import read_limited

# Bump when a formula, a default setting or a default profile changes (docs/methodology.md keeps the log).
METHODOLOGY_VERSION = "1.2"
COMPONENTS = ("adoption", "cohort_adoption", "momentum", "ecosystem", "community", "capability", "local_use", "api_use")
DEFAULT_FILE = Path(__file__).parent / "profiles.toml"
WEIGHT_SUM_TOLERANCE = 0.01


class ProfileError(ValueError):
    """A profiles file that cannot be used: names the bad value and what was expected."""


@dataclass(frozen=True)
class Settings:
    """Scoring settings; docs/methodology.md gives the source of each default."""

    active_derivative_min_downloads: int
    min_coverage: float
    adoption_decades: float
    adoption_reference_rank: int
    adoption_cohort_min: int
    adoption_cap: float
    momentum_window_days: int
    momentum_baseline_windows: int
    momentum_prior_daily: float
    bootstrap_samples: int
    bootstrap_seed: int
    benchmark_noise_sd: float
    rank_interval: float
    rank_interval_top_n: int
    lcb_min_problems: int


@dataclass(frozen=True)
class Config:
    """All profiles (component -> weight, every component present) and the settings."""

    path: Path
    default_profile: str
    profiles: dict[str, dict[str, float]]
    settings: Settings


# (low, high, low_inclusive) bounds per setting; ints must be whole numbers.
BOUNDS = {
    "active_derivative_min_downloads": (0, None, True),
    "min_coverage": (0, 1, False),
    "adoption_decades": (0, None, False),
    "adoption_reference_rank": (1, None, True),
    "adoption_cohort_min": (1, None, True),
    "adoption_cap": (1, None, False),
    "momentum_window_days": (1, None, True),
    "momentum_baseline_windows": (1, None, True),
    "momentum_prior_daily": (0, None, True),
    "bootstrap_samples": (10, None, True),
    "bootstrap_seed": (0, None, True),
    "benchmark_noise_sd": (0, None, True),
    "rank_interval": (0, 1, False),
    "rank_interval_top_n": (1, None, True),
    "lcb_min_problems": (1, None, True),
}


def load(path: Path | None = None) -> Config:
    """Read and validate a profiles file (None: the packaged pipelines/profiles.toml)."""
    path = Path(path) if path else DEFAULT_FILE
    try:
        data = tomllib.loads(read_limited(path, "profiles file", ProfileError))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profiles file {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"default_profile", "settings", "profiles"}
    if unknown:
        raise ProfileError(f"{path}: unknown top-level key(s) {sorted(unknown)}; "
                           "expected default_profile, [settings] and [profiles.<name>]")
    profiles = {name: parse_profile(path, name, weights) for name, weights in data.get("profiles", {}).items()}
    if not profiles:
        raise ProfileError(f"{path}: no profiles; expected at least one [profiles.<name>] table")
    default = data.get("default_profile")
    if default not in profiles:
        raise ProfileError(f"{path}: default_profile {default!r} is not a profile; expected one of {sorted(profiles)}")
    return Config(path, default, profiles, parse_settings(path, data.get("settings", {})))


def parse_profile(path: Path, name: str, weights) -> dict[str, float]:
    """Validate one profile's weights and fill omitted components with weight 0."""
    where = f"{path}: profile {name!r}"
    if not isinstance(weights, dict):
        raise ProfileError(f"{where} is {weights!r}; expected a table of component = weight")
    for component, weight in weights.items():
        if component not in COMPONENTS:
            raise ProfileError(f"{where}: unknown component {component!r}; expected one of {', '.join(COMPONENTS)}")
        if not finite_number(weight) or weight < 0:
            raise ProfileError(f"{where}: weight of {component} is {weight!r}; expected a finite number >= 0")
    total = sum(weights.values())
    if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
        raise ProfileError(f"{where}: weights sum to {total:g}; expected 1 (within {WEIGHT_SUM_TOLERANCE})")
    return {c: float(weights.get(c, 0.0)) for c in COMPONENTS}


def parse_settings(path: Path, raw) -> Settings:
    """Validate the [settings] table: every key known, present and within bounds."""
    names = [f.name for f in fields(Settings)]
    unknown = set(raw) - set(names)
    if unknown:
        raise ProfileError(f"{path}: unknown setting(s) {sorted(unknown)}; expected {', '.join(names)}")
    missing = [n for n in names if n not in raw]
    if missing:
        raise ProfileError(f"{path}: missing setting(s) {missing} in [settings]")
    values = {}
    for f in fields(Settings):
        value, (low, high, low_inclusive) = raw[f.name], BOUNDS[f.name]
        whole = f.type is int
        ok = finite_number(value) and (not whole or isinstance(value, int))
        ok = ok and (value >= low if low_inclusive else value > low) and (high is None or value <= high)
        if not ok:
            kind = "a whole number" if whole else "a finite number"
            span = f"{'>=' if low_inclusive else '>'} {low}" + (f" and <= {high}" if high is not None else "")
            raise ProfileError(f"{path}: setting {f.name} is {value!r}; expected {kind} {span}")
        values[f.name] = f.type(value)
    return Settings(**values)


def finite_number(value) -> bool:
    """An int or float other than inf, -inf and nan (which TOML accepts), and not true or false."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)
