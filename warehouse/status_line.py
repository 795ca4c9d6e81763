"""The one line every screen opens with: where the pipeline stands and which data it shows, as of when."""

import datetime as dt
from pathlib import Path

from warehouse import lock, schedule_state


def moment(value: str | None, now: dt.datetime | None = None) -> str:
    """An ISO timestamp as 'HH:MM UTC' when it falls on today (UTC), else 'YYYY-MM-DD HH:MM UTC'; '-' when unset."""
    if not value:
        return "-"
    when = dt.datetime.fromisoformat(value)
    when = when.astimezone(dt.UTC) if when.tzinfo else when
    today = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
    return when.strftime("%H:%M UTC" if when.date() == today else "%Y-%m-%d %H:%M UTC")


def scheduler_now(home: Path) -> tuple[dict, dict | None]:
    """The scheduler's state file of home, and who runs its scheduler now (None when nobody does)."""
    return schedule_state.load(home), lock.scheduler_holder(home)


def pipeline_line(state: dict, now: dt.datetime | None = None, built_at: str | None = None,
                  archived: str | None = None, running: dict | None = None) -> str:
    """'Pipeline active · Last: <time> · Next: <time> [· run by <who>]' or 'Pipeline idle since <last job/build>'.

    `archived` is the date of a home's archived data (the reference world): nothing to collect, so no job runs.
    """
    if archived:
        return f"Reference world: real public data, archived {archived}; nothing is collected, no job is scheduled"
    jobs = state.get("jobs", {}).values()
    last = max((j["last_end"] for j in jobs if j.get("last_end")), default=None)
    if running is None and not schedule_state.is_active(state, now):
        since = last or built_at
        return f"Pipeline idle since {moment(since, now)}" if since else "Pipeline idle"
    upcoming = min((j["next_run"] for j in jobs if j.get("next_run")), default=None)
    line = f"Pipeline active · Last: {moment(last, now)} · Next: {moment(upcoming, now)}"
    return line + (f" · run by {runner(running)}" if running else "")


def runner(info: dict) -> str:
    """Who runs the scheduler: "pid 123 ('revealed up', since <time>)"."""
    return f"pid {info.get('pid')} ('{info.get('purpose')}', since {moment(info.get('since'))})"


def data_line(meta: dict[str, str]) -> str:
    """Which data the published copy holds and as of when: sandbox (fictional), archived reference, or live."""
    as_of = meta.get("as_of_hf") or "unknown"
    kind = meta.get("data_kind")
    if kind == "sandbox":
        return f"Sandbox data (fictional) as of {as_of}"
    if kind == "reference":
        return f"Archived data as of {as_of}"
    return f"Live data · Hugging Face as of {as_of}"


def status_line(meta: dict[str, str], state: dict, now: dt.datetime | None = None, running: dict | None = None) -> str:
    """The pipeline's state and the data's kind and date, in one line."""
    archived = (meta.get("as_of_hf") or "unknown") if meta.get("data_kind") == "reference" else None
    return f"{pipeline_line(state, now, meta.get('built_at'), archived, running)} · {data_line(meta)}"
