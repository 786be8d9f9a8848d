"""Check-worthiness in context: neighbours, reporting frames read from the parse, entities."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from claimtrack import Article, Claim, Span, Speaker
from claimtrack.pipeline import merge_spans
from claimtrack.text import make_article
from claimtrack_plugins import attribution
from claimtrack_plugins import checkworthiness as cw
from claimtrack_plugins._recorded import ATTRIBUTIONS
from claimtrack_plugins.furniture import claimtrack_find_furniture


def _sentence(text: str):  # type: ignore[no-untyped-def]
    """The parse of ``text``'s first sentence, as a scan makes it."""
    article = make_article(text, "t.txt")
    return article.parsed(article.sentences[0])


def test_smooth_leaves_a_lone_claim_alone() -> None:
    assert cw.smooth([]) == []
    assert cw.smooth([1.5]) == [1.5]


def test_smooth_moves_towards_the_neighbours_mean() -> None:
    w, n = 0.3, cw.NEIGHBOURS
    logits = [0.0] * (2 * n + 3)
    logits[n + 1] = 4.0
    out = cw.smooth(logits, w)
    # The middle value moves towards its neighbours' mean (0) by the weight w.
    assert out[n + 1] == pytest.approx(4.0 * (1 - w))
    # Each value within reach of it is pulled up; the values out of reach are not.
    for i in range(1, n + 1):
        assert out[n + 1 - i] > 0.0 and out[n + 1 + i] > 0.0
    assert out[0] == 0.0 and out[-1] == 0.0


def test_hook_smooths_in_reading_order() -> None:
    text = (
        "Unemployment fell to 4.2 percent in March 2015. The plan was approved. "
        "The state spent $3 billion on prisons last year."
    )
    article = make_article(text, "t.txt")
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    # Given out of order, the claims are still smoothed with their neighbours in the text.
    shuffled = [claims[2], claims[0], claims[1]]
    out = cw.claimtrack_enrich_claims(article, shuffled)
    assert [c.id for c in out] == [c.id for c in shuffled]
    logits = cw.claim_logits(article, claims)
    expected = [round(cw._sigmoid(v), 4) for v in cw.smooth([logits[i] for i in range(3)])]
    by_id = {c.id: c.score for c in out}
    assert [by_id[c.id] for c in claims] == expected


def test_neighbours_lift_a_claim_among_facts(score_text: Callable[[str], float]) -> None:
    middle = "The plan was approved."
    facts = "Unemployment fell to 4.2 percent in March 2015. {} The state spent $3 billion."
    opinions = "I think we need a leader. {} What are you going to do about it?"

    def middle_score(template: str) -> float:
        article = make_article(template.format(middle), "t.txt")
        claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
        return cw.claimtrack_enrich_claims(article, claims)[1].score

    assert middle_score(facts) > score_text(middle) > middle_score(opinions)


def _reported(text: str) -> cw.Content:
    """The reported content of ``text``'s first sentence, from the frames the attribution plugin
    records on it, as a scan gives them to the scorer."""
    article = make_article(text, "t.txt")
    claims = [Claim.from_span(article, s.start, s.end, checkworthy=None) for s in article.sentences]
    reports = cw.recorded_reports(attribution.claimtrack_enrich_claims(article, claims))
    return cw.reported_content(article.parsed(article.sentences[0]), reports)


@pytest.mark.parametrize(
    ("text", "content", "frame"),
    [
        (
            "Smith said that the plant employs 300 people.",
            "that the plant employs 300 people",
            ("frame", "frame:say"),
        ),
        (
            "The plant employs 300 people, Smith said.",
            "The plant employs 300 people",
            ("frame", "frame:say"),
        ),
        (
            "I think the plant employs 300 people.",
            "the plant employs 300 people",
            ("frame", "frame:think", "frame:1p"),
        ),
        (
            "According to the council, the plant employs 300 people.",
            "the plant employs 300 people.",
            ("frame", "frame:according"),
        ),
        ("The plant employs 300 people.", "The plant employs 300 people.", ()),
        # Half the CheckThat! sentences are quoted: a quoted speaker's own frame counts.
        (
            '"Yes, I think we need more troops."',
            "we need more troops",
            ("frame", "frame:think", "frame:1p"),
        ),
        # A frame deeper in the tree reports a part of the sentence, not what it says.
        (
            "All of the things that I said we would do, we have done.",
            "All of the things that I said we would do, we have done.",
            (),
        ),
        # A stance, not a report: the attribution engine records it, the scorer reads it all.
        (
            "Smith denounced the plan to close the plant.",
            "Smith denounced the plan to close the plant.",
            (),
        ),
    ],
)
def test_reporting_frames_come_from_the_attribution_engine(
    text: str, content: str, frame: tuple[str, ...]
) -> None:
    found = _reported(text)
    words = " ".join(t.text for t in found.tokens)
    assert words.replace(" ,", ",").replace(" .", ".").strip(" ,") == content
    assert found.frame == frame


def _claim_with(article: Article, records: object) -> Claim:
    sentence = article.sentences[0]
    return Claim.from_span(article, sentence.start, sentence.end, details={ATTRIBUTIONS: records})


