"""Requests and time of a GitHub collection against the in-process sandbox, REST vs GraphQL, then the build steps.

Run: .venv/bin/python bench/bench_github.py [n_models] [extra_links]
Every family root's card link is tracked, plus `extra_links` dead links (default 2,000) so the GraphQL batching
shows at scale. Sandbox data is fictional.
"""

import resource
import sys
import tempfile
import time
from pathlib import Path

from collector.github import repos as github
from collector.hf import listing as hf
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.orchestration import build
from pipelines.steps import lineage
from warehouse import db, paths
from warehouse.settings import Settings

STEPS = ["int_github_repo_stats", "int_model_github", "mart_github_repos", "mart_github_daily"]


def main() -> None:
    """Collect once per API with the same links, then time the GitHub build steps."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    extra = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    home = Path(tempfile.mkdtemp(prefix="bench-github-"))
    world = World(n_models=n)
    con = db.connect(paths.warehouse_file(home))
    fam = world.families[world.families["github_repo"].notna()]
    links = [(f, r) for f, r in zip(fam["family"], fam["github_repo"], strict=True)]
    links += [(f"bench/model-{i}", f"bench-ghost-{i}/repo") for i in range(extra)]
    with SandboxServer(world).start() as server:
        con.executemany("INSERT INTO card_github_links VALUES (?, ?, ?, ?)",
                        [[server.date, hf_id, repo.lower(), f"https://github.com/{repo}"] for hf_id, repo in links])
        for token in (None, "bench-token"):
            began = time.perf_counter()
            settings = Settings(hf_endpoint=server.url, github_api=f"{server.url}/github", github_token=token)
            run = github.collect(con, settings, backfill_budget=50)
            seconds = time.perf_counter() - began
            x = run.extra
            print(f"{x['api']:>7}: {x['repos']:,} repositories ({x['found']:,} found) in {seconds:.1f}s, "
                  f"{run.stats.requests:,} requests incl. {x['backfill'].get('pages', 0)} stargazer pages")
        hf.collect(con, settings, details=0)
    build.run_build(con, build.steps_of(lineage.build))
    report = build.run_build(con, build.steps_of(*STEPS))
    seconds = report.seconds
    rows = ", ".join(f"{t} {con.execute(f'SELECT count(*) FROM {t}').fetchone()[0]:,}" for t in STEPS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"build steps: {seconds:.2f}s ({rows}); peak RSS {peak:,.0f} MiB (sandbox: fictional data)")


if __name__ == "__main__":
    main()
