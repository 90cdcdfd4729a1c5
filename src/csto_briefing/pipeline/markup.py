"""Screen markup the exporter adds to the sections' HTML, without changing what they say.

- every data-table cell gets `data-label` (its column header) unless the section set one: on a phone
  the tables become stacked rows, each value labelled by its header (briefing.css, max-width 600px);
- the title (h1) ends on two words, never one: its last space is a no-break space;
- every chart image not yet in a link is wrapped in a link to itself (`#<figure id>-full`): a tap opens it full size over
  the page (CSS `:target`), the browser's back button or the "Close" link returns.
No script: the HTML stays free of JavaScript."""

from __future__ import annotations

import re


def screen_markup(html: str) -> str:
    if "<table" not in html and "<figure" not in html and "<h1" not in html:
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    changed = False
    for table in soup.select("table.data"):
        head = table.find("thead")
        header_row = head.find("tr") if head else None
        if header_row is None:
            continue
        labels: list[str] = []
        for th in header_row.find_all(["th", "td"], recursive=False):
            labels += [th.get_text(" ", strip=True)] * int(th.get("colspan", 1) or 1)
        for tbody in table.find_all("tbody", recursive=False) or [table]:
            for tr in tbody.find_all("tr", recursive=False):
                cells = tr.find_all(["td", "th"], recursive=False)
                if len(cells) == 1 and int(cells[0].get("colspan", 1) or 1) > 1:
                    continue  # a note spanning the row
                column = 0
                for cell in cells:
                    if column < len(labels) and labels[column] and not cell.has_attr("data-label"):
                        cell["data-label"] = labels[column]
                        changed = True
                    column += int(cell.get("colspan", 1) or 1)
    for h1 in soup.find_all("h1"):
        texts = [t for t in h1.find_all(string=True) if t.strip()]
        if texts and len(h1.get_text().split()) >= 4 and " " in texts[-1].rstrip():
            last = texts[-1]
            head, _, tail = last.rstrip().rpartition(" ")
            last.replace_with(head + "\u00a0" + tail + last[len(last.rstrip()):])
            changed = True
    for n, figure in enumerate(soup.select("figure.chart"), 1):
        img = figure.find("img")
        if img is None or img.find_parent("a") is not None:
            continue
        target = f"{figure.get('id') or f'chart-{n}'}-full"
        link = soup.new_tag("a", attrs={"class": "chart-open", "id": target, "href": f"#{target}"})
        img.wrap(link)
        close = soup.new_tag("a", attrs={"class": "chart-close", "href": f"#{figure.get('id') or target}"})
        close.string = "Close"
        link.insert_after(close)
        changed = True
    return str(soup) if changed else html


# ---------- typographic apostrophes and quotes ----------

_SKIP = frozenset({"style", "script", "code", "pre", "kbd", "samp", "textarea", "svg", "math"})
SVG_SKIP = _SKIP - {"svg"}  # inside a chart's own SVG: its <text> is reader text, its <style> and <defs> paths are not

# a block boundary: a quote just after it opens
_BLOCKS = {"p", "li", "td", "th", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "caption", "figcaption",
           "dt", "dd", "br", "section", "nav", "header", "footer", "main", "body", "title", "tr", "table", "ul", "ol",
           "text", "g"}  # text, g: each label of a chart (SVG) stands alone
_PIECES = re.compile(r"(<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>)", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)\s*>", re.S)
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.I)
_ENTITIES = {"&#39;": "'", "&#x27;": "'", "&#X27;": "'", "&apos;": "'", "&quot;": '"', "&#34;": '"', "&#x22;": '"'}
_ENTITY = re.compile("|".join(re.escape(e) for e in _ENTITIES))
_OPENS_BEFORE = set(" \t\n\r\u00a0\u2009\u202f([{\u2014\u2013/-\u201c\u2018")


def _curl(text: str, before: str) -> str:
    """Straight quotes in one run of reader text curled by their neighbours; before: the character that precedes it."""
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else before
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "'":
            opening = prev in _OPENS_BEFORE and (nxt.isalpha() or nxt in "\"“") and not re.match(r"\d\d\b", text[i + 1:i + 4])
            out.append("\u2018" if opening else "\u2019")  # ’ also for an apostrophe: parliament’s, members’, ’22
        elif ch == '"':
            out.append("\u201c" if prev in _OPENS_BEFORE else "\u201d")
        else:
            out.append(ch)
    return "".join(out)


def typographic(html: str, skip_elements: frozenset[str] | set[str] = _SKIP) -> str:
    """Curly apostrophes and quotes (’ ‘ ’ “ ”) in the reader text of an HTML document: text nodes only, never in a
    tag or its attributes, a comment, <style>, <script>, <code>, <pre>, or an address (https://...). Everything else
    is left byte for byte. For an SVG document (a chart's text), pass skip_elements=SVG_SKIP."""
    if "'" not in html and '"' not in html and "&#39;" not in html and "&quot;" not in html:
        return html
    pieces = _PIECES.split(html)
    skip: list[str] = []
    before = " "
    for n, piece in enumerate(pieces):
        if n % 2:  # a tag or a comment
            tag = _TAG.match(piece)
            if tag:
                closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
                if name in skip_elements and not self_closing:
                    if closing:
                        if name in skip:
                            del skip[len(skip) - 1 - skip[::-1].index(name):]
                    else:
                        skip.append(name)
                if name in _BLOCKS:
                    before = " "
            continue
        if skip or not piece:
            continue
        if "'" not in piece and '"' not in piece and "&" not in piece:
            before = piece[-1]
            continue
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], piece)
        parts, last = [], 0
        for url in _URL.finditer(text):
            parts.append(_curl(text[last:url.start()], text[last - 1] if last else before))
            parts.append(url.group(0))
            last = url.end()
        parts.append(_curl(text[last:], text[last - 1] if last else before))
        pieces[n] = "".join(parts)
        before = text[-1]
    return "".join(pieces)


def typographic_svg(svg: str) -> str:
    """A chart's SVG with typographic apostrophes and quotes in its text (matplotlib writes text as <text>)."""
    return typographic(svg, SVG_SKIP)
