"""Bad input gives one clear line per problem: file, line, column, value, what would be valid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from csto_briefing import paths
from csto_briefing.data.dataset import load_dataset
from csto_briefing.data.dataset import check_data as validate

from .conftest import edit_cell


def lines(data: Path) -> list[str]:
    return [str(p) for p in validate(data)]


def test_the_real_data_is_valid():
    assert lines(paths.DATA_DIR) == []


@pytest.mark.parametrize(
    "table, row, column, value, expected",
    [
        ("events.csv", "k-appeal", "date", "2022-13-05", "date: '2022-13-05' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("events.csv", "k-appeal", "certainty", "probable", "certainty: 'probable' is not one of: confirmed, reported, disputed (vocabulary 'certainty')"),
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
    text = path.read_text(encoding="utf-8").replace("approved,2022-01-07,supported_with_conditions", "approved,,supported_with_conditions")
    path.write_text(text, encoding="utf-8")
    found = [l for l in lines(data_copy) if "an approved or failed vote needs its date" in l]
    assert found == [f"{path}:6: parliament_date: '' does not fit parliament 'approved': an approved or failed vote needs its date"]


def test_a_deployment_needs_a_date(data_copy):
    line = edit_cell(data_copy / "cases.csv", "KAZ-2022-01", "response_date", "")
    assert f"{data_copy / 'cases.csv'}:{line}: response_date: '' does not fit response 'deployment': a response needs its date" in lines(data_copy)


def test_an_unknown_head_count_is_never_zero_without_a_reason(data_copy):
    path = data_copy / "positions.csv"
    text = path.read_text(encoding="utf-8").replace("KAZ-2022-01,RUS,contributor,,not_published", "KAZ-2022-01,RUS,contributor,0,not_published")
    path.write_text(text, encoding="utf-8")
    assert any(l.startswith(f"{path}:") and "troops_status: 'not_published' does not fit troops '0'" in l for l in lines(data_copy))


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
    assert any(l.startswith(f"{data_copy / 'events.csv'}:{a}: date:") for l in found)
    assert any(l.startswith(f"{data_copy / 'figures.csv'}:{b}: status:") for l in found)


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
