"""Shared fixtures: a fresh REVEALED_HOME, a real DuckDB warehouse, and a small sandbox world and server."""

from pathlib import Path

import pytest

from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from warehouse import db, paths

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty REVEALED_HOME."""
    monkeypatch.setenv("REVEALED_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def con(home):
    """A migrated warehouse connection in the fresh home."""
    connection = db.connect(paths.warehouse_file(home))
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def world() -> World:
    """A small deterministic sandbox world (fictional data), shared by the whole session."""
    return World(seed=7, n_models=300)


@pytest.fixture
def sandbox(world):
    """A started sandbox server over `world`; faults and clock are fresh for every test."""
    with SandboxServer(world) as server:
        yield server
