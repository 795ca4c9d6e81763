"""The leaderboard's view (rank, profile, filters, paging) as URL query parameters, and the HTML links that change it.

Every control is a plain link or a GET form in the same HTML as the table: the browser needs no script of its own
for any of them, so the table is drawn as soon as Streamlit's HTML renderer is there (docs/benchmarks.md).
"""

import html
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

KINDS = {"models": "Models", "families": "Families"}
VIEWS = {"table": "Table", "grid": "Interactive grid"}
PAGE_SIZES = (25, 50, 100)
COVERAGE_STEPS = tuple(range(0, 101, 5))  # minimum coverage, in percent
FILTERS = {"task": "Task", "license": "License class", "size": "Size class"}  # parameter -> label
FILTER_FIELDS = {"task": "pipeline_tag", "license": "license_class", "size": "size_class"}  # -> filter_options field
SHOWN = 120  # characters of a bad value repeated back


@dataclass(frozen=True)
class View:
    """What the leaderboard shows; each field is a query parameter of the same name, left out at its default."""

    profile: str
    kind: str = "models"
    view: str = "table"
    rows: int = PAGE_SIZES[0]
    page: int = 1
    task: tuple[str, ...] = ()
    license: tuple[str, ...] = ()
    size: tuple[str, ...] = ()
    coverage: int = 0  # percent
    open_only: bool = False

    def params(self, **changes) -> list[tuple[str, str]]:
        """This view's query parameters with changes, in order; defaults are left out (the profile never is)."""
        changed, default = replace(self, **changes), View(profile="")
        pairs = []
        for f in fields(View):
            value = getattr(changed, f.name)
            if f.name != "profile" and value == getattr(default, f.name):
                continue
            pairs += [(f.name, v) for v in value] if isinstance(value, tuple) else \
                [(f.name, "1" if value is True else str(value))]
        return pairs

    def href(self, **changes) -> str:
        """A link to this view with changes: its query string alone, so it stays on the current page."""
        return "?" + urlencode(self.params(**changes))


def cut(value: str) -> str:
    """A value from the address as repr(), cut short."""
    return repr(value if len(value) <= SHOWN else f"{value[:SHOWN]}...")


def parse(params: dict[str, list[str]], profiles: list[str], options: dict[str, list[str]]) -> tuple[View, list[str]]:
    """The view the query parameters ask for, and an error for each bad one; with any error, the default view.

    `params` maps each parameter to its values (st.query_params.to_dict() keeps only the last); `options` maps
    task, license and size to the values they may take."""
    view, errors = {}, []

    def one(name: str, allowed: dict[str, object], expected: str) -> None:
        values = params.get(name, [])
        if len(values) > 1:
            errors.append(f"The address gives {name} {len(values)} times: expected it once, {expected}.")
        elif values and values[0] not in allowed:
            errors.append(f"Unknown {name} {cut(values[0])} in the address: expected {expected}.")
        elif values:
            view[name] = allowed[values[0]]

    one("profile", {p: p for p in profiles}, "one of " + ", ".join(profiles))
    one("kind", {k: k for k in KINDS}, "models or families")
    one("view", {v: v for v in VIEWS}, "table or grid")
    one("rows", {str(n): n for n in PAGE_SIZES}, "25, 50 or 100 rows per page")
    one("coverage", {str(n): n for n in COVERAGE_STEPS}, "a minimum coverage in percent, 0 to 100 in steps of 5")
    one("open_only", {"1": True}, "1 for open weight only")
    pages = params.get("page", [])
    if pages and (len(pages) > 1 or not pages[0].isascii() or not pages[0].isdigit() or not 1 <= int(pages[0]) < 10**9):
        errors.append(f"Unknown page {cut(','.join(pages))} in the address: expected one page number from 1.")
    elif pages:
        view["page"] = int(pages[0])
    for name, label in FILTERS.items():
        unknown = [v for v in params.get(name, []) if v not in options[name]]
        if unknown:
            errors.append(f"Unknown {label.lower()} {cut(unknown[0])} in the address: expected one of the "
                          f"{len(options[name])} the filters offer.")
        view[name] = tuple(dict.fromkeys(params.get(name, [])))
    if errors:
        return View(profile=profiles[0]), errors
    return View(**({"profile": profiles[0]} | view)), []


