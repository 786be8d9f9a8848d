"""Check-worthiness in context: neighbours, reporting frames read from the parse, entities."""

from __future__ import annotations

import pytest

from claimtrack import Claim
from claimtrack.text import make_article
from claimtrack_plugins import checkworthiness as cw


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


def test_neighbours_lift_a_claim_among_facts() -> None:
    middle = "The plan was approved."
    facts = "Unemployment fell to 4.2 percent in March 2015. {} The state spent $3 billion."
    opinions = "I think we need a leader. {} What are you going to do about it?"

    def middle_score(template: str) -> float:
        article = make_article(template.format(middle), "t.txt")
        claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
        return cw.claimtrack_enrich_claims(article, claims)[1].score

    assert middle_score(facts) > cw.score_text(middle) > middle_score(opinions)


@pytest.mark.parametrize(
    ("text", "content", "frame"),
    [
        (
            "Smith said that the plant employs 300 people.",
            "that the plant employs 300 people",
            "speech",
        ),
        ("The plant employs 300 people, Smith said.", "The plant employs 300 people", "speech"),
        ("I think the plant employs 300 people.", "the plant employs 300 people", "cognition1p"),
        (
            "According to the council, the plant employs 300 people.",
            "the plant employs 300 people.",
            "according",
        ),
        ("The plant employs 300 people.", "The plant employs 300 people.", None),
    ],
)
def test_reporting_frames_are_read_from_the_dependency_tree(
    text: str, content: str, frame: str | None
) -> None:
    found = cw.reported_content(_sentence(text))
    words = " ".join(t.text for t in found.tokens)
    assert words.replace(" ,", ",").replace(" .", ".").strip(" ,") == content
    assert found.frame == frame


def test_a_reported_fact_is_scored_on_its_content_not_its_frame() -> None:
    fact = cw.score_text("Smith said the plant employs 300 people.")
    framed_opinion = cw.score_text(
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
