"""Segmentation with offsets: paragraphs, sentences and quotations, done once per article.

A regular-expression splitter with an abbreviation list: every pattern here is linear in the
input (no nested quantifiers), so hostile text cannot make it slow. Offsets index the original
text; nothing is normalised in place.
"""

from __future__ import annotations

import re
from dataclasses import replace

from claimtrack.model import Article, Metadata, Paragraph, Quote, Sentence, Span

#: Abbreviations that are normally followed by a number ("No. 2", "Jan. 17").
_BEFORE_NUMBER = frozenset(
    [
        "no",
        "nos",
        "vol",
        "vols",
        "pp",
        "p",
        "fig",
        "figs",
        "ch",
        "art",
        "sec",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)

#: Words that end with a period without ending a sentence (lower case, without the period).
ABBREVIATIONS = _BEFORE_NUMBER | frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "gov",
        "sen",
        "rep",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "cpl",
        "pvt",
        "st",
        "jr",
        "sr",
        "rev",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "atty",
        "messrs",
        "mssrs",
        "fr",
        "sra",
        "sr",
        "srta",
        "para",
        "ed",
        "eds",
        "est",
        "approx",
        "ca",
        "cf",
        "vs",
        "v",
        "etc",
        "al",
        "inc",
        "corp",
        "co",
        "ltd",
        "llc",
        "plc",
        "bros",
        "dept",
        "univ",
        "assn",
        "ave",
        "blvd",
        "rd",
        "mt",
        "ft",
        "hwy",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "u.s.a",
        "d.c",
        "n.y",
        "l.a",
        "e.u",
    ]
)

#: Capitalised words that usually open a sentence, used after an ambiguous dotted acronym.
_SENTENCE_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "there",
        "but",
        "and",
        "so",
        "yet",
        "in",
        "on",
        "at",
        "for",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "as",
        "if",
        "when",
        "while",
        "after",
        "before",
        "since",
        "although",
        "however",
        "meanwhile",
    ]
)

_OPEN_DOUBLE = "“„«"
_CLOSE_DOUBLE = "”»"
_STRAIGHT = '"'
_QUOTE_MARK = re.compile(f"''|``|[{_OPEN_DOUBLE}{_CLOSE_DOUBLE}{_STRAIGHT}]")

# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, then space.
# Possessive and anchored at the start of a run, so a long run of dots is scanned once, not
# once per dot (the backtracking form took 30 s on 20,000 dots).
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]»]*+(?=\s)")
# Blank-line paragraph separators, and single line breaks.
_LINE = re.compile(r"[^\n\r]*(?:\r\n|\r|\n|$)")
_NEXT_WORD = re.compile(r"[\"“]?([A-Za-z]+)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,11})$")


def make_article(text: str, source: str, metadata: Metadata | None = None) -> Article:
    """Segment ``text`` and return the article with paragraphs, sentences and quotes filled in."""
    paragraphs = split_paragraphs(text)
    sentences = tuple(
        sentence
        for index, paragraph in enumerate(paragraphs)
        for sentence in split_sentences(text, paragraph, index)
    )
    return Article(
        text=text,
        source=source,
        metadata=metadata or Metadata(),
        paragraphs=paragraphs,
        sentences=sentences,
        quotes=find_quotes(text, paragraphs),
    )


