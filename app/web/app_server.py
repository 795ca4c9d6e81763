"""Start `revealed app` as a child process on a free port and stop it again (browser tests and benchmarks)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(command, env: dict | None = None, timeout: float = 60, cwd: Path = ROOT):
    """Run command(port) (a Streamlit server) in cwd on a free port; yield its URL once healthy; stop its processes."""
    port = free_port()
    proc = subprocess.Popen(command(port), cwd=cwd, env={**os.environ, **(env or {})}, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, timeout)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def running_app(home: Path, timeout: float = 60):
    """`revealed app` for REVEALED_HOME=home, as a context manager yielding its URL."""
    return serving(lambda port: [sys.executable, "-m", "app.cli", "app", "--port", str(port)],
                   {"REVEALED_HOME": str(home)}, timeout)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Poll Streamlit's health endpoint until it answers; raise with the server's stderr if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"revealed app did not come up on {url}: "
                                   f"{proc.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.05)  # soon after it serves: benchmarks time a cold load from the server's start
