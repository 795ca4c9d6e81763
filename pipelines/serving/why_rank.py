"""Why a model sits at its rank, in one sentence: the components that lift its composite and those that hold it back."""

from pipelines.profiles import COMPONENTS
from pipelines.serving import format as fmt

LABELS = {
    "adoption": "adoption",
    "cohort_adoption": "adoption in its class",
    "momentum": "momentum",
    "ecosystem": "ecosystem",
    "community": "community",
    "capability": "capability",
    "local_use": "local use",
    "api_use": "API use",
}
MISSING = {
    "adoption": "no de-noised download count",
    "cohort_adoption": "no de-noised download count",
    "momentum": "too short a download history for momentum",
    "ecosystem": "no lineage data",
    "community": "no linked GitHub repository",
    "capability": "no clean benchmark score",
    "local_use": "no matched Ollama pull count",
    "api_use": "no matched OpenRouter token count",
}
SHOWN = 2  # components named on each side


# The raw input behind each component, as a figure, and in words around it ({} is the figure).
FIGURES = {
    "adoption": lambda row: fmt.compact(row["organic_downloads_30d"]),
    "cohort_adoption": lambda row: row.get("size_class") or "unknown",
    "momentum": lambda row: "",
    "ecosystem": lambda row: fmt.count(row["active_derivatives"]),
    "community": lambda row: fmt.compact(row["github_stars"]),
    "capability": lambda row: fmt.whole(row["clean_score"]),
    "local_use": lambda row: fmt.compact(row["local_pulls_30d"]),
    "api_use": lambda row: fmt.compact(row["api_tokens_30d"]),
}
EVIDENCE = {
    "adoption": "{} organic downloads in 30 days",
    "cohort_adoption": "against {} models of its age",
    "momentum": "recent downloads against the weeks before",
    "ecosystem": "{} derivatives in use",
    "community": "{} GitHub stars",
    "capability": "clean score {}",
    "local_use": "{} Ollama pulls in 30 days",
    "api_use": "{} OpenRouter tokens in 30 days",
}


def figure(component: str, row: dict, words: dict[str, str]) -> str:
    """The raw figure behind a component in the words given for it ('' when there are none)."""
    return words[component].format(FIGURES[component](row)) if component in words else ""


def named(component: str, row: dict) -> str:
    """'adoption 83 (36.5k organic downloads in 30 days)'."""
    return f"{LABELS[component]} {fmt.whole(row[component])} ({figure(component, row, EVIDENCE)})"


def sentence(row: dict, weights: dict[str, float], ranked: int) -> str:
    """One sentence: rank, composite, the components above the composite (lift) and below it (hold back)."""
    if fmt.missing(row.get("rank")):
        if row.get("mostly_automation"):
            return "Not ranked: most of its downloads are CI or automation (see the Noise page)."
        return f"Not ranked: too few of its components are known (coverage {fmt.pct(row['coverage'])})."
    composite = row["composite"]
    present = [c for c in COMPONENTS if weights.get(c, 0) > 0 and not fmt.missing(row[c])]
    pull = sorted(present, key=lambda c: weights[c] * (row[c] - composite))
    lifted = [c for c in reversed(pull) if row[c] > composite][:SHOWN]
    held = [c for c in pull if row[c] < composite][:SHOWN]
    parts = [f"#{int(row['rank'])} of {ranked:,} ranked with composite {fmt.score(composite)}"]
    if lifted:
        parts.append("lifted by " + " and ".join(named(c, row) for c in lifted))
    if held:
        parts.append("held back by " + " and ".join(named(c, row) for c in held))
    absent = [c for c in COMPONENTS if weights.get(c, 0) > 0 and fmt.missing(row[c])]
    notes = sorted({MISSING[c] for c in absent})
    if notes:
        parts.append(f"{' and '.join(notes)} (not counted; coverage {fmt.pct(row['coverage'])})")
    return "; ".join(parts) + "."
