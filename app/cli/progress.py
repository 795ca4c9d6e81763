"""Progress for long commands: a one-line bar on a terminal, a log line every few seconds otherwise."""

import logging
import sys
import time

log = logging.getLogger(__name__)


class Progress:
    """Count work done; show it on stderr when that is a TTY, else log it at most every `every_s` seconds."""

    def __init__(self, label: str, total: int | None = None, unit: str = "items", every_s: float = 10.0,
                 stream=None):
        self.label, self.total, self.unit, self.every_s = label, total, unit, every_s
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.done = 0
        self._start = self._shown = time.monotonic()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(stopped=exc_type is not None)

    def update(self, n: int = 1) -> None:
        """Add n to the count and show it if it is time to."""
        self.done += n
        now = time.monotonic()
        if now - self._shown >= (0.2 if self.tty else self.every_s):
            self._shown = now
            self._show(final=False)

    def close(self, stopped: bool = False) -> None:
        """Show the final count, marked as done, or as stopped when the work ended early on an error."""
        self._show(final=True, stopped=stopped)

    def line(self) -> str:
        """The current count, rate and share of the total as text."""
        elapsed = max(time.monotonic() - self._start, 1e-9)
        text = f"{self.label}: {self.done:,}"
        if self.total:
            text += f"/{self.total:,} {self.unit} ({100 * self.done / self.total:.0f}%)"
        else:
            text += f" {self.unit}"
        return f"{text}, {self.done / elapsed:,.0f}/s, {elapsed:.0f}s"

    def _show(self, final: bool, stopped: bool = False) -> None:
        end = (" (stopped before the end)" if stopped else " (done)") if final else ""
        if self.tty:
            self.stream.write("\r" + self.line() + end + ("\n" if final else ""))
            self.stream.flush()
        else:
            log.info("%s%s", self.line(), end)
