"""The fault matrix: after every injected fault, no partial or duplicated slice, the run recorded, the next run ok."""

import pytest

from collector import http
from pipelines import fault_matrix

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
    assert len(outcomes) == len(fault_matrix.SOURCES) * len(fault_matrix.SCENARIOS)


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
