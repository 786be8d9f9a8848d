"""Boilerplate finder: the parts of a web article that are page furniture, not the article's prose.

Furniture is matched line by line (a line is a paragraph of the segmented text), because it is laid
out as lines of its own: bylines and datelines, photo captions and credits, "Published in …"
footers, reporting credits, share / follow / subscribe prompts, "Read more" links, section labels,
stage directions in transcripts, bare links and handles. Two rules look wider:

- a comment section ("COMMENTS", "Replying to X", a moderation notice) runs to the end of the text;
- a sentence repeating an earlier one word for word (a headline reused as a caption, a pull quote)
  is furniture the second time.

A wire dateline opening a paragraph ("WASHINGTON (AP) — ") is furniture but the sentence after it
is not. The first line of an article (its headline) is never furniture, and neither is a
standfirst: the rules match the shapes of boilerplate, not short lines in general.
See docs/extraction.md for the full list and the reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimtrack import Article, Span, hookimpl
from claimtrack_plugins._regex import LazyPattern

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DATE = (
    rf"(?:(?:{_WEEKDAY},?\s+)?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}(?:,?\s+{_WEEKDAY})?"
    rf"|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d\d-\d\d)"
)
_TIME = r"(?:\s*(?:at\s+)?\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|bin|al|and|&))*"
_CREDIT = (
    r"(?i:(?:additional |further )?(?:reporting|writing|editing|research|story|translated"
    r"|co-authored|compiled|edited|video produced|produced|cinematography)(?: and \w+)?"
    rf" (?:by|from)) {_NAME}(?: (?i:in) {_NAME})?"
)

# A whole line (paragraph), trailing punctuation and whitespace aside, matching one of these is
# furniture. Each rule is named for docs/extraction.md and for ``details`` in tests. They are
# only ever matched whole (``fullmatch``), by design: searched, some would read a run of capitals
# or spaces once per offset in it.
_LINE_RULES: dict[str, LazyPattern] = {
    "byline": LazyPattern(
        rf"(?:By\s+{_NAME}(?:,\s*[\w .'’-]{{1,40}})?(?:\s*[|,–—-]\s*{_DATE}{_TIME})?"
        rf"|{_NAME}\s*[|,–—-]?\s*{_DATE}{_TIME}"
        rf"|{_NAME}\s*\|\s*{_NAME})"
    ),
    "dateline": LazyPattern(
        rf"(?:(?:Published|Updated|Posted|Last updated|First published)\s*:?\s*(?:on\s+)?)?"
        rf"{_DATE}{_TIME}(?:\s*\|\s*{_DATE}{_TIME})?|(?:Updated|Posted)\s*:?\s*\d{{1,2}}[:.]\d\d.*"
    ),
    "published-in": LazyPattern(
        r"(?:Published|Originally published|First published|A version of this (?:article|story)"
        r" (?:appeared|appears)|This (?:article|piece|story|post) (?:first |originally )?"
        r"(?:appeared|was published)) (?:in|on|at)\b.{0,200}"
    ),
    "caption": LazyPattern(
        r".{0,400}?(?:PHOTO|Photo|IMAGE|Image|PICTURE|Picture|FILE PHOTO|File photo|CREDIT|Credit)"
        r"(?:\s+credit)?\s*:\s*[\w@ ./&'’,()-]{1,60}"
        r"|.{0,400}?\((?:AP|Reuters|AFP|Getty Images|EPA|File)(?: Photo)?(?:/[\w .'’-]+)?\)"
        r"|(?:Getty|Getty Images|AP Photo|Reuters|AFP|Shutterstock)(?:/[\w .'’-]+)?"
    ),
    "credit": LazyPattern(
        rf"\(?[-—–\s]*{_CREDIT}(?:\s*[;,.]\s*{_CREDIT})*[.;]?\)?"
        r"|.{1,120}\b(?i:contributed (?:reporting|to this (?:report|article|story)))"
        r"|\(?(?i:h/t)\b.{0,80}|.{0,60}(?i:copyright)\s*©.{0,300}|.{0,20}©\s*\d{4}.{0,200}"
    ),
    "share": LazyPattern(
        r"(?:Follow|Like|Find)\s.{0,80}\bon (?:Twitter|Facebook|Instagram)\b.{0,120}"
        r"|.{0,80}(?:Twitter|Facebook|Instagram)\s*:?\s*@\w+.{0,120}"
        r"|(?:Sign up|Subscribe)\b.{0,120}\b(?:newsletter|e-?mail|here|podcast|updates)\b.{0,80}"
        r"|Want more updates from .{1,120}|Enter your email(?: address)?:?"
        r"|Share (?:this|on \w+).{0,60}"
        r"|Send (?:tips|news|us)\b.{0,150}|Do you support .{1,60}\? Like the page:?"
        r"|Reach (?:him|her|them|me|us) (?:directly )?at \S+@\S+",
        re.IGNORECASE,
    ),
    "read-more": LazyPattern(
        r"(?:Read|Continue reading|Click)\s+(?:more|the rest|it all|the full|the whole|here|our)\b"
        r".{0,100}"
        r"|(?:Watch|Listen to|Check out|See)\s.{0,120}\b(?:above|below|here)[.:]?"
        r"|(?:Related|See also|Also on|More from|Also read|Recommended)(?:\s+[\w.]+){0,3}\s*:"
        r".{0,120}"
        r"|The full (?:poll|interview|report|transcript|story|video)"
        r" can be (?:found|read|seen) here",
        re.IGNORECASE,
    ),
    "transcript-label": LazyPattern(
        r"(?:Partial |Full )?transcripts?(?: (?:as follows|below|here))?:|Online:",
        re.IGNORECASE,
    ),
    "stage-direction": LazyPattern(r"[\"“']?\((?:[A-Z][A-Z ,'’-]{2,40})\.?\)[\"”']?"),
    "link": LazyPattern(
        r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|@\w{2,30}|[-_~=*—–.]{2,}|\}|\d{1,2}"
    ),
    "section-label": LazyPattern(r"(?:[A-Z][A-Z&'’-]*)(?:\s+[A-Z][A-Z&'’-]*){0,3}"),
    "update-note": LazyPattern(
        r"(?:This (?:article|story|post|piece) (?:has been|was) updated|This is a developing story"
        r"|Correction:\s*" + _DATE + r"|Editor['’]s note:).{0,300}",
        re.IGNORECASE,
    ),
    "moderation": LazyPattern(
        r"Comments are (?:moderated|closed|reviewed).{0,200}"
        r"|.{0,80}\bsee our Comments? (?:FAQ|policy).{0,40}|Replying to .{1,60}"
        r"|FlagShareLikeReply.*|Show (?:More Posts|comments).{0,40}",
        re.IGNORECASE,
    ),
}

# A line that opens a comment section: everything from it to the end of the text is furniture.
# Matched whole against a line; a count is read from its first digit, so a search is linear too.
_COMMENTS_START = LazyPattern(
    r"(?:(?<!\d)\d++\s+)?(?:COMMENTS?|Comments?|Reader comments|Leave a (?:comment|reply)"
    r"|Join the (?:conversation|discussion)|Show comments|Replying to .{1,60}|Comments \(\d+\))",
)
# A wire-service dateline at the start of a paragraph: "WASHINGTON (AP) — ", "NEW YORK, Dec. 11
# (UPI) — ", "HEMPSTEAD, N.Y. ― ".
_DATELINE_PREFIX = LazyPattern(
    rf"[A-Z][A-Z .'’-]{{2,40}}(?:,\s*(?:[A-Z][\w.]*\s?){{1,3}})?(?:,\s*{_MONTH}\s*\d{{1,2}})?"
    r"\s*(?:\((?:AP|UPI|Reuters|AFP|dpa|CNN)\))?\s*[—―–-]{1,2}\s+"
)
# Rules safe to apply to a single sentence inside a paragraph (transcripts and wire copy put
# credits and stage directions mid-paragraph); the others need a line of their own.
_SENTENCE_RULES = (
    "caption",
    "credit",
    "share",
    "read-more",
    "stage-direction",
    "moderation",
    "update-note",
    "transcript-label",
)
_TRAILING = " \t\r\n.,;:!"
_QUOTES = "\"'“”‘’"
# Repeats shorter than this are common words or labels, already caught by the line rules.
_MIN_REPEAT = 20


@hookimpl
def claimtrack_find_furniture(article: Article) -> list[Span]:
    """Spans of the article that are boilerplate: see the module docstring for the rules."""
    spans = [span for span, _rule in find_furniture(article)]
    return sorted(set(spans), key=lambda s: (s.start, s.end))


def find_furniture(article: Article) -> Iterator[tuple[Span, str]]:
    """Each furniture span with the name of the rule that found it."""
    text = article.text
    for index, paragraph in enumerate(article.paragraphs):
        line = text[paragraph.start : paragraph.end]
        core = line.rstrip(_TRAILING)
        lead = len(core) - len(core.lstrip())
        core = core.strip()
        if not core:
            continue
        start = paragraph.start + lead
        if index > 0 and _COMMENTS_START.fullmatch(core):
            yield Span(start, len(text.rstrip())), "comments"
            break
        if index == 0:
            continue
        rule = _line_rule(core)
        if rule:
            yield Span(start, start + len(core)), rule
            continue
        prefix = _DATELINE_PREFIX.match(line, lead)
        if prefix and prefix.end() < len(line):
            yield Span(paragraph.start + lead, paragraph.start + prefix.end()), "wire-dateline"
    yield from _sentences(article)
    yield from _repeats(article)


def _line_rule(core: str, names: tuple[str, ...] | None = None) -> str | None:
    for name, pattern in _LINE_RULES.items():
        if (names is None or name in names) and pattern.fullmatch(core):
            return name
    return None


def _sentences(article: Article) -> Iterator[tuple[Span, str]]:
    for sentence in article.sentences:
        if sentence.paragraph == 0:
            continue
        core = article.slice(sentence).strip(_TRAILING + _QUOTES)
        rule = core and _line_rule(core, _SENTENCE_RULES)
        if rule:
            yield Span(sentence.start, sentence.end), rule


def _repeats(article: Article) -> Iterator[tuple[Span, str]]:
    seen: set[str] = set()
    for sentence in article.sentences:
        key = " ".join(article.slice(sentence).strip(_TRAILING + _QUOTES).lower().split())
        if len(key) < _MIN_REPEAT:
            continue
        if key in seen:
            yield Span(sentence.start, sentence.end), "repeat"
        seen.add(key)
