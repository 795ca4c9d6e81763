"""Model-selection questionnaires: YAML definitions, answer validation, and picks from mart_models with reasons."""

import reprlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines import profiles
from pipelines.config_files import MAX_BYTES, read_limited

BUILTIN = Path(__file__).parent / "questionnaires"
# mart_models columns a questionnaire may filter on, by kind of value.
COLUMNS = {
    "text": {"license", "license_class", "size_class", "pipeline_tag", "family"},
    "bool": {"open_weight"},
    "number": {"params_b", "automation_share", "coverage", "composite", "rank", *profiles.COMPONENTS,
               "clean_score", "legacy_score", "contamination_gap", "derivatives_finetune", "derivatives_quantized",
               "derivatives_adapter", "derivatives_merge", "active_derivatives", "github_stars",
               "organic_downloads_30d", "raw_downloads_30d", "likes"},
}
ALL_COLUMNS = set().union(*COLUMNS.values())
# weights_gb (questionnaire_picks.sql): params (billions) x bits per weight / 8 x 1.2 for KV cache and runtime.
VRAM_OVERHEAD = 1.2
# Columns questionnaire_picks.sql derives: weights_gb, and is_base (names no parent and no build format in its name;
# questionnaire_picks.describe says 'a base model' only where fine-tunes name it theirs).
DERIVED = {"weights_gb": "number", "is_base": "bool"}
SETTINGS = {"bits": 16.0}  # values an option may set, with their defaults
OPS = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "IN", "present": "IS NOT NULL"}
TYPES = ("choice", "multi_choice", "number", "boolean")
TOP_KEYS = {"title", "description", "base_profile", "questions"}
QUESTION_KEYS = {"id", "prompt", "help", "type", "options", "min", "max", "default", "filter", "if_true", "if_false"}
EFFECT_KEYS = {"filters", "weights", "set", "priority"}
OPTION_KEYS = {"value", "label"} | EFFECT_KEYS
FILTER_KEYS = {"column", "op", "value"}


SHORT = reprlib.Repr()
SHORT.maxstring = SHORT.maxother = 60
SHORT.maxlist = SHORT.maxdict = 4
SHORT.maxlevel = 2


def shown(value) -> str:
    """A short repr of a value from a file or a person: hostile input never floods an error message."""
    return SHORT.repr(value)


class QuestionnaireError(ValueError):
    """A bad questionnaire or answer: one line naming the bad value and what was expected."""


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire."""

    name: str
    title: str
    description: str
    base_profile: str
    questions: list[dict]
    config: profiles.Config = field(repr=False)  # the profiles and settings it was checked against

    def question(self, qid: str) -> dict:
        """The question with this id."""
        return next(q for q in self.questions if q["id"] == qid)


@dataclass
class Pick:
    """One recommended model with the reasons for it and the caveats against it."""

    model_id: str
    family: str
    score: float
    coverage: float
    reasons: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    why: str = ""


def parse_yaml(text: str, what: str, expected: str = "a mapping of key: value") -> dict:
    """Safely parse YAML that must be a mapping; errors say what was expected."""
    if len(text.encode()) > MAX_BYTES:
        raise QuestionnaireError(f"{what} is {len(text.encode()):,} bytes; expected at most {MAX_BYTES:,}")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise QuestionnaireError(f"{what} is not valid YAML: {' '.join(str(exc).split())}") from None
    if data is None:
        raise QuestionnaireError(f"{what} is empty; expected {expected}")
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{what} is a {type(data).__name__}; expected {expected}")
    return data


def builtin_names() -> list[str]:
    """Names of the built-in questionnaires."""
    return sorted(p.stem for p in BUILTIN.glob("*.yaml"))


def load(name: str, profiles_file: Path | None = None) -> Questionnaire:
    """A built-in questionnaire by name, or a YAML file by path, over a profiles file (None: the packaged one)."""
    if name in builtin_names():
        path = BUILTIN / f"{name}.yaml"
    elif name.endswith((".yaml", ".yml")):
        path = Path(name)
    else:
        raise QuestionnaireError(f"unknown questionnaire {shown(name)}; expected one of {', '.join(builtin_names())} "
                                 "or a path to a .yaml file")
    return parse(read_limited(path, "questionnaire", QuestionnaireError), path.stem, profiles.load(profiles_file))


def parse(text: str, name: str, config: profiles.Config | None = None) -> Questionnaire:
    """Validate a questionnaire definition against config's profiles (None: the packaged profiles file)."""
    where = f"questionnaire {shown(name)}"
    data = parse_yaml(text, where)
    check_keys(data, TOP_KEYS, where, required={"title", "questions"})
    config = config or profiles.load()
    base = data.get("base_profile", config.default_profile)
    if base not in config.profiles:
        raise QuestionnaireError(f"{where}: base_profile {shown(base)} is not a profile; expected one of "
                                 f"{', '.join(sorted(config.profiles))}")
    questions = data["questions"]
    if not isinstance(questions, list) or not questions:
        raise QuestionnaireError(f"{where}: questions is {shown(questions)}; expected a non-empty list")
    seen = set()
    for i, q in enumerate(questions):
        check_question(q, f"{where} question {i + 1}")
        if q["id"] in seen:
            raise QuestionnaireError(f"{where}: question id {shown(q['id'])} appears twice; expected unique ids")
        seen.add(q["id"])
    return Questionnaire(name, str(data["title"]), str(data.get("description", "")), base, questions, config)


