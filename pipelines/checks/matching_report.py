"""Precision and recall of the name matcher: on the hand-labelled real names, or on a sandbox world.

Run: .venv/bin/python -m pipelines.checks.matching_report [--data DIR] [--labels CSV] [--sandbox N_MODELS]
"""

import argparse
import csv
import gzip
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from collector.benchmarks import livebench, livecodebench
from collector.hf import listing as hf
from collector.sandbox import routes_bench
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.orchestration import build, jobs
from pipelines.steps import benchmark_scores, lineage, matching
from pipelines.steps.name_match import Entry, HubIndex, Match, link_id, load_aliases, match_all
from warehouse.migrate import migrate

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
LABELS = ROOT / "tests" / "labels" / "benchmark_names.csv"
LABELS_2024 = ROOT / "tests" / "labels" / "livebench_2024_names.csv"  # LiveBench's 2024 names vs the 2024-07-11 Hub
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
    seen = set()
    for number, row in enumerate(rows, 2):
        if not row["hf_id"] or (row["hf_id"] != "none" and "/" not in row["hf_id"]):
            raise ValueError(f"{path.name} line {number}: hf_id {row['hf_id']!r} is not 'owner/name' or 'none'")
        if (row["source"], row["name"]) in seen:
            raise ValueError(f"{path.name} line {number}: {row['source']} {row['name']!r} is labelled twice")
        seen.add((row["source"], row["name"]))
    return rows


def _csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def reference_entries(data: Path) -> dict[tuple[str, str], Entry]:
    """Every benchmark name in the reference files with the hints its source publishes (link, API names, org)."""
    meta = {r["model"]: r for r in _csv(data / "livebench" / "model_metadata.csv")}
    api: dict[str, set[str]] = {}  # as collector.benchmarks.livebench reads it: API names and aliases per display_name
    for r in _csv(data / "livebench" / "model_api_names.csv"):
        api.setdefault(r["display_name"], set()).update([r["api_name"], *filter(None, r["aliases"].split("|"))])
    entries = {}
    names = {row["model"] for table in data.glob("livebench/table_*.csv") for row in _csv(table)}
    for name in names:
        m = meta.get(name, {})
        entries["livebench", name] = Entry("livebench", name, m.get("url") or None, tuple(sorted(api.get(name, ()))),
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
    return score(labels, entries, reference_hub(data, entries.values(), labels), use_aliases)


def snapshot_hub(path: Path) -> HubIndex:
    """The ids of an archived Hub listing (CSV, optionally gzip), with declared parents and 30-day downloads."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    parents = {r["id"]: set(r["base_model"].split("|")) for r in rows if r.get("base_model")}
    return HubIndex(sorted(r["id"] for r in rows), parents, {r["id"]: float(r["downloads_30d"]) for r in rows})


def evaluate_on_snapshot(snapshot: Path, data: Path = DATA, labels_path: Path = LABELS_2024) -> Evaluation:
    """The matcher against one archived Hub listing (what the reference world's build matches against)."""
    labels = read_labels(labels_path)
    entries = {k: e for k, e in reference_entries(data).items() if (k[0], k[1]) in {(r["source"], r["name"])
                                                                                    for r in labels}}
    return score(labels, entries, snapshot_hub(snapshot), use_aliases=True)


def score(labels: list[dict], entries: dict, hub: HubIndex, use_aliases: bool) -> Evaluation:
    """Match every entry against the hub and score the labelled ones."""
    missing = [(r["source"], r["name"]) for r in labels if (r["source"], r["name"]) not in entries]
    if missing:
        raise ValueError(f"labelled names not found in the reference files: {missing[:5]}")
    matched = dict(zip(entries, match_all(entries.values(), hub, load_aliases() if use_aliases else {}), strict=True))
    rows = [(r, matched[r["source"], r["name"]]) for r in labels]
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


def sandbox_figures(n_models: int) -> str:
    """Collect a fictional sandbox world over loopback HTTP into a scratch DuckDB, build, and score the matches."""
    world, con = World(n_models=n_models), duckdb.connect()
    migrate(con)
    with SandboxServer(world) as server:
        settings = jobs.sandbox_sources(server).settings
        hf.collect(con, settings, min_downloads=0, details=0)
        livebench.collect(con, settings, as_of=server.date)
        livecodebench.collect(con, settings, as_of=server.date)
    build.run_build(con, build.steps_of(lineage.build, benchmark_scores.build, matching.build))
    truth = dict(zip(routes_bench.covered(world)["model"], routes_bench.covered(world)["hf_id"], strict=True))
    got = con.execute("SELECT model, hf_id FROM int_benchmark_matches").fetchall()
    bare = match_all([Entry("livebench", m) for m in {m for m, _ in got}], matching.hub_index(con), {})
    right = sum(h == truth[m] for m, h in got)
    return "\n".join([
        f"### Sandbox world of {n_models:,} models (SANDBOX: fictional data)", "",
        f"- full pipeline: {len(got)} benchmark names, {right} right, "
        f"{sum(h is not None and h != truth[m] for m, h in got)} wrong",
        f"- names alone: {len(bare)} names, {sum(b.hf_id == truth[b.model] for b in bare)} right, "
        f"{sum(b.hf_id is not None and b.hf_id != truth[b.model] for b in bare)} wrong"])


def main(argv: list[str] | None = None) -> int:
    """Print the report with and without the alias table, or the sandbox figures."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.checks.matching_report", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help=f"reference data folder (default {DATA})")
    parser.add_argument("--labels", type=Path, default=LABELS, help="labelled CSV (default tests/labels/...)")
    parser.add_argument("--sandbox", type=int, metavar="N_MODELS", help="score a sandbox world of this size instead")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.sandbox:
        print(sandbox_figures(args.sandbox))
        return 0
    print(render(evaluate(args.data, args.labels, use_aliases=True), "With the alias table"))
    print()
    print(render(evaluate(args.data, args.labels, use_aliases=False), "Without the alias table (automatic only)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
