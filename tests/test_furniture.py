"""The furniture finder: boilerplate lines become furniture, article prose does not."""

from __future__ import annotations

from claimtrack.text import make_article
from claimtrack_plugins.furniture import claimtrack_find_furniture, find_furniture

TEXT = (
    "Ministers agree new fishing quotas, says ministry\n\n"
    "Harbour towns welcome the deal\n\n"
    "Staff Reporter March 3, 2021\n"
    "Harbour towns welcome the deal. PHOTO: FILE\n\n"
    "WASHINGTON (AP) — The ministry said catches fell by 12 percent last year.\n\n"
    "Fishermen said the quotas were fair. (CROSSTALK.) They will vote on Friday.\n\n"
    "Follow Jane Roe on Twitter @janeroe.\n\n"
    "Read the rest here.\n\n"
    "(Reporting by Jane Roe; Editing by John Doe.)\n\n"
    "Published in The Harbour Gazette, March 3rd, 2021.\n\n"
    "COMMENTS\n\n"
    "Replying to X\n\n"
    "Comments are moderated and generally will be posted if they are on-topic.\n"
)


def _found(text: str) -> dict[str, str]:
    article = make_article(text, "test.txt")
    return {text[s.start : s.end]: rule for s, rule in find_furniture(article)}


def test_byline_caption_footer_and_credits_are_furniture() -> None:
    found = _found(TEXT)
    assert found["Staff Reporter March 3, 2021"] == "byline"
    assert found["Harbour towns welcome the deal. PHOTO: FILE"] == "caption"
    assert found["Published in The Harbour Gazette, March 3rd, 2021"] == "published-in"
    assert found["(Reporting by Jane Roe; Editing by John Doe.)"] == "credit"
    assert found["Follow Jane Roe on Twitter @janeroe"] == "share"
    assert found["Read the rest here"] == "read-more"


def test_comment_section_runs_to_the_end() -> None:
    found = _found(TEXT)
    section = next(text for text, rule in found.items() if rule == "comments")
    assert section.startswith("COMMENTS") and section.endswith("on-topic.")


def test_stage_direction_inside_a_paragraph_is_furniture() -> None:
    assert _found(TEXT)["(CROSSTALK.)"] == "stage-direction"


def test_wire_dateline_is_furniture_but_its_sentence_is_not() -> None:
    article = make_article(TEXT, "test.txt")
    spans = claimtrack_find_furniture(article)
    dateline = TEXT.index("WASHINGTON")
    assert any(s.start == dateline and TEXT[s.start : s.end] == "WASHINGTON (AP) — " for s in spans)
    sentence = article.sentence_at(TEXT.index("The ministry said"))
    assert sentence is not None and not article.is_furniture(sentence)


def test_headline_standfirst_and_prose_are_not_furniture() -> None:
    article = make_article(TEXT, "test.txt")
    spans = claimtrack_find_furniture(article)
    for words in ("Ministers agree new fishing quotas", "Fishermen said the quotas were fair"):
        at = TEXT.index(words)
        assert not any(s.start <= at < s.end for s in spans), words
    standfirst = TEXT.index("Harbour towns welcome the deal")
    assert not any(s.start <= standfirst < s.end for s in spans)


def test_a_repeated_sentence_is_furniture_the_second_time() -> None:
    repeated = "The council closed the old bridge."
    text = f"Title here\n\n{repeated}\n\n{repeated}\n"
    found = [(s.start, rule) for s, rule in find_furniture(make_article(text, "t.txt"))]
    assert found == [(text.rindex("The council"), "repeat")]


def test_ordinary_sentences_starting_like_boilerplate_are_kept() -> None:
    text = (
        "Title\n\nProduced by the budget office, the report says spending rose by 4 percent.\n\n"
        "Related issues drove the vote in the county.\n\nNATO said it would send ships.\n"
    )
    assert _found(text) == {}
