"""Splitting multi-claim sentences and writing stand-alone claim text."""

from __future__ import annotations

from datetime import date

from claimtrack import Claim, Metadata, Span, Speaker
from claimtrack.text import make_article
from claimtrack_plugins import attribution
from claimtrack_plugins._dates import resolve_dates
from claimtrack_plugins._recorded import recorded_frames
from claimtrack_plugins.standalone import claimtrack_enrich_claims, split_points

PUBLISHED = date(2015, 1, 17)  # a Saturday


def _parts(sentence: str) -> list[str]:
    parts = split_points(make_article(sentence, "t.txt"), Span(0, len(sentence)))
    return [sentence[part.span.start : part.span.end] for part in parts]


def _scanned(text: str) -> list[Claim]:
    """Each sentence of ``text`` as a claim, attributed and then restated, as a scan does."""
    article = make_article(text, "t.txt")
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    return claimtrack_enrich_claims(article, attribution.claimtrack_enrich_claims(article, claims))


def _restated(text: str) -> list[str]:
    return [claim.claim for claim in _scanned(text)]


def test_semicolon_and_where_split_into_three_claims() -> None:
    sentence = (
        "Both countries are expanding trade in many areas; the trade minister recently visited "
        "Lisbon where a meeting of the joint commission took place."
    )
    assert _parts(sentence) == [
        "Both countries are expanding trade in many areas",
        "the trade minister recently visited Lisbon",
        "where a meeting of the joint commission took place.",
    ]


def test_and_between_two_clauses_with_subjects_splits() -> None:
    assert _parts("Talks were held in June and a set of measures agreed to cut tariffs.") == [
        "Talks were held in June",
        "a set of measures agreed to cut tariffs.",
    ]


def test_coordinated_nouns_and_reported_lists_are_not_split() -> None:
    for sentence in (
        "The Minister of Finance and Economic Affairs visited the capital on Monday.",
        "He said that the mayor and the governor were both present at the opening.",
        "We want the firm to build roads; the construction of dams, as well as ports.",
        "Exports grew last year, but fell sharply in the second half.",
    ):
        assert _parts(sentence) == [sentence]


def test_a_condition_or_a_reported_question_is_not_split() -> None:
    for sentence in (
        "If prices rise and wages fall, workers will suffer across the country.",
        "Mexico must show how valuable the relationship is, and how costly it would be to end.",
    ):
        assert _parts(sentence) == [sentence]


def test_a_contrast_and_a_second_reported_clause_split() -> None:
    assert _parts(
        "Exports rose 5 percent in the first quarter, while imports fell 3 percent in June."
    ) == ["Exports rose 5 percent in the first quarter", "imports fell 3 percent in June."]
    assert _restated(
        "Officials said the company would close two plants, and that three hundred workers "
        "would lose their jobs."
    ) == ["The company would close two plants.", "Three hundred workers would lose their jobs."]


def test_split_parts_keep_speaker_and_map_to_their_sentence() -> None:
    text = "Officials said talks were held in June and a set of measures agreed to cut tariffs."
    article = make_article(text, "t.txt", Metadata(published="2015-01-17"))
    claim = Claim.from_span(article, 0, len(text), score=0.8)
    [claim] = attribution.claimtrack_enrich_claims(article, [claim])
    assert claim.speaker is not None and claim.speaker.mention == "Officials"
    parts = claimtrack_enrich_claims(article, [claim])
    assert len(parts) == 2
    for part in parts:
        assert part.speaker == claim.speaker and part.score == 0.8
        assert article.text[part.start : part.end] == part.text
        assert list(part.details["split_from"]) == [0, len(text)]
        assert claim.start <= part.start < part.end <= claim.end
    assert [p.claim for p in parts] == [
        "Talks were held in June [2014].",
        "A set of measures agreed to cut tariffs.",
    ]


