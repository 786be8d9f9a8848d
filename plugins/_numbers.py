"""Numbers, quantities and dates read out of claim text, normalised so that they can be compared.

"13,000", "13 thousand", "thirteen thousand" and "13k" all read as 13000.0; "half" as 0.5;
"45%", "45 percent" and "45 per cent" as 45.0 with the unit ``%``; "$40 million" and "40 million
dollars" as 40000000.0 with the unit ``$``. Each quantity keeps whether it is hedged ("about",
"more than", "nearly"), because a hedged figure is only a bound. What a number counts is read
from the parse (``_facts``). Dates are read at the
granularity the text gives (a year, a month of a year, a weekday), with relative words
("last year", "on Friday") resolved against the article's publication date when it is known.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from claimtrack_plugins._dates import parse_iso
from claimtrack_plugins._regex import CaselessPattern, LazyPattern, lowered

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_FRACTIONS = {"half": 0.5, "a half": 0.5, "a third": 1 / 3, "one third": 1 / 3,
              "a quarter": 0.25, "one quarter": 0.25, "two thirds": 2 / 3,
              "three quarters": 0.75}  # fmt: skip
_CURRENCY = {"$": "$", "£": "£", "€": "€", "dollar": "$", "dollars": "$", "pound": "£",
             "pounds": "£", "euro": "€", "euros": "€", "rupee": "rs", "rupees": "rs",
             "rs": "rs", "yen": "¥", "¥": "¥"}  # fmt: skip
_HEDGES = CaselessPattern(
    r"\b(?:about|around|approximately|roughly|nearly|almost|some|over|under|more than|less than"
    r"|fewer than|at least|at most|up to|upwards of|close to|as many as|as much as|estimated"
    r"|an estimated|just over|just under|more|less)\s*$"
)

_WORD_NUMBER = "|".join(sorted(_UNITS, key=len, reverse=True))
_SCALE_WORD = "|".join(sorted(_SCALES, key=len, reverse=True))
_FRACTION = "|".join(sorted(_FRACTIONS, key=len, reverse=True))
_NUMBER = CaselessPattern(
    r"(?P<cur>[$£€¥])?\s?"
    r"(?:(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<fraction>\b(?:{_FRACTION})\b)"
    rf"|(?P<words>(?:(?:{_WORD_NUMBER})[\s-]?)+))"
    rf"(?:\s?(?P<scale>(?:{_SCALE_WORD})\b))?"
    r"(?:\s?(?P<pct>%|per\s?cent\b|percent\b|percentage points?\b))?"
)
# Every number holds a digit or one of these words: a text with neither holds no number.
_NUMBER_WORDS = (*_UNITS, "half", "third", "quarter")
_DIGIT = LazyPattern(r"\d")
# Matched only at a number's end, by design: a search from every offset of a run of spaces would
# read the rest of the run from each.
_WORD_AFTER = LazyPattern(r"\s*([A-Za-z][A-Za-z-]+)")
_YEAR = LazyPattern(r"^(?:1[89]|20)\d\d$")

_MONTHS = {
    name: index
    for index, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = CaselessPattern(
    rf"\b(?:(?P<month>{_MONTH})\.?(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?)?,?\s+(?P<myear>(?:1[89]|20)\d\d)"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH})\.?,?\s+(?P<myear2>(?:1[89]|20)\d\d)"
    r"|(?:in|since|by|until|during|of)\s+(?P<year>(?:1[89]|20)\d\d)\b(?!\s*(?:%|per))"
    r"|(?P<rel>last|next|this)\s+(?P<relunit>year|month)"
    rf"|(?:on\s+|last\s+)(?P<weekday>{'|'.join(_WEEKDAYS)})"
    r"|(?P<yesterday>yesterday|today))\b"
)
# Every date holds a digit or one of these: a text with none holds no date.
_DATE_WORDS = ("year", "month", "day")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a text: its value, its unit and whether it is hedged."""

    value: float
    unit: str  # "%", a currency sign, or "" for a plain count
    hedged: bool
    start: int
    end: int
    surface: str


@dataclass(frozen=True, slots=True)
class DatePoint:
    """A time at a granularity: ``("year", 2014)``, ``("month", (2014, 3))``, ``("day", …)``."""

    granularity: str
    value: object
    start: int
    end: int
    surface: str


