"""Read what a model card says: YAML front matter, model-index benchmark claims and GitHub repository links."""

import math
import re
from dataclasses import dataclass, field

import yaml

MAX_FRONT_MATTER = 256_000   # characters of YAML we are willing to parse
MAX_SKIPS_PER_PART = 10      # a hostile card cannot flood card_parse_skips
MAX_DEPTH = 50               # real model-index blocks nest about 6 levels deep

FRONT_START = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
FRONT_END = re.compile(r"^---[ \t]*$", re.M)
GITHUB_URL = re.compile(r"https?://(?:www\.)?github\.com/([^\s()\[\]<>\"'`|]*)", re.I)
OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# First path segments of github.com pages that are not owners of repositories.
NOT_OWNERS = {
    "about", "apps", "collections", "contact", "customer-stories", "enterprise", "events", "explore",
    "features", "join", "login", "marketplace", "new", "notifications", "organizations", "orgs", "pricing",
    "pulls", "issues", "readme", "search", "security", "settings", "site", "sponsors", "topics", "trending",
    "users", "codespaces", "resources", "solutions",
}
# Canonical legacy benchmark names; the first pattern that matches a dataset's name or type wins.
BENCHMARKS = [
    ("MMLU-Pro", re.compile(r"mmlu[\s_-]*pro", re.I)),
    ("MMLU", re.compile(r"(?<![a-z])mmlu(?![a-z])|hendrycks_test", re.I)),
    ("GSM8K", re.compile(r"gsm[\s_-]*8k", re.I)),
    ("HellaSwag", re.compile(r"hella[\s_-]*swag", re.I)),
    ("ARC-Challenge", re.compile(r"ai2_arc|(?<![a-z])arc(?![a-z])", re.I)),
    ("TruthfulQA", re.compile(r"truthful[\s_-]*qa", re.I)),
    ("Winogrande", re.compile(r"winogrande", re.I)),
    ("HumanEval", re.compile(r"human[\s_-]*eval", re.I)),
    ("GPQA", re.compile(r"gpqa", re.I)),
    ("BBH", re.compile(r"(?<![a-z])bbh(?![a-z])|big[\s_-]*bench[\s_-]*hard", re.I)),
    ("IFEval", re.compile(r"ifeval", re.I)),
    ("MATH", re.compile(r"(?<![a-z])math(?![a-z])|competition_math", re.I)),
]


class _CardLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (anchor bombs) and deep nesting (recursion exhaustion)."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "YAML aliases are not allowed in card metadata", mark)
        if self.depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels", mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


@dataclass
class ParsedCard:
    """What one card yields; skips are (part, reason) pairs for card_parse_skips."""

    github: list[tuple[str, str]] = field(default_factory=list)   # (lower-cased owner/name, url)
    scores: list[tuple[str, float]] = field(default_factory=list)  # (benchmark, 0-100)
    skips: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, part: str, reason: str) -> None:
        """Record a skipped part, at most MAX_SKIPS_PER_PART per part."""
        if sum(1 for p, _ in self.skips if p == part) < MAX_SKIPS_PER_PART:
            self.skips.append((part, reason[:300]))


def front_matter_text(text: str) -> str | None:
    """The YAML between the opening and closing '---' lines, or None when the card has none."""
    start = FRONT_START.match(text)
    end = FRONT_END.search(text, start.end()) if start else None
    return text[start.end():end.start()] if end else None


def load_front_matter(yaml_text: str) -> dict:
    """Parse front matter safely; raise ValueError naming what was wrong."""
    if len(yaml_text) > MAX_FRONT_MATTER:
        raise ValueError(f"front matter is {len(yaml_text):,} characters; the limit is {MAX_FRONT_MATTER:,}")
    try:
        meta = yaml.load(yaml_text, Loader=_CardLoader)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:  # bad dates etc. raise plain errors
        raise ValueError(f"malformed YAML: {' '.join(str(exc).split())[:250]}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise ValueError(f"front matter is a {type(meta).__name__}; expected a mapping")
    return meta


def benchmark_name(dataset: dict) -> str | None:
    """The canonical benchmark a model-index dataset refers to, or None if it is not one we track."""
    label = f"{dataset.get('name') or ''} {dataset.get('type') or ''}"
    return next((name for name, pattern in BENCHMARKS if pattern.search(label)), None)


def to_percent(value) -> float:
    """A model-index metric value as 0-100; raise ValueError naming the bad value."""
    if isinstance(value, bool):
        raise ValueError(f"metric value {value!r} is not a number")
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"metric value {value[:40]!r} is not a number") from None
        if value.strip().endswith("%"):
            return _in_range(number, value)
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise ValueError(f"metric value of type {type(value).__name__} is not a number")
    return _in_range(number * 100 if 0 <= number <= 1 else number, value)


def _in_range(number: float, original) -> float:
    """Check a percentage is finite and within 0-100."""
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise ValueError(f"metric value {str(original)[:40]!r} is outside 0-1 or 0-100")
    return number


def legacy_scores(meta: dict, card: ParsedCard) -> None:
    """Add the first usable metric of each tracked benchmark in the model-index to card.scores."""
    index = meta.get("model-index")
    if index is None:
        return
    if not isinstance(index, list):
        card.skip("model_index", f"model-index is a {type(index).__name__}; expected a list")
        return
    seen = set()
    for entry in index:
        results = entry.get("results") if isinstance(entry, dict) else None
        for result in results if isinstance(results, list) else []:
            dataset = result.get("dataset") if isinstance(result, dict) else None
            name = benchmark_name(dataset) if isinstance(dataset, dict) else None
            if name is None or name in seen:
                continue
            metrics = result.get("metrics")
            for metric in metrics if isinstance(metrics, list) else []:
                try:
                    score = to_percent(metric.get("value") if isinstance(metric, dict) else metric)
                except ValueError as exc:
                    card.skip("model_index", f"{name}: {exc}")
                    continue
                card.scores.append((name, round(score, 4)))
                seen.add(name)
                break


def github_links(text: str, card: ParsedCard) -> None:
    """Add every distinct github.com/owner/repo link in text to card.github; non-repo pages are skips."""
    seen = {repo for repo, _ in card.github}
    for match in GITHUB_URL.finditer(text):
        path = re.split(r"[#?]", match.group(1), maxsplit=1)[0]
        parts = [p for p in path.split("/") if p]
        owner = parts[0] if parts else ""
        name = parts[1].rstrip(".,;:!*_~") if len(parts) > 1 else ""
        name = name[:-4] if name.lower().endswith(".git") else name
        if (not OWNER.match(owner) or owner.lower() in NOT_OWNERS or not REPO.match(name)
                or name in {".", ".."}):
            card.skip("github_link", f"not a repository page: {match.group(0).rstrip('.,;:')[:200]}")
            continue
        repo = f"{owner}/{name}".lower()
        if repo not in seen:
            seen.add(repo)
            card.github.append((repo, f"https://github.com/{owner}/{name}"))


def parse_card(text: str) -> ParsedCard:
    """Everything we read from one README; never raises on bad content."""
    card = ParsedCard()
    yaml_text = front_matter_text(text)
    if yaml_text is not None:
        try:
            legacy_scores(load_front_matter(yaml_text), card)
        except ValueError as exc:
            card.skip("front_matter", str(exc))
    github_links(text, card)
    return card
