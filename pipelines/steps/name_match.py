"""Resolve benchmark model names to Hugging Face repo ids: links, API names, the alias table, normalised names."""

import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ALIASES = Path(__file__).parent / "aliases.toml"
ALIAS_KEYS = {"source", "name", "hf_id", "note"}  # plus optional override = true
HF_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
HF_LINK = re.compile(r"^https?://(?:www\.)?huggingface\.co/"
                     r"(?!(?:datasets|spaces|collections|docs|blog|papers|organizations|models|settings)/)"
                     r"([^/?#\s]+/[^/?#\s]+)", re.I)
SEPARATORS = re.compile(r"[^a-z0-9]+")
LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)")
# Tokens a benchmark adds to a name without changing the weights: provider suffixes, reasoning modes, efforts.
MODE_TOKENS = {"turbo", "tput", "free", "latest", "thinking", "think", "nothink", "auto", "effort",
               "low", "medium", "high", "xhigh"}
# Tokens Hub ids carry that benchmark names often leave out.
FILLER_TOKENS = ("instruct", "hf")
SYNONYMS = {"it": "instruct", "ins": "instruct"}  # spellings of "instruction-tuned"
PROMINENCE_LEAD = 5.0  # same-name copies: the leader needs this many times the runner-up's downloads
N_CANDIDATES = 3


@dataclass(frozen=True)
class Entry:
    """One benchmark model name and the hints the benchmark publishes about it."""

    source: str
    model: str
    hf_link: str | None = None
    api_names: tuple[str, ...] = ()
    organization: str | None = None


@dataclass(frozen=True)
class Match:
    """The outcome for one name; hf_id is None unless a method resolved it."""

    source: str
    model: str
    hf_id: str | None
    method: str  # hf_link, api_name, alias, same_name, name, name_relaxed; or closed, ambiguous, unmatched
    candidates: str = ""  # unresolved: the nearest Hub ids; resolved among copies: the ids it was preferred to


class AliasError(ValueError):
    """The alias table is malformed; the message names the entry and the bad value."""


@dataclass(frozen=True)
class Alias:
    """A reviewed mapping; hf_id None means no open repo; override beats the benchmark's own link/API names."""

    hf_id: str | None
    override: bool = False


def load_aliases(path: Path = ALIASES) -> dict[tuple[str, str], Alias]:
    """(source or '*', lower-cased name) -> Alias, from the checked-in TOML."""
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise AliasError(f"{path}: not valid TOML ({exc})") from None
    table = {}
    for number, raw in enumerate(data.get("alias", []), 1):
        where = f"{path.name} alias {number}"
        if set(raw) - {"override"} != ALIAS_KEYS:
            raise AliasError(f"{where}: keys {sorted(raw)}; expected {sorted(ALIAS_KEYS)} and optionally override")
        if not isinstance(raw.get("override", False), bool):
            raise AliasError(f"{where}: override {raw['override']!r} is not true or false")
        if not all(isinstance(raw[k], str) and raw[k].strip() for k in ALIAS_KEYS):
            raise AliasError(f"{where}: every key needs a non-empty string (a note says why the alias holds)")
        if raw["hf_id"] != "none" and not HF_ID.match(raw["hf_id"]):
            raise AliasError(f"{where}: hf_id {raw['hf_id']!r} is not 'owner/name' or 'none'")
        key = (raw["source"], raw["name"].lower())
        if key in table:
            raise AliasError(f"{where}: {raw['name']!r} for source {raw['source']!r} is listed twice")
        table[key] = Alias(None if raw["hf_id"] == "none" else raw["hf_id"], raw.get("override", False))
    return table


def tokens(name: str) -> list[str]:
    """Lower-case name tokens without the org prefix; separators and letter-digit joins split ('llama3' -> llama 3)."""
    text = unicodedata.normalize("NFKC", name).lower().rsplit("/", 1)[-1]
    return [t for t in SEPARATORS.split(LETTER_DIGIT.sub("-", text)) if t]


def drop_dates(toks: list[str]) -> list[str]:
    """Tokens without date suffixes: 20240620, 2024-06-20 (three tokens)."""
    out, i = [], 0
    while i < len(toks):
        if re.fullmatch(r"20\d{6}", toks[i]):
            i += 1
        elif (re.fullmatch(r"20\d\d", toks[i]) and i + 2 < len(toks)
              and re.fullmatch(r"\d\d", toks[i + 1]) and re.fullmatch(r"\d\d", toks[i + 2])):
            i += 3
        else:
            out.append(toks[i])
            i += 1
    return out


