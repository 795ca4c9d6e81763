"""The writer lock: a manual command and another writer never run at once."""

import subprocess
import sys
import time

from app import cli
from warehouse import lock

HOLD = """from warehouse import lock; import time; from warehouse.settings import Settings
with lock.hold(Settings.from_env().home, 'scheduler: hf'):
    print('held', flush=True)
    time.sleep(30)
"""


def test_a_writer_command_refuses_while_another_process_writes(home, capsys):
    holder = subprocess.Popen([sys.executable, "-c", HOLD], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert lock.holder(home)["purpose"] == "scheduler: hf"
        assert cli.main(["init"]) == 1
        err = capsys.readouterr().err
        assert "busy" in err and "scheduler: hf" in err and f"pid {holder.pid}" in err
        assert cli.main(["status"]) == 0  # readers are never blocked by the lock
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 5
    while lock.holder(home) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lock.holder(home) is None  # a killed holder leaves no stale lock
    assert cli.main(["init"]) == 0


def test_lock_is_reentrant_in_one_thread(home):
    with lock.hold(home, "outer"), lock.hold(home, "inner"):
        assert lock.holder(home)["purpose"] == "outer"
    assert lock.holder(home) is None
