"""Match Ollama library names and OpenRouter slugs to Hugging Face ids and families (docs/channels.md)."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipelines.steps.name_match import MODE_TOKENS, PROMINENCE_LEAD, drop_dates, load_aliases, tokens

ALIASES = Path(__file__).parent / "channel_aliases.toml"
SIZE = re.compile(r"(?<![a-z0-9])(?:\d+x)?\d+(?:\.\d+)?[bm](?![a-z0-9])|(?<![a-z0-9])[ae]\d+(?:\.\d+)?b(?![a-z0-9])")
CONTEXT = re.compile(r"(?<![a-z0-9])\d+k(?![a-z0-9])")
DATE = re.compile(r"-(20\d\d)(\d\d)(\d\d)$")
FILLERS = {"instruct", "it", "chat", "hf", "base"}
MAX_CANDIDATES = 3
TRAILING_VERSION = re.compile(r"(?<=[a-z])v\d+$")
MIN_DOWNLOADS = 1_000  # a model line whose owner has fewer 30-day downloads is someone's upload, not the model


@dataclass(frozen=True)
class HubModel:
    """A model of the Hub snapshot: id, family, 30-day downloads."""

    id: str
    family: str
    downloads: int


@dataclass(frozen=True)
class ChannelMatch:
    """The outcome for one channel entry; hf_id and family are None unless it matched."""

    channel: str
    name: str
    hf_id: str | None
    family: str | None
    method: str       # alias, hugging_face_id, name; or after_snapshot, ambiguous, unmatched, alias_none
    candidates: str = ""


def line_key(name: str) -> tuple[str, str | None]:
    """(model line, size): lower-case tokens without org, dates, sizes, context lengths or fillers."""
    text = name.lower().rsplit("/", 1)[-1].split(":", 1)
    sizes = SIZE.findall(text[-1]) if len(text) == 2 else SIZE.findall(text[0])
    body = CONTEXT.sub("", SIZE.sub("", text[0]))
    toks = [t for t in drop_dates(tokens(body)) if t not in MODE_TOKENS and t not in FILLERS]
    if toks[:1] == ["meta"]:
        toks = toks[1:]
    return "".join(toks), (sizes[0] if sizes else None)  # joined: 'xwinlm' and 'Xwin-LM' are one line


def unversioned(toks_key: str) -> str:
    """A Hub line without a trailing revision ('nomic-embed-text-v1.5', 'Mistral-7B-v0.3' answer to their name)."""
    return TRAILING_VERSION.sub("", toks_key)


def release_of(slug: str) -> dt.date | None:
    """The date an OpenRouter permaslug carries (meta-llama/llama-3.1-8b-instruct-20240723), else None."""
    m = DATE.search(slug.split(":", 1)[0])  # variants such as ':free' follow the date
    try:
        return dt.date(*map(int, m.groups())) if m else None
    except ValueError:
        return None


class HubIndex:
    """Hub ids of one snapshot by model line and size."""

    def __init__(self, models: list[HubModel], snapshot: dt.date):
        self.snapshot = snapshot
        self.by_id = {m.id: m for m in models}
        self.lines: dict[str, list[tuple[HubModel, str | None, bool]]] = defaultdict(list)  # bool: exact line
        for m in models:
            line, size = line_key(m.id)
            self.lines[line].append((m, size, True))
            if unversioned(line) != line:
                self.lines[unversioned(line)].append((m, size, False))

    def match(self, channel: str, name: str, released: dt.date | None, aliases: dict,
              hf_hint: str | None = None) -> ChannelMatch:
        """The family of one entry: alias, then the service's own Hugging Face id, then the model line."""
        if released is not None and released > self.snapshot:
            return ChannelMatch(channel, name, None, None, "after_snapshot",
                                f"released {released}, after the Hub snapshot of {self.snapshot}")
        alias = aliases.get((channel, name.lower())) or aliases.get(("*", name.lower()))
        if alias is not None:
            return self._found(channel, name, alias.hf_id, "alias") if alias.hf_id else \
                ChannelMatch(channel, name, None, None, "alias_none", "reviewed: no open Hugging Face repo")
        if hf_hint and hf_hint in self.by_id:
            return self._found(channel, name, hf_hint, "hugging_face_id")
        line, size = line_key(name)
        found = [(m, exact) for m, s, exact in self.lines.get(line, []) if size is None or s == size]
        if not line or not found:
            return ChannelMatch(channel, name, None, None, "unmatched")
        return self._leader(channel, name, found, name.split("/", 1)[0].lower() if "/" in name else None)

    def _found(self, channel: str, name: str, hf_id: str, method: str) -> ChannelMatch:
        model = self.by_id.get(hf_id)
        if model is None:
            return ChannelMatch(channel, name, None, None, "unmatched", f"{hf_id} is not in the snapshot")
        return ChannelMatch(channel, name, model.id, model.family, method)

    def _leader(self, channel: str, name: str, found: list[tuple[HubModel, bool]], author: str | None) -> ChannelMatch:
        """The most downloaded family of the owner that clearly leads (or the slug's own author); within it, a repo
        named exactly like the entry before one that only differs by a trailing revision."""
        hits = [m for m, _ in found]
        by_org: dict[str, int] = defaultdict(int)
        for m in hits:
            by_org[m.id.split("/", 1)[0]] += m.downloads
        ranked = sorted(by_org.items(), key=lambda kv: -kv[1])
        own = [org for org in by_org if author and org.lower() == author]
        if own:
            org = own[0]
        elif len(ranked) > 1 and ranked[0][1] < PROMINENCE_LEAD * max(ranked[1][1], 1):
            return ChannelMatch(channel, name, None, None, "ambiguous",
                                ", ".join(org for org, _ in ranked[:MAX_CANDIDATES]))
        else:
            org = ranked[0][0]
        if by_org[org] < MIN_DOWNLOADS:
            return ChannelMatch(channel, name, None, None, "unmatched",
                                f"only little-used uploads: {', '.join(m.id for m in hits[:MAX_CANDIDATES])}")
        mine = [(m, exact) for m, exact in found if m.id.split("/", 1)[0] == org]
        mine = [m for m, exact in mine if exact] or [m for m, _ in mine]
        families: dict[str, int] = defaultdict(int)
        for m in mine:
            families[m.family] += m.downloads
        family = max(families, key=lambda f: (families[f], f))
        best = max((m for m in mine if m.family == family), key=lambda m: (m.downloads, m.id))
        others = sorted((f for f in families if f != family), key=lambda f: -families[f])[:MAX_CANDIDATES]
        return ChannelMatch(channel, name, best.id, family, "name", ", ".join(others))


def match_all(index: HubIndex, entries: list[tuple[str, str, dt.date | None, str | None]],
              aliases_path: Path = ALIASES) -> list[ChannelMatch]:
    """Match (channel, name, release date, hugging_face_id hint) entries."""
    aliases = load_aliases(aliases_path)
    return [index.match(channel, name, released, aliases, hint) for channel, name, released, hint in entries]
