"""Apply questionnaire answers to mart_models: hard constraints, adjusted weights, and picks with reasons."""

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from app import format as fmt
from pipelines import profiles
from pipelines.questionnaire import OPS, SETTINGS, VRAM_OVERHEAD, Pick, Questionnaire, QuestionnaireError

PICKS_SQL = (Path(__file__).parent / "questionnaire_picks.sql").read_text()
HIGH_AUTOMATION = 0.3
LARGE_GAP = 10.0
FALLING_MOMENTUM = 30.0
OP_TEXT = {"eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in", "present": "present"}


@dataclass
class Plan:
    """What the answers ask for: hard constraints, component weights (summing to 1) and settings."""

    filters: list[dict] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    settings: dict[str, float] = field(default_factory=lambda: dict(SETTINGS))


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


def plan(questionnaire: Questionnaire, answers: dict, absent: tuple[str, ...] = ()) -> Plan:
    """Turn validated answers into filters, adjusted weights and settings; `absent` components get no weight."""
    result = Plan(weights=dict(profiles.load().profiles[questionnaire.base_profile]))

    def apply(effect: dict, qid: str) -> None:
        result.filters.extend({**f, "question": qid} for f in effect.get("filters", []))
        for component, delta in effect.get("weights", {}).items():
            result.weights[component] += delta
        result.settings.update(effect.get("set", {}))

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
    counts = con.execute(f"SELECT {', '.join(f'count({c})' for c in profiles.COMPONENTS)} FROM mart_models").fetchone()
    absent = tuple(c for c, n in zip(profiles.COMPONENTS, counts, strict=True) if n == 0)
    p = plan(questionnaire, answers, absent)
    where, params = where_clause(p.filters)
    params |= {f"w_{c}": w for c, w in p.weights.items()}
    params |= {"bits": p.settings["bits"], "overhead": VRAM_OVERHEAD, "top": top,
               "min_coverage": profiles.load().settings.min_coverage}
    frame = con.execute(PICKS_SQL.replace("{where}", where), params).df()
    kind = con.execute("SELECT value FROM meta WHERE key = 'data_kind'").fetchone()
    picks = [make_pick(row, p) for row in frame.to_dict("records")]
    matched = int(frame["matched"].iloc[0]) if len(frame) else 0
    notes = [f"no {c} data in this build: its weight is spread over the other components" for c in absent]
    return Result(questionnaire, answers, p, picks, matched, kind[0] if kind else "unknown", notes)


def make_pick(row: dict, p: Plan) -> Pick:
    """A pick with the constraints it meets and the strongest components as reasons, and caveats from the data."""
    pick = Pick(row["model_id"], row["family"], round(float(row["score"]), 1), round(float(row["score_coverage"]), 3))
    pick.reasons = [describe(f, row, p) for f in p.filters]
    strongest = sorted((c for c in p.weights if not fmt.missing(row[c]) and p.weights[c] > 0),
                       key=lambda c: -p.weights[c] * row[c])[:2]
    pick.reasons += [f"{c} {row[c]:.0f}/100 (weight {p.weights[c]:.0%})" for c in strongest]
    pick.reasons.append(f"{fmt.compact(row['organic_downloads_30d'])} organic downloads in 30 days")
    pick.caveats = caveats({**row, "score_coverage": pick.coverage}, p)
    return pick


def describe(f: dict, row: dict, p: Plan) -> str:
    """How this model meets one hard constraint."""
    column, actual = f["column"], row[f["column"]]
    if column == "weights_gb":
        return (f"needs ~{actual:.1f} GB ({row['params_b']:g}B params x {p.settings['bits']:g}/8 bytes x "
                f"{VRAM_OVERHEAD} overhead), within {f['value']:g} GB")
    if isinstance(actual, bool):
        shown = "yes" if actual else "no"
    elif column == "automation_share":
        shown = fmt.pct(actual)
    else:
        shown = f"{actual:.1f}" if isinstance(actual, float) else actual
    if f["op"] == "present":
        return f"{column} {shown} (required)"
    wanted = ", ".join(map(str, f["value"])) if f["op"] == "in" else f["value"]
    return f"{column} {shown} ({OP_TEXT[f['op']]} {'yes' if wanted is True else wanted})"


def caveats(row: dict, p: Plan) -> list[str]:
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
        notes.append(f"missing {', '.join(missing)}: score covers {fmt.pct(row['score_coverage'])} of the weight")
    if not fmt.missing(row["momentum"]) and row["momentum"] < FALLING_MOMENTUM:
        notes.append(f"adoption momentum low ({row['momentum']:.0f}/100)")
    if row["license_class"] == "unknown":
        notes.append(f"license {row['license']!r} unclassified: check it yourself")
    if not row["open_weight"]:
        notes.append("weights gated: access needs approval")
    if p.settings["bits"] < 16 and not row["derivatives_quantized"]:
        notes.append(f"no quantised derivative yet: you would quantise it to {p.settings['bits']:g} bits yourself")
    return notes