def exact_key(name: str) -> str:
    """Normalised name: lower-case, no org prefix, one separator; size tokens kept."""
    return "-".join(tokens(name))


def _relaxed(toks: list[str]) -> list[str]:
    """Tokens with instruct synonyms unified and without a leading 'meta' ('Meta-Llama-3.1' became 'Llama-3.1')."""
    toks = [SYNONYMS.get(t, t) for t in toks]
    return toks[1:] if toks[:1] == ["meta"] else toks


def relaxed_key(name: str) -> str:
    """Normalised benchmark name without dates, provider and reasoning-mode suffixes, or a leading 'meta'."""
    return "-".join(_relaxed([t for t in drop_dates(tokens(name)) if t not in MODE_TOKENS]))


def hub_relaxed_keys(toks: list[str]) -> tuple[str, set[str]]:
    """Keys a Hub id's tokens answer to in the relaxed stage: its relaxed name, and that name less fillers."""
    relaxed = _relaxed(toks)
    full = "-".join(relaxed)
    keys = {full}
    for filler in FILLER_TOKENS:
        if filler in relaxed:
            keys |= {"-".join(t for t in key.split("-") if t != filler) for key in keys}
    return full, keys - {full}


def link_id(link: str | None) -> str | None:
    """The 'owner/name' of a huggingface.co model link, or None for any other link."""
    m = HF_LINK.match((link or "").strip())
    return m.group(1) if m else None


