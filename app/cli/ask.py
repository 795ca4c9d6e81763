"""`revealed ask`: pick models with a questionnaire in the terminal."""

import json
import sys
from pathlib import Path

from app.cli.flags import UsageError, positive_int
from pipelines.serving import format as fmt
from pipelines.serving import questionnaire as qn
from pipelines.serving import questionnaire_picks
from warehouse import db, paths
from warehouse.settings import Settings

SANDBOX_NOTE = "Sandbox data: fictional models and numbers from the local sandbox, not real Hugging Face data."


def register(sub) -> None:
    """Add ask."""
    p = sub.add_parser("ask", help="pick models with a questionnaire: interactive, or batch with --answers",
                       description="Pick models with a questionnaire. In a terminal it asks each question in turn; "
                                   "without one (stdin not a terminal: a pipe, a script, CI) it needs "
                                   "--questionnaire NAME --answers FILE (--template FILE writes an answers file).")
    p.add_argument("--questionnaire", "-q", metavar="NAME",
                   help=f"built-in ({', '.join(qn.builtin_names())}) or a .yaml file; asked when omitted")
    p.add_argument("--answers", type=Path, metavar="FILE",
                   help="YAML/JSON answers (question id: answer); required without a terminal")
    p.add_argument("--format", choices=["md", "json"], default="md", help="output format (default md)")
    p.add_argument("--top", type=positive_int, default=5, help="how many picks (default 5)")
    p.add_argument("--template", nargs="?", const=Path("-"), type=Path, metavar="FILE",
                   help="write an answers file for --questionnaire with every question, its allowed values and "
                        "default to FILE (stdout when omitted), then stop")
    p.set_defaults(func=cmd_ask)


def cmd_ask(args, settings: Settings) -> int:
    """Answer a questionnaire and print the picks."""
    if args.answers and not args.questionnaire:
        raise UsageError("--answers needs --questionnaire NAME (the questionnaire the answers are for)")
    if args.template:
        return write_template(args, settings)
    if args.answers is None and not sys.stdin.isatty():
        name = args.questionnaire or "NAME"
        expected = "--answers FILE" if args.questionnaire else "--questionnaire NAME --answers FILE"
        raise UsageError(f"no terminal to ask the questions in (stdin is not a terminal); expected {expected} "
                         f"(revealed ask -q {name} --template FILE writes one)")
    try:
        questionnaire = qn.load(args.questionnaire or choose_questionnaire(settings), settings.profiles)
        answers = (qn.answers_from_file(questionnaire, args.answers) if args.answers
                   else prompt_answers(questionnaire))
    except qn.QuestionnaireError as exc:
        raise UsageError(str(exc)) from None
    con = db.connect_serving(paths.serving_file(settings.home))
    try:
        result = questionnaire_picks.recommend(con, questionnaire, answers, top=args.top)
    finally:
        con.close()
    print(to_json(result) if args.format == "json" else to_markdown(result))
    return 0


