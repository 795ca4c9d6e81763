"""`revealed ask` as a user runs it: a real subprocess, batch and interactive (through a pseudo-terminal)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sandbox_built

REVEALED = [sys.executable, "-m", "app.cli"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def published() -> Path:
    """A REVEALED_HOME with a sandbox-built, published serving copy."""
    return sandbox_built.built_home()


def revealed(home: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run the CLI with REVEALED_HOME set."""
    env = {**os.environ, "REVEALED_HOME": str(home)}
    return subprocess.run([*REVEALED, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          **kwargs)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_batch_json_picks_obey_the_answers(published, tmp_path):
    answers = write(tmp_path / "a.yaml", "vram_gb: 12\nprecision: q8_0\nopen_weight: true\n")
    done = revealed(published, "ask", "--questionnaire", "run_locally", "--answers", str(answers),
                    "--format", "json", "--top", "4")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["data_kind"] == "sandbox" and "fictional" in out["note"]
    assert 0 < len(out["picks"]) <= 4
    con = duckdb.connect(str(published / "serving.duckdb"), read_only=True)
    for pick in out["picks"]:
        assert set(pick) >= {"model_id", "family", "score", "reasons", "caveats"}
        params_b, open_weight = con.execute("SELECT params_b, open_weight FROM mart_models WHERE model_id = ?",
                                            [pick["model_id"]]).fetchone()
        assert params_b * 8.5 / 8 * 1.2 <= 12 and open_weight
    con.close()


def test_run_locally_with_the_pulled_priority_puts_the_most_pulled_first(published, tmp_path):
    answers = write(tmp_path / "a.yaml", "vram_gb: 80\npriority: pulled\nneed_quantized: false\ntask: any\n")
    done = revealed(published, "ask", "-q", "run_locally", "--answers", str(answers), "--format", "json", "--top", "3")
    assert done.returncode == 0, done.stderr
    picks = json.loads(done.stdout)["picks"]
    con = duckdb.connect(str(published / "serving.duckdb"), read_only=True)
    pulled = [con.execute("SELECT local_use FROM mart_models WHERE model_id = ?", [p["model_id"]]).fetchone()[0]
              for p in picks]
    [(best,)] = con.execute("SELECT max(local_use) FROM mart_models WHERE NOT mostly_automation AND open_weight "
                            "AND params_b * 4.65 / 8 * 1.2 <= 80").fetchall()
    con.close()
    assert len(picks) == 3 and pulled[0] == best and pulled == sorted(pulled, reverse=True)
    assert any("Ollama pulls in the last 30 days" in r for r in picks[0]["reasons"])


def test_batch_markdown_says_sandbox(published, tmp_path):
    answers = write(tmp_path / "a.json", '{"licenses": ["permissive"], "max_automation": 0.5, "clean_required": false, '
                                         '"stability": "any"}')
    done = revealed(published, "ask", "-q", "procurement", "--answers", str(answers))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Procurement due diligence")
    assert "Sandbox data: fictional" in done.stdout and "## 1. " in done.stdout and "- why: " in done.stdout


@pytest.mark.parametrize(("name", "answers", "order"), [
    ("run_locally", "vram_gb: 80\npriority: pulled\n",
     "Order: highest local use first (picks without it last), then highest questionnaire score."),
    ("procurement", "stability: any\nclean_required: false\n", "Order: highest questionnaire score first."),
])
def test_markdown_says_the_order_and_labels_the_questionnaire_score_apart_from_the_leaderboard(
        published, tmp_path, name, answers, order):
    done = revealed(published, "ask", "-q", name, "--answers", str(write(tmp_path / "a.yaml", answers)), "--top", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[lines.index(order) + 2].startswith("## 1. ")  # said once, just above the picks
    picks = json.loads(revealed(published, "ask", "-q", name, "--answers", str(tmp_path / "a.yaml"), "--format", "json",
                                "--top", "3").stdout)["picks"]
    for i, pick in enumerate(picks, 1):
        card = lines[lines.index(f"## {i}. {pick['model_id']}") + 1:]
        assert card[0] == (f"family {pick['family']} · questionnaire score {pick['score']:.1f} "
                           f"(coverage {pick['coverage'] * 100:.0f}%)")
        assert card[2] == f"- leaderboard (balanced profile): {pick['why']}"


@pytest.mark.parametrize(("content", "message"), [
    ("ram: 8\n", "unknown question 'ram'"),
    ("vram_gb: plenty\n", "'plenty' is not a number from 1 to 1024"),
    ("vram_gb: 0\n", "0 is not a number from 1 to 1024"),
    ("need_quantized: maybe\n", "'maybe' is not true or false"),
    ("just a string\n", "is a str; expected a mapping"),
    ("", "is empty; expected a mapping of question id: answer"),
    ("# only a comment\n", "is empty; expected a mapping of question id: answer"),
    ("vram_gb: [\n", "is not valid YAML"),
    ("#" * 70_000, "bytes; expected at most 65,536"),
])
def test_bad_answer_files_exit_2_with_one_line(published, tmp_path, content, message):
    answers = write(tmp_path / "bad.yaml", content)
    done = revealed(published, "ask", "-q", "run_locally", "--answers", str(answers))
    assert done.returncode == 2
    assert done.stdout == "" and message in done.stderr and done.stderr.count("\n") == 1


def test_unknown_questionnaire_exits_2(published, tmp_path):
    answers = write(tmp_path / "a.yaml", "x: 1\n")
    done = revealed(published, "ask", "-q", "gpu_picker", "--answers", str(answers))
    assert done.returncode == 2 and "unknown questionnaire 'gpu_picker'" in done.stderr


def test_without_a_terminal_batch_flags_are_required(published):
    done = revealed(published, "ask", stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "--questionnaire NAME --answers FILE" in done.stderr


def test_without_a_terminal_a_named_questionnaire_asks_for_answers_and_the_help_says_so(published, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the help's lines unwrapped
    done = revealed(published, "ask", "-q", "run_locally", stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", (
        "revealed: error: no terminal to ask the questions in (stdin is not a terminal); expected --answers FILE "
        "(revealed ask -q run_locally --template FILE writes one)\n"))
    helped = " ".join(revealed(published, "ask", "--help").stdout.split())
    assert "without one (stdin not a terminal: a pipe, a script, CI) it needs --questionnaire NAME --answers FILE" \
        in helped and "--answers FILE YAML/JSON answers (question id: answer); required without a terminal" in helped


def test_nothing_published_says_run_build(tmp_path):
    answers = write(tmp_path / "a.yaml", "vram_gb: 8\n")
    done = revealed(tmp_path, "ask", "-q", "run_locally", "--answers", str(answers))
    assert done.returncode == 1 and "revealed build" in done.stderr


def test_interactive_reprompts_until_valid_and_uses_defaults(published):
    primary, replica = os.openpty()
    env = {**os.environ, "REVEALED_HOME": str(published)}
    proc = subprocess.Popen([*REVEALED, "ask", "--format", "json", "--top", "2"], stdin=replica,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True)
    os.close(replica)
    # questionnaire 3 of the sorted built-ins (run_locally); vram: bad, then 16; the rest: defaults.
    os.write(primary, b"3\nlots\n16\n\n\n\n\n\n")
    out, err = proc.communicate(timeout=120)
    os.close(primary)
    assert proc.returncode == 0, err
    assert "'lots' is not a number from 1 to 1024" in out
    result = json.loads(out[out.index("{"):])
    assert result["questionnaire"] == "run_locally" and result["answers"]["vram_gb"] == 16
    assert result["answers"]["precision"] == "q4_k_m" and len(result["picks"]) == 2


def test_alias_bomb_answer_gets_a_short_error(published, tmp_path):
    lines = ["licenses:", '  - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    answers = write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    done = revealed(published, "ask", "-q", "fine_tune_base", "--answers", str(answers))
    assert done.returncode == 2 and "answer to 'licenses'" in done.stderr and len(done.stderr) < 400


def test_template_writes_an_answers_file_that_asks_the_defaults(published, tmp_path):
    path = tmp_path / "answers.yaml"
    done = revealed(published, "ask", "-q", "fine_tune_base", "--template", str(path))
    assert done.returncode == 0, done.stderr
    text = path.read_text()
    assert "# Only base models (not a fine-tune, quantisation, adapter or merge of another model)?" in text
    assert "#   permissive: Permissive (Apache-2.0, MIT, BSD)" in text and "base_only: true" in text
    printed = revealed(published, "ask", "-q", "fine_tune_base", "--template")
    assert printed.returncode == 0 and printed.stdout == text
    with_template = revealed(published, "ask", "-q", "fine_tune_base", "--answers", str(path), "--format", "json")
    empty = write(tmp_path / "empty.yaml", "{}\n")
    with_defaults = revealed(published, "ask", "-q", "fine_tune_base", "--answers", str(empty), "--format", "json")
    assert json.loads(with_template.stdout)["picks"] == json.loads(with_defaults.stdout)["picks"] != []
    again = revealed(published, "ask", "-q", "fine_tune_base", "--template", str(path))
    assert again.returncode == 2 and "already exists; expected a new file name (nothing was written)" in again.stderr
    assert path.read_text() == text
    alone = revealed(published, "ask", "--template")
    assert alone.returncode == 2 and "--template needs --questionnaire NAME" in alone.stderr
