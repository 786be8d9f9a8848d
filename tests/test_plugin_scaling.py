"""Bundled plugins take (near-)linear time: a bigger article costs proportionally more, no worse.

Each test times a plugin on a generated article and on one many times its size, and compares the
two times (a ratio, not seconds, so a slow machine does not fail them). A quadratic plugin would
take the size factor squared: 400 times as long for 20 times the text.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest

from claimtrack import Article, Claim, Metadata, Span
from claimtrack.model import text_sha256
from claimtrack.text import make_article
from claimtrack_plugins import attribution, claimtypes, contradictions, furniture, standalone
from claimtrack_plugins._numbers import quantities

_NAMES = ("Khan", "Sharif", "Aslam", "Garcia", "Dar", "Brown", "Lavrov", "Okafor")
_PLACES = ("Moscow", "Islamabad", "Lahore", "Karachi", "London", "Lisbon", "Delhi", "Kabul")
_TEMPLATES = (
    "The minister {name} said the economy grew by {n} percent in {year}, and the government "
    "will spend ${n} billion on roads.",
    "Prime Minister {name} visited {place} where a meeting with officials took place last week.",
    "“This is not a zero-sum game in {place},” {name} told reporters; the talks were held in "
    "{place} with {n} delegates.",
    "According to officials in {place}, {n} people were killed in {year}, while {m} were hurt.",
    "{name} added that relations with {place} can in no way harm any third country.",
    "The company sold {n} cars in March but it lost ${m} million, {name} said.",
    "{name} does not believe that {place} will win {n} seats on Friday.",
)


def _sentence(rng: random.Random) -> str:
    n = rng.randint(2, 99999)
    return rng.choice(_TEMPLATES).format(
        name=rng.choice(_NAMES),
        place=rng.choice(_PLACES),
        n=n,
        m=n // 3 + 1,
        year=rng.randint(1990, 2014),
    )


def _text(sentences: int, per_paragraph: int = 4, seed: int = 7) -> str:
    """Distinct news-like sentences (a repeat would be furniture), ``per_paragraph`` a paragraph."""
    rng = random.Random(seed)
    lines = [
        " ".join(_sentence(rng) for _ in range(per_paragraph))
        for _ in range(0, sentences, per_paragraph)
    ]
    return "\n\n".join(lines)


def _article(text: str) -> Article:
    return make_article(text, "<test>", Metadata(published="2015-01-17"))


def _claims(article: Article) -> list[Claim]:
    # Claims made directly, without ids from the article hash: only the plugin is timed.
    return [
        Claim(
            id=f"c{index}",
            start=s.start,
            end=s.end,
            text=article.slice(s),
            claim=" ".join(article.slice(s).split()),
        )
        for index, s in enumerate(article.sentences)
    ]


def _seconds(run: Callable[[], object], repeat: int = 3) -> float:
    # CPU time, not wall time: on a loaded machine a stall of the single large run would
    # otherwise read as super-linear growth.
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return max(best, 1e-3)  # a timer floor, so that a tiny small-input time is not all noise


def _assert_scales(
    make: Callable[[int], Callable[[], object]], size: int, factor: int, limit: int
) -> None:
    small = _seconds(make(size))
    big = _seconds(make(size * factor), repeat=1)
    if big >= limit * small:  # one run of the large input can stall: recheck with the best of 3
        small, big = _seconds(make(size)), _seconds(make(size * factor))
    assert big < limit * small, f"{factor}x the input took {big / small:.0f}x the time"


def test_standalone_scales_on_a_long_single_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # Claim.from_span hashes the whole article for each claim id, which is quadratic in itself
    # until the core keeps the hash; keep it here so that only the plugin is timed.
    hashes: dict[int, str] = {}
    monkeypatch.setattr(
        Article,
        "sha256",
        property(lambda a: hashes.get(id(a)) or hashes.setdefault(id(a), text_sha256(a.text))),
    )

    def make(sentences: int) -> Callable[[], object]:
        article = _article(_text(sentences, per_paragraph=sentences))
        # Parsed and attributed before the clock starts: the frames are what standalone reads.
        claims = attribution.claimtrack_enrich_claims(article, _claims(article))
        return lambda: standalone.claimtrack_enrich_claims(article, claims)

    _assert_scales(make, 100, 20, 60)


def test_standalone_split_points_on_one_huge_sentence() -> None:
    def make(clauses: int) -> Callable[[], object]:
        rng = random.Random(3)
        text = ", and ".join(
            f"the {rng.choice(_NAMES)} plan was approved in {rng.choice(_PLACES)}"
            for _ in range(clauses)
        )
        article = _article(text)
        _ = article.doc  # parsed before the clock starts
        return lambda: standalone.split_points(article, Span(0, len(text)))

    _assert_scales(make, 100, 20, 60)


def test_contradictions_scale_on_many_sentences() -> None:
    def make(sentences: int) -> Callable[[], object]:
        article = _article(_text(sentences))
        claims = _claims(article)
        return lambda: list(contradictions.find_contradictions(article, claims))

    # Past a few hundred claims each is compared with a bounded window of neighbours only.
    _assert_scales(make, 200, 10, 30)


def test_contradictions_compare_far_apart_claims_of_an_ordinary_article() -> None:
    text = (
        "The army sent 13,000 troops to the northern border region.\n\n"
        + _text(56)
        + "\n\nThe army sent 19,000 troops to the northern border region."
    )
    article = _article(text)
    claims = _claims(article)
    assert len(claims) <= contradictions.PAIR_WINDOW
    found = list(contradictions.find_contradictions(article, claims))
    assert any({c.a.start, c.b.start} == {claims[0].start, claims[-1].start} for c in found)


def test_furniture_scales_on_many_tiny_paragraphs() -> None:
    def make(paragraphs: int) -> Callable[[], object]:
        article = _article("\n\n".join(f"{_NAMES[i % 8]} won {i}." for i in range(paragraphs)))
        return lambda: furniture.claimtrack_find_furniture(article)

    _assert_scales(make, 500, 20, 60)


def test_claimtypes_scale_on_many_sentences() -> None:
    def make(sentences: int) -> Callable[[], object]:
        article = _article(_text(sentences))
        claims = _claims(article)
        return lambda: claimtypes.claimtrack_enrich_claims(article, claims)

    _assert_scales(make, 100, 20, 60)


def test_quantities_scale_on_one_claim_full_of_numbers() -> None:
    def make(numbers: int) -> Callable[[], object]:
        text = " ".join(
            f"{i * 7} troops arrived on March {i % 28 + 1}, 2014;" for i in range(numbers)
        )
        return lambda: quantities(text)

    _assert_scales(make, 100, 20, 60)