def _org(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def owned_by(hf_id: str, organization: str | None) -> bool:
    """Whether the id's owner and the organization name contain one another ('Meta' ~ 'meta-llama')."""
    org, owner = _org(organization), _org(hf_id.split("/")[0])
    return bool(org and owner) and (org in owner or owner in org)


class HubIndex:
    """The Hub ids a name can resolve to, indexed by normalised keys, with each id's declared parents."""

    def __init__(self, ids: Iterable[str], parents: dict[str, set[str]] | None = None,
                 prominence: dict[str, float] | None = None):
        self.parents = parents or {}
        self.prominence = prominence or {}
        self.by_lower: dict[str, str] = {}
        self.by_exact: dict[str, set[str]] = defaultdict(set)
        self.by_relaxed: dict[str, set[str]] = defaultdict(set)
        self.by_filler: dict[str, set[str]] = defaultdict(set)
        self.by_token: dict[str, set[str]] = defaultdict(set)
        self.token_sets: dict[str, frozenset[str]] = {}
        for hf_id in ids:
            if hf_id.lower() in self.by_lower:
                continue
            self.by_lower[hf_id.lower()] = hf_id
            toks = tokens(hf_id)
            self.by_exact["-".join(toks)].add(hf_id)
            self.token_sets[hf_id] = frozenset(toks)
            full, fillerless = hub_relaxed_keys(toks)
            self.by_relaxed[full].add(hf_id)
            for key in fillerless:
                self.by_filler[key].add(hf_id)
            if toks:
                self.by_token[toks[0]].add(hf_id)

    def canonical(self, hf_id: str) -> str | None:
        """The id as the Hub spells it (ids are case-insensitive), or None when the Hub does not have it."""
        return self.by_lower.get(hf_id.lower())

    def originals(self, ids: set[str]) -> list[str]:
        """Candidates that are not derivatives of other candidates, the most prominent (downloads) first."""
        return sorted((i for i in ids if not (self.parents.get(i, set()) & ids)),
                      key=lambda i: (-self.prominence.get(i, 0), i))

    def leader(self, kept: list[str]) -> str | None:
        """The only candidate, or the one far ahead of the others in prominence; None when it is a toss-up."""
        if len(kept) == 1:
            return kept[0]
        first, second = (self.prominence.get(i, 0) for i in kept[:2])
        return kept[0] if first > 0 and first >= PROMINENCE_LEAD * second else None

    def candidates(self, name: str, n: int = N_CANDIDATES) -> str:
        """The n Hub ids most similar to name (token Jaccard within ids sharing its first token)."""
        first = tokens(name)[:1]
        toks = set(tokens(name))
        scored = []
        for hf_id in self.by_token.get(first[0], ()) if first else ():
            other = self.token_sets[hf_id]
            scored.append((len(toks & other) / len(toks | other), hf_id))
        best = sorted(scored, key=lambda s: (-s[0], s[1]))[:n]
        return "; ".join(f"{hf_id} ({score:.2f})" for score, hf_id in best if score >= 0.3)


def match_explicit(entry: Entry, hub: HubIndex, aliases: dict[tuple[str, str], Alias]) -> Match | None:
    """Resolve by what someone stated: reviewed override, HF link, provider API name, alias; None if nothing did."""
    def found(hf_id: str | None, method: str) -> Match:
        return Match(entry.source, entry.model, hf_id, method)

    def aliased() -> Match:
        if not alias.hf_id:
            return found(None, "closed")
        return found(hub.canonical(alias.hf_id), "alias" if hub.canonical(alias.hf_id) else "not_listed")

    alias = aliases.get((entry.source, entry.model.lower())) or aliases.get(("*", entry.model.lower()))
    if alias and alias.override:
        return aliased()
    if linked := link_id(entry.hf_link):
        return found(hub.canonical(linked), "hf_link" if hub.canonical(linked) else "not_listed")
    if stated := sorted({hf_id for api in entry.api_names if (hf_id := api_hub_id(api, hub))}):
        # Several providers may name different repos: prefer the one named like the model, else the first.
        named = [i for i in stated if relaxed_key(i) == relaxed_key(entry.model)]
        pick = named[0] if len(named) == 1 else stated[0]
        return Match(entry.source, entry.model, pick, "api_name", "; ".join(i for i in stated if i != pick))
    return aliased() if alias else None


def api_hub_id(api_name: str, hub: HubIndex) -> str | None:
    """The Hub id a provider API name refers to, as the Hub spells it, also without provider decorations."""
    api_name = api_name.strip()
    bare = re.sub(r"(:[\w.-]+|-turbo|-tput)$", "", api_name, flags=re.I)
    return (hub.canonical(api_name) or hub.canonical(bare)) if HF_ID.match(bare) else None


def match_name(entry: Entry, hub: HubIndex) -> Match:
    """Resolve by normalised name against the Hub ids; ambiguous or unknown names stay unmatched."""
    relaxed = relaxed_key(entry.model)
    tiers = [(hub.by_exact.get(exact_key(entry.model), set()), "name"),
             (hub.by_relaxed.get(relaxed, set()), "name_relaxed"), (hub.by_filler.get(relaxed, set()), "name_relaxed")]
    pool = set().union(*(ids for ids, _ in tiers))
    # When the benchmark names the organization and some candidate belongs to it, only those count. When none
    # does, only the exact name may match: a loosely named repo of another owner (a user's 'GPT-4o' for OpenAI's
    # gpt-4o-2024-05-13) is not the model.
    owned = {i for i in pool if owned_by(i, entry.organization)}
    foreign = bool(entry.organization) and not owned
    for ids, method in tiers:
        if foreign and method == "name_relaxed" and ids:
            return Match(entry.source, entry.model, None, "other_owner", "; ".join(sorted(ids)[:N_CANDIDATES * 2]))
        # A derivative named like its own parent (a copy, or '-it' for '-Instruct') stands for that parent.
        ids = {next((p for p in sorted(hub.parents.get(i, ())) if p in pool), i) for i in ids}
        kept = hub.originals(ids & owned if owned else ids)
        if not kept:
            continue
        others = "; ".join(kept[1:N_CANDIDATES * 2])
        if hub.leader(kept):
            return Match(entry.source, entry.model, kept[0], method, others)
        return Match(entry.source, entry.model, None, "ambiguous", "; ".join(kept[:N_CANDIDATES * 2]))
    return Match(entry.source, entry.model, None, "unmatched", hub.candidates(entry.model))


def match_all(entries: Iterable[Entry], hub: HubIndex, aliases: dict | None = None) -> list[Match]:
    """Resolve every entry (checked-in alias table unless another is given); never guess.

    Names the benchmarks tie to a repo explicitly (link, API name, alias) are resolved first; the same name in
    another benchmark then takes that repo (method same_name) before normalised-name matching is tried.
    """
    aliases = load_aliases() if aliases is None else aliases
    entries = list(entries)
    explicit = [match_explicit(e, hub, aliases) for e in entries]
    stated: dict[str, set[str]] = defaultdict(set)
    for m in explicit:
        if m is not None and m.hf_id:
            stated[m.model.lower()].add(m.hf_id)
    out = []
    for entry, m in zip(entries, explicit, strict=True):
        same = stated.get(entry.model.lower(), set())
        if m is None and len(same) == 1:
            m = Match(entry.source, entry.model, next(iter(same)), "same_name")
        out.append(m or match_name(entry, hub))
    return out
