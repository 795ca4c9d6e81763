"""`revealed collect cards`: model cards of the top models, with their GitHub links and legacy scores."""

from app.cli_args import http_url, positive_int
from app.progress import Progress
from collector import model_cards
from collector.http import public_url
from warehouse import db
from warehouse.settings import HF_ENDPOINT, Settings


def register_collect(group) -> None:
    """Add collect cards."""
    p = group.add_parser("cards", help="model cards of the top models: GitHub links and legacy benchmark claims")
    p.add_argument("--endpoint", type=http_url, metavar="URL",
                   help=f"Hub base URL (default $HF_ENDPOINT, else {HF_ENDPOINT})")
    p.add_argument("--top", type=positive_int, default=model_cards.DEFAULT_TOP, metavar="N",
                   help=f"cards of the N most downloaded models in the latest Hub slice "
                        f"(default {model_cards.DEFAULT_TOP})")
    p.set_defaults(func=cmd_collect_cards)


def cmd_collect_cards(args) -> int:
    """Fetch and parse the cards (HF_TOKEN from the environment) and print what was stored."""
    settings = Settings.from_env(hf_endpoint=args.endpoint)
    con = db.connect()
    try:
        s = model_cards.collect(con, settings, top=args.top,
                                progress=lambda label, total: Progress(label, total, unit="cards"))
    finally:
        con.close()
    statuses = ", ".join(f"{n:,} {status}" for status, n in sorted(s.extra["statuses"].items()))
    if s.sandbox:
        print("NOTE: SANDBOX data: these model cards are fictional, not real Hugging Face data.")
    print(f"cards {s.run_id} (as_of {s.as_of}) from {public_url(settings.hf_endpoint)}: {statuses}; "
          f"{s.extra['links']:,} GitHub links, {s.extra['scores']:,} legacy scores, {s.extra['skips']:,} parts "
          "skipped (see card_parse_skips)")
    return 0
