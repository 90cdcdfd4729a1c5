"""Data that passes validation never crashes a notebook and is never silently wrong: plausible dates, order across
rows, digits, control characters, field lengths, file shapes; each refused with one `file:line: column:` line and no
traceback (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import available_timezones

import pytest

from csto_briefing.data.dataset import check_data
from csto_briefing.parameters import build_date

from .conftest import edit_cell, validate_in_process


def lines(data: Path) -> list[str]:
    return [str(p) for p in check_data(data)]


# -- plausible dates and order across rows -------------------------------------------------------

@pytest.mark.parametrize("table, row, column, value, expected", [
    ("figures.csv", "force-deployed", "reported_on", "2202-01-19",
     "reported_on: '2202-01-19' is after the build date ({today}): nothing can be reported later than today (a typo in the year?)"),
    ("events.csv", "k-decision", "date", "2202-01-06",
     "date: '2202-01-06' is after the build date ({today}): nothing can be reported later than today (a typo in the year?)"),
    ("events.csv", "k-appeal", "date", "1022-01-05",
     "date: '1022-01-05' is before 1992-01-01, the earliest date the briefing covers, the year of the Collective Security Treaty "
     "(data/codebook.yaml: plausible.dates.earliest)"),
    ("sources.csv", "tass-2022-01-06", "accessed", "2999-01-01",
     "accessed: '2999-01-01' is after the build date ({today}): nothing can be reported later than today (a typo in the year?)"),
])
def test_a_date_outside_the_plausible_range_is_refused(data_copy: Path, table, row, column, value, expected):
    line = edit_cell(data_copy / table, row, column, value)
    assert f"{data_copy / table}:{line}: {expected.format(today=build_date().isoformat())}" in lines(data_copy)


def test_a_decision_dated_before_the_appeal_is_refused_not_printed_as_negative_hours(data_copy: Path):
    line = edit_cell(data_copy / "events.csv", "k-decision", "date", "2021-01-06")
    found = lines(data_copy)
    shown = data_copy / "events.csv"
    assert f"{shown}:{line}: date: '2021-01-06' 02:00 Asia/Yerevan is before cases 'KAZ-2022-01' on '2022-01-05': a consultation, " \
           "decision, response, deployment, mission, vote or withdrawal cannot come before the appeal of its case" in found
    assert f"{shown}:{line}: date: '2021-01-06' 02:00 Asia/Yerevan is before events 'k-consultations' on '2022-01-06' 00:00 " \
           "Asia/Yerevan: a decision cannot come before the first consultation of its case (the hours from one to the other " \
           "are never negative)" in found


def test_hours_from_consultation_to_decision_are_never_negative(data_copy: Path):
    line = edit_cell(data_copy / "events.csv", "k-decision", "time_local", "23:30")
    assert lines(data_copy) == []  # later the same day: fine
    edit_cell(data_copy / "events.csv", "k-consultations", "time_local", "23:45")
    assert f"{data_copy / 'events.csv'}:{line}: date: '2022-01-06' 23:30 Asia/Yerevan is before events 'k-consultations' on " \
        "'2022-01-06' 23:45 Asia/Yerevan: a decision cannot come before the first consultation of its case (the hours from " \
        "one to the other are never negative)" in lines(data_copy)


def test_a_response_before_its_appeal_is_refused(data_copy: Path):
    line = edit_cell(data_copy / "cases.csv", "ARM-2022-09", "response_date", "2022-09-12")
    assert lines(data_copy) == [f"{data_copy / 'cases.csv'}:{line}: response_date: '2022-09-12' is before appeal_date "
                                "'2022-09-13': a response cannot come before the appeal it answers"]


def test_a_clock_time_on_a_month_is_refused(data_copy: Path):
    import csv

    path = data_copy / "events.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["date_precision"] == "month")
    line = edit_cell(path, row["event_id"], "time_local", "10:00")
    edit_cell(path, row["event_id"], "tz", "Asia/Yerevan")
    edit_cell(path, row["event_id"], "time_precision", "exact")
    assert f"{path}:{line}: time_local: '10:00' is a clock time on date {row['date']!r}, which is not a day: a clock time " \
           "needs the date to the day (YYYY-MM-DD), or leave time_local empty" in lines(data_copy)


# -- what passes validation never crashes ----------------------------------------------------------

def test_every_zone_the_validator_accepts_has_a_city_name():
    from csto_briefing.present.formatting import CITY, fmt_time

    assert CITY["Asia/Tbilisi"] == "Tbilisi" and CITY["America/Argentina/Buenos_Aires"] == "Buenos Aires"
    assert fmt_time("2022-01-06", "02:00", "Asia/Tbilisi") == "02:00 Tbilisi time (UTC+4)"
    for zone in sorted(available_timezones()):
        assert CITY[zone] and fmt_time("2022-01-06", "02:00", zone).startswith("02:00 ")


def test_a_zone_missing_from_the_city_table_builds_the_key_points(data_copy: Path):
    import json

    from csto_briefing import paths

    edit_cell(data_copy / "events.csv", "k-decision", "tz", "Asia/Tbilisi")
    edit_cell(data_copy / "events.csv", "k-consultations", "tz", "Asia/Tbilisi")
    assert lines(data_copy) == []
    out = data_copy.parent / "02.ipynb"
    subprocess.run([str(Path(sys.executable).with_name("papermill")), str(paths.NOTEBOOKS_DIR / "02_kazakhstan.ipynb"), str(out),
                    "-p", "data_dir", str(data_copy), "--cwd", str(paths.NOTEBOOKS_DIR), "--no-progress-bar"],
                   capture_output=True, text=True, check=True)
    nb = json.loads(out.read_text(encoding="utf-8"))
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "Tbilisi time (UTC+4)" in html


@pytest.mark.parametrize("column, value, expected", [
    ("troops", "100¹", "troops: '100¹' has the character '¹' (U+00B9): a whole number is written with digits 0-9 only"),
    ("troops", "１００", "troops: '１００' has the character '１' (U+FF11): a whole number is written with digits 0-9 only"),
    ("as_of", "２０２２-01-06", "as_of: '２０２２-01-06' has the character '２' (U+FF12): a date is written with digits 0-9 and '-' only"),
])
def test_digits_other_than_ascii_are_refused_in_one_line_without_a_traceback(data_copy: Path, column, value, expected):
    line = edit_cell(data_copy / "positions.csv", "KAZ-2022-01", column, value)
    result = validate_in_process(data_copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{data_copy / 'positions.csv'}:{line}: {expected}" in result.stderr.splitlines()


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"])
def test_control_characters_are_refused_in_text(data_copy: Path, char: str):
    line = edit_cell(data_copy / "commentary.csv", "q-marukyan", "quote", f"before{char}after")
    assert lines(data_copy) == [f"{data_copy / 'commentary.csv'}:{line}: quote: contains the control character "
                                f"U+{ord(char):04X} at character 7 (remove it: text may hold no control characters other than tab)"]


def test_a_tab_in_text_is_accepted(data_copy: Path):
    edit_cell(data_copy / "commentary.csv", "q-marukyan", "quote", "before\tafter")
    assert lines(data_copy) == []


def test_a_semicolon_separated_file_gets_one_line_saying_so(data_copy: Path):
    path = data_copy / "claims.csv"
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    result = validate_in_process(data_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (f"{path}:1: is separated by semicolons (';'), as a spreadsheet saves 'CSV' in some "
                                             "locales; save it as 'CSV UTF-8 (comma-delimited)'")


@pytest.mark.parametrize("length", [10_001, 200_000])
def test_a_very_long_field_meets_the_limit_declared_in_the_codebook(data_copy: Path, length: int):
    line = edit_cell(data_copy / "commentary.csv", "q-marukyan", "quote", "x" * length)
    assert lines(data_copy) == [f"{data_copy / 'commentary.csv'}:{line}: quote: is {length:,} characters long; the limit is "
                                "10,000 (data/codebook.yaml: plausible.max_length)"]


def test_a_symlink_out_of_data_is_refused_without_showing_its_target(data_copy: Path, tmp_path: Path):
    secret = tmp_path / "secret.csv"
    secret.write_text("claim_id,source_id\nSECRET-CANARY,x\n", encoding="utf-8")
    (data_copy / "claims.csv").unlink()
    os.symlink(secret, data_copy / "claims.csv")
    result = validate_in_process(data_copy)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (f"{data_copy / 'claims.csv'}: is a symbolic link to a file outside {data_copy}/; "
                                             "copy the table into the folder instead")
    assert "SECRET-CANARY" not in result.stderr + result.stdout and str(secret) not in result.stderr + result.stdout


def test_a_symlink_inside_data_is_read(data_copy: Path):
    (data_copy / "claims.csv").rename(data_copy / "claims-real.csv")
    os.symlink("claims-real.csv", data_copy / "claims.csv")
    assert lines(data_copy) == []


# -- the data folder and the codebook --------------------------------------------------------------

def test_a_missing_data_folder_is_one_line(tmp_path: Path):
    result = validate_in_process(tmp_path / "nowhere")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'nowhere'}: folder is missing (the tables and codebook.yaml live there)"


@pytest.mark.parametrize("old, new, expected", [
    ("  sources:\n", "  sources:\n  - x: [\n", "{codebook}:152:10: cannot be read as YAML: expected ',' or ']', but got ':'"),
    ("author: {type: text, ", "author: {", "{codebook}: sources.author: column has no type (one of date, day, id, integer, iso3, "
                                           "lang, number, ref, refs, text, time, tz, url, vocab)"),
    ("vocabularies:\n", "vocabularies: 3\nx:\n", "{codebook}: vocabularies: expected a mapping (name: ...), got int"),
])
def test_a_broken_codebook_is_one_line(data_copy: Path, old: str, new: str, expected: str):
    codebook = data_copy / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    assert old in text
    codebook.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = validate_in_process(data_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    wanted = expected.format(codebook=codebook)
    if ":152:" in wanted:  # the line of the error depends on the codebook's length: compare without it
        assert result.stderr.splitlines()[0].startswith(f"{codebook}:") and result.stderr.splitlines()[0].endswith(
            "cannot be read as YAML: expected ',' or ']', but got ':'")
    else:
        assert result.stderr.splitlines()[0] == wanted


# -- events a section is built on: present, or "not yet known" -----------------------------------------

def test_an_event_after_as_of_is_not_yet_known_rather_than_silently_missing():
    from csto_briefing.briefing import Briefing, NotYetKnown

    b = Briefing.load("2022-01-05")
    assert b.event("k-appeal")["date"] == "2022-01-05"
    with pytest.raises(NotYetKnown) as info:
        b.event("k-decision")
    assert str(info.value) == "event 'k-decision' is not yet known as of 2022-01-05 (the data dates it 2022-01-06)"
    with pytest.raises(KeyError, match="'no-such-event' is not in data/events.csv"):
        b.event("no-such-event")


def test_an_odd_file_the_codebook_does_not_list_is_refused_not_read(data_copy: Path):
    os.mkfifo(data_copy / "junk.csv")  # reading it would block for ever
    result = validate_in_process(data_copy)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (f"{data_copy / 'junk.csv'}: is not a regular file (a folder, device or pipe); "
                                             "put the table there as a CSV file")