def test_split_parts_take_the_speaker_of_their_own_attribution() -> None:
    text = (
        "Mayor Ana Lindqvist said the bridge was built for 40 million kronor, but the city "
        "auditors said the final bill was 55 million kronor.\n\nThe bridge opened in May.\n"
    )
    article = make_article(text, "t.txt")
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    attributed = attribution.claimtrack_enrich_claims(article=article, claims=claims)
    parts = claimtrack_enrich_claims(article, attributed)
    speakers = [(p.speaker.mention if p.speaker else None) for p in parts]
    assert speakers == ["Ana Lindqvist", "the city auditors", None]
    # Without frames recorded on the claim, parts keep the given speaker.
    other = make_article(text, "t.txt")
    given = Speaker("Jane Roe", "Jane Roe", 0, 8)
    claim = Claim.from_span(other, 0, text.index("\n"), speaker=given)
    assert [p.speaker for p in claimtrack_enrich_claims(other, [claim])] == [given, given]


def test_a_part_takes_its_own_frame_however_little_it_reports() -> None:
    scanned = _scanned(
        "Officials said prices rose sharply, but economists said wages fell by 2 percent.\n\n"
        "The governor said taxes rose; the mayor said that spending fell by 2 percent.\n"
    )
    speakers = [(c.claim, c.speaker.mention if c.speaker else None) for c in scanned]
    assert speakers[0] == ("Prices rose sharply.", "Officials")
    assert speakers[1][1] == "economists"
    assert speakers[2] == ("The governor said taxes rose.", "The governor")
    assert speakers[3][1] == "the mayor"


def test_split_parts_carry_only_the_frames_in_them() -> None:
    text = "Officials said prices rose sharply, but economists said wages fell by 2 percent."
    first, second = _scanned(text)
    ((own,), (theirs,)) = recorded_frames(first), recorded_frames(second)
    assert own.cue.start == text.index("said") and own.speaker.mention == "Officials"
    assert theirs.cue.start == text.rindex("said") and theirs.speaker.mention == "economists"
    assert first.details["split_from"] == second.details["split_from"] == [0, len(text)]


def test_frames_a_user_wrote_badly_leave_the_split_and_text_alone() -> None:
    text = "Talks were held in June and a set of measures agreed to cut tariffs."
    article = make_article(text, "t.txt")
    junk = [{"cue": "said"}, {"cue": [5, 2], "content": [0, 9]}, 7, {"start": -1, "end": 3}]
    claim = Claim.from_span(article, 0, len(text), details={"attributions": junk})
    parts = claimtrack_enrich_claims(article, [claim])
    assert [p.claim for p in parts] == [
        "Talks were held in June.",
        "A set of measures agreed to cut tariffs.",
    ]
    assert all("attributions" not in p.details for p in parts)


def test_where_clause_gets_its_place_back() -> None:
    text = "The minister recently visited Lisbon where a meeting of the joint commission met."
    article = make_article(text, "t.txt")
    claims = claimtrack_enrich_claims(article, [Claim.from_span(article, 0, len(text))])
    assert claims[-1].claim == "A meeting of the joint commission met in Lisbon."


def test_attribution_frames_and_quote_marks_are_dropped() -> None:
    assert _restated(
        "She added: “We received the minister in the capital.”\n\n"
        "Exports rose in every quarter, the ministry’s spokesperson said on Friday.\n\n"
        "According to the ministry, exports rose in every quarter.\n\n"
        "They called it a ‘zero sum game’ in the end.\n"
    ) == [
        "We received the minister in the capital.",
        "Exports rose in every quarter.",
        "Exports rose in every quarter.",
        "They called it a zero sum game in the end.",
    ]


def test_a_frame_is_kept_when_too_little_would_remain() -> None:
    assert _restated("The report said nothing.") == ["The report said nothing."]


def test_the_frame_dropped_is_the_one_recorded_whatever_its_verb() -> None:
    # "concluded" is a cue the attribution engine learned, in no list of this plugin
    assert _restated("The report concluded that the American safety net was ineffective.") == [
        "The American safety net was ineffective."
    ]


def test_a_frame_set_into_the_sentence_is_cut_out_of_it() -> None:
    assert _restated(
        "The plan, she said on Friday, failed to pass the Senate.\n\n"
        "Exports, according to the ministry, rose in every quarter.\n"
    ) == ["The plan failed to pass the Senate.", "Exports rose in every quarter."]


