"""The fault matrix: every source under every injected fault, checked for partial slices and a clean next run."""

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from collector import hf, livebench, livecodebench
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines import jobs
from warehouse import db

# (fault kind, how many requests it hits): a 429 burst the retries absorb, a storm that outlasts them, ...
SCENARIOS = (("429", 4), ("429", 20), ("500", 3), ("503", 3), ("reset", 3), ("slow", 2), ("malformed", 1),
             ("truncated", 1), ("missing_field", 1), ("extra_field", 1), ("null_field", 1), ("mistyped_field", 1),
             ("duplicate_page", 1), ("out_of_order", 1))


@dataclass(frozen=True)
class Source:
    """A source as the scheduler collects it, where its requests go, and what its slice looks like."""

    name: str
    path_prefix: str
    collect: Callable
    fingerprint: str  # SQL: the stored slice, keys and one value, in a stable order


SOURCES = (
    Source("hf", "/api/models", lambda con, s: hf.collect(con, s.hf_endpoint, jobs.as_of(s), details=0),
           "SELECT as_of, id, downloads FROM raw_hf_models ORDER BY ALL"),
    Source("github", "/github", jobs.collect_github,
           "SELECT as_of, repo, found, stars FROM raw_github_repos ORDER BY ALL"),
    Source("livebench", "/livebench", lambda con, s: livebench.collect(con, s.livebench_url, jobs.as_of(s)),
           "SELECT release, model, task, score FROM raw_livebench_scores ORDER BY ALL"),
    Source("livecodebench", "/livecodebench",
           lambda con, s: livecodebench.collect(con, s.livecodebench_url, jobs.as_of(s)),
           "SELECT as_of, model, problem, pass_at_1 FROM raw_livecodebench_results ORDER BY ALL"),
)


@dataclass
class Outcome:
    """What one scenario did."""

    source: str
    fault: str            # kind x count
    first_run: str        # 'ok' or 'failed: <reason>'
    slice_intact: bool    # the stored slice equals the clean baseline: nothing partial, nothing duplicated
    recorded: bool        # the faulted run is in collection_runs with its outcome
    next_run_ok: bool     # the run after the fault completed and stored the baseline again

    @property
    def passed(self) -> bool:
        """Every invariant held."""
        return self.slice_intact and self.recorded and self.next_run_ok


def _runs(con, source: str) -> list[tuple[str, str | None]]:
    return con.execute("SELECT status, error FROM collection_runs WHERE source = ? ORDER BY started_at",
                       [source]).fetchall()


def _run(source: Source, sources: jobs.Sources) -> tuple[str, bool]:
    """Collect once: 'ok' or 'failed: <reason>', and whether this run was recorded with that outcome."""
    con = db.connect()
    try:
        before = len(_runs(con, source.name))
        raised = None
        try:
            source.collect(con, sources)
        except Exception as exc:  # a failed run is an outcome here, not an error of the matrix
            raised = str(exc)
        new = _runs(con, source.name)[before:]
    finally:
        con.close()
    status, error = new[-1] if new else ("unrecorded", None)
    # recorded: ok without an error, or failed with its reason; a run that raised must not say ok
    recorded = status in ("ok", "failed") and (status == "failed") == bool(error) and not (raised and status == "ok")
    if status == "ok" and not raised:
        return "ok", recorded
    return f"failed: {(raised or error or '').splitlines()[0]}", recorded


def _fingerprint(source: Source) -> list:
    con = db.connect()
    try:
        return con.execute(source.fingerprint).fetchall()
    finally:
        con.close()


def run_matrix(models: int = 600, scenarios=SCENARIOS, sources=SOURCES, workdir: Path | None = None,
               progress: Callable[[str], None] = lambda _: None) -> list[Outcome]:
    """Run every (source, fault) scenario on a copy of a clean baseline warehouse; return the outcomes."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="revealed-faults-"))
    previous = os.environ.get("REVEALED_HOME")
    world = World(seed=11, n_models=models)
    outcomes = []
    try:
        with SandboxServer(world) as server:
            sandbox = jobs.sandbox_sources(server)
            baseline_home = workdir / "baseline"
            os.environ["REVEALED_HOME"] = str(baseline_home)
            server.set_date(world.today)
            baseline = {}
            for source in SOURCES:  # the Hub slice first: GitHub follows the links in its models' cards
                _run(source, sandbox)
                baseline[source.name] = _fingerprint(source)
                if source.name == "hf":
                    con = db.connect()
                    jobs.collect_cards(con, sandbox)
                    con.close()
            for source in sources:
                for kind, count in scenarios:
                    progress(f"{source.name}: {kind} x{count}")
                    home = workdir / f"{source.name}-{kind}-{count}"
                    shutil.copytree(baseline_home, home)
                    os.environ["REVEALED_HOME"] = str(home)
                    server.set_date(world.today)
                    server.faults.add(kind, count=count, path_prefix=source.path_prefix,
                                      seconds=1.0 if kind == "slow" else None)
                    first, recorded = _run(source, sandbox)
                    server.faults.clear()
                    intact = _fingerprint(source) == baseline[source.name]
                    server.set_date(world.today)
                    again, _ = _run(source, sandbox)
                    outcomes.append(Outcome(source.name, f"{kind} x{count}", first, intact, recorded,
                                            again == "ok" and _fingerprint(source) == baseline[source.name]))
                    shutil.rmtree(home)
    finally:
        if previous is None:
            os.environ.pop("REVEALED_HOME", None)
        else:
            os.environ["REVEALED_HOME"] = previous
        shutil.rmtree(workdir, ignore_errors=True)
    return outcomes


def to_markdown(outcomes: list[Outcome]) -> str:
    """The outcomes as a Markdown table."""
    lines = ["| source | fault | faulted run | slice intact | run recorded | next run |",
             "|---|---|---|---|---|---|"]
    for o in outcomes:
        shown = o.first_run if len(o.first_run) <= 100 else o.first_run[:99] + "…"
        lines.append(f"| {o.source} | {o.fault} | {shown.replace('|', '/')} | {'yes' if o.slice_intact else 'NO'}"
                     f" | {'yes' if o.recorded else 'NO'} | {'ok' if o.next_run_ok else 'FAILED'} |")
    return "\n".join(lines)
