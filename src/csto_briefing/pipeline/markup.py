"""Screen markup the exporter adds to the sections' HTML, without changing what they say.

- every data-table cell gets `data-label` (its column header) unless the section set one: on a phone
  the tables become stacked rows, each value labelled by its header (briefing.css, max-width 600px);
- the title (h1) ends on two words, never one: its last space is a no-break space;
- every chart image not yet in a link is wrapped in a link to itself (`#<figure id>-full`): a tap opens it full size over
  the page (CSS `:target`), the browser's back button or the "Close" link returns.
No script: the HTML stays free of JavaScript."""

from __future__ import annotations


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