def test_a_frame_that_does_not_assert_its_content_is_kept() -> None:
    kept = [
        "She asked whether the plan had failed in the Senate.",  # a question
        "He did not say that the plan had failed in the Senate.",  # negated
        "Many voters would hope that the plan had failed in the Senate.",  # hypothetical
        "The minister denied that the health budget was cut last year.",  # a denial
        "Sara Kahn disputed that the bridge cost 30 million euros.",  # a named source's denial
        "We consider the foreign policy to be a zero sum game.",  # no finite clause
        "Mr. Obama, who said that the plan would work, told his advisers to prepare it.",
    ]
    assert _restated("\n\n".join(kept)) == kept


def test_a_time_or_circumstance_before_the_frame_keeps_it() -> None:
    # The parse cannot tell whether "In 2014" dates the saying or the exports: both stay.
    kept = [
        "In 2014, the ministry said exports fell by 5 percent.",
        "After the plant closed in 2014, Smith said unemployment doubled in the county.",
        "Because the dam failed, officials said 300 homes were flooded.",
    ]
    assert _restated("\n\n".join(kept)) == kept
    assert _restated("In a statement, the ministry said exports fell by 5 percent.") == [
        "Exports fell by 5 percent."
    ]


def test_without_recorded_frames_the_text_is_restated_whole() -> None:
    text = "Officials said talks were held in June."
    article = make_article(text, "t.txt")
    [claim] = claimtrack_enrich_claims(article, [Claim.from_span(article, 0, len(text))])
    assert claim.claim == text and recorded_frames(claim) == []


def test_relative_dates_are_resolved_and_kept_visible() -> None:
    text, found = resolve_dates("They met last year and again on Friday.", PUBLISHED)
    assert text == "They met last year [2014] and again on Friday [2015-01-16]."
    assert [f["value"] for f in found] == ["2014", "2015-01-16"]


def test_future_marker_moves_an_undated_day_ahead() -> None:
    assert resolve_dates("The talks will resume on Friday.", PUBLISHED)[0] == (
        "The talks will resume on Friday [2015-01-23]."
    )


def test_month_day_without_year_takes_the_year_before_if_later_than_the_article() -> None:
    text, _ = resolve_dates("He visited on January 13 and on December 20.", PUBLISHED)
    assert text == "He visited on January 13 [2015-01-13] and on December 20 [2014-12-20]."


def test_dates_with_a_year_are_left_alone() -> None:
    assert resolve_dates("He visited on January 13, 2015.", PUBLISHED)[1] == []


def test_claim_text_resolves_dates_only_when_the_article_is_dated() -> None:
    text = "The minister visited the port last year."
    dated = make_article(text, "t.txt", Metadata(published="2015-01-17"))
    undated = make_article(text, "t.txt")
    [a] = claimtrack_enrich_claims(dated, [Claim.from_span(dated, 0, len(text))])
    [b] = claimtrack_enrich_claims(undated, [Claim.from_span(undated, 0, len(text))])
    assert a.claim == "The minister visited the port last year [2014]."
    assert b.claim == "The minister visited the port last year."
    assert a.text == b.text == text


def test_split_parts_keep_the_extractor_and_type_of_their_sentence() -> None:
    text = "Talks were held in June and a set of measures agreed to cut tariffs."
    article = make_article(text, "t.txt")
    claim = Claim.from_span(article, 0, len(text), type="event", extractor="my_extractor")
    parts = claimtrack_enrich_claims(article, [claim])
    assert len(parts) == 2
    assert {(p.extractor, p.type) for p in parts} == {("my_extractor", "event")}


def test_a_claim_its_extractor_restated_is_neither_rewritten_nor_split() -> None:
    text = "Talks were held in June and a set of measures agreed, she said."
    article = make_article(text, "t.txt", Metadata(published="2015-01-17"))
    restated = Claim.from_span(
        article, 0, len(text), claim="EU and Canadian officials held talks in June 2014."
    )
    assert restated.restated
    assert claimtrack_enrich_claims(article, [restated]) == [restated]
    plain = Claim.from_span(article, 0, len(text), claim=" ".join(text.split()))
    assert not plain.restated
    assert len(claimtrack_enrich_claims(article, [plain])) == 2
