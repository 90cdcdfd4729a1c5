"""Scale (issue 13): with ten times today's events the briefing still builds, Figure 1 keeps labels for the events
that matter and draws the rest as marks, and the PDF passes the layout lint of the print issue."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from csto_briefing import paths
from csto_briefing.pipeline.build import build
from csto_briefing.pipeline.config import BuildConfig

from . import layout_lint as lint
from .test_layout import BLOCK, SHORT_HEADER


def _ten_times(data: Path) -> int:
    """Nine more events beside each event: same day, later in the day's order, no headline (so not labelled), no clock
    time, as sourced as the original. Returns how many events the table holds then."""
    table = data / "events.csv"
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    top = max(int(r["seq"]) for r in rows)
    more = []
    for row in rows:
        for n in range(1, 10):
            copy = dict(row, event_id=f"{row['event_id']}-x{n}", seq=str(int(row["seq"]) + n * (top + 1)), headline="",
                        time_local="", tz="", time_precision="", summary=f"{row['summary']} (copy {n})")
            more.append(copy)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + more)
    table.write_text(out.getvalue(), encoding="utf-8")
    return len(rows) + len(more)


def test_ten_times_the_events_builds_and_passes_the_layout_lint(data_copy: Path, tmp_path: Path):
    count = _ten_times(data_copy)
    assert count >= 10 * len(list(csv.DictReader((paths.DATA_DIR / "events.csv").open(encoding="utf-8"))))
    lines: list[str] = []
    build(BuildConfig(data_dir=data_copy, build_dir=tmp_path / "build", report_dir=tmp_path / "report", log=lines.append))
    pdf = tmp_path / "report" / "briefing.pdf"
    problems = lint.lint(pdf, BLOCK, header=SHORT_HEADER)
    assert problems == [], lint.report(problems)
