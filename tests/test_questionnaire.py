"""Questionnaire engine: built-ins, validation of definitions and answers, and picks that obey every constraint."""

import re
import shutil

import duckdb
import pytest
import sandbox_built
import yaml

from pipelines import profiles
from pipelines.serving import questionnaire as qn
from pipelines.serving import questionnaire_picks
from warehouse import db

MINIMAL = {"title": "t", "questions": [{"id": "size", "prompt": "max size?", "type": "number", "min": 0, "max": 10,
                                        "filter": {"column": "params_b", "op": "le"}}]}


@pytest.fixture(scope="module")
def served():
    """A read-only connection to the sandbox-built, published warehouse."""
    con = db.connect_serving(sandbox_built.built_home() / "serving.duckdb")
    yield con
    con.close()


def definition(**changes) -> str:
    """The minimal questionnaire YAML with top-level or first-question changes."""
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    question = changes.pop("question", {})
    data["questions"][0].update(question)
    data.update(changes)
    return yaml.safe_dump(data)


def picks_with_rows(served, name: str, answers: dict, top: int = 25):
    """Recommend, then fetch each pick's mart_models row."""
    q = qn.load(name)
    result = questionnaire_picks.recommend(served, q, qn.check_answers(q, answers), top=top)
    assert result.picks, f"{name} {answers} gave no picks"
    cols = [d[0] for d in served.execute("SELECT * FROM mart_models LIMIT 0").description]
    rows = [dict(zip(cols, served.execute("SELECT * FROM mart_models WHERE model_id = ?", [p.model_id]).fetchone(),
                     strict=True)) for p in result.picks]
    return result, rows


def test_builtins_load_with_three_or_more():
    names = qn.builtin_names()
    assert {"fine_tune_base", "run_locally", "procurement"} <= set(names)
    for name in names:
        assert qn.load(name).questions


def test_fine_tune_picks_obey_license_size_and_ecosystem(served):
    result, rows = picks_with_rows(served, "fine_tune_base", {"licenses": ["permissive", "copyleft"],
                                                              "max_params_b": 20, "ecosystem": "some"})
    for row in rows:
        assert row["license_class"] in ("permissive", "copyleft") and row["params_b"] <= 20
        assert row["pipeline_tag"] == "text-generation" and row["open_weight"]
    assert [p.score for p in result.picks] == sorted((p.score for p in result.picks), reverse=True)


def test_fine_tune_strong_ecosystem_requires_finetunes_and_adapters(served):
    _, rows = picks_with_rows(served, "fine_tune_base", {
        "licenses": ["permissive", "copyleft", "restricted", "unknown"], "max_params_b": 1000, "task": "any",
        "ecosystem": "strong", "open_weight": False})
    for row in rows:
        assert row["derivatives_finetune"] >= 10 and row["derivatives_adapter"] >= 5


@pytest.mark.parametrize(("vram", "precision", "bits"), [(8, "q4_k_m", 4.65), (24, "fp16", 16), (80, "q8_0", 8.5)])
def test_run_locally_picks_fit_vram_and_have_quantized_builds(served, vram, precision, bits):
    result, rows = picks_with_rows(served, "run_locally", {"vram_gb": vram, "precision": precision})
    for row, pick in zip(rows, result.picks, strict=True):
        assert row["params_b"] * bits / 8 * qn.VRAM_OVERHEAD <= vram
        assert row["derivatives_quantized"] > 0 and row["open_weight"]
        assert any(r.startswith(f"fits in {vram} GB: needs about") and f"at {bits:g} bits per weight" in r
                   for r in pick.reasons)


def test_procurement_picks_have_low_noise_and_momentum(served):
    result, rows = picks_with_rows(served, "procurement", {"max_automation": 0.2, "stability": "steady",
                                                           "clean_required": False})
    for row in rows:
        assert row["automation_share"] <= 0.2 and row["momentum"] >= 30
        assert row["license_class"] == "permissive" and row["open_weight"]


def test_procurement_clean_scores_required(served):
    q = qn.load("procurement")
    result = questionnaire_picks.recommend(served, q, qn.check_answers(q, {"clean_required": True}), top=200)
    clean = {m for (m,) in served.execute("SELECT model_id FROM mart_models WHERE clean_score IS NOT NULL").fetchall()}
    assert {p.model_id for p in result.picks} <= clean
    if not clean:
        assert result.matched == 0


