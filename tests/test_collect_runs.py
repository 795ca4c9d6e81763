"""The collector contract: every source's collect records its run, and a failed run's error carries no secret."""

import datetime as dt
import socket

import pandas as pd
import pytest

from collector import http
from collector.benchmarks import livebench, livecodebench
from collector.channels import ollama, openrouter
from collector.github import repos as github
from collector.hf import cards as model_cards
from collector.hf import listing as hf
from warehouse import load
from warehouse.settings import Settings

SECRET = "hf_tok3n_in_the_path_0123456789"
DAY = dt.date(2026, 3, 1)

SOURCES = {
    "hf": lambda con, settings: hf.collect(con, settings, as_of=DAY, details=0),
    "github": lambda con, settings: github.collect(con, settings, as_of=DAY),
    "hf_cards": lambda con, settings: model_cards.collect(con, settings, top=5),
    "livebench": lambda con, settings: livebench.collect(con, settings, as_of=DAY),
    "livecodebench": lambda con, settings: livecodebench.collect(con, settings, as_of=DAY),
    "ollama": lambda con, settings: ollama.collect(con, settings, as_of=DAY),
    "openrouter": lambda con, settings: openrouter.collect(con, settings, as_of=DAY),
}


def dead_url() -> str:
    """A loopback URL nothing listens on, with the token in its path as some services take keys."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/{SECRET}"


@pytest.mark.parametrize("source", SOURCES)
def test_a_failed_fetch_leaves_a_failed_run_without_the_token(con, monkeypatch, source):
    monkeypatch.setattr(http, "sleep", lambda seconds: None)
    load.replace_slice(con, "raw_hf_models", DAY, [pd.DataFrame({"as_of": [DAY], "run_id": ["r0"], "id": ["a/x"],
                                                                 "downloads": [5]})])  # the cards' top models
    url = dead_url()
    settings = Settings(hf_endpoint=url, github_api=url, livebench_url=url, livecodebench_url=url, ollama_url=url,
                        openrouter_api=url, hf_token=SECRET)
    with pytest.raises(Exception) as failure:
        SOURCES[source](con, settings)
    assert SECRET in str(failure.value)  # the error the collector raised did carry it
    runs = con.execute("SELECT status, error FROM collection_runs WHERE source = ?", [source]).fetchall()
    assert len(runs) == 1 and runs[0][0] == "failed"
    assert SECRET not in runs[0][1] and "***" in runs[0][1]
