"""Parameters: declared once, checked before any kernel starts, reachable every way a user would try,
and the briefing as known on the as-of date; editions built together."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from csto_briefing import paths
from csto_briefing.briefing import Briefing
from csto_briefing.parameters import DEFAULTS, PARAMETERS, ParameterError, check, parameters_cell_source

CLI = [sys.executable, "-m", "csto_briefing.cli"]
RANGE_TEXT = "(1992-05-15 to 2025-12-31)"


def messages(values: dict) -> list[str]:
    from datetime import date

    with pytest.raises(ParameterError) as info:
        check(values, date_range=(date(1992, 5, 15), date(2025, 12, 31)))
    return info.value.lines


@pytest.mark.parametrize("values, expected", [
    ({"asof": "2022-01-07"}, "parameter 'asof': unknown (did you mean as_of? valid: as_of, since, title, edition, author, published, data_dir, figures_dir)"),
    ({"as_of": 20220107}, "parameter as_of: 20220107 is a number, not a date (YYYY-MM-DD); give it as a string, e.g. as_of='2025-12-31'"),
    ({"as_of": "2022-13-01"}, "parameter as_of: '2022-13-01' is not a date (YYYY-MM-DD)"),
    ({"as_of": "7 January 2022"}, "parameter as_of: '7 January 2022' is not a date (YYYY-MM-DD)"),
    ({"as_of": "1990-01-01"}, f"parameter as_of: '1990-01-01' is outside the data's range {RANGE_TEXT}"),
    ({"as_of": "2030-01-01"}, f"parameter as_of: '2030-01-01' is outside the data's range {RANGE_TEXT}"),
    ({"as_of": "2022-01-07", "published": "2022-01-06"},
     "parameter published: '2022-01-06' is before as_of '2022-01-07' (an edition is published on or after the date it is as of)"),
    ({"published": "2022-02-30"}, "parameter published: '2022-02-30' is not a date (YYYY-MM-DD)"),
    ({"as_of": "2022-01-07", "since": "2022-02-01"}, "parameter since: '2022-02-01' is not before as_of '2022-01-07' (since must be earlier)"),
    ({"edition": "line one\nline two"}, "parameter edition: 'line one\\nline two' spans several lines (give one line of text)"),
    ({"author": "desk\x00"}, "parameter author: 'desk\\x00' contains the control character U+0000 (give plain text: no control characters other than tab)"),
    ({"title": "a\u2028b"}, "parameter title: 'a\\u2028b' contains the control character U+2028 (give plain text: no control characters other than tab)"),
])
def test_each_bad_parameter_gives_one_line(values, expected):
    assert messages(values) == [expected]


def test_good_parameters_are_completed_with_defaults():
    from datetime import date

    out = check({"as_of": date(2022, 1, 7), "published": "2030-01-02"}, date_range=(date(1992, 5, 15), date(2025, 12, 31)))
    assert out == {**DEFAULTS, "as_of": "2022-01-07", "published": "2030-01-02"}  # published may lie after the data


def test_notebook_parameters_cells_match_the_declaration():
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert [c.source for c in cells] == [parameters_cell_source()], path.name
        namespace: dict = {}
        exec(cells[0].source, namespace)  # the cell is plain assignments of the declared defaults
        assert {p.name: namespace[p.name] for p in PARAMETERS} == DEFAULTS


def test_bad_parameters_stop_the_build_before_any_kernel(tmp_path: Path):
    result = subprocess.run([*CLI, "build", "--as-of", "2022-13-01", "--since", "2023-01-01", "--out", str(tmp_path / "r"),
                             "--build-dir", str(tmp_path / "b")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "validating data",
        "parameter as_of: '2022-13-01' is not a date (YYYY-MM-DD)",
        "error: invalid parameters; no notebook was run and the report was not changed",
    ]
    assert not list((tmp_path / "b").glob("*.ipynb")) and not (tmp_path / "r" / "briefing.html").exists()


def test_a_parameters_file_and_flags(tmp_path: Path):
    params = tmp_path / "edition.yaml"
    params.write_text("as_of: 2022-01-07\nedition: First week\npublished: sometime\n", encoding="utf-8")
    result = subprocess.run([*CLI, "build", "--params", str(params), "--published", "2022-01-08", "-p", "author", "Desk",
                             "--out", str(tmp_path / "r"), "--build-dir", str(tmp_path / "b"), "--notebooks", str(tmp_path / "none")],
                            capture_output=True, text=True)
    # the flag overrides the file's bad publication date, so the parameters pass and the build reaches the (missing) notebooks
    assert f"error: {tmp_path / 'none'}: no notebooks (*.ipynb) to build" in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("as_of: 2022-01-07\npublishd: 2022-01-08\n", encoding="utf-8")
    result = subprocess.run([*CLI, "build", "--params", str(bad), "--out", str(tmp_path / "r")], capture_output=True, text=True)
    assert result.returncode == 2 and "parameter 'publishd': unknown (did you mean published?" in result.stderr


def test_make_passes_the_variables_on():
    """The file is read, then the flags override it: as_of from AS_OF (refused here, so nothing is built)."""
    result = subprocess.run(["make", "-s", "report", "AS_OF=2022-13-01", "SINCE=2022-01-06", "PARAMS=editions/jan-2022.yaml"],
                            capture_output=True, text=True, cwd=paths.ROOT)
    assert result.returncode != 0
    assert "parameter as_of: '2022-13-01' is not a date (YYYY-MM-DD)" in result.stderr.splitlines()
    command = [line for line in subprocess.run(["make", "-n", "report"], capture_output=True, text=True,
                                               cwd=paths.ROOT).stdout.splitlines() if "csto-briefing build" in line]
    assert command and '${PARAMS:+--params "$PARAMS"} ${AS_OF:+--as-of "$AS_OF"} ${SINCE:+--since "$SINCE"}' in command[0]


def _run_notebook(tmp_path: Path, name: str, *params: str) -> tuple[subprocess.CompletedProcess, str]:
    out = tmp_path / name
    args = [a for pair in zip(["-p"] * (len(params) // 2), params[::2], params[1::2]) for a in pair]
    result = subprocess.run([str(Path(sys.executable).with_name("papermill")), str(paths.NOTEBOOKS_DIR / name), str(out),
                             *args, "--cwd", str(paths.NOTEBOOKS_DIR), "--no-progress-bar"], capture_output=True, text=True)
    html = ""
    if out.exists():
        nb = json.loads(out.read_text(encoding="utf-8"))
        html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))
    return result, html


def test_papermill_on_one_notebook_checks_its_parameters(tmp_path: Path):
    result, html = _run_notebook(tmp_path, "01_front.ipynb", "as_of", "2022-01-07")
    assert result.returncode == 0 and "Information as of 7 January 2022" in html
    result, _ = _run_notebook(tmp_path, "02_kazakhstan.ipynb", "as_of", "2022-13-07")
    assert result.returncode != 0
    assert "ParameterError: parameter as_of: '2022-13-07' is not a date (YYYY-MM-DD)" in result.stderr


def test_a_parameter_value_is_data_never_code(tmp_path: Path):
    canary = tmp_path / "pwned"
    value = f'x"); __import__("os").system("touch {canary}"); ("' + " {{ 7*7 }} <b>bold</b> \\n"
    result, html = _run_notebook(tmp_path, "01_front.ipynb", "edition", value)
    assert result.returncode == 0, result.stderr
    assert not canary.exists()
    assert "Edition: x&#34;); __import__(&#34;os&#34;).system(" in html and "{{ 7*7 }} &lt;b&gt;bold&lt;/b&gt; \\n" in html


# -- the briefing as known on as_of ---------------------------------------------------------------------

def test_as_of_6_january_2022_the_kyrgyz_parliament_has_not_voted():
    b = Briefing.load("2022-01-06")
    kgz = b.positions[(b.positions["state_iso3"] == "KGZ")].iloc[0]
    assert (kgz["parliament"], kgz["troops_status"]) == ("no_quorum", "pending_approval")
    assert "approved" not in set(b.positions["parliament"])
    assert "k-kgz-approved" not in set(b.events["event_id"])


def test_as_of_8_january_2022_the_kyrgyz_parliament_has_approved():
    b = Briefing.load("2022-01-08")
    kgz = b.positions[(b.positions["state_iso3"] == "KGZ")].iloc[0]
    assert (kgz["parliament"], kgz["parliament_date"], kgz["troops"]) == ("approved", "2022-01-07", 150)


def test_as_of_12_january_2022_the_withdrawal_has_not_begun():
    b = Briefing.load("2022-01-12")
    assert not b.events[b.events["event_type"] == "withdrawal"].shape[0]
    assert b.latest_figures.set_index("measure").loc["force_size", "value"] == 2500  # the planned figure; 2,030 came on 19 January


def test_as_of_5_january_2022_no_decision_yet():
    b = Briefing.load("2022-01-05")
    kaz = b.cases.set_index("case_id").loc["KAZ-2022-01"]
    assert kaz["response"] == ""


def test_front_page_says_as_of_and_published(tmp_path: Path):
    result, html = _run_notebook(tmp_path, "01_front.ipynb", "as_of", "2022-01-07", "edition", "First week",
                                 "published", "2022-01-08")
    assert result.returncode == 0, result.stderr
    assert "Information as of 7 January 2022" in html and "Edition: First week" in html
    assert "Published 8 January 2022" in html and "Built on" not in html


def test_changes_since(tmp_path: Path):
    result, html = _run_notebook(tmp_path, "05b_changes.ipynb", "as_of", "2022-01-20", "since", "2022-01-07")
    html = re.sub(r"\s+", " ", html)
    assert result.returncode == 0, result.stderr
    assert "What changed since 7 January 2022" in html
    assert "the last four aircraft, with force commander Andrey Serdyukov, have left Kazakhstan" in html  # a new event
    assert "was about 2,500 servicemen (6 January 2022); now 2,030 servicemen (19 January 2022)" in html
    assert "Armenia&#39;s contingent" not in html and "Armenia's contingent" not in html  # 100 then, 100 now: no revision
    assert "The death toll in Kazakhstan: 225 people (15 January 2022)" in html  # first reported in the period
    result, html = _run_notebook(tmp_path, "05b_changes.ipynb", "as_of", "2022-01-20")
    assert result.returncode == 0 and "What changed" not in html


def test_editions_are_built_with_an_index(tmp_path: Path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    for name in ("01_front.ipynb", "05b_changes.ipynb"):
        nbformat.write(nbformat.read(paths.NOTEBOOKS_DIR / name, as_version=4), notebooks / name)
    listing = tmp_path / "editions.yaml"
    listing.write_text("editions:\n  - {as_of: 2022-01-07, edition: First week}\n  - {as_of: latest, since: 2022-01-07}\n", encoding="utf-8")
    from csto_briefing.pipeline.editions import build_editions

    lines: list[str] = []
    build_editions(listing, report_dir=tmp_path / "editions", build_dir=tmp_path / "build", notebooks_dir=notebooks, pdf=False,
                   log=lines.append)
    index = (tmp_path / "editions" / "index.html").read_text(encoding="utf-8")
    assert 'href="2022-01-07/briefing.html"' in index and 'href="2025-12-31/briefing.html"' in index
    assert "Information as of 7 January 2022" in (tmp_path / "editions" / "2022-01-07" / "briefing.html").read_text(encoding="utf-8")
    assert "What changed since 7 January 2022" in (tmp_path / "editions" / "2025-12-31" / "briefing.html").read_text(encoding="utf-8")
    assert any(line.startswith("[4/4] ") for line in lines)  # two editions of two notebooks


@pytest.mark.parametrize("as_of, measure, value", [
    ("2022-01-06", "armenian_contingent", None),  # only Sputnik's 70 was out, disputed by the defence ministry's 100
    ("2022-01-08", "armenian_contingent", 100),  # the defence ministry's figure
    ("2025-12-31", "armenian_contingent", 100),  # not the source article's 70, dated only 'January 2022'
    ("2022-03-20", "death_toll", 230),
    ("2025-12-31", "death_toll", 238),           # the final list, dated only '2022', replaced the March figure
    ("2022-01-11", "detentions", 10000),
    ("2022-01-12", "detentions", 12000),         # 'about 12,000' (TRT, 12 January): nothing disputes it
    ("2022-01-12", "force_size", 2500),          # only the plan was out: it is the figure then, marked planned
    ("2022-01-14", "force_size", 2000),          # Zas's 'over 2,000' (13 January) outranks the plan: a plan replaces no report
    ("2022-01-19", "force_size", 2030),          # the final figure replaced it
    ("2022-01-20", "death_toll", 225),           # superseded in the data, but only by the 230 of 14 March
])
def test_the_figure_used_is_the_latest_known_on_as_of(as_of, measure, value):
    latest = Briefing.load(as_of).latest_figures
    assert set(latest[latest["measure"] == measure]["value"]) == ({value} if value is not None else set())


# -- every accepted as_of builds; the others are refused with the range that builds (issue 13) ------------------

def _range_and_probes() -> tuple[tuple, list]:
    """The range that builds, from the data (the first event of an appeal to the last date), and the dates to probe:
    both ends, the day outside each end, and the day before and after each appeal in data/cases.csv."""
    import csv
    from datetime import date, timedelta

    from csto_briefing.data.asof import data_date_range, first_event_dates
    from csto_briefing.data.dataset import load_dataset

    data = load_dataset()
    first, last = data_date_range(data.tables)
    start = max(first, min(first_event_dates(data.tables).values()))
    with open(paths.DATA_DIR / "cases.csv", encoding="utf-8-sig", newline="") as handle:
        appeals = [date.fromisoformat(row["appeal_date"]) for row in csv.DictReader(handle) if len(row["appeal_date"]) == 10]
    one = timedelta(days=1)
    probes = sorted({start, last, start - one, last + one, *(d + s for d in appeals for s in (-one, one))})
    return (start, last), probes


def test_as_of_outside_the_range_that_builds_is_refused_with_the_range():
    from csto_briefing.briefing import check_against_data
    from csto_briefing.data.dataset import load_dataset

    (start, last), probes = _range_and_probes()
    data = load_dataset()
    for day in probes:
        if start <= day <= last:
            assert check_against_data({"as_of": day.isoformat()}, data)["as_of"] == day.isoformat()
        else:
            with pytest.raises(ParameterError) as info:
                check_against_data({"as_of": day.isoformat()}, data)
            assert info.value.lines == [
                f"parameter as_of: '{day.isoformat()}' is outside the range that builds: {start.isoformat()} (the first event "
                f"of an appeal in the data) to {last.isoformat()} (the data's last date)"]


def test_every_accepted_as_of_around_the_ends_and_the_appeals_builds(tmp_path: Path):
    from csto_briefing.pipeline.editions import build_editions

    (start, last), probes = _range_and_probes()
    accepted = [d for d in probes if start <= d <= last]
    assert start in accepted and last in accepted and len(accepted) >= 4
    editions = tmp_path / "editions.yaml"
    editions.write_text("editions:\n" + "".join(f"  - {{as_of: '{d.isoformat()}'}}\n" for d in accepted), encoding="utf-8")
    build_editions(editions, report_dir=tmp_path / "report", build_dir=tmp_path / "build", pdf=False, log=lambda line: None)
    for day in accepted:
        assert (tmp_path / "report" / day.isoformat() / "briefing.html").is_file(), day


def test_the_front_matter_file_missing_or_incomplete_is_one_line_naming_it(tmp_path: Path):
    from csto_briefing.parameters import front_matter

    with pytest.raises(ParameterError) as missing:
        front_matter(tmp_path)
    assert missing.value.lines == [f"{tmp_path / 'briefing.toml'}: cannot be read (No such file or directory); it holds "
                                   "title, author, subtitle, keywords as TOML strings"]
    (tmp_path / "briefing.toml").write_text('title = "A title"\nauthor = 3\n', encoding="utf-8")
    with pytest.raises(ParameterError) as incomplete:
        front_matter(tmp_path)
    assert incomplete.value.lines == [f"{tmp_path / 'briefing.toml'}: author, subtitle, keywords: missing or not a string "
                                      "(it holds title, author, subtitle, keywords)"]


@pytest.mark.parametrize("as_of, figure_id, status", [
    ("2022-01-14", "force-over-2000", ""),            # not yet superseded then: no status
    ("2022-01-19", "force-over-2000", "superseded"),  # the day its replacement, 2,030, was reported
    ("2022-01-14", "force-planned", "planned"),
    ("2022-03-20", "deaths-225", "superseded"),       # replaced by the 230 of 14 March
    ("2022-03-20", "deaths-230", ""),                 # replaced only by the final list, dated '2022' (known from its end)
])
def test_a_value_is_superseded_only_from_the_day_its_replacement_is_known(as_of, figure_id, status):
    figures = Briefing.load(as_of).figures
    assert figures.set_index("figure_id").loc[figure_id, "status"] == status