def check_keys(data, allowed: set, where: str, required: set = frozenset()) -> None:
    """A mapping with only allowed keys and every required one."""
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{where} is {shown(data)}; expected a mapping")
    unknown = set(data) - allowed
    if unknown:
        raise QuestionnaireError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected "
                                 f"{', '.join(sorted(allowed))}")
    missing = required - set(data)
    if missing:
        raise QuestionnaireError(f"{where}: missing key(s) {', '.join(sorted(missing))}")


def check_question(q, where: str) -> None:
    """Validate one question and its mappings to filters and weights."""
    check_keys(q, QUESTION_KEYS, where, required={"id", "prompt", "type"})
    where = f"{where} ({shown(q['id'])})"
    if not isinstance(q["id"], str) or not q["id"].isidentifier():
        raise QuestionnaireError(f"{where}: id must be a name of letters, digits and underscores")
    if q["type"] not in TYPES:
        raise QuestionnaireError(f"{where}: type {shown(q['type'])} is unknown; expected one of {', '.join(TYPES)}")
    if q["type"] in ("choice", "multi_choice"):
        options = q.get("options")
        if not isinstance(options, list) or not options:
            raise QuestionnaireError(f"{where}: options must be a non-empty list")
        for option in options:
            check_keys(option, OPTION_KEYS, f"{where} option", required={"value"})
            check_effect(option, f"{where} option {shown(option['value'])}")
    elif "options" in q:
        raise QuestionnaireError(f"{where}: options are only for choice and multi_choice questions")
    if q["type"] == "number":
        for bound in ("min", "max"):
            if not profiles.finite_number(q.get(bound)):
                raise QuestionnaireError(f"{where}: {bound} is {shown(q.get(bound))}; expected a finite number")
        if q["min"] > q["max"]:
            raise QuestionnaireError(f"{where}: min {q['min']} is above max {q['max']}")
    elif "min" in q or "max" in q:
        raise QuestionnaireError(f"{where}: min and max are only for number questions")
    if "filter" in q:
        if q["type"] not in ("number", "multi_choice"):
            raise QuestionnaireError(f"{where}: filter (answer as the value) is only for number and multi_choice")
        check_keys(q["filter"], {"column", "op"}, f"{where} filter", required={"column", "op"})
        expected_op = "in" if q["type"] == "multi_choice" else None
        check_filter({**q["filter"], "value": 0 if expected_op is None else []}, f"{where} filter")
        if expected_op and q["filter"]["op"] != "in":
            raise QuestionnaireError(f"{where} filter: op {shown(q['filter']['op'])}; a multi_choice filter uses 'in'")
    for branch in ("if_true", "if_false"):
        if branch in q:
            if q["type"] != "boolean":
                raise QuestionnaireError(f"{where}: {branch} is only for boolean questions")
            check_keys(q[branch], EFFECT_KEYS, f"{where} {branch}")
            check_effect(q[branch], f"{where} {branch}")
    if "default" in q:
        check_answer(q, q["default"], f"{where} default")


