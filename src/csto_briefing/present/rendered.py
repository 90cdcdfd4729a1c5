"""A chart drawn once: its SVG and PNG bytes, and a disk cache of them keyed by everything that drew them.

`figure()` (present/output.py) turns a matplotlib Figure into a `RenderedChart`. The chart primitives
(present/charts.py) are decorated with `cached_chart`: when the build names a cache folder in the environment
(CHART_CACHE_ENV, under build/.cache), a chart whose arguments, drawing code, style and matplotlib version are those of
a chart drawn before is read back from the folder instead of drawn and rendered again (a rebuild after an edit to
one table re-draws only the charts whose data changed). Without that variable (a notebook opened in JupyterLab,
the tests) every call draws, and returns the Figure itself. Arguments the key cannot describe exactly (an object
of another type) turn the cache off for that call: never a stale chart."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_CACHE_ENV = "CSTO_BRIEFING_CHART_CACHE"  # folder of rendered charts; set by the build, unset elsewhere
FONT_FAMILY_SVG = (b"font-family: 'DejaVu Sans'", b"font-family: 'Briefing Sans', 'DejaVu Sans'")
KEPT_ATTRIBUTES = ("counted_events",)  # values the primitives set on a Figure for the notebooks (charts.py)
# what draws a chart besides its arguments: the primitives, the house style, this module
_DRAWING_CODE = ("charts.py", "style.py", "rendered.py", "../styles/briefing.mplstyle", "../data/asof.py", "../data/dates.py")


@dataclasses.dataclass(frozen=True)
class RenderedChart:
    """A chart as the briefing uses it: SVG (text kept as text) and PNG bytes, and the attributes its primitive set
    on the Figure for the notebook to read (a timeline's `counted_events`)."""

    svg: bytes
    png: bytes
    attributes: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["attributes"][name]
        except KeyError:
            raise AttributeError(name) from None


def svg_bytes(fig: Figure) -> bytes:
    """The chart as SVG with its text as text, naming first the font the PDF embeds, then DejaVu Sans."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue().replace(*FONT_FAMILY_SVG)


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _set_attributes(fig: Figure) -> dict[str, Any]:
    """The values a primitive set on its Figure for the notebook to read (KEPT_ATTRIBUTES)."""
    return {name: getattr(fig, name) for name in KEPT_ATTRIBUTES if hasattr(fig, name)}


def render(fig: Figure | RenderedChart) -> RenderedChart:
    """The chart's bytes; the Figure is closed (pyplot keeps no reference to it)."""
    if isinstance(fig, RenderedChart):
        return fig
    import matplotlib.pyplot as plt

    try:
        return RenderedChart(svg_bytes(fig), png_bytes(fig), _set_attributes(fig))
    finally:
        plt.close(fig)


class _NoKey(Exception):
    """An argument the cache key cannot describe exactly."""


def _canonical(value: Any) -> Any:
    """A description of `value` that is equal for equal values in any process (sets sorted, frames by content)."""
    import pandas as pd

    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return [type(value).__name__, repr(value)]
    if isinstance(value, (datetime, date, timedelta)):
        return [type(value).__name__, value.isoformat() if hasattr(value, "isoformat") else repr(value)]
    if isinstance(value, pd.DataFrame):
        return ["frame", value.to_json(orient="split", date_format="iso", date_unit="us", default_handler=repr),
                [str(t) for t in value.dtypes]]
    if isinstance(value, pd.Series):
        return ["series", value.to_json(orient="split", date_format="iso", date_unit="us", default_handler=repr), str(value.dtype)]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [_canonical(v) for v in value]]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((_canonical(v) for v in value), key=repr)]
    if isinstance(value, dict):
        return ["dict", sorted(([_canonical(k), _canonical(v)] for k, v in value.items()), key=repr)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__, [[f.name, _canonical(getattr(value, f.name))] for f in dataclasses.fields(value)]]
    raise _NoKey(type(value).__name__)


@functools.cache
def _code_hash() -> str:
    import matplotlib

    digest = hashlib.sha256(matplotlib.__version__.encode())
    here = Path(__file__).parent
    for name in _DRAWING_CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def cached_chart(draw: Callable[..., Figure | None]) -> Callable[..., Figure | RenderedChart | None]:
    """A chart primitive that reads its chart from the build's cache folder when it drew the same chart before,
    and otherwise draws it (and, with a cache folder, renders and keeps it). None (nothing to draw) is not kept."""

    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any) -> Figure | RenderedChart | None:
        folder = os.environ.get(CHART_CACHE_ENV)
        if not folder:
            return draw(*args, **kwargs)
        try:
            description = json.dumps([draw.__qualname__, _canonical(list(args)), _canonical(kwargs), _code_hash()])
        except _NoKey:
            return draw(*args, **kwargs)
        entry = Path(folder) / hashlib.sha256(description.encode()).hexdigest()
        try:
            return RenderedChart((entry / "chart.svg").read_bytes(), (entry / "chart.png").read_bytes(),
                                 json.loads((entry / "attributes.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
        fig = draw(*args, **kwargs)
        if fig is None:
            return None
        chart = render(fig)
        _keep(entry, chart)
        return chart

    return drawn


def _keep(entry: Path, chart: RenderedChart) -> None:
    """Write the entry whole or not at all (a folder renamed into place), so that a reader never sees half of one.
    When another kernel kept the same chart first, or the folder is not writable, nothing is kept."""
    import shutil

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".staging-"))
    except OSError:
        return
    try:
        (staging / "chart.svg").write_bytes(chart.svg)
        (staging / "chart.png").write_bytes(chart.png)
        (staging / "attributes.json").write_text(json.dumps(chart.attributes), encoding="utf-8")
        staging.rename(entry)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
