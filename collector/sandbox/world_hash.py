"""Counter-based random numbers: any (seed, stream, model, day) cell is computed without the others."""

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_DAY = np.uint64(0xD1B54A32D192ED03)


def mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, element-wise over uint64 (wrapping arithmetic)."""
    x = np.asarray(x, dtype=np.uint64)
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def hash_cells(seed: int, stream: int, idx: np.ndarray, days: np.ndarray | None = None) -> np.ndarray:
    """64-bit hashes for models idx (column) times day ordinals (row), or per model when days is None."""
    key = mix(np.array([seed * 1_000_003 + stream], dtype=np.uint64))[0]
    base = mix(np.asarray(idx, dtype=np.uint64) * _GOLDEN ^ key)
    if days is None:
        return base
    return mix(base[:, None] ^ (np.asarray(days, dtype=np.uint64)[None, :] * _DAY))


def uniform(seed: int, stream: int, idx: np.ndarray, days: np.ndarray | None = None) -> np.ndarray:
    """Uniform floats in (0, 1), one per cell."""
    h = hash_cells(seed, stream, idx, days)
    return ((h >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)


def logistic(seed: int, stream: int, idx: np.ndarray, days: np.ndarray | None = None) -> np.ndarray:
    """Zero-mean noise with unit-ish spread and tails a bit heavier than normal."""
    u = uniform(seed, stream, idx, days)
    return np.log(u / (1.0 - u)) * 0.55
