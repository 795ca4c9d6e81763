"""Apply questionnaire answers to mart_models: hard constraints, adjusted weights, and picks with reasons."""

import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import profiles
from pipelines.serving import format as fmt
from pipelines.serving import why_rank
from pipelines.serving.questionnaire import (
    ALL_COLUMNS,
    OPS,
    SETTINGS,
    VRAM_OVERHEAD,
    Pick,
    Questionnaire,
    QuestionnaireError,
    answer_label,
)
from pipelines.steps.denoise import BUILD_NAME

PICKS_SQL = (Path(__file__).parent / "questionnaire_picks.sql").read_text()
HIGH_AUTOMATION = 0.3
LARGE_GAP = 10.0
FALLING_MOMENTUM = 30.0
RELATIONS = tuple(f"derivatives_{r}" for r in ("finetune", "quantized", "adapter", "merge"))
# what a build without any value of a column lacks, where not "<column> data"
LACKS = {"params_b": "parameter counts", "open_weight": "gating data (which weights need approval)"}
READ_AS = {"weights_gb": "params_b", "is_base": "family"}  # questionnaire_picks.sql's derived columns: what they read
STRONG, WEAK = 60.0, 40.0  # a weighed component at least STRONG is a reason, below WEAK a caveat
# How a strong or weak component reads ({} is its raw figure, pipelines/serving/why_rank.py); adoption's strength is
# downloads(); low momentum has its own caveat.
STRENGTHS = {
    "capability": "clean (contamination-resistant) benchmark score {}/100",
    "momentum": "downloads are rising: the last week is above the weeks before it",
    "ecosystem": "{} derivatives in real use build on it",
    "community": "{} GitHub stars on its repository",
    "local_use": "people run it: {} Ollama pulls in the last 30 days",
    "api_use": "people pay to run it: {} OpenRouter tokens in the last 30 days",
}
WEAKNESSES = {
    "adoption": "few downloads: {} in the last 30 days",
    "capability": "low clean benchmark score: {}/100",
    "ecosystem": "few derivatives in real use ({})",
    "community": "little GitHub following ({} stars)",
}


@dataclass
class Plan:
    """What the answers ask for: hard constraints, component weights (summing to 1) and settings."""

    filters: list[dict] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    settings: dict[str, float] = field(default_factory=lambda: dict(SETTINGS))
    priority: str | None = None


@dataclass
class Result:
    """The picks and what produced them."""

    questionnaire: Questionnaire
    answers: dict
    plan: Plan
    picks: list[Pick]
    matched: int
    data_kind: str
    notes: list[str]
    as_of_hf: str | None = None  # the Hub snapshot's date, which archived data's note names


def plan(questionnaire: Questionnaire, answers: dict, absent: tuple[str, ...] = ()) -> Plan:
    """Turn validated answers into filters, adjusted weights and settings; `absent` components get no weight."""
    result = Plan(weights=dict(questionnaire.config.profiles[questionnaire.base_profile]))

    def apply(effect: dict, qid: str) -> None:
        result.filters.extend({**f, "question": qid} for f in effect.get("filters", []))
        for component, delta in effect.get("weights", {}).items():
            result.weights[component] += delta
        result.settings.update(effect.get("set", {}))
        result.priority = effect.get("priority", result.priority)

    for q in questionnaire.questions:
        answer = answers[q["id"]]
        options = {o["value"]: o for o in q.get("options", [])}
        if q["type"] == "choice":
            apply(options[answer], q["id"])
        elif q["type"] == "multi_choice":
            for value in answer:
                apply(options[value], q["id"])
        elif q["type"] == "boolean":
            apply(q.get("if_true" if answer else "if_false", {}), q["id"])
        if "filter" in q:
            result.filters.append({**q["filter"], "value": answer, "question": q["id"]})
    weights = {c: 0.0 if c in absent else max(w, 0.0) for c, w in result.weights.items()}
    total = sum(weights.values())
    if total == 0:
        raise QuestionnaireError("these answers leave no weight on a component this build has data for; "
                                 f"expected at least one of {', '.join(c for c in weights if c not in absent)}")
    result.weights = {c: w / total for c, w in weights.items()}
    result.priority = None if result.priority in absent else result.priority  # no value of it to put first
    return result