def check_effect(effect: dict, where: str) -> None:
    """Validate the filters, weight changes and settings of an option or branch."""
    filters = effect.get("filters", [])
    if not isinstance(filters, list):
        raise QuestionnaireError(f"{where}: filters is {shown(filters)}; expected a list")
    for f in filters:
        check_filter(f, f"{where} filter")
    weights = effect.get("weights", {})
    check_keys(weights, set(profiles.COMPONENTS), f"{where} weights")
    for component, delta in weights.items():
        if not profiles.finite_number(delta) or not -1 <= delta <= 1:
            raise QuestionnaireError(f"{where}: weight change for {component} is {shown(delta)}; "
                                     "expected a number from -1 to 1")
    if "priority" in effect and effect["priority"] not in profiles.COMPONENTS:
        raise QuestionnaireError(f"{where}: priority {shown(effect['priority'])} is not a component; expected one "
                                 f"of {', '.join(profiles.COMPONENTS)}")
    settings = effect.get("set", {})
    check_keys(settings, set(SETTINGS), f"{where} set")
    for key, value in settings.items():
        if not profiles.finite_number(value) or not 1 <= value <= 32:
            raise QuestionnaireError(f"{where}: {key} is {shown(value)}; expected a number from 1 to 32")


def check_filter(f, where: str) -> None:
    """A filter on an allow-listed column with a known operator and a value of the right type."""
    check_keys(f, FILTER_KEYS, where, required={"column", "op"})
    column, op = f["column"], f["op"]
    if column not in ALL_COLUMNS | set(DERIVED):
        raise QuestionnaireError(f"{where}: unknown column {shown(column)}; expected one of "
                                 f"{', '.join(sorted(ALL_COLUMNS | set(DERIVED)))}")
    if op not in OPS:
        raise QuestionnaireError(f"{where}: unknown op {shown(op)}; expected one of {', '.join(OPS)}")
    value = f.get("value")
    if op == "present":
        return
    kind = DERIVED.get(column) or next(k for k, cols in COLUMNS.items() if column in cols)
    values = value if op == "in" and isinstance(value, list) else [value]
    ok = {"number": profiles.finite_number, "bool": lambda v: isinstance(v, bool),
          "text": lambda v: isinstance(v, str)}[kind]
    if (op == "in") != isinstance(value, list) or not all(ok(v) for v in values):
        shape = f"a list of {kind} values" if op == "in" else f"a {kind}"
        raise QuestionnaireError(f"{where}: value {shown(value)} for {column} {op}; expected {shape}")


def option_values(q: dict) -> list:
    """The allowed values of a choice question."""
    return [o["value"] for o in q["options"]]


def answer_label(q: dict, value) -> str:
    """A valid answer as the person saw it: an option's label (labels, comma-separated), yes or no, or the number."""
    if q["type"] == "number":
        return f"{value:g}"
    if q["type"] == "boolean":
        return "yes" if value else "no"
    labels = {o["value"]: str(o.get("label", o["value"])) for o in q["options"]}
    return ", ".join(labels[v] for v in (value if q["type"] == "multi_choice" else [value]))


