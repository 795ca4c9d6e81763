"""`revealed app`: serve the Streamlit app."""

import os
import sys

from app.cli.flags import add_port
from app.web import STREAMLIT_APP
from warehouse.settings import Settings


def register(sub) -> None:
    """Add app."""
    p = sub.add_parser("app", help="serve the Streamlit app on 127.0.0.1 (reads the published serving copy)")
    add_port(p, 8501, "port to listen on")
    p.set_defaults(func=cmd_app)


def streamlit_command(listen_port: int) -> list[str]:
    """The headless `streamlit run` command line for the app on 127.0.0.1 (app/web/streamlit_server.py warms it up)."""
    return [sys.executable, "-m", "app.web.streamlit_server", "run", str(STREAMLIT_APP), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(listen_port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.showErrorDetails", "type", "--client.toolbarMode", "viewer"]


def cmd_app(args, settings: Settings) -> int:
    """Become the Streamlit server (so signals reach it directly) until interrupted."""
    print(f"revealed app on http://127.0.0.1:{args.port} (Ctrl+C to stop)", flush=True)
    command = streamlit_command(args.port)
    os.execv(command[0], command)
