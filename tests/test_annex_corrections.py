"""The review's findings on the annexes and the bibliography, pinned against the data (facts.csv ids in brackets).

These read the tables only (no kernel): each assertion fails if the corrected row goes back to what the review found."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from csto_briefing.data.dataset import load_dataset
from csto_briefing.data.read import split_ids


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def claims_on(data, as_of: str) -> pd.DataFrame:
    known = data.claims[data.claims["as_of"] <= as_of]
    return known.sort_values("as_of").groupby("claim_id").tail(1).set_index("claim_id")


def test_kyrgyz_caveat_is_unverified_and_tashiev_spoke_to_parliament_on_7_january(data):
    """Finding 4 (A32): Tashiev gave parliament the limits on 7 January; nothing says why the caveat was made."""
    rows = data.claims[data.claims["claim_id"] == "cl-because"]
    assert set(rows["verdict"]) == {"unverified"}
    late = rows.sort_values("as_of").iloc[-1]["correction"]
    assert "gave parliament the same limits" in late and "after the approval" not in late


def test_membership_claim_is_imprecise_and_the_freeze_is_attributed(data):
    """Findings 5 and 12 (C14-C16): never 'outdated'; the freeze is Pashinyan's word, dated by the interview."""
    rows = data.claims[data.claims["claim_id"] == "cl-members"]
    assert set(rows["verdict"]) == {"imprecise"}
    for correction in rows["correction"]:
        assert "Armenia froze" not in correction and "it froze its participation" not in correction
        if "frozen" in correction:
            assert "prime minister said" in correction and "in law" in correction


def test_bandits_quote_has_one_rating_in_annex_c_and_annex_d(data):
    """Fact-check 2, item 5 (A51, VERIFIED in Italian translation): 'accurate' in Annex D, with the caveat that the only
    other text is an Italian translation on a weak mirror and the broadcast page was not found; Annex C's note says the
    same. The mirror's origin is unknown, so the quote stays 'single source' (the validator's rule)."""
    quote = data.commentary.set_index("quote_id").loc["q-tokayev-bandits"]
    assert quote["verification"] == "single_source"
    rows = data.claims[data.claims["claim_id"] == "cl-bandits"]
    assert set(rows["verdict"]) == {"accurate"}
    for text in list(rows["correction"]) + [quote["note"]]:
        # the editor's review 2, items 8 and 16: the rating rests on A51; the note says what the other text is, in
        # readers' words ('confirmed', 'weak mirror' and 'not found' were the research log's)
        assert "Single source: also carried, in Italian translation, by a re-post site that does not name its original" in text
        for log in ("confirmed", "weak mirror", "not found", "No independent source"):
            assert log not in text, log


def test_article_2_is_described_as_amended_not_as_consultations_only(data):
    """Finding 3 (B03, E08): Art. 2(2), joint consultations and measures to assist, as amended."""
    for correction in data.claims[data.claims["claim_id"] == "cl-may2021"]["correction"]:
        assert "Article 2 (consultations)" not in correction
        assert "paragraph 2" in correction and "measures to assist" in correction


def test_the_no_article_point_is_said_as_reported_and_once_per_annex(data):
    """Finding 13 and the editor's repetition note: 'as reported, he named no article', not repeated in every note."""
    claims = data.claims
    assert "as reported, he named no article" in claims_on(data, "2025-12-31").loc["cl-appeal", "correction"]
    assert not claims[claims["claim_id"] == "cl-article4"]["correction"].str.contains("without naming an article").any()
    notes = data.commentary["note"]
    # editor round 3, items 5/6: said in the core (section 2) and in Annex D's verdict only; not in Annex C's note or
    # the chronology's summary (Table 1 keeps its short "(no article)" cell)
    assert notes.str.contains("no article|without naming an article|named no article", regex=True).sum() == 0
    assert not data.events["summary"].str.contains("no article").any()


