"""The fault matrix: after every injected fault, no partial or duplicated slice, the run recorded, the next run ok;
after messy upstream data, what is valid kept and the rest recorded."""

import pytest

from collector import http
from pipelines.checks import fault_matrix

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    waits: list[float] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(http, "sleep", waits.append)  # the waits asked for are recorded, not slept through
        result = fault_matrix.run_matrix(models=400, workdir=tmp_path_factory.mktemp("faults"))
    assert waits and max(waits) <= 60
    return result


def test_every_source_met_every_fault(outcomes):
    assert len(outcomes) == sum(len(fault_matrix.SCENARIOS) + len(s.data) for s in fault_matrix.SOURCES)
    data = {(o.source, o.fault.split()[0]) for o in outcomes if o.data}
    for source in ("hf", "livebench", "livecodebench"):
        assert {(source, k) for k in ("short_row", "long_row", "mistyped_row", "duplicate_row", "renamed_column",
                                      "empty_release")} <= data
    assert {("livebench", "missing_column"), ("livebench", "missing_key_column"), ("livebench", "unknown_task"),
            ("livecodebench", "missing_key_column"), ("github", "short_row"), ("github", "mistyped_row")} <= data


def test_no_scenario_leaves_a_partial_slice_or_an_unrecorded_run(outcomes):
    broken = [o for o in outcomes if not o.passed]
    assert broken == [], fault_matrix.to_markdown(broken)


def test_retries_absorb_bursts_but_not_storms(outcomes):
    by = {(o.source, o.fault): o.first_run for o in outcomes}
    for source in ("hf", "livebench", "livecodebench"):
        assert by[(source, "429 x4")] == "ok"
        assert by[(source, "500 x3")] == "ok"
        assert by[(source, "429 x20")].startswith("failed: ") and "429" in by[(source, "429 x20")]


def test_broken_bodies_fail_the_run_with_a_reason(outcomes):
    by = {(o.source, o.fault): o.first_run for o in outcomes}
    for source in ("hf", "livecodebench"):
        for fault in ("malformed x1", "truncated x1"):
            assert by[(source, fault)].startswith("failed: "), (source, fault)


def test_messy_data_keeps_what_is_valid_and_records_the_rest(outcomes):
    by = {(o.source, o.fault): o for o in outcomes if o.data}
    for (source, fault), o in by.items():
        if o.first_run.startswith("failed: "):  # nothing could be read: the stored slice is exactly as it was
            assert o.changed == 0, (source, fault)
        elif o.changed:  # a changed slice is never a silent change
            assert " repaired" in o.first_run, (source, fault)
    for key in (("hf", "short_row downloads"), ("hf", "mistyped_row likes"), ("github", "short_row stargazers_count"),
                ("livebench", "short_row"), ("livebench", "renamed_column"), ("livebench", "unknown_task"),
                ("livecodebench", "mistyped_row pass@1")):
        assert by[key].first_run.startswith("ok, ") and by[key].changed > 0, key
    for key in (("hf", "duplicate_row downloads"), ("livebench", "duplicate_row"), ("livebench", "long_row"),
                ("livecodebench", "duplicate_row pass@1")):
        assert by[key].first_run == "ok, 1 repaired" and by[key].changed == 0, key
    assert "has no 'model' column" in by[("livebench", "missing_key_column")].first_run
    assert "no entry of performances has 'pass@1'" in by[("livecodebench", "renamed_column pass@1")].first_run
    for source in ("hf", "livebench", "livecodebench"):
        assert by[(source, "empty_release")].first_run.startswith("failed: ")
