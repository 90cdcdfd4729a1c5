"""The README's data dictionary is the codebook's, word for word."""

from csto_briefing import paths
from csto_briefing.data.codebook import data_dictionary_markdown, load_codebook


def test_readme_data_dictionary_matches_the_codebook():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- data-dictionary:start -->\n", "<!-- data-dictionary:end -->"
    section = readme[readme.index(start) + len(start): readme.index(end)]
    assert section == data_dictionary_markdown(load_codebook()), "run: .venv/bin/csto-briefing dictionary, and paste it into README.md"
