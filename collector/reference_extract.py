"""Regenerate the shipped reference world (collector/reference_world/) from the raw public files.

Run `python -m collector.reference_extract ../shared/data`: it keeps factual fields only (ids, counts, tags, dates,
scores) and writes byte-identical files for identical inputs, so anyone can check the extract against its sources.
"""

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import shutil
from pathlib import Path

from collector import reference

HUB_COLUMNS = {
    "2022-07-02": ["id", "downloads_30d", "pipeline_tag"],
    "2022-10-01": ["id", "author", "downloads_30d", "pipeline_tag", "created_at"],
    "2024-07-11": ["id", "downloads_30d", "likes", "pipeline_tag", "library_name", "created_at", "license",
                   "base_model", "other_tags"],
}
STAR_COLUMNS = ["date", "repo", "stars", "forks", "open_issues"]
LEGACY_COLUMNS = ["id", "benchmark", "score", "source"]


def read_csv(path: Path) -> list[dict]:
    """The rows of a CSV file (a byte-order mark is dropped)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def write_gz(path: Path, columns: list[str], rows: list[dict]) -> int:
    """A gzip CSV with a fixed timestamp (same bytes for the same rows); returns the row count."""
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(text.getvalue().encode())
    return len(rows)


def hub_ids(data: Path) -> set[str]:
    """The model ids of the reference day's Hub snapshot."""
    return {r["id"] for r in read_csv(data / "hf" / f"hub_models_{reference.AS_OF}.csv")}


def legacy_rows(data: Path, listed: set[str]) -> list[dict]:
    """MMLU (Epoch) and MMLU-Pro (Open LLM Leaderboard v2) claims of the models listed on the reference day."""
    links = {r["id"]: r["Link"].removeprefix("https://huggingface.co/").strip("/")
             for r in read_csv(data / "releases" / "epoch_model_versions.csv")
             if r["Link"].startswith("https://huggingface.co/")}
    rows = {}
    for r in read_csv(data / "releases" / "epoch_external_benchmark_mmlu.csv"):
        hf_id = links.get(r["Model version"])
        if hf_id in listed and r["EM"].endswith("%"):
            score = round(float(r["EM"].rstrip("%")), 2)
            rows[(hf_id, "MMLU")] = max(score, rows.get((hf_id, "MMLU"), 0.0))
    for r in read_csv(data / "benchmarks" / "open_llm_leaderboard_v2_2025-05-09.csv"):
        if r["model_id"] in listed and r["mmlu_pro"]:
            rows[(r["model_id"], "MMLU-Pro")] = max(float(r["mmlu_pro"]), rows.get((r["model_id"], "MMLU-Pro"), 0.0))
    source = {"MMLU": "epoch_external_benchmark_mmlu", "MMLU-Pro": "open_llm_leaderboard_v2"}
    return [{"id": i, "benchmark": b, "score": s, "source": source[b]} for (i, b), s in sorted(rows.items())]


def star_rows(data: Path) -> list[dict]:
    """Weekly GitHub figures of the week of the reference day and of the week about 30 days before it."""
    weeks = {d.isoformat() for d in reference.STAR_WEEKS}
    rows = [r for r in read_csv(data / "github" / "star_history_ai_repos.csv") if r["date"] in weeks]
    return sorted(rows, key=lambda r: (r["date"], r["repo"]))


def livebench_files(data: Path, out: Path) -> None:
    """The LiveBench release after the reference day, and the metadata of the models it scores."""
    source, token = data / "livebench", reference.LIVEBENCH_RELEASE.strftime("%Y_%m_%d")
    for name in (f"table_{token}.csv", f"categories_{token}.json"):
        shutil.copyfile(source / name, out / name)
    with (source / f"table_{token}.csv").open(newline="") as f:
        scored = {row["model"] for row in csv.DictReader(f)}
    for name, key in (("model_metadata.csv", "model"), ("model_api_names.csv", "display_name")):
        with (source / name).open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = [r for r in reader if r[key] in scored]
            columns = reader.fieldnames
        with (out / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def extract(data: Path, out: Path = reference.EXTRACT) -> dict[str, int]:
    """Write every extract file from the raw files under `data`; returns {file name: rows}."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "livebench").mkdir(exist_ok=True)
    counts = {}
    for day, columns in HUB_COLUMNS.items():
        name = f"hub_models_{day}.csv"
        counts[name + ".gz"] = write_gz(out / (name + ".gz"), columns, read_csv(data / "hf" / name))
    counts[reference.STARS_FILE] = write_gz(out / reference.STARS_FILE, STAR_COLUMNS, star_rows(data))
    counts[reference.LEGACY_FILE] = write_gz(out / reference.LEGACY_FILE, LEGACY_COLUMNS,
                                             legacy_rows(data, hub_ids(data)))
    livebench_files(data, out / "livebench")
    return counts


def main() -> None:
    """Command line: the raw data folder in, the extract written beside the package."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the raw public data folder, e.g. ../shared/data")
    parser.add_argument("--out", type=Path, default=reference.EXTRACT, help="where to write (default: the package's)")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    counts = extract(args.data, args.out)
    print(json.dumps(counts, indent=2))
    print(f"written to {args.out} in {(dt.datetime.now(dt.UTC) - started).total_seconds():.1f}s")


if __name__ == "__main__":
    main()
