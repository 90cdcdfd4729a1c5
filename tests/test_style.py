"""One source for presentation (issue 11): present/style.py holds the palette and the typeface; the stylesheet's CSS
variables, the matplotlib style and the charts say the same, and no colour or font is named anywhere else."""

from __future__ import annotations

import re

from csto_briefing import paths
from csto_briefing.present import charts, style

HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
KNOWN = {c.lower() for c in [*style.PALETTE.values(), *style.PAGE.values(), style.GREY, style.CHART_INK]}
NEUTRALS = {"#fff", "#ffffff", "#000", "#000000"}  # white page and black, not house colours


def _grey(colour: str) -> bool:
    """A neutral grey (rules, connectors, frames): no hue, so nothing to keep in step with the palette."""
    c = colour.lower().lstrip("#")
    c = "".join(x * 2 for x in c) if len(c) == 3 else c
    return c[0:2] == c[2:4] == c[4:6]


def test_the_stylesheet_root_is_generated_from_the_source():
    css = style.CSS.read_text(encoding="utf-8")
    assert style.css_root() in css, "briefing.css's :root differs from present/style.py: run python -m csto_briefing.present.style"
    for name, colour in style.PAGE.items():
        assert f"--{name}: {colour};" in css


def test_the_matplotlib_style_matches_the_source():
    rc = style.read_mplstyle()
    for key, value in style.mpl_rc().items():
        assert rc.get(key) == value, f"briefing.mplstyle {key}: {rc.get(key)!r}, present/style.py says {value!r}"


def test_the_charts_draw_with_the_source():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charts._style()
    assert plt.rcParams["font.family"] == [style.FONT]
    cycle = [c.lower() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle == [c.lower() for c in style.PALETTE.values()]
    assert (charts.BLUE, charts.VERMILION, charts.GREY) == (style.PALETTE["blue"], style.PALETTE["vermilion"], style.GREY)


def test_no_colour_or_font_is_named_outside_the_source():
    """Colours in the templates, the stylesheet and the chart code are the source's; font families are its stack."""
    files = [*paths.TEMPLATES_DIR.rglob("*.css"), *paths.TEMPLATES_DIR.rglob("*.j2"),
             paths.PACKAGE_DIR / "present" / "charts.py"]
    stray = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        stray += [f"{path.name}: {c}" for c in HEX.findall(text) if c.lower() not in KNOWN | NEUTRALS and not _grey(c)]
        for family in re.findall(r"font-family:\s*([^;}]+)", text):
            names = [n.strip().strip('"') for n in family.split(",")]
            stray += [f"{path.name}: font {n}" for n in names if n and n != "var(--font)" and n not in style.FONT_STACK]
    assert not stray, stray


def test_the_pdf_embeds_the_source_family():
    from csto_briefing.pipeline import pdf

    assert pdf.EMBEDDED_FAMILY == style.EMBEDDED_FAMILY
    assert f'font-family: "{style.EMBEDDED_FAMILY}"' in pdf.font_css()
