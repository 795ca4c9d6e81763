"""The one line at the top of every page: pipeline state, data kind and date, as `revealed status` says it."""

import datetime as dt

from warehouse.status_line import status_line

NOW = dt.datetime(2026, 12, 2, 22, 30, tzinfo=dt.UTC)
ACTIVE = {"heartbeat": (NOW - dt.timedelta(seconds=30)).isoformat(),
          "jobs": {"hf": {"last_end": "2026-12-02T21:00:00+00:00", "next_run": "2026-12-03T03:00:00+00:00"}}}


def test_active_pipeline_with_live_data():
    line = status_line({"data_kind": "live", "as_of_hf": "2026-12-02"}, ACTIVE, NOW)
    assert line == "Pipeline active · Last: 21:00 UTC · Next: 2026-12-03 03:00 UTC · Live data · Hugging Face as of " \
                   "2026-12-02"


def test_idle_pipeline_says_since_when():
    idle = {"jobs": ACTIVE["jobs"]}  # no heartbeat: no scheduler running
    line = status_line({"data_kind": "live", "as_of_hf": "2026-12-02"}, idle, NOW)
    assert line == "Pipeline idle since 21:00 UTC · Live data · Hugging Face as of 2026-12-02"


def test_archived_data_shows_no_pipeline():
    line = status_line({"data_kind": "reference", "as_of_hf": "2024-07-11"}, ACTIVE, NOW)
    assert line == "Reference world: real public data, archived 2024-07-11; nothing is collected, no job is " \
                   "scheduled · Archived data as of 2024-07-11"


def test_never_scheduled_is_idle_since_the_build_and_sandbox_says_fictional():
    meta = {"data_kind": "sandbox", "as_of_hf": "2026-03-02", "built_at": "2026-11-30T06:31:00"}
    line = status_line(meta, {"jobs": {}}, NOW)
    assert line.startswith("Pipeline idle since 2026-11-30 06:31 UTC")
    assert "Sandbox data (fictional) as of 2026-03-02" in line
