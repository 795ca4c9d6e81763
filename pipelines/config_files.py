"""Reading the files people write for revealed (questionnaires, answers, weight profiles) with a size limit."""

from pathlib import Path

MAX_BYTES = 64 * 1024  # each of these files is a page or two; anything bigger is not one


def read_limited(path: Path, what: str, error: type[Exception]) -> str:
    """The text of a file of at most MAX_BYTES; `error` names the file when it is missing or too big."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist") from None
    if size > MAX_BYTES:
        raise error(f"{what} {path} is {size:,} bytes; expected at most {MAX_BYTES:,}")
    return path.read_text(encoding="utf-8", errors="replace")
