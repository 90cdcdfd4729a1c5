"""The PDF, written by WeasyPrint from the briefing's HTML, with its fonts embedded from matplotlib's DejaVu Sans.

Tagged (PDF/UA-1: a structure tree, /MarkInfo, XMP metadata, the title shown in the window's title bar),
opening with its outline (bookmarks) shown. Links to files published beside the PDF (`briefing.html`,
`figures/...`) stay relative, so that the report folder can be moved or published as a whole."""

from __future__ import annotations

import re
from pathlib import Path

from .. import paths
from ..errors import BuildError
from ..present.style import EMBEDDED_FAMILY  # the house style's name for the embedded face

PDF_VARIANT = "pdf/ua-1"  # tagged PDF with XMP metadata and DisplayDocTitle; WeasyPrint writes one variant at a time


def font_css() -> str:
    """@font-face rules for the PDF: DejaVu Sans from matplotlib (Latin, Cyrillic, Armenian), no system font needed."""
    from matplotlib import get_data_path

    ttf = Path(get_data_path()) / "fonts" / "ttf"
    faces = [("DejaVuSans.ttf", "normal", "normal"), ("DejaVuSans-Bold.ttf", "bold", "normal"),
             ("DejaVuSans-Oblique.ttf", "normal", "italic"), ("DejaVuSans-BoldOblique.ttf", "bold", "italic")]
    return "\n".join(
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; src: url("{(ttf / name).as_uri()}"); font-weight: {weight}; font-style: {style}; }}'
        for name, weight, style in faces if (ttf / name).is_file())


def _finish(base: str):
    """A WeasyPrint finisher: outline shown on opening, the title in the title bar, and links into the project
    folder (base) made relative again (WeasyPrint resolves every relative link against the base URL)."""
    import pydyf

    def finisher(document, pdf) -> None:
        pdf.catalog["PageMode"] = "/UseOutlines"
        prefs = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary({})
        prefs["DisplayDocTitle"] = "true"
        pdf.catalog["ViewerPreferences"] = prefs
        for obj in pdf.objects:
            action = obj.get("A") if isinstance(obj, dict) else None
            if isinstance(action, dict) and isinstance(action.get("URI"), pydyf.String):
                uri = str(action["URI"].string)
                if uri.startswith(base):
                    name = uri[len(base):]
                    action["URI"] = pydyf.String(name)
                    obj["Contents"] = pydyf.String(name)
    return finisher


SPACE_BEFORE_LINK = re.compile(r"(?<=\S) (<a\b[^>]*>)")


def _breakable_before_links(html: str) -> str:
    """The body's HTML with each space between a word and a link (a citation, an address) moved inside the link.
    WeasyPrint can break a line too early where a space separates a text run from an inline element that follows it:
    "recalled that / Aliyev / had said ... Armenia [84]." left one word alone on a line, and "56. Asbarez, / “CSTO
    ..." broke a bibliography entry after its first word. Inside the link the space is the same break opportunity and
    the lines fill as they should; the page looks the same otherwise. The screen HTML keeps its markup."""
    start = html.find("<body")
    return html if start < 0 else html[:start] + SPACE_BEFORE_LINK.sub(r"\1 ", html[start:])


def write_pdf(html: str, target: Path) -> None:
    """The PDF from the same HTML (spaces before links moved into them, `_breakable_before_links`), with the embedded
    fonts added as one more stylesheet."""
    html = _breakable_before_links(html)
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()  # @font-face rules are honoured only with a font configuration
        base = paths.ROOT.as_uri().rstrip("/") + "/"
        HTML(string=html, base_url=base).write_pdf(
            target, stylesheets=[CSS(string=font_css(), font_config=fonts)], font_config=fonts,
            pdf_variant=PDF_VARIANT, finisher=_finish(base), uncompressed_pdf=False)
    except Exception as exc:  # the engine's own errors vary (OSError for a missing Pango, ValueError, ...)
        raise BuildError(f"the PDF engine (WeasyPrint) failed: {type(exc).__name__}: {exc}") from None
