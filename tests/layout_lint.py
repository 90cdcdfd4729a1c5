"""Layout lint for the briefing's PDF: what a design desk would stop at, read from the page with pdfplumber.

Each rule is a function of one page (or of the document) returning Problems that name the page and
the text. The PDF must be tagged (WeasyPrint pdf_tags / PDF/UA): the structure tree says which text is
a heading, a caption or a chart (an <img>: structure type Figure), as the HTML said.

Rules
- outside_text_block: a character outside the page's text block, other than the running header (top
  margin) and footer (bottom margin); header and footer must still lie within the block's width.
- overlapping_text: two characters drawn over each other (two words, or a cell running into the next).
- stranded_heading: a heading, or a caption with nothing of its table or figure, is the last block on a page.
- running_header_footer: a page after the first without its running header or its "page N of M" footer.
- chart_size: a chart narrower than half the text block, or chart text smaller than 7 pt.
- lone_table_row: a table's single body row on a page, carried over from the page before or left behind
  before the rest of its table on the next.
- unlabelled_continuation: a table continued on a new page whose first row there has an empty first cell: the label
  of the row's group (printed only on the group's first row) stayed on the page before, and the row reads as nobody's.
- labels_run_together: two value labels of a chart ("164", "230") set so close on one line that they read as
  one ("164 230"); text drawn over text is overlapping_text.
- chart_axes: a chart with an empty panel (matplotlib's default 0-1 axis: ticks 0.0 0.2 ... 1.0) or a
  tick label repeated along one axis.
- word_split: a word broken at a line end without a hyphen inside a table cell, a paragraph, a list item or a
  caption ("consultation / s", "parliament' / s", "peacekeepi / ng"): the line ends in letters, the next line of
  the same element starts lowercase, and the two pieces joined make a word of the document's text (the HTML beside
  the PDF, or else the words the PDF sets inside its lines) while one of them alone is not one.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4
A4 = (595.28, 841.89)


@dataclass(frozen=True)
class TextBlock:
    """The page's text block in PDF points, from the @page margins (top, right, bottom, left, in mm)."""

    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def from_margins_mm(cls, top: float, right: float, bottom: float, left: float, page: tuple[float, float] = A4) -> "TextBlock":
        return cls(left * MM, top * MM, page[0] - right * MM, page[1] - bottom * MM)

    @classmethod
    def from_css(cls, css: str, page: tuple[float, float] = A4) -> "TextBlock":
        """The block from the first `@page { margin: ... }` (1 to 4 values in mm) of a stylesheet."""
        found = re.search(r"@page\s*\{[^}]*?\bmargin:\s*([^;]+);", css)
        if not found:
            raise ValueError("no @page margin in the stylesheet")
        values = [float(v[:-2]) for v in found.group(1).split() if v.endswith("mm")]
        top, right, bottom, left = {1: values * 4, 2: values * 2, 3: values + values[1:2], 4: values}[len(values)]
        return cls.from_margins_mm(top, right, bottom, left, page)

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class Problem:
    rule: str
    page: int  # 1-based
    text: str
    detail: str = ""

    def __str__(self) -> str:
        return f"page {self.page}: {self.rule}: {self.text!r}{' (' + self.detail + ')' if self.detail else ''}"


@dataclass
class Page:
    """One page's characters, graphics and the structure type of each marked-content id."""

    number: int
    count: int
    width: float
    height: float
    chars: list[dict]
    graphics: list[dict]
    kinds: dict[int, tuple[str, ...]] = field(default_factory=dict)  # mcid -> structure types, outermost first
    parents: dict[int, int] = field(default_factory=dict)  # caption mcid -> id of its table/figure parent element
    parent_mcids: dict[int, set[int]] = field(default_factory=dict)  # parent element id -> its mcids on this page
    tables: list[dict] = field(default_factory=list)  # each table's part on this page: caption (bool), rows (mcid sets)
    blocks: dict[int, int] = field(default_factory=dict)  # mcid -> id of its block element (cell, paragraph, item, caption)

    def kind(self, char: dict) -> tuple[str, ...]:
        return self.kinds.get(char.get("mcid"), ())


HEADINGS = {"H1", "H2", "H3", "H4", "H5", "H6"}
BLOCKS = {"TD", "TH", "P", "LI", "LBody", "Caption", "BlockQuote"} | HEADINGS
TOLERANCE = 0.75  # points: rounding in glyph boxes