def link(label: str, href: str, current: bool = False) -> str:
    """One link of a group; the current choice is marked for people and screen readers."""
    mark = ' class="on" aria-current="true"' if current else ""
    return f'<a href="{html.escape(href)}"{mark}>{html.escape(label)}</a>'


def group(label: str, choices: list[tuple[str, str, bool]]) -> str:
    """A labelled group of links (label, href, current): one per choice."""
    links = "".join(link(*choice) for choice in choices)
    return (f'<span class="rv-group" role="group" aria-label="{html.escape(label)}">'
            f'<span class="rv-label">{html.escape(label)}</span>{links}</span>')


def hidden(view: View, *names: str) -> str:
    """The view's parameters `names` as hidden form fields, so that a form changes only its own."""
    return "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in view.params() if k in names)


def bar(view: View, profiles: list[str]) -> str:
    """Rank, weight profile and view as groups of links; a change of any of them goes back to page 1."""
    return ('<nav class="rv-bar" aria-label="Leaderboard view">'
            + group("Rank", [(label, view.href(kind=k, page=1), view.kind == k) for k, label in KINDS.items()])
            + group("Weight profile", [(p, view.href(profile=p, page=1), view.profile == p) for p in profiles])
            + group("View", [(label, view.href(view=v), view.view == v) for v, label in VIEWS.items()])
            + "</nav>")


def filters(view: View, options: dict[str, list[str]]) -> str:
    """The filters as a GET form in a disclosure: check boxes, the minimum coverage and open weight only."""
    boxes = "".join(
        f'<fieldset><legend>{html.escape(label)}</legend>'
        + "".join(f'<label><input type="checkbox" name="{name}" value="{html.escape(v)}"'
                  f'{" checked" if v in getattr(view, name) else ""}>{html.escape(v)}</label>' for v in options[name])
        + "</fieldset>" for name, label in FILTERS.items() if options[name])
    coverage = "".join(f'<option value="{n}"{" selected" if n == view.coverage else ""}>{n}%</option>'
                       for n in COVERAGE_STEPS)
    clear = view.href(task=(), license=(), size=(), coverage=0, open_only=False, page=1)
    chosen = sum(len(getattr(view, name)) for name in FILTERS) + (view.coverage > 0) + view.open_only
    return (f'<details class="rv-filters"><summary>Filters{f" ({chosen})" if chosen else ""}</summary>'
            f'<form method="get" aria-label="Filters">{hidden(view, "profile", "kind", "view", "rows")}{boxes}'
            f'<p><label>Minimum coverage <select name="coverage">{coverage}</select></label> '
            f'<label><input type="checkbox" name="open_only" value="1"{" checked" if view.open_only else ""}>'
            f'Open weight only</label></p>'
            f'<p><button type="submit">Apply</button> {link("Clear the filters", clear)}</p>'
            "</form></details>")


def pager(view: View, pages: int) -> str:
    """Rows per page as links, the page number as a GET form, and links to the previous and next page."""
    sizes = group("Rows per page", [(str(n), view.href(rows=n, page=1), view.rows == n) for n in PAGE_SIZES])
    previous = link("‹ Previous", view.href(page=view.page - 1)) if view.page > 1 else ""
    following = link("Next ›", view.href(page=view.page + 1)) if view.page < pages else ""
    number = (f'<form method="get" class="rv-page" aria-label="Go to page">'
              f'{hidden(view, *(f.name for f in fields(View) if f.name != "page"))}'
              f'<label>Page <input type="number" name="page" min="1" max="{pages}" value="{view.page}"></label>'
              f' of {pages:,} <button type="submit">Go</button></form>')
    return f'<nav class="rv-bar" aria-label="Pages">{sizes}{previous}{number}{following}</nav>'


def alert(lines: list[str]) -> str:
    """What was wrong with the address and what is shown instead, escaped; nothing when all was well."""
    if not lines:
        return ""
    return '<div class="rv-alert" role="alert">' + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</div>"