def check_answer(q: dict, value, where: str) -> None:
    """An answer of the question's type and range."""
    kind = q["type"]
    if kind == "number":
        if not profiles.finite_number(value) or not q["min"] <= value <= q["max"]:
            raise QuestionnaireError(f"{where}: {shown(value)} is not a number from {q['min']} to {q['max']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise QuestionnaireError(f"{where}: {shown(value)} is not true or false")
    elif kind == "choice":
        if value not in option_values(q):
            raise QuestionnaireError(f"{where}: {shown(value)} is not an option; expected one of "
                                     f"{', '.join(map(str, option_values(q)))}")
    elif not isinstance(value, list) or not value or any(v not in option_values(q) for v in value):
        raise QuestionnaireError(f"{where}: {shown(value)} is not a non-empty list of options from "
                                 f"{', '.join(map(str, option_values(q)))}")


def answers_from_file(questionnaire: Questionnaire, path: Path) -> dict:
    """Read and validate a YAML or JSON answers file."""
    text = read_limited(path, "answers file", QuestionnaireError)
    ids = ", ".join(q["id"] for q in questionnaire.questions)
    expected = f"a mapping of question id: answer, one per line (questions: {ids})"
    return check_answers(questionnaire, parse_yaml(text, f"answers file {path}", expected))


def check_answers(questionnaire: Questionnaire, answers: dict) -> dict:
    """Every answer for a known question and valid; defaults fill the rest. Returns the full answers."""
    ids = [q["id"] for q in questionnaire.questions]
    unknown = [k for k in answers if k not in ids]
    if unknown:
        raise QuestionnaireError(f"unknown question {shown(unknown[0])} in the answers; questionnaire "
                                 f"{shown(questionnaire.name)} asks {', '.join(ids)}")
    full = {}
    for q in questionnaire.questions:
        if q["id"] in answers:
            check_answer(q, answers[q["id"]], f"answer to {shown(q['id'])}")
            full[q["id"]] = answers[q["id"]]
        elif "default" in q:
            full[q["id"]] = q["default"]
        else:
            raise QuestionnaireError(f"no answer to {shown(q['id'])} and it has no default")
    return full


def answer_from_text(q: dict, text: str):
    """A typed answer from what a person typed: a number, yes/no, an option (value or number), or a comma list."""
    text = text.strip()
    if q["type"] == "number":
        try:
            value = float(text)
        except ValueError:
            raise QuestionnaireError(f"{shown(text)} is not a number from {q['min']} to {q['max']}") from None
        value = int(value) if value.is_integer() else value
    elif q["type"] == "boolean":
        words = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}
        if text.lower() not in words:
            raise QuestionnaireError(f"{shown(text)} is not an answer; expected yes or no")
        value = words[text.lower()]
    else:
        values = option_values(q)
        tokens = [t for t in (p.strip() for p in text.split(",")) if t]
        numbered = {str(i): v for i, v in enumerate(values, 1)}
        wrong = next((t for t in tokens if t not in numbered and t not in values), None)
        if wrong is not None:
            raise QuestionnaireError(f"{shown(wrong)} is not an option; expected a number from 1 to {len(values)} "
                                     f"or one of {', '.join(map(str, values))}")
        picked = [numbered.get(t, t) for t in tokens]
        value = picked if q["type"] == "multi_choice" else ",".join(picked)
    check_answer(q, value, "answer")
    return value


def template(questionnaire: Questionnaire) -> str:
    """An answers file with every question, its allowed values and its default (YAML, comments for people)."""
    lines = [f"# Answers for questionnaire {questionnaire.name}: {questionnaire.title}",
             f"# Use: revealed ask -q {questionnaire.name} --answers FILE",
             "# Every question is listed with its default. Change a value, or delete a line to keep the default.", ""]
    for q in questionnaire.questions:
        lines.append(f"# {q['prompt']}")
        if q.get("help"):
            lines.append(f"# {q['help']}")
        if q["type"] == "number":
            lines.append(f"# a number from {q['min']} to {q['max']}")
        elif q["type"] == "boolean":
            lines.append("# true or false")
        else:
            lines.append("# one of:" if q["type"] == "choice" else "# a list of one or more of:")
            lines += [f"#   {o['value']}: {o.get('label', o['value'])}" for o in q["options"]]
        value = q.get("default")
        lines += [yaml.safe_dump({q["id"]: value}, default_flow_style=True, width=1000).strip()[1:-1]
                  if "default" in q else f"{q['id']}: null  # required: no default", ""]
    return "\n".join(lines)
