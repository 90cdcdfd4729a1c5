"""The PDF, written by WeasyPrint from the briefing's HTML, with its fonts embedded from matplotlib's DejaVu Sans."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..errors import BuildError

EMBEDDED_FAMILY = "Briefing Sans"  # a name of our own: an @font-face named like an installed font is shadowed by it


def font_css() -> str:
    """@font-face rules for the PDF: DejaVu Sans from matplotlib (Latin, Cyrillic, Armenian), no system font needed."""
    from matplotlib import get_data_path

    ttf = Path(get_data_path()) / "fonts" / "ttf"
    faces = [("DejaVuSans.ttf", "normal", "normal"), ("DejaVuSans-Bold.ttf", "bold", "normal"),
             ("DejaVuSans-Oblique.ttf", "normal", "italic"), ("DejaVuSans-BoldOblique.ttf", "bold", "italic")]
    return "\n".join(
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; src: url("{(ttf / name).as_uri()}"); font-weight: {weight}; font-style: {style}; }}'
        for name, weight, style in faces if (ttf / name).is_file())


def write_pdf(html: str, target: Path) -> None:
    """The PDF from the same HTML, with the embedded fonts added as one more stylesheet."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()  # @font-face rules are honoured only with a font configuration
        HTML(string=html, base_url=str(paths.ROOT)).write_pdf(
            target, stylesheets=[CSS(string=font_css(), font_config=fonts)], font_config=fonts)
    except Exception as exc:  # the engine's own errors vary (OSError for a missing Pango, ValueError, ...)
        raise BuildError(f"the PDF engine (WeasyPrint) failed: {type(exc).__name__}: {exc}") from None
