"""Segmentation with offsets: news-style sentences, quotations and exact spans for any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.text import make_article, split_paragraphs


def sentences(text: str) -> list[str]:
    article = make_article(text, "t")
    return [article.slice(s) for s in article.sentences]


def test_abbreviations_decimals_and_initials_do_not_end_sentences() -> None:
    text = (
        "Mr. Smith met Gov. Jones in the U.S. capital on Jan. 17 at 5 p.m. "
        "It rose 3.5 percent. John F. Kennedy spoke."
    )
    assert sentences(text) == [
        "Mr. Smith met Gov. Jones in the U.S. capital on Jan. 17 at 5 p.m.",
        "It rose 3.5 percent.",
        "John F. Kennedy spoke.",
    ]


def test_number_abbreviation_before_a_digit() -> None:
    assert sentences("He ranked No. 2 in the poll. Then he fell.") == [
        "He ranked No. 2 in the poll.",
        "Then he fell.",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert sentences("She said: “We won. It was close.” Then she left.") == [
        "She said: “We won.",
        "It was close.”",
        "Then she left.",
    ]


def test_closing_quote_followed_directly_by_a_word_is_not_a_boundary() -> None:
    text = "“It was very useful,”Tasnim told the agency. Later talks followed."
    assert sentences(text)[0] == "“It was very useful,”Tasnim told the agency."


def test_question_and_exclamation_marks_end_sentences() -> None:
    assert sentences("Is it true? Yes! It is.") == ["Is it true?", "Yes!", "It is."]


def test_lines_are_paragraphs_and_hard_wraps_are_joined() -> None:
    text = "Headline here\n\nFirst line of a\nwrapped paragraph.\nNext paragraph."
    article = make_article(text, "t")
    assert [article.slice(p) for p in article.paragraphs] == [
        "Headline here",
        "First line of a\nwrapped paragraph.",
        "Next paragraph.",
    ]


def test_quote_spanning_sentences_and_continued_paragraphs() -> None:
    text = "“We will build it. It is planned.\n\n“The money is there,” she said.\n\nOther news."
    article = make_article(text, "t")
    assert len(article.quotes) == 1
    quote = article.quotes[0]
    assert text[quote.start] == "“" and text[quote.end - 1] == "”"
    assert "money is there," in article.slice(quote.inner)


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "He said “this never closes\n\nA new paragraph."
    article = make_article(text, "t")
    assert article.slice(article.quotes[0].inner) == "this never closes"


def test_non_breaking_spaces_and_crlf_keep_offsets() -> None:
    text = "First\u00a0sentence here.\r\nSecond one.\r\n"
    article = make_article(text, "t")
    assert [article.slice(s) for s in article.sentences] == [
        "First\u00a0sentence here.",
        "Second one.",
    ]


NEWS_ALPHABET = st.sampled_from(
    [*"ab AZ.!?\"“”‘’,;:\n\r\t\u00a0'0123.Mr U.S.", "Mr.", "Jan. ", "\n\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(NEWS_ALPHABET, max_size=80).map("".join)))
def test_every_segment_is_an_exact_ordered_span_of_the_text(text: str) -> None:
    article = make_article(text, "t")
    previous_end = 0
    for sentence in article.sentences:
        piece = article.slice(sentence)
        assert piece and piece == piece.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
    for paragraph in split_paragraphs(text):
        assert 0 <= paragraph.start < paragraph.end <= len(text)
    for quote in article.quotes:
        assert quote.start <= quote.inner.start <= quote.inner.end <= quote.end <= len(text)


def test_doubled_apostrophes_are_quote_marks() -> None:
    text = "He said ''we will win the state'' on Monday."
    article = make_article(text, "t")
    assert [article.slice(q.inner) for q in article.quotes] == ["we will win the state"]


def test_opening_mark_glued_to_a_word_closes_the_quotation() -> None:
    text = "“She is the one for her here,“ said Jim Clyburn. “Another quote.”"
    article = make_article(text, "t")
    assert [article.slice(q.inner) for q in article.quotes] == [
        "She is the one for her here,",
        "Another quote.",
    ]
