"""Number and date formats of the sentences the serving readers write (why_rank, questionnaire picks) and the app."""

import datetime as dt
import math
import sys

REFERENCE_NOTE = "Real public data, archived: Hugging Face snapshots imported from archives, not live"
MISSING = "—"  # how a missing value reads on a page


def reference_note(as_of: str | None) -> str:
    """The archived-data note with the Hub listing's date: 'Real public data, archived 2024-07-11: ...'."""
    return REFERENCE_NOTE.replace("archived:", f"archived {as_of}:") if as_of else REFERENCE_NOTE


def gating(open_weight) -> str:
    """Whether a model's weights download without approval, or that the listing did not say."""
    return "gating unknown" if missing(open_weight) else "open weight" if open_weight else "gated weights"


def missing(value) -> bool:
    """True for None, NaN and pandas NA/NaT (pandas is not imported for this: the leaderboard runs without it)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pd = sys.modules.get("pandas")  # a pandas NA or NaT can only exist once pandas is loaded
    return pd is not None and (value is pd.NA or value is pd.NaT)


def compact(value) -> str:
    """1234567 -> '1.2M', 950 -> '950', None -> '-'."""
    if missing(value):
        return "-"
    n = float(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size:
            return f"{n / size:.1f}{suffix}"
    return f"{n:.0f}"


def pct(value, digits: int = 0) -> str:
    """0.342 -> '34%'."""
    return "-" if missing(value) else f"{float(value) * 100:.{digits}f}%"


def score(value) -> str:
    """A 0-100 score with one decimal."""
    return "-" if missing(value) else f"{float(value):.1f}"


def whole(value) -> str:
    """A number rounded to a whole one: 73.4 -> '73'."""
    return "-" if missing(value) else f"{float(value):.0f}"


def count(value) -> str:
    """A count with thousands separators: 12345 -> '12,345'."""
    return "-" if missing(value) else f"{int(value):,}"


def rank(value, low=None, high=None) -> str:
    """'#3 (2-5)' with its interval, or '-' when unranked."""
    if missing(value):
        return "-"
    text = f"#{int(value)}"
    if not missing(low) and not missing(high):
        text += f" ({int(low)}-{int(high)})"
    return text


def date(value) -> str:
    """A date (or an ISO string of one) as YYYY-MM-DD; a timestamp as YYYY-MM-DD HH:MM."""
    if missing(value):
        return "-"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M")
    return value.isoformat()


def release_read(release, read) -> str:
    """When benchmark scores are from: release and read dates, one if they agree, or the archive a release joined."""
    if missing(release) or not release or date(release) == date(read):
        return date(read)
    if date(read) < date(release):
        return f"release {date(release)}, paired with the {date(read)} archive"
    return f"release {date(release)}, read {date(read)}"