def test_quotes_spoken_in_russian_or_armenian_are_marked_as_translations(data):
    """Finding 9: 'English translation as published', from the codebook's label."""
    quotes = data.commentary.set_index("quote_id")
    for qid in ("q-lavrov-monitors", "q-zas-incident", "q-pashinyan-art4", "q-mirzoyan", "q-pankin", "q-peskov"):
        assert quotes.loc[qid, "text_is"] == "translation", qid
    assert data.codebook.label("text_is", "translation") == "English translation as published"


def test_quotes_not_shown_to_be_spoken_in_english_are_marked_as_translations(data):
    """Fact-check 2, item 9: no source or fact says these speakers spoke English, so 'English translation as published'."""
    quotes = data.commentary.set_index("quote_id")
    for qid in ("q-marukyan", "q-ghevondyan", "q-otunbayeva", "q-pashinyan-frozen", "q-pashinyan-outside", "q-embassy"):
        assert quotes.loc[qid, "text_is"] == "translation", qid
    assert "as_published" not in set(quotes["text_is"])


def test_embassy_quote_names_its_speaker_plainly(data):
    """Finding 16 (A50): no garbled 'Embassy; Hunanyan: ...' label."""
    quote = data.commentary.set_index("quote_id").loc["q-embassy"]
    assert quote["speaker"] == "Vahan Hunanyan"
    assert quote["speaker_role"].startswith("Spokesman of Armenia's Ministry of Foreign Affairs") and ";" not in quote["speaker_role"]


def test_yerevan_summit_quote_is_attributed_to_its_source_only(data):
    """Finding 7 (C09): the source row is Horizon Weekly; no press office named in the note."""
    quote = data.commentary.set_index("quote_id").loc["q-pashinyan-assessment"]
    assert quote["source_id"] == "horizon-2022-11" and "press office" not in quote["note"]


def test_pankin_is_attributed_to_caucasus_watch(data):
    """Finding 16 (C21): Pankin via Caucasus Watch."""
    quotes = data.commentary.set_index("quote_id")
    for qid in ("q-pankin", "q-pankin-2026"):
        assert quotes.loc[qid, "source_id"] == "caucasuswatch-2025" and "Caucasus Watch" in quotes.loc[qid, "note"]


def test_the_1994_event_rests_on_a_mirror_and_is_shown_as_reported(data):
    """Finding 14 (E03): only a re-post of RIA Novosti dates the entry into force."""
    event = data.events.set_index("event_id").loc["e-1994-in-force"]
    assert event["certainty"] == "reported" and split_ids(event["source_ids"]) == ["reseau-ria"]
    assert data.sources.set_index("source_id").loc["reseau-ria", "reliability"] == "mirror"


def test_the_2012_entry_into_force_cites_only_the_protocol_page(data):
    """Finding 14 (E08): the Kremlin page of 2011 cannot date an entry into force of 2012."""
    assert data.events.set_index("event_id").loc["e-2012-protocol-in-force", "source_ids"] == "zakonpravo-2011-11-28"


def test_csto_proposed_equipment_in_2010(data):
    """Finding 14 (D03): 'proposed', not 'offered'."""
    summary = data.cases.set_index("case_id").loc["KGZ-2010-06", "summary"]
    assert "offered equipment" not in summary and "proposed" in summary


def test_state_of_emergency_times_are_local_time(data):
    """Finding 15 (A04, A09): Mangystau was UTC+5, so the decree's 01:30 and the midnight end are 'local time'."""
    events = data.events.set_index("event_id")
    for event_id in ("k-soe-1", "k-soe-end"):
        assert events.loc[event_id, "time_precision"] == "local", event_id
    assert data.codebook.label("time_precision", "local") == "local time"


def test_the_freeze_event_is_dated_by_the_interviews_publication(data):
    """Finding 16 (C14): 22 February 2024 is when the interview was published."""
    event = data.events.set_index("event_id").loc["c-frozen"]
    assert event["date"] == "2024-02-22" and "published on 22 February 2024" in event["summary"]


