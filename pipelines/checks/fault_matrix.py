"""The fault matrix: every source under every injected fault and messy upstream data, checked for partial, lost or
silently changed slices and a clean next run."""

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from collector.benchmarks import livebench, livecodebench
from collector.hf import listing as hf
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.orchestration import jobs
from warehouse import db, paths

# (fault kind, how many requests it hits): a 429 burst the retries absorb, a storm that outlasts them, ...
SCENARIOS = (("429", 4), ("429", 20), ("500", 3), ("503", 3), ("reset", 3), ("slow", 2), ("malformed", 1),
             ("truncated", 1), ("missing_field", 1), ("extra_field", 1), ("null_field", 1), ("mistyped_field", 1),
             ("duplicate_page", 1), ("out_of_order", 1))
# A messy-data case may change the slice (a row skipped, a cell read as empty) but must keep this share of it
# (or all of it but one row, in a slice of fewer than ten).
MIN_KEPT = 0.9
ROW_FAULTS = ("short_row", "long_row", "mistyped_row", "duplicate_row")


@dataclass(frozen=True)
class Source:
    """A source as the scheduler collects it, where its requests go, and what its slice looks like."""

    name: str
    path_prefix: str
    collect: Callable
    fingerprint: str  # SQL: the stored slice, keys and one value, in a stable order
    data: tuple[tuple[str, str, str], ...] = ()  # messy-data cases: (fault kind, path prefix, field of JSON rows)


SOURCES = (
    Source("hf", "/api/models", lambda con, s: hf.collect(con, s.settings, as_of=jobs.as_of(s), details=0),
           "SELECT as_of, id, downloads FROM raw_hf_models ORDER BY ALL",
           (*((kind, "/api/models", "downloads") for kind in ROW_FAULTS), ("mistyped_row", "/api/models", "likes"),
            ("renamed_column", "/api/models", "downloads"), ("empty_release", "/api/models", ""))),
    Source("github", "/github", jobs.collect_github,
           "SELECT as_of, repo, found, stars FROM raw_github_repos ORDER BY ALL",
           (*((kind, "/github/repos/", "stargazers_count") for kind in ("short_row", "long_row", "mistyped_row")),
            ("renamed_column", "/github/repos/", "full_name"))),
    Source("livebench", "/livebench", lambda con, s: livebench.collect(con, s.settings, as_of=jobs.as_of(s)),
           "SELECT 'score', release::VARCHAR, model, task, score FROM raw_livebench_scores UNION ALL "
           "SELECT 'model', as_of::VARCHAR, model, url, openweight::INT FROM raw_livebench_models ORDER BY ALL",
           (*((kind, "/livebench/table_", "") for kind in (*ROW_FAULTS, "renamed_column", "missing_column",
                                                          "missing_key_column", "empty_release")),
            ("unknown_task", "/livebench/categories_", ""))),
    Source("livecodebench", "/livecodebench",
           lambda con, s: livecodebench.collect(con, s.settings, as_of=jobs.as_of(s)),
           "SELECT as_of, model, problem, pass_at_1 FROM raw_livecodebench_results ORDER BY ALL",
           (*((kind, "/livecodebench", "pass@1") for kind in (*ROW_FAULTS, "renamed_column")),
            ("mistyped_row", "/livecodebench", "date"), ("missing_key_column", "/livecodebench", "model"),
            ("empty_release", "/livecodebench", ""))),
)


@dataclass
class Outcome:
    """What one scenario did."""

    source: str
    fault: str            # kind x count, or the messy-data kind and the field it hits
    first_run: str        # 'ok', 'ok, n repaired' or 'failed: <reason>'
    rows: int             # rows of the clean baseline
    lost: int             # baseline rows no longer stored as they were
    added: int            # stored rows the baseline does not have
    recorded: bool        # the faulted run is in collection_runs with its outcome, and any change with its repairs
    next_run_ok: bool     # the run after the fault completed and stored the baseline again
    data: bool = False    # a messy-data case: repaired changes are allowed, a lost slice is not

    @property
    def changed(self) -> int:
        """Rows that differ from the baseline, on either side."""
        return self.lost + self.added

    @property
    def slice_intact(self) -> bool:
        """Nothing partial, nothing duplicated; for messy data, the slice kept (what changed is checked as recorded)."""
        if not self.data:
            return self.changed == 0
        return self.lost <= max(1, self.rows * (1 - MIN_KEPT))

    @property
    def passed(self) -> bool:
        """Every invariant held."""
        return self.slice_intact and self.recorded and self.next_run_ok


