"""The briefing as a reader gets it: numbers recomputed here from the CSV files must be those printed,
every exhibit has a caption with a source line, and the PDF is ready to distribute."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pytest

from csto_briefing import paths
from csto_briefing.present import narrative
from csto_briefing.briefing import Briefing

DATA = paths.DATA_DIR


def rows(table: str) -> list[dict[str, str]]:
    with open(DATA / f"{table}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def html_text(built: Path) -> str:
    parser = _Text()
    parser.feed((built / "briefing.html").read_text(encoding="utf-8"))
    return flat("".join(parser.parts))


@pytest.fixture(scope="module")
def pdf(built: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(built / "briefing.pdf")


@pytest.fixture(scope="module")
def pdf_text(pdf: pypdf.PdfReader) -> str:
    return flat(" ".join(page.extract_text() for page in pdf.pages))


def _moment(event: dict[str, str]) -> datetime:
    return datetime.fromisoformat(f"{event['date']}T{event['time_local']}").replace(tzinfo=ZoneInfo(event["tz"]))


def test_hours_from_consultations_to_decision(html_text: str, pdf_text: str):
    events = {e["event_id"]: e for e in rows("events")}
    opened, decided = _moment(events["k-consultations"]), _moment(events["k-decision"])
    hours = (decided - opened).total_seconds() / 3600
    almaty = decided.astimezone(ZoneInfo("Asia/Almaty"))
    expected = f"at about {decided:%H:%M} Yerevan time ({almaty:%H:%M} in Almaty), about {hours:.0f} hours after its chairman opened consultations"
    assert expected in html_text and expected in pdf_text


def test_contributions_by_state(html_text: str, pdf_text: str):
    latest: dict[str, dict[str, str]] = {}
    for row in sorted(rows("positions"), key=lambda r: r["as_of"]):
        if row["case_id"] == "KAZ-2022-01":
            latest[row["state_iso3"]] = row
    names = {s["iso3"]: s["name_en"] for s in rows("states")}
    contributors = [r for r in latest.values() if r["role"] == "contributor"]
    members = [s for s in rows("states") if s["csto_member"] == "yes"]
    assert f"{len(contributors)} of the {len(members)} members contributed troops" in html_text
    for row in contributors:
        if row["troops"]:
            expected = f"{names[row['state_iso3']]} {int(row['troops']):,}"
            assert expected in html_text and expected in pdf_text
        else:
            assert f"{names[row['state_iso3']]} an unpublished number" in html_text


def test_force_size_is_the_latest_undisputed_figure(html_text: str):
    force = [f for f in rows("figures") if f["measure"] == "force_size" and f["status"] != "disputed"]
    latest = max(force, key=lambda f: f["reported_on"])
    assert f"The force numbered {int(float(latest['value'])):,} in all" in html_text


@pytest.mark.parametrize("as_of", ["2022-09-30", "2024-12-31", "2025-12-31"])
def test_days_without_the_help_asked_for(as_of: str):
    cases = {c["case_id"]: c for c in rows("cases")}
    days = (date.fromisoformat(as_of) - date.fromisoformat(cases["ARM-2022-09"]["appeal_date"])).days
    text = " ".join(p.text for p in narrative.key_points(Briefing.load(as_of)))
    assert f"{days:,} days without the help it asked for" in text


def test_days_in_the_built_briefing(html_text: str):
    days = (date(2025, 12, 31) - date.fromisoformat({c["case_id"]: c for c in rows("cases")}["ARM-2022-09"]["appeal_date"])).days
    assert f"{days:,} days without the help it asked for" in html_text


def test_every_figure_and_table_has_a_numbered_caption_with_a_source_line(pdf_text: str):
    for kind in ("Figure", "Table"):
        numbers = [int(n) for n in re.findall(rf"\b{kind} (\d+)\. ", pdf_text)]
        assert numbers == list(range(1, len(numbers) + 1)) and numbers, kind
        for number in numbers:
            caption = pdf_text.split(f"{kind} {number}. ", 1)[1][:600]
            assert "Sources:" in caption, f"{kind} {number}"


def test_pdf_is_ready_to_distribute(built: Path, pdf: pypdf.PdfReader):
    meta = pdf.metadata
    assert meta.title.startswith("The CSTO answered Kazakhstan")
    assert meta.author == "csto-briefing research desk"
    assert meta.subject and "CSTO" in meta["/Keywords"]
    assert pdf.trailer["/Root"]["/Lang"] == "en"
    assert (built / "briefing.pdf").stat().st_size < 2 * 1024 * 1024
    outline = [item.title for item in pdf.outline if not isinstance(item, list)]
    for title in ("Key points", "Timeline", "Commentary", "Methodology, data and sources"):
        assert title in outline
    uris, internal = 0, 0
    for page in pdf.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                if "/A" in annot and "/URI" in annot["/A"]:
                    uris += 1
                else:
                    internal += 1
    assert uris > 50 and internal > 50  # sources link out; citations link to the bibliography


def test_title_block_says_what_the_edition_is(html_text: str):
    assert "Information as of 31 December 2025" in html_text
    assert re.search(r"Built on \d{1,2} [A-Z][a-z]+ \d{4}", html_text)
    assert "Contents" in html_text


def test_translations_and_single_source_quotes_are_marked(html_text: str):
    quotes = rows("commentary")
    assert html_text.count("single source") >= sum(q["verification"] == "single_source" for q in quotes)
    for q in quotes:
        if q["translation_en"]:
            assert f"Translation “{q['translation_en']}”" in html_text
