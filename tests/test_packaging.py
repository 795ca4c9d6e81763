"""The distribution builds without warnings and says its license as an SPDX expression."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_builds_without_deprecation_warnings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "DeprecationWarning" not in done.stdout + done.stderr
    (wheel,) = tmp_path.glob("revealed-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
        shipped = set(archive.namelist())
    extract = ROOT / "collector" / "reference_world"
    for path in extract.rglob("*"):
        if path.is_file():
            assert path.relative_to(ROOT).as_posix() in shipped, f"{path} is not in the wheel"
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
