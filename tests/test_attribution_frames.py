"""Attribution frames the parse finds in news conventions, and the names their sources get."""

from __future__ import annotations

from claimtrack import Claim
from claimtrack.text import make_article
from claimtrack_plugins import attribution


def _name_of(text: str, sentence: str) -> str | None:
    """The speaker's name the plugin gives the sentence of ``text`` starting with ``sentence``."""
    article = make_article(text, "test")
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    for claim in attribution.claimtrack_enrich_claims(article=article, claims=claims):
        if claim.text.startswith(sentence):
            return claim.speaker.name if claim.speaker else None
    raise AssertionError(f"no sentence starts with {sentence!r}")


def test_a_frame_closing_the_sentence_attributes_all_before_it() -> None:
    text = (
        "Dina Castell, a spokeswoman for the Harbour Authority, spoke on Monday. "
        "Amir Rahimi had told the board that he wanted no escort, but the police overruled "
        "that request, Castell added.\n"
    )
    assert _name_of(text, "Amir Rahimi had told") == "Dina Castell"


def test_a_scene_setting_clause_is_not_what_a_frame_reports() -> None:
    text = "But when the council cut the budget two years later, Mexico said enough.\n"
    assert _name_of(text, "But when") is None


def test_said_after_a_quotation_names_the_words_after_it() -> None:
    text = (
        '"If it does not have the capacity yet, it will at some point," said Lena Moravec, '
        "a physicist at the institute.\n"
    )
    assert _name_of(text, '"If it does not') == "Lena Moravec"


def test_a_dateline_is_not_the_source() -> None:
    text = (
        "OSLO -- Prime Minister Ingrid Haugen, opening the museum on Saturday, said it would "
        "tell a national story.\n"
    )
    assert _name_of(text, "OSLO") == "Ingrid Haugen"


def test_a_transcript_turn_is_its_labels_to_the_end_of_the_paragraph() -> None:
    text = (
        "Dana Whitlock interviewed Governor Paul Brenner on Sunday.\n\n"
        '"WHITLOCK: Let us start with the news. After the Brenner camp announced that it '
        "was inviting a critic, the party invited another guest.\n\n"
        '"BRENNER: Well, the question really is why they invited him at all.\n'
    )
    assert _name_of(text, "After the Brenner camp") == "Dana Whitlock"
    assert _name_of(text, '"BRENNER') == "Paul Brenner"


def test_a_report_speaks_for_who_released_it() -> None:
    text = (
        "A new report released on Monday by Stanford University's Center on Poverty and "
        "Inequality calls that into question. The report concluded that the safety net "
        "provides only half the help people need.\n"
    )
    assert _name_of(text, "The report concluded") == (
        "Stanford University's Center on Poverty and Inequality"
    )


def test_organisation_officials_speak_for_its_full_name() -> None:
    text = (
        "The Department of Environmental Protection maintains the sewers. "
        "The pipes are buried deeper than other utilities, Environmental Protection officials "
        "said.\n"
    )
    assert _name_of(text, "The pipes") == "Department of Environmental Protection"


def test_coordinated_sources_are_named_together() -> None:
    text = "But both Roscosmos and NASA said the crash would have no impact on the station.\n"
    assert _name_of(text, "But both") == "Roscosmos and NASA"


def test_a_document_speaks_for_who_carries_it() -> None:
    text = (
        "Ildefonso Guajardo Villarreal is the economy minister. A slide from a presentation "
        "that Mr. Guajardo Villarreal and his aides carry shows that most avocados sold in the "
        "United States are grown in Mexico. Jobs also depend on exports to Mexico, one slide "
        "says.\n"
    )
    assert _name_of(text, "Jobs also") == "Ildefonso Guajardo Villarreal"


def test_a_weak_cue_does_not_borrow_a_subject() -> None:
    text = (
        "But to make sure the progress continues, the order that President Obama plans to sign "
        "on Friday will have a review period.\n"
    )
    assert _name_of(text, "But to make sure") is None