def test_detentions_series_holds_5135(data):
    """Finding 10 and fact-check 2, item 6 (A48a, 'c. 8 Jan'): Kazinform's page says the acting minister gave 5,135 on
    Sunday, i.e. 9 January 2022; the evidence quotes those words, so the date and 'acting' rest on the cited page."""
    row = data.figures.set_index("figure_id").loc["detained-5135"]
    assert (int(row["value"]), row["status"], row["reported_on"]) == (5135, "superseded", "2022-01-09")
    assert "5,135" in row["evidence"]
    assert "acting Minister of Interior" in row["evidence"] and "said Sunday" in row["evidence"]
    assert pd.Timestamp(row["reported_on"]).day_name() == "Sunday" and "Sunday 9 January" in row["note"]
    source = data.sources.set_index("source_id").loc[row["source_id"]]
    assert "A48a" in source["fact_refs"] and source["reliability"] == "wire"


def test_armenian_100_in_use_is_the_defence_ministry_row(data):
    """Finding 11 (A25): the figure used is the MoD's of 7 January, not a media repetition of it."""
    from csto_briefing.data.asof import latest_figures

    used = latest_figures(data.figures, pd.Timestamp("2025-12-31").date())
    armenian = used[used["measure"] == "armenian_contingent"]
    assert list(armenian["figure_id"]) == ["arm-contingent-mod"]


def test_confidence_meanings_do_not_repeat_their_terms(data):
    """Finding 16: the scale printed 'Almost certainly: Almost certainly: ...'."""
    for value, meaning in data.codebook.vocabularies["confidence"].items():
        term = data.codebook.label("confidence", value)
        assert not meaning.lower().startswith(term.lower()), value


def test_bibliography_urls_and_titles(data):
    """Bibliography: no 'kyivindependent.com./', no all-capitals display titles, no outlet twice in one entry."""
    sources = data.sources.set_index("source_id")
    assert not sources["url"].str.contains(r"\.com\./|\.org\./|\.net\./", regex=True).any()
    for source_id, row in sources.iterrows():
        shouted = [w for w in re.findall(r"\w{6,}", row["display_title"]) if w.isupper()]  # acronyms are shorter
        assert not shouted, (source_id, shouted)
        if row["title"]:
            assert row["publisher"] not in row["display_title"], source_id
    # the editor's review 2, item 16: kind of source and date, not how the page was found
    assert "listing page" not in sources.loc["regard-est-2023-07-03", "note"]
    assert "3 July 2023" in sources.loc["regard-est-2023-07-03", "note"]
    assert "cited only for" not in sources.loc["rt-2022-09-14", "note"]
    assert "It covers the night" not in sources.loc["jamnews-2022-01-seed", "note"]
    assert "offline copy" in sources.loc["wikipedia-csto-2022-11", "note"]


# -- the editor's second review (notes/editor2.md), items 6, 7, 10, 11, 16 ---------------------------------------------

def _note_columns(data):
    """Every note a reader sees: sources, events, figures and quotes."""
    return pd.concat([data.sources["note"], data.events["note"], data.figures["note"], data.commentary["note"]])


def test_a_mirror_is_cited_only_where_no_better_page_says_the_same(data):
    """Item 6 (A25, A27, A50): the 100 and the embassy's words rest on Panorama, JAMnews and the Public Radio."""
    events = data.events.set_index("event_id")
    assert "breaknlinks-2022-01-07" not in split_ids(events.loc["k-arm-100", "source_ids"])
    claims = data.claims.set_index("claim_id")
    assert "breaknlinks-2022-01-07" not in split_ids(claims.loc["cl-embassy", "evidence_source_ids"])
    assert data.sources.set_index("source_id").loc["wikipedia-csto-2022-11", "reliability"] == "mirror"  # E01: Kiwix copy