def write_template(args, settings: Settings) -> int:
    """Write the answers template for --questionnaire; never overwrite an existing file."""
    if not args.questionnaire:
        raise UsageError("--template needs --questionnaire NAME (the questionnaire to answer)")
    try:
        text = qn.template(qn.load(args.questionnaire, settings.profiles))
    except qn.QuestionnaireError as exc:
        raise UsageError(str(exc)) from None
    if str(args.template) == "-":
        print(text, end="")
        return 0
    try:
        with open(args.template, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise UsageError(f"{args.template} already exists; expected a new file name (nothing was written)") from None
    print(f"wrote {args.template}: edit it, then run revealed ask -q {args.questionnaire} --answers {args.template}")
    return 0


def ask(prompt: str) -> str:
    """One line from the terminal; end of input is a usage error."""
    try:
        return input(prompt)
    except EOFError:
        raise UsageError("input ended before every question was answered") from None


def choose_questionnaire(settings: Settings) -> str:
    """Let the person pick a built-in questionnaire by number or name."""
    names = qn.builtin_names()
    for i, name in enumerate(names, 1):
        print(f"  {i}. {name}: {qn.load(name, settings.profiles).title}")
    while True:
        text = ask(f"Questionnaire [1-{len(names)}, default 1]: ").strip() or "1"
        if text in names:
            return text
        if text.isdigit() and 1 <= int(text) <= len(names):
            return names[int(text) - 1]
        print(f"  {text!r} is not a questionnaire; expected a number from 1 to {len(names)} or a name")


def prompt_answers(questionnaire: qn.Questionnaire) -> dict:
    """Ask every question in turn, with its default, until each answer is valid."""
    print(f"\n{questionnaire.title}\n{questionnaire.description}")
    answers = {}
    for q in questionnaire.questions:
        print(f"\n{q['prompt']}")
        for i, option in enumerate(q.get("options", []), 1):
            print(f"  {i}. {option['value']}: {option.get('label', option['value'])}")
        hint = (f"{q['min']} to {q['max']}" if q["type"] == "number" else
                {"boolean": "yes/no", "choice": "number or value",
                 "multi_choice": "numbers or values, comma-separated"}[q["type"]])
        default = q.get("default")
        shown = ", ".join(map(str, default)) if isinstance(default, list) else default
        suffix = f", default {'yes' if shown is True else 'no' if shown is False else shown}" if "default" in q else ""
        while True:
            text = ask(f"[{hint}{suffix}]: ")
            if not text.strip() and "default" in q:
                answers[q["id"]] = default
                break
            try:
                answers[q["id"]] = qn.answer_from_text(q, text)
                break
            except qn.QuestionnaireError as exc:
                print(f"  {exc}")
    return answers


def note(result: questionnaire_picks.Result) -> str:
    """What the picks' data is: live, archived (imported, with the Hub snapshot's date) or the fictional sandbox."""
    if result.data_kind == "reference":
        return fmt.reference_note(result.as_of_hf) + "."
    return "live data" if result.data_kind == "live" else SANDBOX_NOTE


def to_json(result: questionnaire_picks.Result) -> str:
    """Picks as JSON with the data kind, the constraints and the weights used."""
    return json.dumps({
        "data_kind": result.data_kind,
        "note": note(result),
        "questionnaire": result.questionnaire.name,
        "answers": result.answers,
        "weights": {c: round(w, 4) for c, w in result.plan.weights.items()},
        "matched": result.matched,
        "notes": result.notes,
        "picks": [{"model_id": p.model_id, "family": p.family, "score": p.score, "coverage": p.coverage,
                   "why": p.why, "reasons": p.reasons, "caveats": p.caveats} for p in result.picks],
    }, indent=2, default=str)


def to_markdown(result: questionnaire_picks.Result) -> str:
    """Picks as a Markdown shortlist."""
    lines = [f"# {result.questionnaire.title}", ""]
    if result.data_kind != "live":
        lines += [f"> {note(result)}", ""]
    lines += [f"Models meeting every applied constraint: {result.matched:,}; "
              f"weights: {questionnaire_picks.weights_text(result.plan)}.",
              *(f"Note: {n}." for n in result.notes), ""]
    if not result.picks:
        lines.append("No model meets every applied constraint: relax an answer and ask again.")
    else:
        lines += [questionnaire_picks.order_text(result.plan), ""]
    for i, p in enumerate(result.picks, 1):
        lines += [f"## {i}. {p.model_id}", f"family {p.family} · questionnaire score {fmt.score(p.score)} "
                  f"(coverage {fmt.pct(p.coverage)})", ""]
        lines += [f"- leaderboard ({result.questionnaire.config.default_profile} profile): {p.why}",
                  *(f"- why: {r}" for r in p.reasons)]
        lines += [f"- caveat: {c}" for c in p.caveats]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

