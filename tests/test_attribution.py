"""The bundled attribution plugin: who makes each claim, resolved to a full name."""

from __future__ import annotations

from claimtrack import Article, Claim, Span, Speaker
from claimtrack.text import make_article
from claimtrack_plugins import attribution
from claimtrack_plugins.attribution import attribute, speaker_for


def _article(text: str) -> Article:
    return make_article(text, "test")


def _speakers(text: str) -> list[tuple[str, Speaker | None]]:
    """Each sentence of ``text`` and the speaker the plugin gives it."""
    article = _article(text)
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    enriched = attribution.claimtrack_enrich_claims(article=article, claims=claims)
    return [(c.text, c.speaker) for c in enriched]


def _name_of(text: str, sentence: str) -> str | None:
    for found, speaker in _speakers(text):
        if found.startswith(sentence):
            return speaker.name if speaker else None
    raise AssertionError(f"no sentence starts with {sentence!r}")


STORY = (
    "Harbour Authority spokesperson Mirela Okafor said on Monday that cargo volumes rose 12 "
    "percent in March.\n\n"
    "“We handled 40,000 containers. Most of them came from Rotterdam,” Okafor told reporters.\n\n"
    "She added: “We expect more ships next year.”\n\n"
    "“The new crane cost 9 million euros,” the spokesperson said.\n\n"
    "Mirela said that the crane was built in Finland.\n\n"
    "The port was founded in 1870.\n"
)


def test_named_speaker_of_indirect_speech() -> None:
    assert _name_of(STORY, "Harbour Authority") == "Mirela Okafor"


def test_quote_spanning_sentences_takes_the_cue_after_it() -> None:
    assert _name_of(STORY, "“We handled") == "Mirela Okafor"
    assert _name_of(STORY, "Most of them") == "Mirela Okafor"


def test_pronoun_resolves_to_latest_speaker() -> None:
    assert _name_of(STORY, "She added") == "Mirela Okafor"


def test_role_noun_resolves_to_person_introduced_with_it() -> None:
    assert _name_of(STORY, "“The new crane") == "Mirela Okafor"


def test_first_name_resolves_to_full_name() -> None:
    assert _name_of(STORY, "Mirela said") == "Mirela Okafor"


def test_journalist_prose_has_no_speaker() -> None:
    assert _name_of(STORY, "The port was founded") is None


def test_mention_is_the_local_words_with_offsets() -> None:
    article = _article(STORY)
    found = attribute(article)
    sentence = next(s for s in article.sentences if article.slice(s).startswith("She added"))
    claim = Claim.from_span(article, sentence.start, sentence.end)
    speaker = speaker_for(article, found, claim)
    assert speaker is not None and speaker.mention == "She"
    assert speaker.start is not None and speaker.end is not None
    assert article.text[speaker.start : speaker.end] == "She"


def test_headline_inverted_cue_names_an_organisation() -> None:
    text = "Exports will double by 2030, says Foreign Office\n\nThe office published figures.\n"
    assert _name_of(text, "Exports will double") == "Foreign Office"


def test_inverted_cue_after_a_quote() -> None:
    text = "“Prices fell 3 percent last year,” said Jonas Berg, an economist at Nordbank.\n"
    assert _name_of(text, "“Prices fell") == "Jonas Berg"


def test_according_to() -> None:
    text = "Unemployment reached 7 percent in May, according to the Statistics Office.\n"
    assert _name_of(text, "Unemployment") == "Statistics Office"


def test_appositive_between_subject_and_cue() -> None:
    text = "Ana Ruiz, the mayor of Tolosa, said the bridge would reopen in June.\n"
    assert _name_of(text, "Ana Ruiz") == "Ana Ruiz"


def test_surname_resolves_to_full_name() -> None:
    text = (
        "Senator Priya Raman visited the plant on Tuesday.\n\n"
        "Raman said the plant employs 300 people.\n"
    )
    assert _name_of(text, "Raman said") == "Priya Raman"


def test_told_names_the_speaker_not_the_listener() -> None:
    text = "Tom Hale told the committee that the budget was cut by half.\n"
    assert _name_of(text, "Tom Hale") == "Tom Hale"