def test_according_to_names_the_site_that_re_posted_a_mirror(data):
    """Item 6 (B05, C06): 'according to Panorama.am' cited Hyetert's re-post; say who re-posted it."""
    from datetime import date

    from csto_briefing.briefing import Briefing

    b = Briefing.from_parameters({"as_of": "2025-12-31"})
    assert b.as_of == date(2025, 12, 31)
    rahmon = b.events.set_index("event_id").loc["a-rahmon"]
    assert b.according_to(rahmon) == ", according to Panorama.am, as re-posted by Hyetert"
    advance = b.events.set_index("event_id").loc["a-incursion"]  # TASS, reporting in its own name
    assert b.according_to(advance) == ", according to TASS"


def test_bibliography_addresses_are_fixed_or_described(data):
    """Item 7 (A48b, E02b, E03, D05): no ':443', no search parameters; addresses about something else are described."""
    sources = data.sources.set_index("source_id")
    assert not sources["url"].str.contains(r":443/|[?&]rskey=", regex=True).any()
    assert sources.loc["trt-2022-01-12", "url"] == "https://www.trtworld.com/article/12770319"
    # the editor's review 2, item 16: what the page is, not what its address looks like
    assert "names another subject" not in sources.loc["reseau-ria", "note"]
    assert "re-post of a RIA Novosti report" in sources.loc["reseau-ria", "note"]
    assert "unrelated site" not in sources.loc["chinadaily-2010-06-19", "note"]
    assert "on a third-party site" in sources.loc["chinadaily-2010-06-19", "note"]


def test_reader_note_keeps_a_capital_after_a_dropped_clause():
    """Item 7: 'Relays Pankin's interview with RIA Novosti. the interview was given ...' (entry 22)."""
    from csto_briefing.present.reader import reader_note

    assert reader_note("Relays X. Issue date not shown in the stored copy; the interview was given on 7 March.") == \
        "Relays X. The interview was given on 7 March."


def test_each_repeated_point_is_said_once(data):
    """Item 11 (B13, C21, A36b): Reuters' 1987, OC Media's 7 March and Kazinform's 'at least 10 days', once each."""
    notes = _note_columns(data)
    assert notes.str.contains("1987").sum() == 1
    assert notes.str.contains("7 March 2025").sum() == 1
    assert notes.str.contains("at least 10 days|translation slip", case=False, regex=True).sum() == 1
    assert data.events.set_index("event_id").loc["c-pankin", "note"].count("7 March 2025") == 1


def test_chronology_actors_are_who_acted_and_notes_are_sentences(data):
    """Item 10 (B01, C01, A14): no 'Azerbaijani armed forces: Armenia's defence ministry reports'; no bare quote notes."""
    events = data.events.set_index("event_id")
    for event_id in ("a-advance", "c-attack"):
        assert events.loc[event_id, "actor"] == "Azerbaijani armed forces"
        assert events.loc[event_id, "summary"].startswith("Azerbaijani"), event_id
        assert "defence ministry" in events.loc[event_id, "summary"], event_id  # still attributed
    for event_id in ("k-consultations", "k-decision"):
        note = events.loc[event_id, "note"]
        assert not note.startswith("'") and "Azatutyun" in note, event_id


def test_annex_d_cells(data):
    """Item 16: no claim opens with a numeral; accurate verdicts say what the sources say; the bandits quote cites the
    same pages in Annex C and D (A51); Marukyan rated as the reference rates him (F02, F03: accurate for Jan 2022)."""
    claims = data.claims
    assert not claims["claim"].str.match(r"\d").any()
    assert (claims["correction"] != "").all()
    bandits = claims[claims["claim_id"] == "cl-bandits"]
    quote = data.commentary.set_index("quote_id").loc["q-tokayev-bandits"]
    for ids in bandits["evidence_source_ids"]:
        assert set(split_ids(ids)) == {quote["source_id"], *split_ids(quote["corroborated_by"])}
    assert quote["verification"] == "single_source"
    marukyan = claims[claims["claim_id"] == "cl-marukyan-role"]
    assert set(marukyan["verdict"]) == {"accurate"}
    assert all("Bright Armenia" in c and "no faction" in c for c in marukyan["correction"])


