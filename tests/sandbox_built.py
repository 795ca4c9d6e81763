"""A sandbox-built, published warehouse shared by the app tests (one build per test process)."""

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def built_home() -> Path:
    """REVEALED_HOME after `revealed sandbox simulate --days 35 --models 2000` and `revealed build`."""
    home = Path(tempfile.mkdtemp(prefix="revealed-built-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    env = {**os.environ, "REVEALED_HOME": str(home)}
    for args in (["sandbox", "simulate", "--days", "35", "--models", "2000"], ["build"]):
        subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, cwd=ROOT, check=True,
                       capture_output=True, timeout=900)
    return home
