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
    """REVEALED_HOME after `revealed up --source sandbox --no-serve`: every source, 35 days, 2,000 models."""
    home = Path(tempfile.mkdtemp(prefix="revealed-built-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    env = {**os.environ, "REVEALED_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "app.cli", "up", "--source", "sandbox", "--no-serve", "--days", "35",
                    "--models", "2000"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=900)
    return home