# -- Fact-check 2 (notes/factcheck2.md), items 7-14: facts.csv ids in brackets -------------------------------------

def test_russian_units_are_shown_as_unverified(data):
    """Item 7 (A22, UNVERIFIED): the units rest on one relay of Interfax; Annex B prints 'Unverified', not 'Reported'."""
    rus = data.positions[(data.positions["state_iso3"] == "RUS") & (data.positions["units"] != "")]
    assert list(rus["units_certainty"]) == ["unverified"] and list(rus["units_source_ids"]) == ["vpk-2022-01-10"]
    assert data.codebook.label("certainty", "unverified") == "unverified"


def test_every_reported_value_is_kept_in_annex_e(data):
    """Item 8 (C01, E14): Meduza's initial 49 beside 'at least 224'; the 2013 nominal force beside the 3,600."""
    figures = data.figures.set_index("figure_id")
    initial = figures.loc["sep2022-deaths-initial"]
    assert (initial["measure"], int(initial["value"]), initial["status"], initial["source_id"], initial["reported_on"]) == \
        ("armenian_soldiers_killed_sep_2022", 49, "superseded", "meduza-2022-09-13", "2022-09-13")
    nominal = figures.loc["force-nominal-2013"]
    assert (nominal["measure"], int(nominal["value"]), nominal["source_id"]) == ("force_nominal_size", 3500, "evnreport-csto")
    assert "more than 800 civilian police officers" in nominal["evidence"] and "800" in nominal["note"]


