"""The whole pipeline at scale: simulate N days of an M-model sandbox world, build, export, first render.

    .venv/bin/python bench/scale.py --models 10000 --days 30
    .venv/bin/python bench/scale.py --models 100000 --days 90
    .venv/bin/python bench/scale.py --models 1000000 --days 30 --details 0

Each stage runs as its own `revealed` process on a fresh REVEALED_HOME; the figures are wall time and the
peak RSS of that process (GNU time). `sandbox simulate` serves the world from the same process, so its
memory includes the sandbox. The first render is bench/app_render.py's measure (one browser start, three
loads). Sandbox data is fictional.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REVEALED = [sys.executable, "-m", "app.cli"]


def timed(cmd: list[str], env: dict) -> dict:
    """Run cmd under GNU time; return wall seconds, peak RSS in MB and the first line it printed."""
    began = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    said = done.stdout.strip().splitlines()[:1]
    return {"seconds": round(wall, 1), "peak_rss_mb": round(rss_kb / 1024), "said": said}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--details", type=int, default=500, help="details pass size per simulated day")
    parser.add_argument("--home", type=Path,
                        help="REVEALED_HOME to use (default: a new temporary folder); one already collected is reused")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="revealed-scale-"))
    env = {**os.environ, "REVEALED_HOME": str(home)}
    stages = {
        "collect": [*REVEALED, "sandbox", "simulate", "--models", str(args.models), "--days", str(args.days),
                    "--details", str(args.details)],
        "build": [*REVEALED, "build"],
        "export_weekly": [*REVEALED, "export", "weekly", "--out", str(home / "exports")],
        "export_parquet": [*REVEALED, "export", "parquet", "--out", str(home / "parquet")],
        "first_render": [sys.executable, "bench/app_render.py", "--home", str(home), "--starts", "1", "--loads", "3"],
    }
    result = {"models": args.models, "days": args.days, "home": str(home)}
    if (home / "revealed.duckdb").exists():
        del stages["collect"]
    for name, cmd in stages.items():
        print(f"{name}...", file=sys.stderr, flush=True)
        result[name] = timed(cmd, env)
        print(f"{name}: {result[name]}", file=sys.stderr, flush=True)
    result["warehouse_mb"] = round((home / "revealed.duckdb").stat().st_size / 2**20)
    result["serving_mb"] = round((home / "serving.duckdb").stat().st_size / 2**20)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
