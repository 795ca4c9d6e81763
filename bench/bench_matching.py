"""Speed and memory of the name matcher: index build and per-name matching over Hub-sized id lists.

Run: .venv/bin/python bench/bench_matching.py [--copies K]
The Hub ids are the real lineage sample (about 30k ids) plus K synthetic re-uploads of each under other owners,
so the index holds about 30k * (K + 1) ids; the names are every LiveBench, LiveCodeBench and Epoch name.
"""

import argparse
import time
import tracemalloc

from pipelines.checks.matching_report import DATA, read_labels, reference_entries, reference_hub
from pipelines.steps.name_match import HubIndex, match_all


def main() -> None:
    """Print index build time, match time per name and peak memory for a Hub of the chosen size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=4, help="synthetic re-uploads per real id (default 4)")
    args = parser.parse_args()
    entries = list(reference_entries(DATA).values())
    real = reference_hub(DATA, entries, read_labels())
    ids = list(real.by_lower.values())
    ids += [f"copy{k}/{i.split('/', 1)[1]}" for k in range(args.copies) for i in ids]
    began = time.perf_counter()
    hub = HubIndex(ids, real.parents, real.prominence)
    built = time.perf_counter() - began
    began = time.perf_counter()
    matches = match_all(entries, hub)
    matched = time.perf_counter() - began
    size = len(hub.by_lower)
    del hub
    tracemalloc.start()  # a second, traced pass: tracing slows Python down several times
    match_all(entries, HubIndex(ids, real.parents, real.prominence))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"hub ids: {size:,}  names: {len(entries):,}")
    print(f"index build: {built:.2f} s  matching: {matched:.2f} s ({matched / len(entries) * 1000:.1f} ms/name)")
    print(f"peak traced memory: {peak / 2**20:.0f} MiB")
    print(f"resolved: {sum(m.hf_id is not None for m in matches):,} of {len(matches):,}")


if __name__ == "__main__":
    main()
