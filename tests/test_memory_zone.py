"""A long scan does not grow spaCy's vocabulary: each article (or batch) is parsed and read by
the plugins inside a memory zone, and what a scan returns is plain data that outlives it."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path
from typing import Any

import pytest

from claimtrack import nlp, pipeline
from claimtrack.contract import scan_json
from claimtrack.model import parse_zone
from claimtrack.testing import make_host, run_plugins
from claimtrack.text import make_article

LETTERS = "bcdfghjklmnpqrstvwz"


def _invented(number: int) -> str:
    """A word no dictionary has, one per number ("Zrublax", ...)."""
    word = ""
    while True:
        number, digit = divmod(number, len(LETTERS))
        word += LETTERS[digit] + "aeiou"[digit % 5]
        if not number:
            return "Zr" + word + "x"


def _article(number: int) -> str:
    """A short news article of new words: names, a verb, nouns, a quotation."""
    w = [_invented(number * 10 + i) for i in range(10)]
    return (
        f"{w[0]} {w[1]}, the {w[2].lower()} minister, said exports of {w[3].lower()}s rose "
        f"by 12 percent in 2024.\n\n"
        f"“The {w[4].lower()} will {w[5].lower()} the {w[6].lower()}s,” {w[7]} told "
        f"reporters in {w[8]} on Monday. Officials {w[9].lower()}ed the figures.\n"
    )


@pytest.fixture
def no_warming(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process has spent its warm-up: every word met from now on is a zone's."""
    monkeypatch.setattr(nlp, "_warmed", nlp.WARM_CHARS)


def test_the_vocabulary_does_not_grow_across_articles_scanned_in_one_process(
    tmp_path: Path, no_warming: None
) -> None:
    paths = []
    for number in range(40):
        path = tmp_path / f"{number:02}.txt"
        path.write_text(_article(number), encoding="utf-8")
        paths.append(str(path))
    host = make_host(bundled=True)
    strings = nlp.load_model().vocab.strings
    list(pipeline.scan_many(host, paths[:1]))  # anything a first scan settles (tables, tags)
    before = len(strings)
    outcomes = list(pipeline.scan_many(host, paths[1:]))
    assert [kind for kind, _ in outcomes] == ["ok"] * 39
    assert any(result.claims for _, result in outcomes)
    # 390 invented words, their lower-case forms, lemmas and shapes: none is kept.
    assert len(strings) == before
    assert not any(_invented(n) in strings for n in range(10, 400))


def test_a_single_scan_forgets_its_words_too(no_warming: None) -> None:
    word = _invented(9001)  # the second word of article 900
    result = run_plugins(_article(900), bundled=True)
    assert result.claims
    assert word not in nlp.load_model().vocab.strings


def test_a_scan_result_is_plain_data_usable_after_the_zone(no_warming: None) -> None:
    text = _article(4242)
    result = run_plugins(text, bundled=True)
    assert not nlp.in_memory_zone()
    assert result.article._parse.doc is None  # the zone's parse is not kept
    assert result.claims and not result.errors
    for claim in result.claims:
        assert text[claim.start : claim.end] == claim.text
        assert isinstance(claim.claim, str)
        pickle.dumps(claim.details)  # plain data, no spaCy object
    names = [c.speaker.name for c in result.claims if c.speaker is not None]
    assert all(isinstance(name, str) for name in names) and names
    again = pickle.loads(pickle.dumps(result))
    assert scan_json(again) == scan_json(result)
    # Asked for afterwards, the parse is made again, whole and readable.
    doc = result.article.doc
    assert doc.text == text
    assert [t.lemma_ for t in doc][:3] and {e.label_ for e in doc.ents}


def test_lemmas_remembered_from_an_earlier_zone_are_still_readable(no_warming: None) -> None:
    # The lemma table outlives zones; a lemma it keeps from one must be in the next one's strings.
    text = "Officials zrublaxed the figures. Officials zrublaxed the figures again."
    host = make_host()
    rounds = []
    for _ in range(2):
        article = make_article(text, "t.txt")
        with parse_zone([article]):
            rounds.append([t.lemma_ for t in article.doc])
    assert rounds[0] == rounds[1] and rounds[0][1].startswith("zrublax")
    assert rounds[0][1] not in nlp.load_model().vocab.strings
    assert pipeline.scan_article(host, make_article(text, "t.txt")).article.source == "t.txt"


def test_zones_nest_and_close_with_the_outermost(no_warming: None) -> None:
    strings = nlp.load_model().vocab.strings
    outer = make_article("Zrvoqux arrived.", "a.txt")
    with parse_zone([outer]):
        assert nlp.in_memory_zone()
        inner = make_article("Zrmibex left.", "b.txt")
        with parse_zone([inner]):
            assert inner.doc[0].text == "Zrmibex"
        assert inner._parse.doc is None
        # The inner block closed, the zone did not: the outer parse is still whole.
        assert outer.doc[0].text == "Zrvoqux" and "Zrmibex" in strings
    assert not nlp.in_memory_zone()
    assert "Zrvoqux" not in strings and "Zrmibex" not in strings


def test_a_parse_outside_any_block_outlives_another_threads_zone() -> None:
    inside, done = threading.Event(), threading.Event()
    parsed: list[Any] = []

    def zone() -> None:
        with nlp.memory_zone():
            inside.set()
            done.wait(5)

    def outside() -> None:
        parsed.append(nlp.parse(_article(9_001)))

    holder = threading.Thread(target=zone)
    holder.start()
    inside.wait(5)
    parser = threading.Thread(target=outside)
    parser.start()
    parser.join(0.5)  # waits for the zone to close rather than parse into it
    done.set()
    holder.join(5)
    parser.join(30)
    assert not nlp.in_memory_zone()
    (doc,) = parsed
    # Read after the other thread's zone closed: the words are still there.
    assert doc[0].text == _invented(90_010) and doc[0].lemma_