def where_clause(filters: list[dict]) -> tuple[str, dict]:
    """SQL conditions over allow-listed columns (validated at load), with every value a parameter."""
    parts, params = [], {}
    for i, f in enumerate(filters):
        column, op = f["column"], f["op"]
        if op == "present":
            parts.append(f"{column} IS NOT NULL")
        elif op == "in":
            parts.append(f"list_contains($f{i}, {column})")
            params[f"f{i}"] = f["value"]
        else:
            parts.append(f"{column} {OPS[op]} $f{i}")
            params[f"f{i}"] = f["value"]
    return " AND ".join(parts) or "TRUE", params


def recommend(con: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, answers: dict, top: int = 10) -> Result:
    """The best `top` models that meet every hard constraint, scored under the adjusted weights."""
    lacks = lacking(con)
    absent = tuple(c for c in profiles.COMPONENTS if c in lacks)
    p = plan(questionnaire, answers, absent)
    skipped = {f["question"]: lacks[f["column"]] for f in p.filters if f["column"] in lacks}
    p.filters = [f for f in p.filters if f["column"] not in lacks]
    frame = candidates(con, questionnaire, p, p.filters, top)
    meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('data_kind', 'as_of_hf')").fetchall())
    config = questionnaire.config
    unchecked = [f'not checked against your answer to "{questionnaire.question(qid)["prompt"]}": no {missing} in '
                 "this build" for qid, missing in skipped.items()]
    picks = [make_pick(row, p, config.profiles[config.default_profile], lacks, unchecked)
             for row in frame.to_dict("records")]
    matched = int(frame["matched"].iloc[0]) if len(frame) else 0
    notes = [f"no {lacks[c]} in this build: its weight is spread over the other components" for c in absent]
    notes += [f'the answer "{answer_label(q, answers[qid])}" to "{q["prompt"]}" is not applied: this build has no '
              f"{missing}" for qid, missing in skipped.items() for q in [questionnaire.question(qid)]]
    if not picks:
        asked = [questionnaire.question(qid) for qid in blocking(con, questionnaire, p)]
        notes += [f'no model in this build meets the answer "{answer_label(q, answers[q["id"]])}" to "{q["prompt"]}" '
                  "even on its own, so relaxing the other answers cannot help" for q in asked]
    return Result(questionnaire, answers, p, picks, matched, meta.get("data_kind") or "unknown", notes,
                  meta.get("as_of_hf"))


def weights_text(p: Plan) -> str:
    """The weighed components: 'adoption 21%, cohort adoption 11%, ...'."""
    return ", ".join(f"{c.replace('_', ' ')} {w:.0%}" for c, w in p.weights.items() if w > 0)


def order_text(p: Plan) -> str:
    """The shortlist's order, in the weights' words: the stated priority first (questionnaire_picks.sql's ORDER BY)."""
    first = f"highest {p.priority.replace('_', ' ')} first (picks without it last), then " if p.priority else ""
    return f"Order: {first}highest questionnaire score{'' if p.priority else ' first'}."