def test_quote_without_cue_continues_previous_speaker() -> None:
    text = (
        "Lena Vogt said the school would close.\n\n"
        "“There are only 40 pupils left.”\n\n"
        "The council meets on Friday.\n"
    )
    assert _name_of(text, "“There are only") == "Lena Vogt"
    assert _name_of(text, "The council meets") is None


def test_united_states_is_not_a_cue() -> None:
    text = "Exports to the United States rose 4 percent in 2015.\n"
    assert _name_of(text, "Exports") is None


def test_passive_cue_is_not_an_attribution() -> None:
    text = "Mark Ellis was told to leave the building by 5 pm.\n"
    assert _name_of(text, "Mark Ellis") is None


def test_doubled_apostrophe_quotation_takes_its_frame() -> None:
    assert (
        _name_of("''We will win the vote in May,'' Sara Lind said.\n", "''We will") == "Sara Lind"
    )


def test_every_claim_is_returned_in_order() -> None:
    article = _article(STORY)
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    enriched = attribution.claimtrack_enrich_claims(article=article, claims=claims)
    assert [c.id for c in enriched] == [c.id for c in claims]


def test_relative_who_resolves_to_the_person_before_it() -> None:
    text = "The panel heard Omar Diallo, who said the dam leaks 2,000 litres a day.\n"
    article = _article(text)
    claim = Claim.from_span(article, article.sentences[0].start, article.sentences[0].end)
    speaker = speaker_for(article, attribute(article), claim)
    assert speaker is not None and speaker.mention == "who" and speaker.name == "Omar Diallo"


def test_according_to_a_common_noun_governs_the_sentence() -> None:
    text = "Voters say turnout rose to 61 percent, according to the results.\n"
    speaker = _speakers(text)[0][1]
    assert speaker is not None and speaker.mention == "the results"


def test_leading_venue_names_the_source() -> None:
    text = "In a Harbour Institute poll released Monday, 52 percent backed the plan.\n"
    speaker = _speakers(text)[0][1]
    assert speaker is not None and speaker.mention.endswith("poll released Monday")


def test_groups_hold_attitudes_but_not_acts() -> None:
    text = "Most voters want a new bridge over the river.\n\nThe judge rejected the appeal today.\n"
    assert _name_of(text, "Most voters") == "voters"
    assert _name_of(text, "The judge") is None


def test_quoted_title_names_the_source_as_written() -> None:
    text = "LIND: As “The Harbour Gazette” wrote, cargo volumes fell by a third.\n"
    assert _name_of(text, "LIND") == "The Harbour Gazette"


def test_document_speaks_for_its_owner() -> None:
    text = "Sara Lind filed in May.\n\nHer submission to the court noted three earlier rulings.\n"
    assert _name_of(text, "Her submission") == "Sara Lind"


SPLIT = (
    "Mayor Ana Lindqvist said the bridge was built for 40 million kronor, but the city auditors "
    "said the final bill was 55 million kronor.\n\nThe bridge opened in May.\n"
)


def test_part_of_a_sentence_takes_the_speaker_of_its_own_frame() -> None:
    article = _article(SPLIT)
    found = attribute(article)
    cut = SPLIT.index("the city auditors")
    own = attribution.part_speaker(article, found, Span(cut, SPLIT.index("\n")))
    assert own is not None and own.mention == "the city auditors"
    # The first part's frame is the sentence's; a part without a frame has none of its own.
    first = attribution.part_speaker(article, found, Span(0, cut - len(", but ")))
    assert first is not None and first.name == "Ana Lindqvist"
    assert attribution.part_speaker(article, found, Span(20, 60)) is None


def test_hook_keeps_its_attribution_for_this_article_only() -> None:
    article = _article(SPLIT)
    assert attribution.attributed(article) is None
    attribution.claimtrack_enrich_claims(article=article, claims=[])
    assert attribution.attributed(article) is not None
    assert attribution.attributed(_article(SPLIT)) is None  # same text, another article
