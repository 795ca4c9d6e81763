"""The leaderboard's HTML table read back as rows: each cell's text, small print, link targets and image alt texts."""

from html.parser import HTMLParser


class BoardParser(HTMLParser):
    """Header texts and body rows of the tables in one HTML document (text inside <style> is skipped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headers: list[str] = []
        self.rows: list[list[dict]] = []
        self.cell: dict | None = None
        self.in_body = False
        self.in_meta = 0  # depth of <span> inside the small print

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = {"text": "", "meta": "", "links": [], "images": [], "titles": []}
        elif tag == "span" and attrs.get("title") and self.cell is not None:
            self.cell["titles"].append(attrs["title"])
        elif tag == "span" and (self.in_meta or attrs.get("class") == "meta"):
            self.in_meta += 1
        elif tag == "a" and self.cell is not None:
            self.cell["links"].append(attrs.get("href"))
        elif tag == "img" and self.cell is not None:
            self.cell["images"].append(attrs.get("alt"))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "span" and self.in_meta:
            self.in_meta -= 1
        elif tag == "th" and self.cell is not None:
            self.headers.append(self.cell["text"].replace("\u00ad", "").strip())  # as read: no soft hyphen
            self.cell = None
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell | {"text": self.cell["text"].strip(), "meta": self.cell["meta"].strip()})
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["meta" if self.in_meta else "text"] += data


def rows(body: str) -> list[dict[str, dict]]:
    """Each body row as {header: cell}, where a cell is {'text', 'meta' (its small print), 'links', 'images'}."""
    parser = BoardParser()
    parser.feed(body)
    parser.close()
    return [dict(zip(parser.headers, row, strict=True)) for row in parser.rows]


def column(body: str, header: str) -> list[str]:
    """The texts of one column, top to bottom."""
    return [row[header]["text"] for row in rows(body)]


def licenses(rows: list[dict[str, dict]]) -> set[str]:
    """The license classes in the small print under each model ('license · size · task')."""
    return {row["model"]["meta"].split(" · ")[0] for row in rows}
