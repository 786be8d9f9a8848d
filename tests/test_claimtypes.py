"""Claim typing: one type per claim from the documented vocabulary."""

from __future__ import annotations

import pytest

from claimtrack import CLAIM_TYPES, Claim, Metadata
from claimtrack.text import make_article
from claimtrack_plugins.claimtypes import claimtrack_enrich_claims, classify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unemployment fell to 4.2 percent in March.", "quantity"),
        ("The bridge will reopen in the spring.", "prediction"),
        ("Prices rose because of the drought.", "causal"),
        ("The law requires voters to show identification.", "rule"),
        ("The mill was built with the help of the Soviet Union in the 1970s.", "historical"),
        ("The ministry wants stronger ties with its neighbours.", "position"),
        ("The minister recently visited the capital.", "event"),
        ("The company keeps an office in the port.", "other"),
    ],
)
def test_each_type_has_a_rule(text: str, expected: str) -> None:
    assert classify(text, 2016) == expected


def test_a_date_is_not_a_quantity() -> None:
    assert classify("Kerry visited Islamabad on January 13.", 2015) == "event"


def test_a_recent_year_is_not_history() -> None:
    assert classify("The group met in 2014.", 2015) == "event"
    assert classify("The group met in 1994.", 2015) == "historical"


def test_enricher_types_every_claim_from_the_vocabulary() -> None:
    text = "Exports rose 5 percent last year. The port will expand."
    article = make_article(text, "t.txt", Metadata(published="2015-01-17"))
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    typed = claimtrack_enrich_claims(article, claims)
    assert [c.type for c in typed] == ["quantity", "prediction"]
    assert all(c.type in CLAIM_TYPES for c in typed)


def test_a_type_the_extractor_chose_is_kept() -> None:
    text = "We will plant a million trees. Exports rose 5 percent last year."
    article = make_article(text, "t.txt")
    first, second = article.sentences
    claims = [
        Claim.from_span(article, first.start, first.end, type="position"),
        Claim.from_span(article, second.start, second.end),  # left at the default, "other"
    ]
    typed = claimtrack_enrich_claims(article, claims)
    assert [c.type for c in typed] == ["position", "quantity"]
    assert classify(article.slice(first)) == "prediction"  # what the typer would have said
