"""Bad input gives one clear line per problem: file, line, column, value, what would be valid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from csto_briefing import paths
from csto_briefing.data.dataset import check_data as validate
from csto_briefing.data.dataset import load_dataset

from .conftest import edit_cell, replace_in_lines


def lines(data: Path) -> list[str]:
    return [str(p) for p in validate(data)]


def test_the_real_data_is_valid(monkeypatch):
    from csto_briefing.hashing import VALIDATED_ENV

    monkeypatch.delenv(VALIDATED_ENV, raising=False)  # every check run, none trusted by fingerprint
    assert lines(paths.DATA_DIR) == []


@pytest.mark.parametrize(
    "table, row, column, value, expected",
    [
        ("events.csv", "k-appeal", "date", "2022-13-05", "date: '2022-13-05' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("events.csv", "k-appeal", "certainty", "probable", "certainty: 'probable' is not one of: confirmed, reported, disputed, unverified (vocabulary 'certainty')"),
        ("events.csv", "k-appeal", "source_ids", "tass-2022-01-06;no-such-source", "source_ids: 'no-such-source' is not a known source_id (ids from data/sources.csv, separated by ';')"),
        ("events.csv", "k-appeal", "source_ids", "", "source_ids: is empty (a value is required)"),
        ("events.csv", "k-appeal", "case_id", "KAZ-2099-01", "case_id: 'KAZ-2099-01' is not a known case_id (an id from data/cases.csv)"),
        ("events.csv", "k-appeal", "time_local", "25:10", "time_local: '25:10' is not a time (HH:MM, from 00:00 to 23:59)"),
        ("events.csv", "k-appeal", "tz", "Almaty", "tz: 'Almaty' is not an IANA time zone (e.g. Asia/Almaty, Asia/Yerevan, Europe/Moscow)"),
        ("sources.csv", "tass-2022-01-06", "url", "tass.com/defense/1384419", "url: 'tass.com/defense/1384419' is not a web address (http:// or https://...)"),
        ("positions.csv", "KAZ-2022-01", "troops", "a hundred", "troops: 'a hundred' is not a whole number (0 or more, no separators)"),
        ("figures.csv", "force-deployed", "value", "2,030", "value: '2,030' is not a number (0 or more, e.g. 2030 or 3.5, no separators)"),
        ("commentary.csv", "q-marukyan", "verification", "checked", "verification: 'checked' is not one of: corroborated, single_source (vocabulary 'verification')"),
    ],
)
def test_each_bad_value_gives_its_line(data_copy, table, row, column, value, expected):
    line = edit_cell(data_copy / table, row, column, value)
    assert f"{data_copy / table}:{line}: {expected}" in lines(data_copy)


def test_a_time_needs_a_zone(data_copy):
    line = edit_cell(data_copy / "events.csv", "k-soe-1", "tz", "")
    assert f"{data_copy / 'events.csv'}:{line}: tz: '' does not fit time_local '01:30': a time needs a zone (tz)" in lines(data_copy)


def test_an_approved_vote_needs_its_date(data_copy):
    path = data_copy / "positions.csv"
    [line] = replace_in_lines(path, "approved,2022-01-07,supported_with_conditions", "approved,,supported_with_conditions")
    found = [ln for ln in lines(data_copy) if "an approved or failed vote needs its date" in ln]
    assert found == [f"{path}:{line}: parliament_date: '' does not fit parliament 'approved': an approved or failed vote needs its date"]


def test_a_deployment_needs_a_date(data_copy):
    line = edit_cell(data_copy / "cases.csv", "KAZ-2022-01", "response_date", "")
    assert f"{data_copy / 'cases.csv'}:{line}: response_date: '' does not fit response 'deployment': a response needs its date" in lines(data_copy)


def test_an_unknown_head_count_is_never_zero_without_a_reason(data_copy):
    path = data_copy / "positions.csv"
    changed = replace_in_lines(path, "KAZ-2022-01,RUS,contributor,,not_published", "KAZ-2022-01,RUS,contributor,0,not_published")
    assert any(ln.split(": ")[0] in {f"{path}:{n}" for n in changed} and "troops_status: 'not_published' does not fit troops '0'" in ln for ln in lines(data_copy))


def test_duplicate_ids_are_refused(data_copy):
    path = data_copy / "events.csv"
    line = edit_cell(path, "k-decision", "event_id", "k-appeal")
    assert f"{path}:{line}: event_id: event_id 'k-appeal' is a duplicate (each row needs its own event_id)" in lines(data_copy)


def test_a_missing_column_is_named(data_copy):
    path = data_copy / "states.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",tz,", ",zone,", 1), encoding="utf-8")
    found = lines(data_copy)
    assert f"{path}:1: tz: column is missing (expected columns: iso3,name_en,name_ru,name_hy,csto_member,csto_member_since,tz,source_ids,note)" in found
    assert f"{path}:1: zone: column is not in the codebook (add it to data/codebook.yaml or remove it)" in found


def test_a_file_that_is_not_utf8_is_refused(data_copy):
    path = data_copy / "states.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_bytes(f"{header}\nARM,Arménia,Armenia,Armenia,yes,1992-05-15,Asia/Yerevan,tass-2022-01-06,\n".encode("cp1252"))
    assert lines(data_copy) == [f"{path}:2: is not UTF-8 text (byte 0xe9); save the file as 'CSV UTF-8'"]


def test_spreadsheet_quirks_are_read_correctly(data_copy):
    """Byte-order mark, Windows line endings, spaces around values and a blank line: same data."""
    path = data_copy / "states.csv"
    text = path.read_text(encoding="utf-8")
    quirky = "\ufeff" + text.replace(",Asia/Yerevan,", ", Asia/Yerevan ,").replace("\n", "\r\n") + "\r\n"
    path.write_text(quirky, encoding="utf-8", newline="")
    assert lines(data_copy) == []
    original = load_dataset(paths.DATA_DIR).states
    assert load_dataset(data_copy).states.equals(original)


def test_all_problems_are_reported_at_once(data_copy):
    a = edit_cell(data_copy / "events.csv", "k-appeal", "date", "5 Jan 2022")
    b = edit_cell(data_copy / "figures.csv", "deaths-238", "status", "final")
    found = lines(data_copy)
    assert any(ln.startswith(f"{data_copy / 'events.csv'}:{a}: date:") for ln in found)
    assert any(ln.startswith(f"{data_copy / 'figures.csv'}:{b}: status:") for ln in found)


def test_the_command_exits_non_zero_with_the_lines(data_copy):
    line = edit_cell(data_copy / "events.csv", "k-appeal", "date", "2022-13-05")
    result = subprocess.run([sys.executable, "-m", "csto_briefing.cli", "validate", "--data", str(data_copy)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{data_copy / 'events.csv'}:{line}: date: '2022-13-05' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)" in result.stderr


def test_bad_data_stops_the_build_before_any_kernel_and_keeps_the_report(data_copy, tmp_path):
    edit_cell(data_copy / "events.csv", "k-appeal", "certainty", "probable")
    report = tmp_path / "report"
    report.mkdir()
    (report / "briefing.html").write_text("last good report", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "csto_briefing.cli", "build", "--data", str(data_copy),
                             "--out", str(report), "--build-dir", str(tmp_path / "build")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "certainty: 'probable' is not one of" in result.stderr
    assert "no notebook was run" in result.stderr
    assert not list((tmp_path / "build").glob("*.ipynb"))
    assert sorted(p.name for p in report.iterdir()) == ["briefing.html"]
    assert (report / "briefing.html").read_text(encoding="utf-8") == "last good report"


# -- order within a day (events.seq) ------------------------------------------------------------------------

def test_events_out_of_clock_order_within_a_day_give_one_line(data_copy):
    """On 6 January the 00:00 consultations must come before the 02:00 decision (same date, same zone)."""
    path = data_copy / "events.csv"
    line = edit_cell(path, "k-consultations", "seq", "3")
    edit_cell(path, "k-arrival", "seq", "1")
    found = [ln for ln in lines(data_copy) if ": seq: " in ln]
    decision = edit_cell(path, "k-decision", "seq", "2")
    assert found == [f"{path}:{decision}: seq: '2' puts k-decision (02:00) before k-consultations (line {line}, seq 3, 00:00) "
                     "on 2022-01-06, Asia/Yerevan: seq must follow the clock times"]


def test_a_seq_used_twice_on_one_date_gives_one_line(data_copy):
    path = data_copy / "events.csv"
    first = edit_cell(path, "k-soe-1", "seq", "1")
    line = edit_cell(path, "k-government", "seq", "1")
    found = [ln for ln in lines(data_copy) if ": seq: " in ln]
    assert found == [f"{path}:{line}: seq: '1' is also the seq of k-soe-1 (line {first}) on 2022-01-05: "
                     "each event of a date needs its own seq"]


# -- certainty and verification from sources.reliability and sources.origin -----------------------------------

@pytest.mark.parametrize("table, row, edits, expected", [
    # Zas's 2,500 rests on one Sputnik report: it cannot be 'confirmed'
    ("events.csv", "k-2500", {"certainty": "confirmed"},
     "certainty: 'confirmed' needs a primary source or two or more independent reports; source_ids give one report "
     "(Sputnik: sputnik-2022-01-06) (a mirror or relay has the origin of what it re-posts; else use 'reported')"),
    # Kursiv relays Interfax: citing it beside Interfax is still one report
    ("events.csv", "k-lpg", {"source_ids": "interfax-2022-01-06;kursiv-2022-01-19", "certainty": "confirmed"},
     "certainty: 'confirmed' needs a primary source or two or more independent reports; source_ids give one report "
     "(Interfax: interfax-2022-01-06, kursiv-2022-01-19) (a mirror or relay has the origin of what it re-posts; else use 'reported')"),
    ("commentary.csv", "q-zas-2500", {"verification": "corroborated", "corroborated_by": "urdupoint-2022-01-06"},
     "verification: 'corroborated' needs a source independent of sputnik-2022-01-06 (origin 'Sputnik') in corroborated_by; "
     "it gives one report (Sputnik: urdupoint-2022-01-06) (else use 'single_source')"),
])
def test_a_label_its_sources_do_not_support_gives_one_line(data_copy, table, row, edits, expected):
    path = data_copy / table
    line = [edit_cell(path, row, column, value) for column, value in edits.items()][0]
    column = expected.split(":")[0]
    assert [ln for ln in lines(data_copy) if f": {column}: " in ln] == [f"{path}:{line}: {expected}"]


def test_reported_with_two_independent_reports_and_no_note_gives_one_line(data_copy):
    """Editor's review B11: Grigoryan's appeal of 16 November 2021 (Azatutyun and Reuters) was 'reported', the codebook's
    word for one report. Two reports of different origins make a row 'confirmed' unless its note says why not."""
    path = data_copy / "events.csv"
    line = edit_cell(path, "k-contingents-home", "note", "")
    assert [ln for ln in lines(data_copy) if ": certainty: " in ln] == [
        f"{path}:{line}: certainty: 'reported' is for one report; source_ids give 2 reports (RIA Novosti: massispost-2022-01-14; "
        "TASS: armradio-2022-01-13): use 'confirmed', or say in note why they do not confirm the same thing"]
    edit_cell(path, "k-contingents-home", "certainty", "confirmed")
    assert not [ln for ln in lines(data_copy) if ": certainty: " in ln]


def test_a_primary_source_alone_confirms(data_copy):
    path = data_copy / "events.csv"
    edit_cell(path, "k-2500", "source_ids", "pm-armenia-2022-01-10")
    edit_cell(path, "k-2500", "certainty", "confirmed")
    assert not [ln for ln in lines(data_copy) if ": certainty: " in ln]


def test_a_verdict_cannot_rest_on_a_source_issued_after_its_as_of(data_copy):
    path = data_copy / "claims.csv"
    [line] = replace_in_lines(path, "cited Article 4.,armradio-2022-01-06;europediplomatic-2022-01-06,2022-01-06",
                              "cited Article 4.,armradio-2022-01-06;europediplomatic-2022-01-06;belta-2022-01-20,2022-01-06")
    assert path.read_text(encoding="utf-8").split("\n")[line - 1].startswith("cl-article4,jamnews-2022-01-seed,")
    assert [ln for ln in lines(data_copy) if ": as_of: " in ln] == [
        f"{path}:{line}: as_of: '2022-01-06' is before belta-2022-01-20 was issued (2022-01-20): "
        "a verdict may rest only on sources issued by its as_of (a month or year counts from its last day)"]


def test_a_position_cannot_cite_a_source_issued_after_its_as_of(data_copy):
    path = data_copy / "positions.csv"
    old = "KAZ-2022-01,ARM,contributor,100,official,,,,,not_reported,,supported,2022-01-07,panorama-2022-01-07,"
    [line] = replace_in_lines(path, old, old.replace("panorama-2022-01-07,", "panorama-2022-01-07;jamnews-2022-01-10,"))
    assert [ln for ln in lines(data_copy) if ": as_of: " in ln] == [
        f"{path}:{line}: as_of: '2022-01-07' is before jamnews-2022-01-10 was issued (2022-01-10): "
        "a position may rest only on sources issued by its as_of (a month or year counts from its last day)"]