def lacking(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every column a questionnaire may filter on that this build has no value of, with what it lacks (one scan)."""
    columns = sorted(ALL_COLUMNS)
    *counts, related, unrelated = con.execute(
        f"SELECT {', '.join(f'count({c})' for c in columns)}, count(*) FILTER ({' + '.join(RELATIONS)} > 0), "
        "count(*) FILTER (derivatives_unknown > 0) FROM mart_models").fetchone()
    lacks = {c: LACKS.get(c, f"{c.replace('_', ' ')} data") for c, n in zip(columns, counts, strict=True) if n == 0}
    if not related:  # a relation's count is 0, never NULL, where it has none: known only where some model has one
        lacks |= dict.fromkeys(RELATIONS, "derivative relations (every derivative names its base without saying how "
                               "it derives)" if unrelated else "derivatives (no model in it names a base model)")
    return lacks | {d: lacks[c] for d, c in READ_AS.items() if c in lacks}


def candidates(con: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, p: Plan, filters: list[dict],
               top: int) -> pd.DataFrame:
    """The `top` models that meet `filters`, scored under the plan's weights, each with the count that met them."""
    where, params = where_clause(filters)
    params |= {f"w_{c}": w for c, w in p.weights.items()}
    params |= {"bits": p.settings["bits"], "overhead": VRAM_OVERHEAD, "top": top, "build_name": BUILD_NAME,
               "min_coverage": questionnaire.config.settings.min_coverage}
    sql = (PICKS_SQL.replace("{where}", where)
           .replace("{weighted}", " + ".join(f"coalesce($w_{c} * {c}, 0)" for c in profiles.COMPONENTS))
           .replace("{present_weight}", " + ".join(f"$w_{c} * ({c} IS NOT NULL)::INT" for c in profiles.COMPONENTS))
           .replace("{order}", f"{p.priority} IS NULL, {p.priority} DESC, " if p.priority else ""))
    return con.execute(sql, params).df()


def blocking(con: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, p: Plan) -> list[str]:
    """The questions whose applied constraints alone leave no model."""
    questions = dict.fromkeys(f["question"] for f in p.filters)
    return [qid for qid in questions
            if candidates(con, questionnaire, p, [f for f in p.filters if f["question"] == qid], 1).empty]


def make_pick(row: dict, p: Plan, default_weights: dict[str, float], lacks: dict[str, str],
              unchecked: list[str]) -> Pick:
    """A pick with how it meets each constraint, strong components as reasons, unchecked limits then weak as caveats."""
    pick = Pick(row["model_id"], row["family"], round(float(row["score"]), 1), round(float(row["score_coverage"]), 3))
    sizes = [f for f in p.filters if f["column"] == "params_b"]
    pick.reasons = [describe(f, row, p) for f in p.filters if f["column"] != "params_b"]
    pick.reasons[:0] = [size_reason(row, sizes)] if sizes else []
    weighed = [c for c in profiles.COMPONENTS if p.weights[c] > 0 and not fmt.missing(row[c])]
    strong = [downloads(row) if c == "adoption" else why_rank.figure(c, row, STRENGTHS)
              for c in weighed if row[c] >= STRONG]
    pick.reasons += [r for r in strong if r]
    pick.caveats = [*unchecked, *caveats({**row, "score_coverage": pick.coverage}, p, lacks)]
    pick.caveats += [w for w in (why_rank.figure(c, row, WEAKNESSES) for c in weighed if row[c] < WEAK) if w]
    pick.why = why_rank.sentence(row, default_weights, row["ranked_total"])
    return pick


def downloads(row: dict) -> str:
    """'people downloaded it 98.7k times last month, top 5% of 1-9B models'."""
    said = f"people downloaded it {fmt.compact(row['organic_downloads_30d'])} times in the last 30 days"
    top = math.ceil(100 * row["size_rank"] / row["size_peers"])
    known = top <= 50 and row["size_class"] != "unknown"  # the class of unknown sizes is no peer group
    return said + (f", top {top}% of {row['size_class']} models" if known else "")


def params(value) -> str:
    """1.1 -> '1.1B', 0.135 -> '135M'."""
    return f"{value * 1000:.0f}M" if value < 1 else f"{value:.3g}B"


def size_reason(row: dict, sizes: list[dict]) -> str:
    """'4.19B parameters, within the 1B to 14B asked'."""
    low = [f["value"] for f in sizes if f["op"] in ("ge", "gt")]
    high = [f["value"] for f in sizes if f["op"] in ("le", "lt")]
    asked = " to ".join(params(v) for v in (max(low, default=None), min(high, default=None)) if v is not None)
    return (f"{params(row['params_b'])} parameters, within the {asked} asked" if low and high else
            f"{params(row['params_b'])} parameters ({'at most' if high else 'at least'} {asked} asked)")


def describe(f: dict, row: dict, p: Plan) -> str:
    """How this model meets one hard constraint, in plain words."""
    column, actual, wanted = f["column"], row[f["column"]], f.get("value")
    if column == "weights_gb":
        return (f"fits in {wanted:g} GB: needs about {actual:.1f} GB at {p.settings['bits']:g} bits per weight "
                f"({params(row['params_b'])} parameters)")
    if column == "is_base":  # a base only where fine-tunes name it theirs: no parent alone may be an untagged fine-tune
        if not actual:
            return "a derivative of another model"
        built = 0 if fmt.missing(row["derivatives_finetune"]) else row["derivatives_finetune"]
        return (f"a base model: it names no parent model on the Hub; {fmt.count(built)} fine-tune"
                f"{'s build' if built != 1 else ' builds'} on it" if built else
                "no declared parent: its Hub listing names no model it derives from")
    if column in ("license_class", "license"):
        return f"license {row['license']} ({row['license_class']})"
    if column == "pipeline_tag":
        return f"a {str(actual).replace('-', ' ')} model"
    if column == "open_weight":
        return "weights download without approval" if actual else "weights need approval to download"
    if column == "automation_share":
        unseen = row["unseen_share"]
        return f"only {fmt.pct(actual)} of its downloads come from CI or automation" + (
            f" (as far as a 30-day count shows: {fmt.pct(unseen)} of it was not seen day by day)"
            if not fmt.missing(unseen) and unseen >= 0.5 else "")
    if column.startswith("derivatives_"):
        kind = {"finetune": "fine-tunes", "quantized": "ready-made quantised builds", "adapter": "adapters",
                "merge": "merges"}[column.removeprefix("derivatives_")]
        return f"{fmt.count(actual)} {kind} already exist"
    if column == "clean_score":
        return f"has a clean benchmark score ({fmt.whole(actual)}/100)"
    if column in profiles.COMPONENTS:
        return f"{why_rank.LABELS[column]} {fmt.whole(actual)}/100"
    return f"{column.replace('_', ' ')}: {fmt.whole(actual) if isinstance(actual, float) else actual}"


def caveats(row: dict, p: Plan, lacks: dict[str, str]) -> list[str]:
    """What a careful reader should know about this pick, drawn from the data."""
    notes = []
    if not fmt.missing(row["automation_share"]) and row["automation_share"] >= HIGH_AUTOMATION:
        notes.append(f"high automation share {fmt.pct(row['automation_share'])}"
                     + (f" ({row['noise_reasons'].replace(';', ', ')})" if row["noise_reasons"] else ""))
    if fmt.missing(row["clean_score"]):
        notes.append("no clean benchmark score")
    elif not fmt.missing(row["contamination_gap"]) and row["contamination_gap"] >= LARGE_GAP:
        notes.append(f"legacy claim {row['contamination_gap']:.0f} points above the clean score")
    if fmt.missing(row["rank"]):
        notes.append("not ranked under the default profile (too little coverage)")
    elif row["rank_high"] - row["rank_low"] > max(10, row["rank"] / 2):
        notes.append(f"rank interval wide: {fmt.rank(row['rank'], row['rank_low'], row['rank_high'])}")
    missing = [c for c, w in p.weights.items() if w > 0 and fmt.missing(row[c])]
    if missing:
        notes.append(f"not known: {', '.join(why_rank.LABELS[c] for c in missing)} (the score covers "
                     f"{fmt.pct(row['score_coverage'])} of the weight)")
    if not fmt.missing(row["momentum"]) and row["momentum"] < FALLING_MOMENTUM:
        notes.append(f"adoption momentum low ({row['momentum']:.0f}/100)")
    if row["license_class"] == "unknown":
        notes.append(f"license {row['license']!r} unclassified: check it yourself")
    if not fmt.missing(row["open_weight"]) and not row["open_weight"]:
        notes.append("weights gated: access needs approval")
    if p.settings["bits"] < 16 and "derivatives_quantized" not in lacks and not row["derivatives_quantized"]:
        notes.append(f"no quantised derivative yet: you would quantise it to {p.settings['bits']:g} bits yourself")
    return notes
