"""Settings: built once at the edge from the environment and the flags; bad values named; tokens never shown."""

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import build_parser, settings_from
from warehouse.settings import ENVIRONMENT, Settings

SECRET = "hf_settings_secret_4f2a"


def test_defaults_without_any_environment():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert (settings.home, settings.hf_endpoint, settings.hf_token, settings.openrouter_rankings) == (
        Path("data"), "https://huggingface.co", None, None)


def test_the_environment_sets_each_field_and_an_empty_value_counts_as_unset():
    environ = {"REVEALED_HOME": "~/revealed-home", "HF_ENDPOINT": "http://127.0.0.1:8765/", "HF_TOKEN": "",
               "GITHUB_TOKEN": "   ", "OLLAMA_URL": " ", "OPENROUTER_RANKINGS_URL": "http://or.example/r.csv"}
    settings = Settings.from_env(environ)
    assert settings.home == Path("~/revealed-home").expanduser()
    assert settings.hf_endpoint == "http://127.0.0.1:8765"  # no trailing slash
    assert settings.hf_token is None and settings.github_token is None  # "" and blanks are no token
    assert settings.ollama_url == "https://ollama.com"
    assert settings.openrouter_rankings == "http://or.example/r.csv"
    assert settings.secrets() == []


def test_overrides_beat_the_environment_and_none_keeps_it():
    settings = Settings.from_env({"HF_ENDPOINT": "http://env.example"}, hf_endpoint=None, github_api="http://gh.test")
    assert (settings.hf_endpoint, settings.github_api) == ("http://env.example", "http://gh.test")


@pytest.mark.parametrize("variable, value", [("HF_ENDPOINT", "huggingface.co"), ("GITHUB_API_URL", "ftp://x.org"),
                                             ("OPENROUTER_RANKINGS_URL", "http://")])
def test_a_bad_url_names_the_setting_its_variable_and_the_value(variable, value):
    name = next(n for n, v in ENVIRONMENT.items() if v == variable)
    with pytest.raises(ValueError, match=rf"{name} \(\${variable}\) is '{value}'; expected an http\(s\) URL"):
        Settings.from_env({variable: value})


def test_an_unknown_setting_is_named():
    with pytest.raises(TypeError, match="unknown setting.s. hf_url; expected one of "):
        Settings().with_values(hf_url="http://x.org")


def test_tokens_are_kept_for_use_but_never_shown():
    settings = Settings.from_env({"HF_TOKEN": SECRET, "GITHUB_TOKEN": f"gh_{SECRET}"})
    assert settings.hf_token == SECRET and settings.secrets() == [SECRET, f"gh_{SECRET}"]
    assert SECRET not in repr(settings) and SECRET not in str(settings) and SECRET not in f"{settings}"


def test_cli_flags_override_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REVEALED_HOME", str(tmp_path))
    monkeypatch.setenv("HF_ENDPOINT", "http://env.example")
    monkeypatch.setenv("OPENROUTER_API_URL", "http://or-env.example/api/v1")
    args = build_parser().parse_args(["collect", "hf", "--endpoint", "http://flag.example/"])
    assert settings_from(args).hf_endpoint == "http://flag.example"
    args = build_parser().parse_args(["collect", "openrouter", "--url", "http://or-flag.example/api/v1"])
    settings = settings_from(args)
    assert (settings.home, settings.openrouter_api) == (tmp_path, "http://or-flag.example/api/v1")


def test_the_cli_names_a_bad_environment_value_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "app.cli", "status"], capture_output=True, text=True, timeout=60,
                          env={"REVEALED_HOME": str(tmp_path), "HF_ENDPOINT": "not a url", "HF_TOKEN": SECRET,
                               "PATH": ""})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("revealed: error: hf_endpoint ($HF_ENDPOINT) is 'not a url'; expected an http(s) URL "
                           "such as https://huggingface.co\n")
    assert not any(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("command", [["status"], ["up", "--source", "reference", "--no-serve"], ["app"]])
@pytest.mark.parametrize("under", ["", "sub"])
def test_a_home_that_is_a_file_or_under_one_is_named_in_one_line(tmp_path, command, under):
    blocker = tmp_path / "afile"
    blocker.write_text("kept\n")
    home = blocker / under if under else blocker
    done = subprocess.run([sys.executable, "-m", "app.cli", *command], capture_output=True, text=True, timeout=60,
                          env={"REVEALED_HOME": str(home), "PATH": ""})
    where = f"under the file '{blocker}'" if under else "a file"
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"revealed: error: home ($REVEALED_HOME) is '{home}', {where}; expected a folder "
                           "(created when missing)\n")
    assert blocker.read_text() == "kept\n" and [p.name for p in tmp_path.iterdir()] == ["afile"]


@pytest.mark.parametrize("command", [["export", "weekly", "--out"], ["export", "benchmarks", "--out"],
                                     ["export", "parquet", "--out"], ["compact", "--out"],
                                     ["sandbox", "evaluate", "--dir"]])
def test_an_out_folder_that_is_a_file_is_named_before_anything_runs(tmp_path, command):
    blocker = tmp_path / "afile"
    blocker.write_text("kept\n")
    done = subprocess.run([sys.executable, "-m", "app.cli", *command, str(blocker / "sub")],
                          capture_output=True, text=True, timeout=60,
                          env={"REVEALED_HOME": str(tmp_path / "home"), "PATH": ""})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (f"revealed {' '.join(command[:-1])}: error: argument {command[-1]}: "
                                            f"'{blocker / 'sub'}' is under the file '{blocker}'; expected a folder "
                                            "(created when missing)")
    assert blocker.read_text() == "kept\n" and [p.name for p in tmp_path.iterdir()] == ["afile"]