def test_caveats_come_from_the_data(served):
    q = qn.load("run_locally")
    result = questionnaire_picks.recommend(served, q, qn.check_answers(q, {"vram_gb": 1024, "need_quantized": False,
                                                                           "open_weight": False, "task": "any"}),
                                           top=400)
    caveats = [c for p in result.picks for c in p.caveats]
    assert any(c.startswith("high automation share") for c in caveats)
    assert any(c == "weights gated: access needs approval" for c in caveats)
    assert any(c == "no clean benchmark score" for c in caveats)


def test_impossible_constraints_give_no_picks_not_an_error(served):
    q = qn.load("run_locally")
    result = questionnaire_picks.recommend(served, q, qn.check_answers(q, {"vram_gb": 1, "precision": "fp16"}))
    assert result.picks == [] and result.matched == 0


def test_no_picks_name_the_questions_and_answers_that_alone_leave_no_model_as_the_person_saw_them(served, tmp_path):
    path = tmp_path / "sizes.yaml"
    sizes = [{"id": q, "prompt": f"{word} size, in billions of parameters?", "type": "number", "min": 0, "max": 5000,
              "filter": {"column": "params_b", "op": op}} for q, word, op in (("largest", "Largest", "le"),
                                                                              ("smallest", "Smallest", "ge"))]
    task = {"id": "task", "prompt": "Which task?", "type": "choice", "default": "any", "options": [
        {"value": "any", "label": "Any task"},
        {"value": "none", "label": "A task no model has", "filters": [{"column": "pipeline_tag", "op": "eq",
                                                                       "value": "no-such-task"}]}]}
    path.write_text(yaml.safe_dump({"title": "t", "questions": [*sizes, task]}))
    q = qn.load(str(path))
    alone = questionnaire_picks.recommend(served, q, qn.check_answers(q, {"largest": 10, "smallest": 4000,
                                                                          "task": "none"}))
    assert alone.picks == [] and [n for n in alone.notes if "even on its own" in n] == [
        'no model in this build meets the answer "4000" to "Smallest size, in billions of parameters?" even on its '
        "own, so relaxing the other answers cannot help",
        'no model in this build meets the answer "A task no model has" to "Which task?" even on its own, so relaxing '
        "the other answers cannot help"]
    together = questionnaire_picks.recommend(served, q, qn.check_answers(q, {"largest": 10, "smallest": 20}))
    assert together.picks == [] and not [n for n in together.notes if "even on its own" in n]


def test_an_answer_is_labelled_as_the_person_saw_it():
    q = qn.load("procurement")
    shown = {qid: qn.answer_label(q.question(qid), value) for qid, value in
             (("licenses", ["permissive", "copyleft"]), ("clean_required", False), ("max_automation", 0.25),
              ("stability", "steady"))}
    assert shown == {"licenses": "Permissive, Copyleft", "clean_required": "no", "max_automation": "0.25",
                     "stability": "Not collapsing: momentum at least 30/100"}


def test_hostile_option_values_are_parameters_not_sql(served, tmp_path):
    hostile = "permissive') OR TRUE --"
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump({"title": "t", "questions": [{
        "id": "lic", "prompt": "p", "type": "multi_choice", "options": [{"value": hostile}],
        "filter": {"column": "license_class", "op": "in"}}]}))
    q = qn.load(str(path))
    result = questionnaire_picks.recommend(served, q, {"lic": [hostile]})
    assert result.picks == []


