"""Shared fixtures: a fresh REVEALED_HOME and a real DuckDB warehouse per test."""

from pathlib import Path

import pytest

from warehouse import db

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty REVEALED_HOME."""
    monkeypatch.setenv("REVEALED_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def con(home):
    """A migrated warehouse connection in the fresh home."""
    connection = db.connect()
    yield connection
    connection.close()