def resegment(article: Article) -> Article:
    """Return ``article`` with its segmentation computed from its text."""
    fresh = make_article(article.text, article.source, article.metadata)
    return replace(fresh, furniture=article.furniture)


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Split text into paragraphs, trimmed of surrounding whitespace.

    A blank line ends a paragraph; so does a single line break, unless the line looks hard-wrapped
    (it ends without closing punctuation and the next line starts in lower case).
    """
    paragraphs: list[Paragraph] = []
    start: int | None = None
    end = 0
    for match in _LINE.finditer(text):
        line_start, line_end = match.start(), match.end()
        if line_start == line_end:
            break
        content = match.group().rstrip("\r\n")
        stripped = content.strip()
        if not stripped:
            if start is not None:
                paragraphs.append(Paragraph(start, end))
                start = None
            continue
        first = line_start + len(content) - len(content.lstrip())
        last = line_start + len(content.rstrip())
        if start is not None and not _continues(text, end, stripped):
            paragraphs.append(Paragraph(start, end))
            start = None
        if start is None:
            start = first
        end = last
    if start is not None:
        paragraphs.append(Paragraph(start, end))
    return tuple(paragraphs)


def _continues(text: str, previous_end: int, line: str) -> bool:
    """Whether a line continues the previous one (a hard-wrapped paragraph)."""
    before = text[previous_end - 1] if previous_end else ""
    return bool(before) and before not in '.!?:;…"”’)]' and line[0].islower()


def split_sentences(text: str, paragraph: Span, index: int = 0) -> list[Sentence]:
    """Split one paragraph of ``text`` into sentences, trimmed of surrounding whitespace."""
    sentences: list[Sentence] = []
    chunk = text[paragraph.start : paragraph.end]
    start = 0
    for match in _BOUNDARY.finditer(chunk):
        end = match.end()
        if not _is_boundary(chunk, match.start(), end):
            continue
        _append(sentences, chunk, paragraph.start, start, end, index)
        start = end
    _append(sentences, chunk, paragraph.start, start, len(chunk), index)
    return sentences


def _append(out: list[Sentence], chunk: str, base: int, start: int, end: int, index: int) -> None:
    piece = chunk[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        out.append(Sentence(base + start + lead, base + start + lead + len(stripped), index))


def _is_boundary(chunk: str, punct_start: int, end: int) -> bool:
    """Decide whether the punctuation at ``punct_start`` ends a sentence."""
    following = chunk[end : end + 40].lstrip()
    if not following:
        return True
    nxt = following[0]
    if nxt.islower() or nxt in ",;:)":
        return False
    if chunk[punct_start] != "." or chunk[punct_start:end].count(".") > 1:
        return True
    word_match = _WORD_BEFORE.search(chunk, max(0, punct_start - 12), punct_start)
    if not word_match:
        return True
    word = word_match.group(1).lower()
    if len(word) == 1 and word_match.group(1).isupper():
        return False  # an initial: "John F. Kennedy"
    if word not in ABBREVIATIONS:
        return True
    if word in _BEFORE_NUMBER:
        return not nxt.isdigit()
    if "." in word:
        # A dotted acronym ("U.S.") ends a sentence only before a typical sentence opener.
        next_word = _NEXT_WORD.match(following)
        return next_word is not None and next_word.group(1).lower() in _SENTENCE_OPENERS
    return False


def find_quotes(text: str, paragraphs: tuple[Paragraph, ...]) -> tuple[Quote, ...]:
    """Find double-quoted passages, including ones that run over several paragraphs.

    Curly quotes pair by direction; straight quotes and doubled apostrophes (``''``) alternate.
    An opening curly mark glued to the word before it (``here,“ said X``) is a mistyped closing
    mark. A quotation left open at the end of a paragraph continues when the next paragraph opens
    with a quote mark (the newspaper convention); otherwise it ends with its paragraph. Single
    quotes are scare quotes or apostrophes and are not quotations.
    """
    quotes: list[Quote] = []
    open_at: int | None = None
    open_len = 1
    for number, paragraph in enumerate(paragraphs):
        if open_at is not None and not _QUOTE_MARK.match(text, paragraph.start):
            quotes.append(_quote(open_at, open_len, paragraphs[number - 1].end, 0))
            open_at = None
        carried = open_at is not None
        for mark in _QUOTE_MARK.finditer(text, paragraph.start, paragraph.end):
            offset, char = mark.start(), mark.group()
            if carried and offset == paragraph.start:
                carried = False
                continue  # the continuation mark of a quotation running on
            opening = char in _OPEN_DOUBLE or char == "``"
            closing = char in _CLOSE_DOUBLE
            if open_at is None:
                if not closing:
                    open_at, open_len = offset, len(char)
            elif not opening or (offset > paragraph.start and not text[offset - 1].isspace()):
                quotes.append(_quote(open_at, open_len, mark.end(), len(char)))
                open_at = None
            else:
                open_at, open_len = offset, len(char)  # a new opening mark before a close
    if open_at is not None and paragraphs:
        quotes.append(_quote(open_at, open_len, paragraphs[-1].end, 0))
    return tuple(q for q in quotes if len(q.inner) > 0)


def _quote(start: int, open_len: int, end: int, close_len: int) -> Quote:
    inner_start = start + open_len
    return Quote(start, end, inner=Span(inner_start, max(inner_start, end - close_len)))
