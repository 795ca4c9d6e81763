"""Precision and recall of the name matcher on the hand-labelled set, over the real reference files.

Run: .venv/bin/python -m pipelines.matching_report [--data DIR] [--labels CSV]
"""

import argparse
import csv
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipelines.name_match import Entry, HubIndex, Match, link_id, load_aliases, match_all

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LABELS = ROOT / "tests" / "labels" / "benchmark_names.csv"
# Hub ids renamed since the lineage sample was taken: the Hub lists them under the new name only.
RENAMED_PREFIX = "meta-llama/Meta-Llama-3.1-"

log = logging.getLogger(__name__)


@dataclass
class Evaluation:
    """Matcher output next to the labels, with the headline figures."""

    rows: list[tuple[dict, Match]]
    precision: float
    recall: float
    predicted: int
    correct: int
    positives: int


def read_labels(path: Path = LABELS) -> list[dict]:
    """The labelled rows: source, name, hf_id ('none' when the model has no open repo), note."""
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    for number, row in enumerate(rows, 2):
        if not row["hf_id"] or (row["hf_id"] != "none" and "/" not in row["hf_id"]):
            raise ValueError(f"{path.name} line {number}: hf_id {row['hf_id']!r} is not 'owner/name' or 'none'")
    return rows


def _csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def reference_entries(data: Path) -> dict[tuple[str, str], Entry]:
    """Every benchmark name in the reference files with the hints its source publishes (link, API names, org)."""
    meta = {r["model"]: r for r in _csv(data / "livebench" / "model_metadata.csv")}
    api: dict[str, list[str]] = {}
    for r in _csv(data / "livebench" / "model_api_names.csv"):
        for key in [r["display_name"], *filter(None, r["aliases"].split("|"))]:
            api.setdefault(key, []).append(r["api_name"])
    entries = {}
    names = {row["model"] for table in data.glob("livebench/table_*.csv") for row in _csv(table)}
    for name in names:
        m = meta.get(name, {})
        entries["livebench", name] = Entry("livebench", name, m.get("url") or None, tuple(api.get(name, ())),
                                           m.get("organization") or None)
    for m in json.loads((data / "livecodebench" / "performances_execution.json").read_text())["models"]:
        entries["livecodebench", m["model_repr"]] = Entry("livecodebench", m["model_repr"], m.get("link"),
                                                          (m["model_name"],))
    for r in _csv(data / "releases" / "epoch_model_versions.csv"):
        if r["Hugging Face developer id"]:
            entries["epoch", r["id"]] = Entry("epoch", r["id"], organization=r["Hugging Face developer id"])
    return entries


def reference_hub(data: Path, entries, labels: list[dict]) -> HubIndex:
    """Hub ids from the lineage sample, the benchmarks' HF links and the labels; parents and derivative counts."""
    parents: dict[str, set[str]] = {}
    children: Counter = Counter()
    for r in _csv(data / "hf" / "lineage_edges_sample.csv"):
        parents.setdefault(r["target"], set()).add(r["source"])
        children[r["source"]] += 1
    ids = set(parents) | set(children)
    ids |= {i for e in entries for i in [link_id(e.hf_link)] if i}
    ids |= {r["hf_id"] for r in labels if r["hf_id"] != "none"}
    renamed = {i for i in ids if i.startswith(RENAMED_PREFIX)}
    return HubIndex(sorted(ids - renamed), parents, {i: float(n) for i, n in children.items()})


def evaluate(data: Path = DATA, labels_path: Path = LABELS, use_aliases: bool = True) -> Evaluation:
    """Run the matcher on every labelled name and score it against the labels."""
    labels = read_labels(labels_path)
    entries = reference_entries(data)
    missing = [(r["source"], r["name"]) for r in labels if (r["source"], r["name"]) not in entries]
    if missing:
        raise ValueError(f"labelled names not found in the reference files: {missing[:5]}")
    wanted = [entries[r["source"], r["name"]] for r in labels]
    hub = reference_hub(data, entries.values(), labels)
    matches = match_all(wanted, hub, load_aliases() if use_aliases else {})
    rows = list(zip(labels, matches, strict=True))
    predicted = sum(m.hf_id is not None for _, m in rows)
    correct = sum(m.hf_id is not None and m.hf_id.lower() == r["hf_id"].lower() for r, m in rows)
    positives = sum(r["hf_id"] != "none" for r, _ in rows)
    return Evaluation(rows, correct / max(predicted, 1), correct / max(positives, 1), predicted, correct, positives)


def render(ev: Evaluation, title: str) -> str:
    """The evaluation as Markdown: figures, methods, wrong matches and the unmatched list."""
    methods = Counter(m.method for _, m in ev.rows)
    wrong = [(r, m) for r, m in ev.rows if m.hf_id and m.hf_id.lower() != r["hf_id"].lower()]
    missed = [(r, m) for r, m in ev.rows if not m.hf_id and r["hf_id"] != "none"]
    lines = [f"### {title}", "",
             f"- labelled names: {len(ev.rows)} ({ev.positives} with an open Hugging Face repo)",
             f"- precision: {ev.precision:.3f} ({ev.correct} of {ev.predicted} matches right)",
             f"- recall: {ev.recall:.3f} ({ev.correct} of {ev.positives} open models found)",
             "- methods: " + ", ".join(f"{k} {v}" for k, v in sorted(methods.items())),
             f"- picked among same-name copies (the others kept as alternatives): "
             f"{sum(bool(m.hf_id and m.candidates) for _, m in ev.rows)}", "",
             "Wrong matches:", ""]
    lines += [f"- `{r['source']}` `{r['name']}` -> `{m.hf_id}` ({m.method}); expected `{r['hf_id']}`"
              for r, m in wrong] or ["- none"]
    lines += ["", "Open models left unmatched (with the best candidates):", ""]
    lines += [f"- `{r['source']}` `{r['name']}` ({m.method}; expected `{r['hf_id']}`): {m.candidates or '-'}"
              for r, m in missed] or ["- none"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the report with and without the alias table."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.matching_report", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help=f"reference data folder (default {DATA})")
    parser.add_argument("--labels", type=Path, default=LABELS, help="labelled CSV (default tests/labels/...)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(render(evaluate(args.data, args.labels, use_aliases=True), "With the alias table"))
    print()
    print(render(evaluate(args.data, args.labels, use_aliases=False), "Without the alias table (automatic only)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
