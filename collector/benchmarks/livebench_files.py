"""LiveBench's published files read as its own site reads them: by position, keeping what is valid, listing repairs."""

import csv
import io
import json
import math

import pandas as pd


class LiveBenchError(ValueError):
    """A LiveBench file that cannot be used as published: names the file, the bad value and what was expected."""


def read_csv(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    """(header, [(line, fields)], repairs): fields by position; short rows padded with empty cells, extra cells dropped.

    The site parses with PapaParse (`header: true`): a short row's missing trailing cells are undefined (shown
    empty) and a long row's extra cells go to `__parsed_extra`, outside every column. Blank lines are skipped.
    A short last line with no line end after it is a cut-off file, not a short row: LiveBenchError.
    """
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows, repairs, last = [], [], 0
    try:
        for fields in reader:
            fields = [f.strip() for f in fields]
            if not any(fields):
                continue
            if header is None:
                header = fields
                continue
            last = len(fields)
            rows.append((reader.line_num, _fit(fields, header, f"{name} line {reader.line_num}", repairs)))
    except csv.Error as exc:
        raise LiveBenchError(f"{name}: line {reader.line_num} is not CSV ({exc}); expected a comma-separated table") \
            from None
    if header is None:
        raise LiveBenchError(f"{name} is empty; expected a header line and one line per model")
    if rows and last < len(header) and not text.endswith(("\n", "\r")):  # a cut transfer, not a short row
        raise LiveBenchError(f"{name}: line {rows[-1][0]} has {last} fields but the header has {len(header)}, and the "
                             "file ends inside it; the file looks cut off or malformed")
    keep = _kept_columns(header, name, repairs)
    return [header[i] for i in keep], [(line, [f[i] for i in keep]) for line, f in rows], repairs


def _fit(fields: list[str], header: list[str], where: str, repairs: list[str]) -> list[str]:
    """A row with exactly the header's number of fields, the change recorded."""
    n, got = len(header), len(fields)
    if got < n:
        repairs.append(f"{where} ({fields[0]!r}): {got} fields under a {n}-field header; the last {n - got} "
                       f"({', '.join(header[got:])}) read as empty")
        return fields + [""] * (n - got)
    if got > n:
        repairs.append(f"{where} ({fields[0]!r}): {got} fields under a {n}-field header; the {got - n} extra "
                       f"value(s) {fields[n:][:5]} belong to no column and were left out")
        return fields[:n]
    return fields


def _kept_columns(header: list[str], name: str, repairs: list[str]) -> list[int]:
    """Positions of the named columns, each name once (the first); blank and repeated names recorded."""
    keep, seen = [], set()
    for i, column in enumerate(header):
        if not column or column in seen:
            repairs.append(f"{name}: column {i + 1} is {'unnamed' if not column else f'a second {column!r}'}; "
                           "its cells were left out")
            continue
        seen.add(column)
        keep.append(i)
    return keep


def parse_categories(text: str, name: str) -> tuple[dict[str, list[str]], list[str]]:
    """(category -> task list, repairs): every task in one category; unusable entries skipped and recorded."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LiveBenchError(f"{name} is not valid JSON ({exc}); expected {{category: [task, ...]}}") from None
    if not isinstance(data, dict) or not data:
        raise LiveBenchError(f"{name} holds {type(data).__name__} {str(data)[:60]!r}; "
                             "expected a non-empty object {category: [task, ...]}")
    categories: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    repairs = []
    for category, tasks in data.items():
        if not isinstance(tasks, list):
            repairs.append(f"{name}: category {category!r} maps to {str(tasks)[:60]!r}, not a list of tasks; skipped")
            continue
        kept = []
        for task in tasks:
            if not isinstance(task, str) or not task.strip():
                repairs.append(f"{name}: category {category!r} lists {task!r}, not a task name; skipped")
            elif task in seen:
                repairs.append(f"{name}: task {task!r} is listed in both {seen[task]!r} and {category!r}; "
                               f"kept in {seen[task]!r}")
            else:
                seen[task] = category
                kept.append(task)
        if kept:
            categories[category] = kept
        else:
            repairs.append(f"{name}: category {category!r} has no usable task; skipped")
    if not categories:
        raise LiveBenchError(f"{name} names no usable category; expected {{category: [task, ...]}}")
    return categories, repairs


def parse_table(text: str, name: str, categories: dict[str, list[str]]) -> tuple[pd.DataFrame, list[str]]:
    """(long rows (model, task, category, score), repairs) from a leaderboard CSV; empty cells become NaN scores.

    Only a table without a `model` column, or without any model row, cannot be read. A task the categories list
    but the table lacks reads as empty for every model (so the category averages the other tasks, as on the
    site); a column no category lists is kept with no category, out of the averages.
    """
    header, rows, repairs = read_csv(text, name)
    if "model" not in header:
        raise LiveBenchError(f"{name} has no 'model' column (header: {','.join(header)[:200]}); expected 'model' "
                             "followed by task columns; the release cannot be read")
    listed = {t: c for c, ts in categories.items() for t in ts}
    tasks = [c for c in header if c != "model"]
    absent = [t for t in listed if t not in tasks]
    unlisted = [t for t in tasks if t not in listed]
    if absent:
        repairs.append(f"{name} has no column for task(s) {absent} that the categories list; read as empty "
                       "(the category averages use its other tasks)")
    if unlisted:
        repairs.append(f"{name}: column(s) {unlisted} are in no category; kept raw, left out of the averages")
    records, first = [], {}
    for line, fields in rows:
        cells = dict(zip(header, fields, strict=True))
        model = cells["model"]
        if not model:
            repairs.append(f"{name} line {line}: no model name; row skipped")
            continue
        if model in first:
            repairs.append(f"{name} line {line}: model {model!r} again (first on line {first[model]}); "
                           "the first row kept, this one skipped")
            continue
        first[model] = line
        for task in (*tasks, *absent):
            records.append((model, task, listed.get(task), _score(cells.get(task, ""), f"{name} line {line}",
                                                                  model, task, repairs)))
    if not records:
        raise LiveBenchError(f"{name} has a header but no model rows; expected one row per model")
    return pd.DataFrame(records, columns=["model", "task", "category", "score"]), repairs


def _score(cell: str, where: str, model: str, task: str, repairs: list[str]) -> float:
    """One 0-100 score cell; empty is NaN (not run); anything else that is not a 0-100 number is NaN, recorded."""
    if cell == "":
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and 0 <= value <= 100:
        return value
    repairs.append(f"{where}: score {cell!r} for model {model!r}, task {task!r} is not a number from 0 to 100; "
                   "read as empty")
    return math.nan