def test_the_scorer_reads_the_frames_recorded_on_the_claims() -> None:
    text = "Smith said the plant employs 300 people."
    article = make_article(text, "t.txt")
    said, content = text.index("said"), text.index("the plant")
    frame = {"name": "Smith", "mention": "Smith", "start": 0, "end": 5}
    reported = {**frame, "cue": [said, said + 4], "content": [content, len(text) - 1]}
    claim = _claim_with(article, [{**reported, "reported": True}])
    (report,) = cw.recorded_reports([claim])
    assert (report.cue, report.content) == (Span(said, said + 4), Span(content, len(text) - 1))
    assert report.speaker == Speaker("Smith", "Smith", 0, 5) and not report.quoted
    span = article.parsed(claim.span)
    model = cw.model()
    alone = ("pos:single",)  # the article is one sentence
    expected = model.logit(span, [report], alone)
    assert cw.claim_logits(article, [claim]) == {0: pytest.approx(expected)}
    assert expected != pytest.approx(model.logit(span, (), alone))


@pytest.mark.parametrize(
    "records",
    [
        None,
        "said",
        [{"cue": [10, 14], "content": [15, 40], "reported": False}],  # a stance
        [{"cue": [10, 14], "content": [15, 40]}],  # written before ``reported`` was recorded
        [{"cue": "said", "content": [15, 40], "reported": True}],
        [{"cue": [14, 10], "content": [15, 40], "reported": True}],
        [{"cue": [True, 14], "content": [15, 40], "reported": True}],
    ],
)
def test_a_record_that_reports_nothing_well_formed_is_ignored(records: object) -> None:
    article = make_article("Smith said the plant employs 300 people.", "t.txt")
    assert cw.recorded_reports([_claim_with(article, records)]) == ()


@pytest.mark.parametrize("cue", [[5, 6], [400, 404]])  # a space; past the end of the text
def test_a_recorded_cue_over_no_word_names_no_frame(cue: list[int]) -> None:
    text = "Smith said the plant employs 300 people."
    article = make_article(text, "t.txt")
    record = {"cue": cue, "content": [11, len(text) - 1], "reported": True}
    claim = _claim_with(article, [record])
    (report,) = cw.recorded_reports([claim])
    assert cw.reported_content(article.parsed(claim.span), [report]).frame == ()


def test_a_reported_fact_is_scored_on_its_content_not_its_frame(
    score_text: Callable[[str], float],
) -> None:
    fact = score_text("Smith said the plant employs 300 people.")
    framed_opinion = score_text(
        "“It is a disgrace,” Jane Smith, the attorney general of Oklahoma, said on Monday."
    )
    assert fact > cw.THRESHOLD > framed_opinion


def test_entities_and_figures_come_from_the_parse() -> None:
    names = set(cw.features(_sentence("The World Bank paid $3 billion to Ukraine in 2014.")))
    assert {"e:ORG", "e:MONEY", "e:GPE", "e:DATE", "named:2", "figures:2"} <= names
    assert {"w:<bignum>", "w:<year>"} & names
    plain = set(cw.features(_sentence("So I'm sure I've said it and I'll say it again.")))
    assert "named:0" in plain and "subj:1p" in plain and "md:'ll" in plain


def test_representation_is_the_mean_of_the_tensor_rows() -> None:
    span = _sentence("The state spent $3 billion on prisons last year.")
    vector = cw.representation(span)
    assert vector is not None and len(vector) == span.doc.tensor.shape[1]
    rows = [t.i for t in span if not t.is_space]
    assert vector == pytest.approx(list(span.doc.tensor[rows].mean(axis=0)), rel=1e-5)


def test_placements_say_where_each_scored_sentence_sits() -> None:
    text = (
        "Jobs fell in March\n\n"
        "The state lost 3,000 jobs. “It is a disgrace,” she said. Prices rose.\n\n"
        "Photo: Jane Smith\n\n"
        "A paragraph of one sentence.\n\n"
        "The plan was approved. Nobody knows why."
    )
    article = make_article(text, "t.txt")
    article = replace(article, furniture=merge_spans(claimtrack_find_furniture(article)))
    places = cw.placements(article)
    found = {article.text[start:end]: names for (start, end), names in places.items()}
    assert list(found) == [article.slice(s) for s in cw.scored_sentences(article)]
    assert "Photo: Jane Smith" not in found  # furniture is not scored, nor counted
    assert found["Jobs fell in March"] == ("pos:q0", "pos:first", "par:first", "par:alone")
    assert found["The state lost 3,000 jobs."] == ("pos:q0", "par:first")
    assert found["“It is a disgrace,” she said."] == ("pos:q1", "par:later")
    assert found["A paragraph of one sentence."] == ("pos:q2", "par:first", "par:alone")
    assert found["Nobody knows why."] == ("pos:q3", "par:later")


def test_a_sentence_scanned_alone_is_placed_alone_and_its_logit_uses_its_place() -> None:
    article = make_article("The state spent $3 billion on prisons last year.", "t.txt")
    assert list(cw.placements(article).values()) == [("pos:single",)]
    claim = Claim.from_span(article, 0, len(article.text))
    model = cw.model()
    span = article.parsed(claim.span)
    assert cw.claim_logits(article, [claim]) == {
        0: pytest.approx(model.logit(span, (), ("pos:single",)))
    }
    assert model.logit(span, (), ("pos:single",)) == pytest.approx(
        model.logit(span) + model.weights.get("pos:single", 0.0)
    )