@pytest.mark.parametrize(("text", "message"), [
    (definition(colour="red"), "unknown key(s) colour"),
    (definition(question={"filter": {"column": "password", "op": "le"}}), "unknown column 'password'"),
    (definition(question={"filter": {"column": "params_b", "op": "like"}}), "unknown op 'like'"),
    (definition(question={"type": "slider"}), "type 'slider' is unknown"),
    (definition(question={"min": "small"}), "min is 'small'; expected a finite number"),
    (definition(question={"max": float("inf")}), "max is inf; expected a finite number"),
    (yaml.safe_dump({"title": "t", "questions": [{"id": "c", "prompt": "p", "type": "choice", "options": [
        {"value": "a", "filters": [{"column": "params_b", "op": "le", "value": float("nan")}]}]}]}),
     "value nan for params_b le; expected a number"),
    (definition(question={"default": 99}), "99 is not a number from 0 to 10"),
    (definition(question={"id": "drop table"}), "id must be a name"),
    (definition(base_profile="nope"), "base_profile 'nope' is not a profile"),
    (definition(questions=[MINIMAL["questions"][0]] * 2), "question id 'size' appears twice"),
    (yaml.safe_dump({"title": "t", "questions": [{"id": "c", "prompt": "p", "type": "choice", "options": [
        {"value": "a", "filters": [{"column": "open_weight", "op": "eq", "value": "yes"}]}]}]}),
     "value 'yes' for open_weight eq; expected a bool"),
    (yaml.safe_dump({"title": "t", "questions": [{"id": "c", "prompt": "p", "type": "choice", "options": [
        {"value": "a", "weights": {"vibes": 0.5}}]}]}), "unknown key(s) vibes"),
    ("- just\n- a list\n", "is a list; expected a mapping"),
    ("title: [unclosed\n", "is not valid YAML"),
])
def test_bad_definitions_are_named(text, message):
    with pytest.raises(qn.QuestionnaireError) as err:
        qn.parse(text, "custom")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_questionnaire_is_checked_and_weighted_against_the_profiles_file_given(tmp_path, served):
    custom = tmp_path / "profiles.toml"
    custom.write_text(profiles.DEFAULT_FILE.read_text() + "\n[profiles.mine]\nadoption = 1.0\n")
    path = tmp_path / "mine.yaml"
    path.write_text(definition(base_profile="mine"))
    with pytest.raises(qn.QuestionnaireError, match="base_profile 'mine' is not a profile"):
        qn.load(str(path))  # the packaged profiles have no 'mine'
    q = qn.load(str(path), custom)
    result = questionnaire_picks.recommend(served, q, qn.check_answers(q, {"size": 10}))
    assert result.plan.weights["adoption"] == 1.0 and sum(result.plan.weights.values()) == 1.0


def test_oversized_files_are_refused_before_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("title: t\n" + "# padding\n" * 8000)
    with pytest.raises(qn.QuestionnaireError, match=r"big.yaml is [\d,]+ bytes; expected at most 65,536"):
        qn.load(str(big))
    with pytest.raises(qn.QuestionnaireError, match="expected at most 65,536"):
        qn.answers_from_file(qn.load("run_locally"), big)


def test_unknown_questionnaire_lists_the_builtins():
    with pytest.raises(qn.QuestionnaireError, match="unknown questionnaire 'gpu'; expected one of .*run_locally"):
        qn.load("gpu")


@pytest.mark.parametrize(("answers", "message"), [
    ({"ram": 8}, "unknown question 'ram'"),
    ({"vram_gb": "lots"}, "answer to 'vram_gb': 'lots' is not a number from 1 to 1024"),
    ({"vram_gb": 5000}, "5000 is not a number from 1 to 1024"),
    ({"vram_gb": True}, "True is not a number"),
    ({"vram_gb": float("nan")}, "nan is not a number from 1 to 1024"),
    ({"precision": "int3"}, "'int3' is not an option; expected one of fp16, q8_0, q4_k_m, q2_k"),
    ({"need_quantized": "yes"}, "'yes' is not true or false"),
])
def test_bad_answers_are_named(answers, message):
    with pytest.raises(qn.QuestionnaireError) as err:
        qn.check_answers(qn.load("run_locally"), answers)
    assert message in str(err.value)


def test_bad_multi_choice_answer():
    with pytest.raises(qn.QuestionnaireError, match="'closed' is not a non-empty list"):
        qn.check_answers(qn.load("fine_tune_base"), {"licenses": "closed"})