def load(pdf_path: Path) -> list[Page]:
    """Every page of the PDF, read once per version of the file (the rules only read the pages: tests of the same PDF
    share them)."""
    path = Path(pdf_path).resolve()
    stat = path.stat()
    return list(_load(str(path), stat.st_size, stat.st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _load(pdf_path: str, size: int, mtime_ns: int) -> tuple[Page, ...]:
    import pdfplumber

    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        count = len(pdf.pages)
        for index, p in enumerate(pdf.pages, 1):
            page = Page(index, count, float(p.width), float(p.height),
                        [c for c in p.chars if c["text"].strip()], list(p.rects) + list(p.curves) + list(p.lines))
            counter = iter(range(10**9))

            def walk(node, path, container, owner, block=-1, page=page, counter=counter):
                """owner: for text inside a caption, the table or figure element the caption belongs to; block: the
                nearest block element (a cell, paragraph, list item, caption, heading) around the text."""
                kind = node.get("type")
                here = path + (kind,)
                node_id = next(counter)
                if kind == "Caption":
                    owner = container
                if kind in BLOCKS:
                    block = node_id
                mcids = list(node.get("mcids") or [])
                for m in mcids:
                    page.kinds[m] = here
                    page.blocks[m] = block
                    if owner is not None:
                        page.parents[m] = owner
                inner = node_id if kind in ("Table", "NonStruct", "Div", "Figure") else container
                for child in node.get("children") or []:
                    mcids += walk(child, here, inner, owner, block, page, counter)
                page.parent_mcids[node_id] = set(mcids)
                return mcids

            try:
                tree = p.structure_tree
            except Exception:  # an untagged PDF: no structure
                tree = []
            for node in tree:
                walk(node, (), -1, None)
            page.tables = table_parts(tree)
            pages.append(page)
    return tuple(pages)


def _mcids(node) -> set[int]:
    found = set(node.get("mcids") or [])
    for child in node.get("children") or []:
        found |= _mcids(child)
    return found


def table_parts(tree: list[dict]) -> list[dict]:
    """Each table's part on a page, in reading order: whether its caption is here (a table's first page; the
    caption sits above it) and its body rows (header rows, repeated on every page, left out), as sets of mcids."""
    parts: list[dict] = []

    def visit(node, in_head=False):
        kind = node.get("type")
        if kind == "Table":
            part = {"caption": False, "rows": []}
            parts.append(part)

            def rows(n, head):
                for child in n.get("children") or []:
                    k = child.get("type")
                    if k == "Caption":
                        part["caption"] |= bool(_mcids(child))
                    elif k == "TR":
                        ids = _mcids(child)
                        if ids and not head and any(c.get("type") == "TD" for c in child.get("children") or []):
                            part["rows"].append(ids)
                    elif k != "Table":
                        rows(child, head or k == "THead")
            rows(node, False)
            return
        for child in node.get("children") or []:
            visit(child)

    for node in tree:
        visit(node)
    return [p for p in parts if p["rows"] or p["caption"]]


# ---------- grouping characters ----------

def lines_of(chars: list[dict], tolerance: float = 2.0) -> list[list[dict]]:
    """Characters grouped into text lines (by their baselines), top to bottom, each left to right."""
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (round(c["bottom"], 1), c["x0"])):
        if rows and abs(rows[-1][-1]["bottom"] - c["bottom"]) <= tolerance:
            rows[-1].append(c)
        else:
            rows.append([c])
    return [sorted(r, key=lambda c: c["x0"]) for r in rows]


def text_of(chars: list[dict], limit: int = 70) -> str:
    out = ""
    last = None
    for c in sorted(chars, key=lambda c: (round(c["bottom"]), c["x0"])):
        if last is not None and (c["x0"] - last["x1"] > 0.25 * c["size"] or abs(c["bottom"] - last["bottom"]) > 2):
            out += " "
        out += c["text"]
        last = c
    return out if len(out) <= limit else out[: limit - 1] + "…"


def stream_words(chars: list[dict]) -> dict[int, str]:
    """{id(char): its word}, words taken in the order the characters were drawn (so that two words drawn
    over each other stay two words)."""
    words: list[list[dict]] = []
    for c in chars:
        last = words[-1][-1] if words else None
        if (last is not None and abs(c["bottom"] - last["bottom"]) < 1 and -0.1 * c["size"] <= c["x0"] - last["x1"] < 0.2 * c["size"]):
            words[-1].append(c)
        else:
            words.append([c])
    return {id(c): "".join(x["text"] for x in w) for w in words for c in w}


def in_header(page: Page, c: dict, block: TextBlock) -> bool:
    return c["bottom"] <= block.top + TOLERANCE


def in_footer(page: Page, c: dict, block: TextBlock) -> bool:
    return c["top"] >= block.bottom - TOLERANCE


def body_chars(page: Page, block: TextBlock) -> list[dict]:
    return [c for c in page.chars if not in_header(page, c, block) and not in_footer(page, c, block)]


# ---------- rules ----------

def outside_text_block(page: Page, block: TextBlock, header: re.Pattern | None = None, footer: re.Pattern | None = None) -> list[Problem]:
    """Characters beyond the block's left or right edge anywhere; above or below it unless they are the
    running header (the top margin's line) or footer (the bottom margin's lines)."""
    problems = []
    wide = [c for c in page.chars if c["x0"] < block.left - TOLERANCE or c["x1"] > block.right + TOLERANCE]
    words = stream_words(page.chars)
    for line in lines_of(wide):
        edge = "left" if line[0]["x0"] < block.left - TOLERANCE else "right"
        by = max(block.left - line[0]["x0"], line[-1]["x1"] - block.right)
        text = " ".join(dict.fromkeys(words[id(c)] for c in line))
        problems.append(Problem("outside_text_block", page.number, text, f"{by:.1f} pt past the {edge} edge"))
    margins = [c for c in page.chars if (in_header(page, c, block) or in_footer(page, c, block))]
    for line in lines_of(margins):
        text = text_of(line, 200)
        where = "header" if in_header(page, line[0], block) else "footer"
        if not (line[0]["bottom"] <= block.top - 2 or line[0]["top"] >= block.bottom + 2):
            problems.append(Problem("outside_text_block", page.number, text_of(line), f"text crosses the {'top' if where == 'header' else 'bottom'} edge of the text block"))
            continue
        pattern = header if where == "header" else footer
        if pattern is not None and not pattern.search(text):
            problems.append(Problem("outside_text_block", page.number, text_of(line), f"in the {'top' if where == 'header' else 'bottom'} margin but not the running {where}"))
    return problems


def overlapping_text(page: Page, min_share: float = 0.3) -> list[Problem]:
    """Two characters whose boxes overlap by more than min_share of the smaller one (kerning stays far below)."""
    chars = page.chars
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    cell = 12.0
    for i, c in enumerate(chars):
        for gx in range(int(c["x0"] // cell), int(c["x1"] // cell) + 1):
            for gy in range(int(c["top"] // cell), int(c["bottom"] // cell) + 1):
                grid[gx, gy].append(i)
    seen: set[tuple[int, int]] = set()
    hits: list[tuple[dict, dict]] = []
    for members in grid.values():
        for a_i in range(len(members)):
            for b_i in range(a_i + 1, len(members)):
                i, j = members[a_i], members[b_i]
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                a, b = chars[i], chars[j]
                if abs(i - j) == 1 and abs(a["bottom"] - b["bottom"]) < 1:
                    continue  # neighbours in the text stream: kerning (T, r, y, ., /) may tuck one under the other
                w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if w <= 0 or h <= 0:
                    continue
                smaller = min((a["x1"] - a["x0"]) * (a["bottom"] - a["top"]), (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]))
                if smaller > 0 and w * h > min_share * smaller and w > 0.3 * min(a["x1"] - a["x0"], b["x1"] - b["x0"]):
                    hits.append((a, b))
    problems, reported = [], set()
    words = stream_words(chars)
    for a, b in hits:
        wa, wb = words[id(a)], words[id(b)]
        key = tuple(sorted((wa, wb)))
        if key in reported:
            continue
        reported.add(key)
        in_chart = all("Figure" in page.kind(c) or c.get("tag") == "Figure" for c in (a, b))
        problems.append(Problem("overlapping_text", page.number, wa, f"drawn over {wb!r}{' in a chart' if in_chart else ''}"))
    return problems


def stranded_heading(page: Page, block: TextBlock) -> list[Problem]:
    """The last block of the page is a heading, or a caption whose table or figure has nothing else on this page."""
    if page.number == page.count:
        return []
    chars = body_chars(page, block)
    if not chars:
        return []
    last = lines_of(chars)[-1]
    kinds = [page.kind(c) for c in last]
    if any(set(k) & HEADINGS for k in kinds):
        return [Problem("stranded_heading", page.number, text_of(last), "a heading is the last line of the page")]
    caption = [c for c, k in zip(last, kinds) if "Caption" in k]
    if caption:
        mcid = caption[0].get("mcid")
        parent = page.parents.get(mcid)
        own = {m for m, k in page.kinds.items() if "Caption" in k and page.parents.get(m) == parent}
        others = page.parent_mcids.get(parent, set()) - own
        if not others:
            return [Problem("stranded_heading", page.number, text_of(last), "a caption is the last line of the page, its table or figure on the next")]
    return []


def running_header_footer(page: Page, block: TextBlock, header: re.Pattern | None = None) -> list[Problem]:
    """Pages after the first: a running header in the top margin, a footer "page N of M" in the bottom margin."""
    if page.number == 1:
        return []
    problems = []
    top = [c for c in page.chars if in_header(page, c, block)]
    if not top or (header is not None and not header.search(text_of(top, 500))):
        problems.append(Problem("running_header_footer", page.number, text_of(top) if top else "", "running header missing"))
    bottom = text_of([c for c in page.chars if in_footer(page, c, block)], 500)
    if f"page {page.number} of {page.count}" not in bottom:
        problems.append(Problem("running_header_footer", page.number, bottom, f"footer 'page {page.number} of {page.count}' missing"))
    return problems


def charts(page: Page) -> dict[int, dict]:
    """Each chart on the page (an image: structure type Figure) with its characters and its extent."""
    found: dict[int, dict] = {}
    for c in page.chars:
        if "Figure" in page.kind(c) or c.get("tag") == "Figure":
            found.setdefault(c.get("mcid"), {"chars": [], "graphics": []})["chars"].append(c)
    for g in page.graphics:
        if g.get("tag") == "Figure" or "Figure" in page.kinds.get(g.get("mcid"), ()):
            found.setdefault(g.get("mcid"), {"chars": [], "graphics": []})["graphics"].append(g)
    for chart in found.values():
        items = chart["chars"] + chart["graphics"]
        chart["x0"] = min(i["x0"] for i in items)
        chart["x1"] = max(i["x1"] for i in items)
    return found


def chart_size(page: Page, block: TextBlock, min_pt: float = 7.0) -> list[Problem]:
    problems = []
    for chart in charts(page).values():
        width = chart["x1"] - chart["x0"]
        label = text_of(chart["chars"], 40) if chart["chars"] else "(chart without text)"
        if width < block.width / 2 - TOLERANCE:
            problems.append(Problem("chart_size", page.number, label, f"chart {width:.0f} pt wide, under half the text block ({block.width / 2:.0f} pt)"))
        small = [c for c in chart["chars"] if c["size"] < min_pt - 0.05]
        for line in lines_of(small):
            problems.append(Problem("chart_size", page.number, text_of(line), f"chart text {min(c['size'] for c in line):.1f} pt, under {min_pt:g} pt"))
    return problems


TICK = re.compile(r"^(-?[\d.,]+%?|\d{1,2} [A-Z][a-z]{2}|[A-Z][a-z]{2}( \d{2,4})?|\d{4}|\d{2}:\d{2})$")
EMPTY_AXIS = ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]


def chart_labels(chars: list[dict]) -> list[dict]:
    """A chart's words, with a word set directly under another (a two-line tick label) joined to it."""
    words: list[dict] = []
    for row in lines_of(chars, tolerance=1.0):
        current = [row[0]]
        for c in row[1:] + [None]:
            if c is not None and c["x0"] - current[-1]["x1"] <= 0.45 * c["size"]:
                current.append(c)
                continue
            words.append({"text": text_of(current, 200), "x0": current[0]["x0"], "x1": current[-1]["x1"],
                          "top": min(x["top"] for x in current), "bottom": max(x["bottom"] for x in current),
                          "size": current[0]["size"]})
            if c is not None:
                current = [c]
    words.sort(key=lambda w: (w["top"], w["x0"]))
    labels: list[dict] = []
    for w in words:
        for label in labels:
            if abs((label["x0"] + label["x1"]) / 2 - (w["x0"] + w["x1"]) / 2) < 3 and 0 <= w["top"] - label["bottom"] < 0.8 * w["size"]:
                label.update(text=label["text"] + " " + w["text"], bottom=w["bottom"],
                             x0=min(label["x0"], w["x0"]), x1=max(label["x1"], w["x1"]))
                break
        else:
            labels.append(dict(w))
    return labels


def chart_axes(page: Page) -> list[Problem]:
    """Empty panels (matplotlib's default ticks 0.0 ... 1.0 on an axis) and a tick label repeated next to itself."""
    problems = []
    for chart in charts(page).values():
        labels = chart_labels(chart["chars"])
        rows: dict[int, list[dict]] = defaultdict(list)
        columns: dict[int, list[dict]] = defaultdict(list)
        for label in labels:
            rows[round(label["top"])].append(label)
            columns[round(label["x1"])].append(label)
        empty = 0
        for group in list(rows.values()) + list(columns.values()):
            texts = [label["text"] for label in group]
            if all(t in texts for t in EMPTY_AXIS):
                empty += 1
        if empty:
            problems.append(Problem("chart_axes", page.number, " ".join(EMPTY_AXIS),
                                    f"{empty} empty panel axis/axes: matplotlib's default 0-1 ticks"))
        for row in rows.values():
            row.sort(key=lambda label: label["x0"])
            for a, b in zip(row, row[1:]):
                width = a["x1"] - a["x0"]
                if a["text"] == b["text"] and TICK.match(a["text"].split(" ")[0]) and b["x0"] - a["x1"] < 2.5 * max(width, 6):
                    problems.append(Problem("chart_axes", page.number, " ".join(label["text"] for label in row)[:70],
                                            f"tick label {a['text']!r} repeated next to itself"))
                    break
    return problems


def lone_table_row(pages: list[Page]) -> list[Problem]:
    """A table split across pages with a single body row on one of them: the row carried to the next page (a part
    without the caption, as a continuation is) or left at a page's foot before the rest of its table."""
    problems = []
    for i, page in enumerate(pages):
        for j, part in enumerate(page.tables):
            if len(part["rows"]) != 1:
                continue
            carried = not part["caption"]
            following = pages[i + 1].tables if i + 1 < len(pages) else []
            left = j == len(page.tables) - 1 and bool(following) and not following[0]["caption"]
            if carried or left:
                row = [c for c in page.chars if c.get("mcid") in part["rows"][0]]
                problems.append(Problem("lone_table_row", page.number, text_of(row) if row else "(an empty row)",
                                        "a table's only row on this page, " + ("carried over from the page before" if carried
                                                                                else "the rest of its table on the next")))
    return problems


def _first_column(page: Page, top: float, bottom: float) -> tuple[float, float] | None:
    """The x extent of a table's first column between top and bottom, from its cells' rules (with collapsed borders
    each cell draws its own): the leftmost rule and, of those that start there, the shortest; None without rules."""
    rules = [g for g in page.graphics if g["bottom"] - g["top"] < 1.5 and g["x1"] - g["x0"] > 5
             and top - 40 <= g["top"] <= bottom + 2]
    if not rules:
        return None
    left = min(g["x0"] for g in rules)
    return left, min(g["x1"] for g in rules if g["x0"] - left < 1)


def _first_cells(page: Page, part: dict) -> list[bool]:
    """For each body row of a table's part on a page, whether the row has text in the table's first column."""
    rows = [r for r in ([c for c in page.chars if c.get("mcid") in ids] for ids in part["rows"]) if r]
    if not rows:
        return []
    column = _first_column(page, min(c["top"] for c in rows[0]), max(c["bottom"] for c in rows[-1]))
    if column is None:
        return [True] * len(rows)
    return [any(column[0] <= (c["x0"] + c["x1"]) / 2 <= column[1] for c in row) for row in rows]


def unlabelled_continuation(pages: list[Page]) -> list[Problem]:
    """A table carried over to a page (its first part there has no caption) whose first body row there leaves the first
    column empty, while the table fills that column in other rows (here or on the page before): the label of the row's
    group was printed only on the page before."""
    problems = []
    for before, page in zip(pages, pages[1:]):
        if not page.tables or page.tables[0]["caption"] or not before.tables:
            continue
        here = _first_cells(page, page.tables[0])
        if here and not here[0] and any(here[1:] + _first_cells(before, before.tables[-1])):
            first = [c for c in page.chars if c.get("mcid") in page.tables[0]["rows"][0]]
            problems.append(Problem("unlabelled_continuation", page.number, text_of(first),
                                    "a table carried over to this page opens with an empty first cell: its group's label "
                                    "is on the page before"))
    return problems


VALUE = re.compile(r"^[~<>≥≤≈]?[-−]?\d[\d,.]*%?$")


def labels_run_together(page: Page, min_gap_em: float = 0.75) -> list[Problem]:
    """Two value labels in a chart (numbers, with a sign such as ~ or >) on one line with less than min_gap_em of
    their size between them: "164 230" reads as one label, or as one number."""
    problems = []
    for chart in charts(page).values():
        for line in lines_of(chart["chars"], tolerance=1.0):
            tokens: list[list[dict]] = [[line[0]]]
            for c in line[1:]:
                if c["x0"] - tokens[-1][-1]["x1"] > 0.2 * c["size"]:
                    tokens.append([c])
                else:
                    tokens[-1].append(c)
            for a, b in zip(tokens, tokens[1:]):
                ta, tb = "".join(c["text"] for c in a), "".join(c["text"] for c in b)
                gap = b[0]["x0"] - a[-1]["x1"]
                if VALUE.match(ta) and VALUE.match(tb) and gap < min_gap_em * b[0]["size"]:
                    problems.append(Problem("labels_run_together", page.number, f"{ta} {tb}",
                                            f"two chart labels {gap:.1f} pt apart, read as one"))
    return problems


WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*['’]?")  # letters, with apostrophes inside ("parliament's")
HYPHENS = "-\u2010\u2011\u00ad"
OPENING, CLOSING = "([\"“‘«", ")].,;:!?\"”’»"
APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def words_of(text: str) -> set[str]:
    """The words of a text, lowercase, apostrophes straight: the vocabulary word_split checks joined pieces against."""
    return {w.lower().translate(APOSTROPHES).rstrip("'") for w in WORD.findall(text)}


def html_words(html: str) -> set[str]:
    """The words of an HTML document's text (not its <style>, <script> or attributes)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script", "head"]):
        tag.decompose()
    return words_of(soup.get_text(" "))


def block_lines(page: Page) -> list[list[list[dict]]]:
    """The lines of each block element of the page (a cell, a paragraph, a list item, a caption), top to bottom."""
    groups: dict[int, list[dict]] = defaultdict(list)
    for c in page.chars:
        block = page.blocks.get(c.get("mcid"), -1)
        if block != -1:
            groups[block].append(c)
    return [lines_of(chars) for chars in groups.values()]


def inner_words(pages: list[Page]) -> set[str]:
    """Words the PDF sets inside its lines (never the first or last word of a line, which may be a piece)."""
    found: set[str] = set()
    for page in pages:
        for lines in block_lines(page):
            for line in lines:
                found |= words_of(" ".join(text_of(line, 10**6).split()[1:-1]))
    return found


def word_split(page: Page, vocabulary: set[str]) -> list[Problem]:
    """A word broken over two lines of one block element without a hyphen: "consultation" / "s"."""
    problems = []
    for lines in block_lines(page):
        for first, second in zip(lines, lines[1:]):
            end, start = text_of(first, 10**6).split(), text_of(second, 10**6).split()
            if not end or not start or end[-1][-1] in HYPHENS:
                continue
            a, b = end[-1].lstrip(OPENING), start[0].rstrip(CLOSING)
            if not WORD.fullmatch(a) or not WORD.fullmatch(b):
                continue  # a number, punctuation at the break, or an address (broken anywhere on purpose)
            if not b[0].islower() and b[0] not in "'’":
                continue
            joined = (a + b).lower().translate(APOSTROPHES).rstrip("'")
            pieces = {a.lower().translate(APOSTROPHES).rstrip("'"), b.lower().translate(APOSTROPHES).rstrip("'")}
            if joined in vocabulary and not pieces <= vocabulary:
                problems.append(Problem("word_split", page.number, f"{a} / {b}",
                                        f"{a + b!r} broken at a line end without a hyphen"))
    return problems


PROSE = {"P", "LI", "LBody", "Caption", "BlockQuote"}


def _words_in_line(line: list[dict]) -> list[list[dict]]:
    """A line's characters (left to right) in words: a gap wider than a quarter of the font size between two
    characters starts a new word."""
    words: list[list[dict]] = []
    for c in line:
        if words and c["x0"] - words[-1][-1]["x1"] <= 0.25 * c["size"]:
            words[-1].append(c)
        else:
            words.append([c])
    return words


def early_break(page: Page, slack_em: float = 0.5) -> list[Problem]:
    """A line of prose (a paragraph, list item, caption or quotation; not a table cell, heading or chart) broken
    before it had to be: the first word of the next line of the same block would have fitted at its end, within the
    block's measure (its widest line on the page) ("recalled that / Aliyev / had said ..."). slack_em: room kept for
    rounding and for the space a justified or hyphenated line may need."""
    problems = []
    groups: dict[int, list[dict]] = defaultdict(list)
    for c in page.chars:
        kinds = set(page.kind(c))
        block_id = page.blocks.get(c.get("mcid"), -1)
        if block_id != -1 and kinds & PROSE and not kinds & ({"Table", "Figure", "TD", "TH", "NonStruct", "Div"} | HEADINGS):
            groups[block_id].append(c)
    for chars in groups.values():
        lines = lines_of(chars)
        if len(lines) < 2:
            continue
        measure = max(line[-1]["x1"] for line in lines)
        for line, following in zip(lines, lines[1:]):
            words = _words_in_line(following)
            if not words or line[-1]["text"] in HYPHENS:
                continue
            first = words[0]
            size = line[-1]["size"]
            style = (round(first[0]["size"], 1), first[0].get("non_stroking_color"))
            if style[0] < 0.95 * size:  # a smaller label (a tag such as "News agency", kept whole): its run of words
                for word in words[1:]:
                    if (round(word[0]["size"], 1), word[0].get("non_stroking_color")) != style:
                        break
                    first = first + word
            needed = (first[-1]["x1"] - first[0]["x0"]) + 0.25 * size  # the word and a space before it
            if line[-1]["x1"] + needed < measure - slack_em * size:
                word = text_of(first, 10**6)
                problems.append(Problem("early_break", page.number, f"{text_of(line, 10**6)[-30:]} / {word}",
                                        f"{word!r} would have fitted on the line before "
                                        f"({measure - line[-1]['x1']:.0f} pt free, {needed:.0f} pt needed)"))
    return problems

RULES = ("outside_text_block", "overlapping_text", "stranded_heading", "running_header_footer", "chart_size", "chart_axes",
         "lone_table_row", "unlabelled_continuation", "labels_run_together", "word_split", "early_break")


def lint(pdf_path: Path, block: TextBlock, header: str | None = None, rules=RULES, html: str | None = None) -> list[Problem]:
    """Every problem of every page; header: a regular expression the running header must match; html: the HTML the
    PDF was made from (word_split's vocabulary), by default the .html file beside the PDF if there is one."""
    header_re = re.compile(header) if header else None
    footer_re = re.compile(r"page \d+ of \d+|as of")
    problems: list[Problem] = []
    pages = load(pdf_path)
    vocabulary: set[str] = set()
    if "word_split" in rules:
        beside = Path(pdf_path).with_suffix(".html")
        if html is None and beside.is_file():
            html = beside.read_text(encoding="utf-8")
        vocabulary = html_words(html) if html is not None else inner_words(pages)
    for page in pages:
        if "outside_text_block" in rules:
            problems += outside_text_block(page, block, header_re, footer_re)
        if "overlapping_text" in rules:
            problems += overlapping_text(page)
        if "stranded_heading" in rules:
            problems += stranded_heading(page, block)
        if "running_header_footer" in rules:
            problems += running_header_footer(page, block, header_re)
        if "chart_size" in rules:
            problems += chart_size(page, block)
        if "chart_axes" in rules:
            problems += chart_axes(page)
        if "labels_run_together" in rules:
            problems += labels_run_together(page)
        if "word_split" in rules:
            problems += word_split(page, vocabulary)
        if "early_break" in rules:
            problems += early_break(page)
    if "lone_table_row" in rules:
        problems += lone_table_row(pages)
    if "unlabelled_continuation" in rules:
        problems += unlabelled_continuation(pages)
    return sorted(problems, key=lambda p: p.page)


def report(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)