@lru_cache(maxsize=1 << 16)  # a text's words recur: most stems are looked up, not recomputed
def stem(word: str) -> str:
    """A crude English stem, enough to match "troops" with "troop" and "visited" with "visit"."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, repl, min_len in (("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6),
                                  ("ed", "", 5), ("es", "", 5), ("s", "", 4)):  # fmt: skip
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + repl
    return word


def currency(word: str) -> str:
    """The currency sign a word names ("dollars" -> "$"), or ""."""
    return _CURRENCY.get(word.lower(), "")


def _words_value(words: str) -> float | None:
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", words.lower().strip()):
        if not word:
            continue
        value = _UNITS.get(word)
        if value is None:
            return None
        if word == "hundred":
            current = max(current, 1) * 100
        elif word == "dozen":
            current = max(current, 1) * 12
        else:
            current += value
    return total + current


def quantities(text: str) -> list[Quantity]:
    """Every number in ``text``, normalised, except years and the digits of dates."""
    low = lowered(text)
    if low is not None and not (_DIGIT.search(low) or any(w in low for w in _NUMBER_WORDS)):
        return []
    # Date matches do not overlap and come in order, so one bisection finds the one to check.
    date_spans = [(m.start(), m.end()) for m in _DATE.finditer(text, low)]
    date_starts = [start for start, _ in date_spans]
    found: list[Quantity] = []
    # Groups may come from the lowered text: only their values are read, never their case.
    for match in _NUMBER.finditer(text, low):
        if not match.group(0).strip():
            continue
        index = bisect_right(date_starts, match.start()) - 1
        if index >= 0 and match.start() < date_spans[index][1]:
            continue
        digits, words, fraction = match["digits"], match["words"], match["fraction"]
        if digits:
            if _YEAR.match(digits) and not (match["cur"] or match["pct"] or match["scale"]):
                continue
            value: float | None = float(digits.replace(",", ""))
        elif words:
            if words.strip().lower() == "one" and not (match["scale"] or match["pct"]):
                continue  # "one of the", "no one": a pronoun far more often than a count
            value = _words_value(words)
        else:
            value = _FRACTIONS[fraction.lower()]
        if value is None:
            continue
        scale = (match["scale"] or "").lower()
        if scale in ("m", "b", "k", "bn", "mn", "tn") and not match["cur"]:
            scale = ""  # "5 m" is five metres, "3 b" a grade: only money abbreviates scales
        value *= _SCALES.get(scale, 1.0)
        unit = "%" if match["pct"] else _CURRENCY.get(match["cur"] or "", "")
        if not unit:  # "40 million dollars"
            after = _WORD_AFTER.match(text, match.end())
            unit = currency(after.group(1)) if after else ""
        before = slice(max(0, match.start() - 20), match.start())
        hedged = bool(_HEDGES.search(text[before], low and low[before]))
        found.append(
            Quantity(
                value=value,
                unit=unit,
                hedged=hedged,
                start=match.start(),
                end=match.end(),
                surface=text[match.start() : match.end()].strip(),
            )
        )
    return found


def dates(text: str, published: str | None = None) -> list[DatePoint]:
    """Every date in ``text`` at its own granularity; relative ones need ``published``."""
    today = parse_iso(published)
    low = lowered(text)
    if low is not None and not (_DIGIT.search(low) or any(w in low for w in _DATE_WORDS)):
        return []
    found: list[DatePoint] = []
    for m in _DATE.finditer(text, low):  # groups are only read lowercased
        point: tuple[str, object] | None = None
        if m["month"] or m["month2"]:
            month = _MONTHS[(m["month"] or m["month2"]).lower()]
            year = int(m["myear"] or m["myear2"])
            day = m["day"] or m["day2"]
            point = ("day", (year, month, int(day))) if day else ("month", (year, month))
        elif m["year"]:
            point = ("year", int(m["year"]))
        elif m["rel"] and today:
            shift = {"last": -1, "next": 1, "this": 0}[m["rel"].lower()]
            if m["relunit"].lower() == "year":
                point = ("year", today.year + shift)
            else:
                month_index = today.year * 12 + today.month - 1 + shift
                point = ("month", (month_index // 12, month_index % 12 + 1))
        elif m["weekday"]:
            point = ("weekday", m["weekday"].lower())
        elif m["yesterday"] and today:
            offset = 1 if m["yesterday"].lower() == "yesterday" else 0
            when = today - timedelta(days=offset)
            point = ("day", (when.year, when.month, when.day))
        if point:
            surface = text[m.start() : m.end()].strip()
            found.append(DatePoint(point[0], point[1], m.start(), m.end(), surface))
    return found