def test_answers_file_must_be_a_mapping(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("- 24\n- q4_k_m\n")
    with pytest.raises(qn.QuestionnaireError, match="is a list; expected a mapping"):
        qn.answers_from_file(qn.load("run_locally"), path)


@pytest.mark.parametrize(("question", "text", "value"), [
    ("vram_gb", "12", 12), ("vram_gb", "7.5", 7.5), ("need_quantized", "No", False), ("precision", "3", "q4_k_m"),
    ("precision", "fp16", "fp16"),
])
def test_typed_answers_from_the_terminal(question, text, value):
    q = qn.load("run_locally")
    assert qn.answer_from_text(q.question(question), text) == value


def test_terminal_multi_choice_by_numbers_and_names():
    q = qn.load("fine_tune_base").question("licenses")
    assert qn.answer_from_text(q, "1, copyleft") == ["permissive", "copyleft"]
    for typed in ("9", "0", "1, Copyleft"):
        with pytest.raises(qn.QuestionnaireError) as caught:
            qn.answer_from_text(q, typed)
        assert str(caught.value) == (f"{typed.split(', ')[-1]!r} is not an option; expected a number from 1 to 4 or "
                                     "one of permissive, copyleft, restricted, unknown")


def recommend_on_a_copy(tmp_path, change: str, name: str, answers: dict):
    """Recommend over a copy of the sandbox-built serving file after an SQL change to it."""
    path = tmp_path / "serving.duckdb"
    shutil.copy(sandbox_built.built_home() / "serving.duckdb", path)
    with duckdb.connect(str(path)) as con:
        con.execute(change)
    served = db.connect_serving(path)
    q = qn.load(name)
    try:
        return questionnaire_picks.recommend(served, q, qn.check_answers(q, answers), top=25)
    finally:
        served.close()


def test_a_component_without_any_data_gets_no_weight(tmp_path):
    result = recommend_on_a_copy(tmp_path, "UPDATE mart_models SET momentum = NULL", "run_locally", {})
    assert result.plan.weights["momentum"] == 0 and sum(result.plan.weights.values()) == pytest.approx(1)
    assert "no momentum data in this build: its weight is spread over the other components" in result.notes
    assert result.picks and not any("momentum" in c for p in result.picks for c in p.caveats)


KINDS = ["derivatives_finetune", "derivatives_quantized", "derivatives_adapter", "derivatives_merge"]


@pytest.mark.parametrize(("unrelated", "lacks"), [
    (" + ".join(KINDS), "derivative relations (every derivative names its base without saying how it derives)"),
    ("0", "derivatives (no model in it names a base model)"),
], ids=["no relation", "no derivative"])
def test_a_constraint_on_data_the_build_lacks_is_not_applied_and_says_so(tmp_path, unrelated, lacks):
    # archived snapshots carry no parameter counts and bare `base_model:` tags say no relation; a build may have no
    # derivatives at all
    result = recommend_on_a_copy(tmp_path, f"UPDATE mart_models SET params_b = NULL, size_class = 'unknown', "
                                 f"derivatives_unknown = {unrelated}, {', '.join(f'{k} = 0' for k in KINDS)}",
                                 "run_locally", {})
    assert [n for n in result.notes if "is not applied" in n] == [
        'the answer "24" to "How much GPU memory (VRAM or unified memory) can the model use, in GB?" is not applied: '
        "this build has no parameter counts",
        'the answer "yes" to "Do you need ready-made quantised builds (GGUF, AWQ, GPTQ) to exist already?" is not '
        f"applied: this build has no {lacks}"]
    assert result.picks and "weights_gb" not in [f["column"] for f in result.plan.filters]
    unchecked = [f'not checked against your answer to "{q["prompt"]}": no {what} in this build' for q, what in (
        (result.questionnaire.question("vram_gb"), "parameter counts"),
        (result.questionnaire.question("need_quantized"), lacks))]
    for pick in result.picks:
        assert pick.caveats[:2] == unchecked and not any("not checked" in c for c in pick.caveats[2:])
        assert not any(c.startswith("no quantised derivative yet") for c in pick.caveats)  # relations are not known
        assert not any("parameters" in r or "top " in r for r in pick.reasons)


def test_a_limit_on_any_column_without_a_value_is_not_applied_and_says_so(tmp_path):
    # clean_score is no component, and `present` is the limit's only op: it left no pick before
    result = recommend_on_a_copy(tmp_path, "UPDATE mart_models SET clean_score = NULL", "procurement", {})
    prompt = "Require a clean benchmark score (not just a model-card claim)?"
    assert [n for n in result.notes if "is not applied" in n] == [
        f'the answer "yes" to "{prompt}" is not applied: this build has no clean score data']
    assert result.picks and [f["column"] for f in result.plan.filters] == [
        "license_class", "automation_share", "momentum", "open_weight"]  # only that limit is left out
    assert all(p.caveats[0] == f'not checked against your answer to "{prompt}": no clean score data in this build'
               for p in result.picks)


DEBUG_TEXT = re.compile(r"[a-z]+_[a-z_]+|\(<=|>=|<=|/8|\d\.\d{4,}|\bx \d")


@pytest.mark.parametrize(("priority", "component"), [("quality", "capability"), ("popular", "adoption")])
def test_a_stated_priority_orders_the_picks_by_its_signal(served, priority, component):
    _, rows = picks_with_rows(served, "run_locally", {"vram_gb": 1024, "need_quantized": False, "task": "any",
                                                      "open_weight": False, "priority": priority})
    signal = [row[component] for row in rows]
    known = [v for v in signal if v == v and v is not None]
    assert known and signal[:len(known)] == sorted(known, reverse=True)  # by the signal, none without it above


def test_fine_tune_base_recommends_real_bases_within_the_size(served):
    result, rows = picks_with_rows(served, "fine_tune_base", {})
    for row, pick in zip(rows, result.picks, strict=True):
        assert row["model_id"] == row["family"]  # names no parent: a base, not someone's fine-tune
        assert 1 <= row["params_b"] <= 14 and row["pipeline_tag"] == "text-generation"
        # "a base model" only where fine-tunes name it theirs: naming no parent, an instruct model may pass
        said = [r for r in pick.reasons if "parent" in r]
        assert said == ([f"a base model: it names no parent model on the Hub; {row['derivatives_finetune']:,} "
                         f"fine-tune{'s build' if row['derivatives_finetune'] != 1 else ' builds'} on it"]
                        if row["derivatives_finetune"] else
                        ["no declared parent: its Hub listing names no model it derives from"])
    assert {r["derivatives_finetune"] > 0 for r in rows} == {True, False}  # the sandbox has both


def test_reasons_read_as_plain_language_and_weak_figures_are_caveats(served):
    for name, answers in [("run_locally", {"priority": "popular"}), ("fine_tune_base", {}),
                          ("procurement", {"clean_required": False})]:
        result, rows = picks_with_rows(served, name, answers)
        for pick, row in zip(result.picks, rows, strict=True):
            for reason in pick.reasons:
                assert not DEBUG_TEXT.search(reason), reason
            if row["capability"] is not None and row["capability"] < 40:
                assert not any("benchmark score" in r for r in pick.reasons)
            assert pick.why.startswith(f"#{row['rank']} of ") or pick.why.startswith("Not ranked")
    result, _ = picks_with_rows(served, "run_locally", {"priority": "popular"})
    assert re.fullmatch(r"people downloaded it [\d.]+k? times in the last 30 days, top \d+% of \S+ models",
                        next(r for r in result.picks[0].reasons if r.startswith("people")))


def test_the_template_lists_every_question_and_answers_as_the_defaults(served, tmp_path):
    for name in qn.builtin_names():
        q = qn.load(name)
        text = qn.template(q)
        for question in q.questions:
            assert f"# {question['prompt']}" in text
            for option in question.get("options", []):
                assert f"#   {option['value']}: " in text
        assert qn.check_answers(q, yaml.safe_load(text)) == qn.check_answers(q, {})


@pytest.mark.parametrize(("answers", "message"), [
    ({"vram_gb": 1e308}, "1e+308 is not a number from 1 to 1024"),
    ({"vram_gb": float("nan")}, "nan is not a number from 1 to 1024"),
    ({"vram_gb": [24] * 10_000}, "is not a number from 1 to 1024"),
    ({"priority": {"quality": True}}, "is not an option; expected one of quality, popular"),
    ({"x" * 10_000: 1}, "unknown question 'xxxxx"),
])
def test_hostile_answers_get_a_short_clear_error(answers, message):
    with pytest.raises(qn.QuestionnaireError) as err:
        qn.check_answers(qn.load("run_locally"), answers)
    assert message in str(err.value) and len(str(err.value)) < 300
