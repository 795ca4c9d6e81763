"""Time and peak memory of scoring (with bootstrap) and marts: python bench/bench_scoring.py [n_models] [days]."""

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic_hub import fill  # noqa: E402

from pipelines.orchestration import build  # noqa: E402
from pipelines.steps import lineage, marts, scoring  # noqa: E402
from warehouse import db, paths  # noqa: E402


def main() -> None:
    """Fill, then time lineage, scoring and marts."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    home = Path(tempfile.mkdtemp(prefix="bench-scoring-"))
    con = db.connect(paths.warehouse_file(home))
    fill(con, n, days)
    began = time.perf_counter()
    report = build.run_build(con, build.steps_of(lineage.build, scoring.build, marts.build))
    total = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    steps = ", ".join(f"{s.name.split(':')[0].split('.')[-1]} {s.seconds:.1f}s" for s in report.steps)
    print(f"{n:,} models x {days} days: {total:.1f}s ({steps}), peak RSS {peak:,.0f} MiB, CPU {cpu:.0f}s incl. fill")


if __name__ == "__main__":
    main()
