"""`revealed app`: serve the Streamlit app."""

import sys

from app.cli.flags import add_port, check_port_free
from app.web import STREAMLIT_APP
from warehouse.settings import Settings


def register(sub) -> None:
    """Add app."""
    p = sub.add_parser("app", help="serve the Streamlit app on 127.0.0.1 (reads the published serving copy)")
    add_port(p, 8501, "port to listen on")
    p.set_defaults(func=cmd_app)


def streamlit_args(listen_port: int) -> list[str]:
    """Streamlit's arguments for the app, headless on 127.0.0.1 (app/web/streamlit_server.py warms it up)."""
    return ["run", str(STREAMLIT_APP), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(listen_port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.showErrorDetails", "type", "--client.toolbarMode", "viewer",
            "--runner.postScriptGC", "false"]  # a full collection after every page run: 27-65 ms holding the GIL


def streamlit_command(listen_port: int) -> list[str]:
    """The app's server as a command line of its own (`revealed up` runs it beside the scheduler)."""
    return [sys.executable, "-m", "app.web.streamlit_server", *streamlit_args(listen_port)]


def cmd_app(args, settings: Settings) -> None:
    """Become the Streamlit server in this process (no second Python start); exits with Streamlit's status."""
    from app.web import streamlit_server  # imports Streamlit: only this command needs it

    check_port_free(args.port)
    print(f"revealed app on http://127.0.0.1:{args.port} (Ctrl+C to stop)", flush=True)
    streamlit_server.main(streamlit_args(args.port))
