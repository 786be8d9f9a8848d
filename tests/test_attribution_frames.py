"""Attribution frames: subjects set off by asides, quantities, transcripts and other cues."""

from __future__ import annotations

from claimtrack import Claim, Speaker
from claimtrack.text import make_article
from claimtrack_plugins import attribution


def _speakers(text: str) -> list[tuple[str, Speaker | None]]:
    """Each sentence of ``text`` and the speaker the plugin gives it."""
    article = make_article(text, "test")
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    enriched = attribution.claimtrack_enrich_claims(article=article, claims=claims)
    return [(c.text, c.speaker) for c in enriched]


def _speaker(text: str, sentence: str) -> Speaker | None:
    for found, speaker in _speakers(text):
        if found.startswith(sentence):
            return speaker
    raise AssertionError(f"no sentence starts with {sentence!r}")


def _name(text: str, sentence: str) -> str | None:
    speaker = _speaker(text, sentence)
    return speaker.name if speaker else None


def _mention(text: str, sentence: str) -> str | None:
    speaker = _speaker(text, sentence)
    return speaker.mention if speaker else None


def test_subject_before_several_asides() -> None:
    text = (
        "“The mill will close,” Oona Pelk, 67, a retired weaver in Brannock, Pa., said on Monday.\n"
    )
    assert _name(text, "“The mill") == "Oona Pelk"


def test_relative_clause_aside_runs_to_the_cue_over_its_commas() -> None:
    text = (
        "Vice President Ivo Danek, who was to travel to Lund, Ohio, on Friday, said the "
        "rules cut emissions by a third.\n"
    )
    assert _name(text, "Vice President") == "Ivo Danek"


def test_sentence_adverb_is_not_a_subject() -> None:
    text = "Moreover, Ruth Amsel, director of the Tilde Institute, noted that rents doubled.\n"
    assert _name(text, "Moreover") == "Ruth Amsel"


def test_name_set_off_after_a_role_phrase() -> None:
    text = "The party chairman, Kelvin Arno, called for a vote on the budget.\n"
    assert _name(text, "The party chairman") == "Kelvin Arno"


def test_dashes_set_off_an_aside() -> None:
    text = "Gorse — mentioned by the Ledger as a likely pick — told reporters he was ready.\n"
    assert _mention(text, "Gorse") == "Gorse"


def test_participle_takes_the_subject_before_an_aside() -> None:
    text = (
        "Mr. Halvard Stone, in an interview on Friday, dismissed the two rivals, saying that "
        "he expects to win 30 states.\n"
    )
    assert _name(text, "Mr. Halvard Stone") == "Halvard Stone"


def test_short_quotation_does_not_cut_the_clause() -> None:
    text = (
        "Sen. Ada Brook visited the “Morning Desk” show to defend her bill, saying it would "
        "create 4,000 jobs.\n"
    )
    assert _name(text, "Sen. Ada Brook") == "Ada Brook"


def test_quantities_hold_views() -> None:
    text = (
        "Six in 10 say the tax is unfair.\n\n"
        "Most believe that the economy has improved since 2012.\n\n"
        "About 45% said they would vote in May.\n\n"
        "Some 56 percent of farmers polled said they were worse off.\n"
    )
    assert _mention(text, "Six in 10") == "Six in 10"
    assert _mention(text, "Most believe") == "Most"
    assert _mention(text, "About 45%") == "45%"
    assert _mention(text, "Some 56 percent") == "Some 56 percent of farmers"


def test_those_surveyed_is_the_source() -> None:
    text = "Again, those surveyed said the mayor handled the flood well.\n"
    assert _mention(text, "Again") == "those surveyed"


def test_noun_support_is_not_a_cue() -> None:
    text = "In March, Lund had 38 percent support in a Harbour poll.\n"
    assert _name(text, "In March") is None


def test_according_to_reads_adjectives_quantities_and_quoted_words() -> None:
    text = (
        "According to early results of exit polls, turnout rose by a fifth.\n\n"
        "According to some on social media, the mayor was absent.\n\n"
        "According to her “clean air” plan, cars must be electric by 2035.\n"
    )
    assert _mention(text, "According to early") == "early results of exit polls"
    assert _mention(text, "According to some") == "some"
    assert _mention(text, "According to her") == "her “clean air” plan"


def test_source_familiar_with_or_close_to() -> None:
    text = (
        "The merger is off, people familiar with the talks said.\n\n"
        "Mr. Arno will resign, a source close to him said.\n"
    )
    assert _mention(text, "The merger") == "people"
    assert _mention(text, "Mr. Arno") == "a source"


def test_infinitive_cue_takes_the_subject_of_its_verb() -> None:
    text = "Bryne went on to say that the port lost 200 jobs.\n"
    assert _name(text, "Bryne") == "Bryne"


def test_modal_between_subject_and_cue() -> None:
    text = "Carlsen cannot say that the loan was repaid in 2014.\n"
    assert _name(text, "Carlsen") == "Carlsen"


def test_plain_noun_subject_of_a_verb_of_saying() -> None:
    text = "Multiple outlets reported that the mayor resigned on Monday.\n"
    assert _mention(text, "Multiple outlets") == "Multiple outlets"


def test_relative_who_holds_an_act() -> None:
    text = "The bill was attacked by Senator Ilse Moro, who cites its cost as evidence.\n"
    speaker = _speaker(text, "The bill")
    assert speaker is not None and speaker.mention == "who" and speaker.name == "Ilse Moro"


def test_floating_quantifier_is_not_the_subject() -> None:
    text = "Per Lund and Ilse Moro both denounced the plan on Monday.\n"
    assert _mention(text, "Per Lund") == "Ilse Moro"


def test_a_cue_outranks_the_interview_the_clause_opens_with() -> None:
    text = 'In an appearance on "Noon Desk," co-host Rhea Vance asked the mayor why rents rose.\n'
    assert _name(text, "In an appearance") == "Rhea Vance"


def test_communication_verbs_beyond_said() -> None:
    text = "Warden railed against the plan to close three schools.\n"
    assert _name(text, "Warden") == "Warden"


def test_record_opening_its_clause_reports_a_finding() -> None:
    text = (
        "A slide from a presentation that Ms. Ortega and her aides carry to meetings shows "
        "what a car would cost with a 35 percent tariff.\n"
    )
    assert _mention(text, "A slide") == "A slide"


def test_transcript_turns_carry_their_speaker() -> None:
    text = (
        "Partial transcript as follows:\n\n"
        '"HOST: Let me start with the budget. It grew 4 percent this year.\n\n'
        '"LARA VOSS: It did. I think it will grow 5 percent next year. As the Harbour '
        "Gazette reported, taxes rose.\n\n"
        '"(CROSSTALK.)\n\n'
        '"HOST: Thank you, minister.\n'
    )
    assert _name(text, "Partial transcript") is None
    assert _name(text, "It grew") == "HOST"
    assert _name(text, "I think") == "LARA VOSS"
    assert _name(text, "As the Harbour") == "Harbour Gazette"
    assert _name(text, '"(CROSSTALK') is None


def test_title_case_label_is_a_heading_not_a_turn() -> None:
    text = (
        "Ivo Danek: Student loans. Some ideas pass. Loans cost $1 trillion.\n\n"
        "Ruth Amsel: Credit scores. Scores matter.\n"
    )
    assert _name(text, "Loans cost") is None
