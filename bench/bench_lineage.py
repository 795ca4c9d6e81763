"""Time and peak memory of the lineage step on a synthetic snapshot: python bench/bench_lineage.py [n_models]."""

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic_hub import fill  # noqa: E402

from pipelines.orchestration import build  # noqa: E402
from pipelines.steps import lineage  # noqa: E402
from warehouse import db, paths  # noqa: E402


def main() -> None:
    """Fill, then time one lineage build."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    home = Path(tempfile.mkdtemp(prefix="bench-lineage-"))
    con = db.connect(paths.warehouse_file(home))
    fill(con, n)
    began = time.perf_counter()
    report = build.run_build(con, build.steps_of(lineage.build))
    seconds = time.perf_counter() - began
    rows = report.steps[0].rows
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    print(f"lineage over {n:,} models: {seconds:.1f}s, peak RSS {peak:,.0f} MiB, CPU {cpu:.0f}s incl. fill, {rows}")


if __name__ == "__main__":
    main()
