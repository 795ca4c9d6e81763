"""The `revealed` command line loads only the module of the command it runs."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.cli import COMMANDS, build_parser
from pipelines.orchestration import up
from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def choices(parser) -> list[str]:
    """The commands a parser offers."""
    return list(next(a for a in parser._actions if a.dest == "command").choices)


def test_each_command_is_added_by_the_module_the_table_names():
    assert choices(build_parser()) == [c for commands in COMMANDS.values() for c in commands]
    for commands in COMMANDS.values():
        for command in commands:
            assert choices(build_parser(command)) == list(commands)
    assert choices(build_parser("no-such-command")) == choices(build_parser())  # argparse then names them all


def test_revealed_app_starts_the_web_server_without_the_other_commands_libraries():
    check = ("import sys; from app.cli import build_parser, command_word; argv = ['-v', 'app', '--port', '1'];"
             "args = build_parser(command_word(argv)).parse_args(argv); assert args.func.__name__ == 'cmd_app';"
             "print(sorted({'duckdb', 'pandas', 'huggingface_hub', 'pyarrow'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [["app"], ["sandbox", "serve", "--models", "50"], ["up"]])
def test_a_busy_port_is_named_before_anything_starts_or_is_created(tmp_path, command):
    home = tmp_path / "home"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "app.cli", *command, "--port", str(port)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, env={**os.environ,
                                                                                "REVEALED_HOME": str(home)})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (f"revealed: error: port {port} on 127.0.0.1 is not available (another "
                                            "program listens on it); choose another with --port N")
    assert not home.exists()  # no logs/, lock or warehouse


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_compact_names_a_bad_keep_days_before_opening_the_warehouse(tmp_path, value):
    done = subprocess.run([sys.executable, "-m", "app.cli", "compact", "--keep-days", value], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "REVEALED_HOME": str(tmp_path)})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (f"revealed compact: error: argument --keep-days: '{value}' is not a whole "
                                            "number of at least 1")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(("source", "command"), [
    ("reference", ["collect", "hf"]), ("reference", ["collect", "benchmarks"]),
    ("reference", ["sandbox", "simulate", "--days", "1", "--models", "50"]),
    ("live", ["sandbox", "simulate", "--days", "1", "--models", "50"]),
])
def test_collect_and_simulate_refuse_a_home_of_another_source_before_writing(home, sandbox, monkeypatch, capsys,
                                                                            source, command):
    monkeypatch.setenv("HF_ENDPOINT", sandbox.url)  # any Hub that answers lets `up` record a live home
    up.choose(Settings.from_env(), source, up.Choice(source), set(), print)
    capsys.readouterr()
    assert cli.main(command) == 2
    held = "the reference world (real public data, archived 2024-07-11)" if source == "reference" else "live data"
    writes = "sandbox" if command[0] == "sandbox" else "live or sandbox"
    name = " ".join(command[:2])
    assert capsys.readouterr().err == (
        f"revealed: error: {home} holds {held}, as 'revealed up' recorded in up.json: 'revealed {name}' "
        f"would add {writes} data to it and the board would mislabel both; use a new REVEALED_HOME for it\n")
    assert [p.name for p in home.iterdir()] == ["up.json"]


def test_collect_into_a_live_home_and_simulate_into_a_sandbox_home_are_not_refused(home, sandbox, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", sandbox.url)
    for source, command, writes in [("live", "revealed collect hf", ("live", "sandbox")),
                                    ("sandbox", "revealed sandbox simulate", ("sandbox",))]:
        up.choose(Settings.from_env(), source, up.Choice(source, models=300), set(), print)
        up.refuse_other_source(home, command, writes)
