"""csto-briefing: a reproducible, data-driven policy briefing on the CSTO's responses to appeals for help."""

__version__ = "0.1.0"