def test_table_1_says_what_the_sources_do_not_say(data):
    """Item 11 (B14, D01-D05): 'no forces reported' beside 'Troops: not reported'; Kyrgyzstan's basis 'not stated'."""
    import json

    from csto_briefing import paths

    assert data.cases.set_index("case_id").loc["KGZ-2010-06", "treaty_basis"] == "not_stated"
    notebook = json.loads((paths.ROOT / "notebooks" / "03_armenia.ipynb").read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert '"ceasefire": "a ceasefire; no forces reported"' in code


def test_the_13_september_attack_is_disputed(data):
    """Item 12 (C01, C03): Regard sur l'Est dates it 12 September, as the event's note says."""
    event = data.events.set_index("event_id").loc["c-attack"]
    assert event["certainty"] == "disputed" and "12 September" in event["note"]


def test_annex_d_cites_the_pages_that_say_it(data):
    """Item 13 (A15/F10, A11 not A13, E08): each verdict and the Article 2 quote cite the pages with those words."""
    claims = data.claims
    for ids in claims[claims["claim_id"] == "cl-article4"]["evidence_source_ids"]:
        assert "info24-2022-01-05" not in split_ids(ids) and {"armradio-2022-01-06", "europediplomatic-2022-01-06"} <= set(split_ids(ids))
    appeal = claims[claims["claim_id"] == "cl-appeal"]
    assert list(appeal["evidence_source_ids"]) == ["pledgetimes-2022-01-appeal"]
    assert data.treaty.set_index("provision_id").loc["art2-2012", "source_ids"] == "zakonpravo-2011-11-28"


def test_azatutyun_is_named_as_rfe_rl_s_armenian_service():
    """Item 13: not 'reported by Azatutyun, citing RFE/RL' (Azatutyun is RFE/RL's own service)."""
    from csto_briefing.briefing import Briefing

    b = Briefing.from_parameters({"as_of": "2025-12-31"})
    q = pd.Series({"verification": "single_source", "source_id": "azatutyun-2021-05"})
    assert b.as_reported(q) == " (reported by Azatutyun, RFE/RL's Armenian service)"
    relayed = pd.Series({"verification": "single_source", "source_id": "caucasuswatch-2025"})
    assert b.as_reported(relayed) == " (reported by Caucasus Watch, citing RIA Novosti)"


def test_event_wording_stays_within_its_sources(data):
    """Item 14 (A04, C18, E09): 01:30 marked local, 00:00 not claimed as such; Mirzoyan in AP's words, the parliament
    detail attributed to TASS via Lenta.ru (whose page has it); 'signed in Moscow' is on both cited pages."""
    events = data.events.set_index("event_id")
    soe = events.loc["k-soe-1", "summary"]
    assert "from 01:30 local time until 00:00 on 19 January" in soe and "both times" not in soe
    mirzoyan = events.loc["c-mirzoyan"]
    assert "those who assert that the prime minister said Armenia is withdrawing from the CSTO are mistaken" in mirzoyan["summary"]
    assert mirzoyan["summary"].index("TASS, relayed by Lenta.ru") < mirzoyan["summary"].index("parliament")
    assert "only that" not in mirzoyan["summary"] and split_ids(mirzoyan["source_ids"])[0] == "hurriyet-2024-06"
    protocol = events.loc["e-2010-protocol"]
    assert re.search(r"\bsign(ed)? in Moscow\b", protocol["summary"]) and "'signed in Moscow on December 10, 2010'" in protocol["note"]


def test_factcheck_3_first_toll_disputed_and_trt_total_not_uncontested(data):
    """Fact-check 3, item 3 (A44 CONFLICTING: 164 reportedly briefly retracted as a technical error; A48b: about 12,000 is
    TRT World's running total, beside the Interior Ministry's 7,939 (A48) and almost 10,000 (A49))."""
    figures = data.figures.set_index("figure_id")
    assert figures.loc["deaths-164", "status"] == "disputed"
    assert "no source contradicts it" not in figures.loc["detained-12000", "note"]
    assert figures.loc["detained-12000", "status"] != "disputed"


def test_factcheck_3_annex_d_verdicts_follow_annex_f_scale(data):
    """Items 7 and 8: 'did not receive a positive response' is fair (facts-notes 4: Article 4 invoked only in September
    2022, C03-C04); hundreds killed is supported once the toll reached 225 (A45-A47; the 164 of A44 is disputed); 'all
    participating countries' is contradicted: Kazakhstan sent none, five countries listed (A16)."""
    late = claims_on(data, "2025-12-31")
    assert set(data.claims[data.claims["claim_id"] == "cl-may2021"]["verdict"]) == {"accurate"}
    assert "Article 4 only in September 2022" in late.loc["cl-may2021", "correction"]
    hundreds = data.claims[data.claims["claim_id"] == "cl-hundreds"]
    assert set(hundreds[hundreds["as_of"] >= "2022-01-15"]["verdict"]) == {"accurate"}
    assert "later disputed" in late.loc["cl-hundreds", "correction"]
    assert set(data.claims[data.claims["claim_id"] == "cl-all-members"]["verdict"]) == {"inaccurate"}


def test_factcheck_3_standing_of_the_bandits_quote_and_asia_plus(data):
    """Items 14 and 15: the bandits quote is 'single source' in both annexes, in the same words; Asia-Plus, whose
    pages are classed as media, is a media outlet wherever it is named."""
    quote = data.commentary.set_index("quote_id").loc["q-tokayev-bandits"]
    claim = claims_on(data, "2025-12-31").loc["cl-bandits", "correction"]
    for text in (quote["note"], claim):
        assert "Single source: also carried, in Italian translation" in text
    events = data.events.set_index("event_id")
    assert events.loc["k-first", "actor"] == "Asia-Plus (media outlet)"
    assert set(data.sources[data.sources["publisher"] == "Asia-Plus"]["reliability"]) == {"media"}
