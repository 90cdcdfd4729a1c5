"""The house style in one place: the palette and the typeface, for the charts (charts.py reads them at run time),
the matplotlib style (styles/briefing.mplstyle) and the stylesheet's CSS variables (templates/briefing/briefing.css,
`:root`). The two files are plain text so that a designer can read them; tests/test_style.py checks that they say
what this module says, and `python -m csto_briefing.present.style` rewrites their generated parts from it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..paths import STYLES_DIR, TEMPLATES_DIR

# Okabe-Ito: colour-blind safe, distinct in greyscale by lightness. The charts' marks, in this order in the cycle.
PALETTE: dict[str, str] = {
    "blue": "#0072B2", "vermilion": "#D55E00", "green": "#009E73", "orange": "#E69F00", "sky": "#56B4E9",
    "purple": "#CC79A7", "black": "#000000",
}
GREY = "#777777"  # marks of no kind in particular (counts, superseded values)

# The page's colours (text at least 4.5:1 on white, also on the highlight). CSS variable name -> colour.
PAGE: dict[str, str] = {
    "ink": "#1a1a1a", "muted": "#4d4d4d", "rule": "#c8c8c8", "accent": "#005a8c", "flag": "#b34700", "warn": "#7a4d00",
    "highlight": "#eef5fb",
}
CHART_INK = "#333333"  # axes, ticks and their labels

# One typeface family: DejaVu Sans (shipped with matplotlib: Latin, Cyrillic, Armenian in every weight used). The PDF
# embeds it under a name of its own (an @font-face named like an installed font is shadowed by it).
FONT = "DejaVu Sans"
EMBEDDED_FAMILY = "Briefing Sans"
FONT_STACK = (EMBEDDED_FAMILY, FONT, "Noto Sans", "Noto Sans Armenian", "Arial", "sans-serif")

CSS = TEMPLATES_DIR / "briefing" / "briefing.css"
MPLSTYLE = STYLES_DIR / "briefing.mplstyle"
BEGIN, END = "/* house style: generated from present/style.py */", "/* end of house style */"


def css_family() -> str:
    return ", ".join(f'"{name}"' if " " in name else name for name in FONT_STACK)


def css_root() -> str:
    """The stylesheet's `:root` block: page colours, the chart palette and the font stack as CSS variables."""
    names = [f"--{name}: {colour};" for name, colour in PAGE.items()]
    names += [f"--chart-{name}: {colour};" for name, colour in PALETTE.items()] + [f"--chart-grey: {GREY};"]
    return f"{BEGIN}\n:root {{ {' '.join(names)}\n        --font: {css_family()}; }}\n{END}"


def mpl_rc() -> dict[str, str]:
    """The lines of the matplotlib style that come from here (the rest of the file is the charts' own layout)."""
    cycle = ", ".join(f"'{c.lstrip('#')}'" for c in PALETTE.values())
    ink = CHART_INK.lstrip("#")
    return {"font.family": FONT, "axes.edgecolor": ink, "xtick.color": ink, "ytick.color": ink, "text.color": ink,
            "axes.labelcolor": ink, "axes.prop_cycle": f"cycler('color', [{cycle}])"}


def read_mplstyle(path: Path = MPLSTYLE) -> dict[str, str]:
    rc = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#") and ":" in line:
            key, _, value = line.partition(":")
            rc[key.strip()] = value.strip()
    return rc


def write() -> list[Path]:
    """Rewrite the generated parts of the stylesheet and the matplotlib style from this module; the files changed."""
    changed = []
    css = CSS.read_text(encoding="utf-8")
    new_css = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: css_root(), css, flags=re.S)
    if new_css != css:
        CSS.write_text(new_css, encoding="utf-8")
        changed.append(CSS)
    lines = MPLSTYLE.read_text(encoding="utf-8").splitlines()
    rc, out = mpl_rc(), []
    for line in lines:
        key = line.partition(":")[0].strip()
        out.append(f"{key}: {rc.pop(key)}" if key in rc else line)
    out += [f"{key}: {value}" for key, value in rc.items()]
    text = "\n".join(out) + "\n"
    if text != MPLSTYLE.read_text(encoding="utf-8"):
        MPLSTYLE.write_text(text, encoding="utf-8")
        changed.append(MPLSTYLE)
    return changed


if __name__ == "__main__":
    for path in write():
        print(f"rewrote {path}")
    sys.exit(0)