def _runs(con, source: str) -> list[tuple[str, str | None, str | None]]:
    return con.execute("SELECT status, error, repairs FROM collection_runs WHERE source = ? ORDER BY started_at",
                       [source]).fetchall()


def _run(home: Path, source: Source, sources: jobs.Sources) -> tuple[str, bool, int]:
    """Collect once: 'ok' or 'failed: <reason>', whether this run was recorded with that outcome, and its repairs."""
    con = db.connect(paths.warehouse_file(home))
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
    status, error, repairs = new[-1] if new else ("unrecorded", None, None)
    # recorded: ok without an error, or failed with its reason; a run that raised must not say ok
    recorded = status in ("ok", "failed") and (status == "failed") == bool(error) and not (raised and status == "ok")
    repaired = len(repairs.splitlines()) if repairs else 0
    if status == "ok" and not raised:
        return "ok" + (f", {repaired} repaired" if repaired else ""), recorded, repaired
    return f"failed: {(raised or error or '').splitlines()[0]}", recorded, repaired


def _fingerprint(home: Path, source: Source) -> list:
    con = db.connect(paths.warehouse_file(home))
    try:
        return con.execute(source.fingerprint).fetchall()
    finally:
        con.close()


def _compare(baseline: list, now: list) -> tuple[int, int, int]:
    """(baseline rows, of which no longer stored as they were, stored rows the baseline lacks)."""
    before, after = set(baseline), set(now)
    return len(before), len(before - after), len(after - before)


def run_matrix(models: int = 600, scenarios=SCENARIOS, sources=SOURCES, workdir: Path | None = None,
               progress: Callable[[str], None] = lambda _: None, data: bool = True) -> list[Outcome]:
    """Run every (source, fault) scenario, and each source's messy-data cases, on a copy of a clean baseline."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="revealed-faults-"))
    world = World(seed=11, n_models=models)
    outcomes = []
    try:
        with SandboxServer(world) as server:
            sandbox = jobs.sandbox_sources(server)
            baseline_home = workdir / "baseline"
            server.set_date(world.today)
            baseline = {}
            for source in SOURCES:  # the Hub slice first: GitHub follows the links in its models' cards
                _run(baseline_home, source, sandbox)
                baseline[source.name] = _fingerprint(baseline_home, source)
                if source.name == "hf":
                    con = db.connect(paths.warehouse_file(baseline_home))
                    jobs.collect_cards(con, sandbox)
                    con.close()
            for source in sources:
                cases = [(f"{kind} x{count}", dict(kind=kind, count=count, path_prefix=source.path_prefix,
                                                   seconds=1.0 if kind == "slow" else None), False)
                         for kind, count in scenarios]
                cases += [(f"{kind} {field}".rstrip(), dict(kind=kind, path_prefix=prefix, field=field), True)
                          for kind, prefix, field in (source.data if data else ())]
                for label, fault, messy in cases:
                    progress(f"{source.name}: {label}")
                    home = workdir / f"{source.name}-{label.replace(' ', '-').replace('@', '')}"
                    shutil.copytree(baseline_home, home)
                    server.set_date(world.today)
                    server.faults.add(**fault)
                    first, recorded, repaired = _run(home, source, sandbox)
                    server.faults.clear()
                    rows, lost, added = _compare(baseline[source.name], _fingerprint(home, source))
                    server.set_date(world.today)
                    again, _, _ = _run(home, source, sandbox)
                    next_ok = again == "ok" and _fingerprint(home, source) == baseline[source.name]
                    outcomes.append(Outcome(source.name, label, first, rows, lost, added,
                                            recorded and (lost + added == 0 or repaired > 0), next_ok, messy))
                    shutil.rmtree(home)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcomes


def to_markdown(outcomes: list[Outcome]) -> str:
    """The outcomes as a Markdown table."""
    lines = ["| source | fault | faulted run | slice | run recorded | next run |",
             "|---|---|---|---|---|---|"]
    for o in outcomes:
        shown = o.first_run if len(o.first_run) <= 100 else o.first_run[:99] + "…"
        lines.append(f"| {o.source} | {o.fault} | {shown.replace('|', '/')} | {_slice(o)}"
                     f" | {'yes' if o.recorded else 'NO'} | {'ok' if o.next_run_ok else 'FAILED'} |")
    return "\n".join(lines)


def _slice(o: Outcome) -> str:
    """How the stored slice came out of the faulted run."""
    changes = f"{o.lost:,} of {o.rows:,} rows changed or dropped, {o.added:,} added"
    if not o.slice_intact:
        return f"NO: {changes}"
    return "intact" if o.changed == 0 else f"kept: {changes}"
