"""The app's server process: `streamlit run`, and one run of the first page as soon as it listens.

`python -m app.web.streamlit_server run APP --server.port N ...` takes Streamlit's own arguments. Streamlit runs a
page only for a visitor, so the first one after a start would pay for importing DuckDB, opening the serving copy
and the leaderboard's queries; this process has the server run the app once (its script health check, a session
of its own) while the first visitor's browser is still loading Streamlit, and that visitor finds the queries
cached.
"""

import logging
import sys
import threading
import time
import urllib.error
import urllib.request

from streamlit.web import cli

HEALTH_CHECK = ["--server.scriptHealthCheckEnabled", "true"]  # serves /_stcore/script-health-check
log = logging.getLogger("revealed.app")


def warm_up(url: str, timeout: float = 120) -> None:
    """Ask the server at url to run the app once, retrying until it listens; log (never raise) what went wrong."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/script-health-check", timeout=timeout) as response:
                answer = response.read(100)
            if answer != b"ok":  # a server without the check answers with its front page
                log.warning("the app's server has no script health check: it answered %r", answer[:20])
            return
        except urllib.error.HTTPError as exc:  # the server ran the app and it failed: the page itself shows why
            log.warning("the app's first run at start-up answered %s %s", exc.code, exc.reason)
            return
        except OSError:
            if time.monotonic() > deadline:
                log.warning("the app's server did not answer on %s within %.0f s", url, timeout)
                return
            time.sleep(0.1)


def main(argv: list[str]) -> None:
    """Start the warm-up beside Streamlit's command line `streamlit <argv>` (which needs --server.port)."""
    port = argv[argv.index("--server.port") + 1]
    threading.Thread(target=warm_up, args=(f"http://127.0.0.1:{port}",), daemon=True).start()
    cli.main(args=[*argv, *HEALTH_CHECK], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
