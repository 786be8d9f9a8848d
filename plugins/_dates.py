"""Resolve relative dates ("last year", "on Friday", "January 13") against an article's date.

Used by the stand-alone claim writer: each resolved expression is kept as written and followed by
its value in square brackets, an editor's insertion that leaves the quoted words exact: "last
year" becomes "last year [2014]" and a reader sees both. The contradiction plugin reads days and
months written without a year ("on January 13", "in March") with :func:`undated_points`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from claimtrack_plugins._regex import LazyPattern

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_ABBR = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH_WORD = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAY_WORD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# One alternation so that the longest expression at a position wins and none overlap.
_EXPRESSION = LazyPattern(
    rf"\b(?P<yearrel>(?:last|this|next) year)\b"
    rf"|\b(?P<monthrel>(?:last|this|next) month)\b"
    rf"|\b(?P<dayword>yesterday|today|tomorrow)\b"
    rf"|\b(?P<weekrel>last|next|this)\s+(?P<weekday2>{_WEEKDAY_WORD})\b"
    rf"|\b(?P<monthday>{_MONTH_WORD}\s+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?)\b"
    rf"(?![,\s]*(?:\d{{4}}|\())"
    rf"|\b(?P<weekday>{_WEEKDAY_WORD})\b(?!,?\s+(?:{_MONTH_WORD}|\d|\())"
    rf"|\b(?:in|since|until|by|from)\s+(?P<month>{_MONTH_WORD})(?![\s,]*(?:\d|\())",
    re.IGNORECASE,
)
_MONTH_STEMS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# Month names are matched capitalised only: "may" and "march" are also verbs. A year after the
# day or month (read by the quantity and date reader) or a resolved value in brackets excludes it.
_UNDATED = LazyPattern(
    rf"\b(?P<month>{_MONTH_WORD})\s+(?P<day>{_DAY})\b(?![,\s]*(?:\d|\())"
    rf"|(?<![\d,.])\b(?P<day2>{_DAY})\s+(?:of\s+)?(?P<month2>{_MONTH_WORD})(?![\w,\s]*\d|\s*\()"
    rf"|\b(?i:in|since|until|by|from|during|early|late|mid|end of|beginning of|start of)[\s-]+"
    rf"(?P<month3>{_MONTH_WORD})(?![\w,\s]*\d|\s*\()"
)
# Markers that an undated day or month lies ahead of the article's date, not behind it.
_FUTURE = LazyPattern(
    r"\b(?:will|won['’]t|shall|going to|(?:is|are) (?:set|scheduled|due|expected|planned) to"
    r"|plans? to|next|upcoming|scheduled for)\b",
    re.IGNORECASE,
)
_FUTURE_WINDOW = 60


def parse_iso(value: str | None) -> date | None:
    """The date in a ``YYYY-MM-DD`` string (longer strings are cut), or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def resolve_dates(text: str, published: date) -> tuple[str, list[dict[str, str]]]:
    """``text`` with each relative date followed by its value, and the list of resolutions.

    An undated weekday, month-day or month is taken as the nearest one on or before
    ``published``, unless a future marker ("will", "next", "is scheduled to") comes shortly
    before it in the same text, in which case it is the nearest one on or after.
    """
    out: list[str] = []
    found: list[dict[str, str]] = []
    last = 0
    for match in _EXPRESSION.finditer(text):
        ahead = bool(_FUTURE.search(text[max(0, match.start() - _FUTURE_WINDOW) : match.start()]))
        value = _value(match, published, ahead)
        if value is None:
            continue
        out.append(text[last : match.end()])
        out.append(f" [{value}]")
        found.append({"expression": match.group(0), "value": value})
        last = match.end()
    out.append(text[last:])
    return "".join(out), found


def _value(match: re.Match[str], published: date, ahead: bool) -> str | None:
    groups = match.groupdict()
    if groups["yearrel"]:
        return str(published.year + _offset(groups["yearrel"]))
    if groups["monthrel"]:
        index = published.year * 12 + published.month - 1 + _offset(groups["monthrel"])
        return f"{_MONTHS[index % 12].capitalize()} {index // 12}"
    if groups["dayword"]:
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[groups["dayword"].lower()]
        return (published + timedelta(days=shift)).isoformat()
    if groups["weekday2"]:
        relation = groups["weekrel"].lower()
        return _weekday(
            published, groups["weekday2"], ahead=relation != "last", strict=relation != "this"
        ).isoformat()
    if groups["monthday"]:
        month = _month_number(groups["monthday"].split()[0])
        return _month_day(published, month, int(groups["day"]), ahead)
    if groups["weekday"]:
        return _weekday(published, groups["weekday"], ahead=ahead, strict=False).isoformat()
    if groups["month"]:
        return str(_month_year(published, _month_number(groups["month"]), ahead))
    return None


def undated_points(text: str, published: str | None) -> list[tuple[str, object, int, int, str]]:
    """Days and months written without a year, as (granularity, value, start, end, surface).

    With a publication date (``YYYY-MM-DD``) they are read as the nearest such day or month on
    or before it (after it when a future marker comes shortly before, as in :func:`resolve_dates`):
    ``("day", (2015, 1, 13))`` and ``("month", (2015, 3))``. Without one the year stays unknown:
    ``("monthday", (1, 13))`` and ``("monthname", 3)``.
    """
    if not any(month in text for month in _MONTH_STEMS):
        return []  # most texts name no month: skip the pattern
    today = parse_iso(published)
    found: list[tuple[str, object, int, int, str]] = []
    for match in _UNDATED.finditer(text):
        day_text = match["day"] or match["day2"]
        month = _month_number(match["month"] or match["month2"] or match["month3"])
        surface = match.group(0).strip()
        ahead = bool(_FUTURE.search(text[max(0, match.start() - _FUTURE_WINDOW) : match.start()]))
        point: tuple[str, object]
        if day_text:
            day = int(day_text.rstrip("stndrh"))
            if today is None:
                point = ("monthday", (month, day))
            else:
                value = _month_day(today, month, day, ahead)
                if value is None:
                    continue  # no such day ("February 30")
                when = date.fromisoformat(value)
                point = ("day", (when.year, when.month, when.day))
        elif today is None:
            point = ("monthname", month)
        else:
            point = ("month", (_month_year(today, month, ahead), month))
        found.append((*point, match.start(), match.end(), surface))
    return found


def _month_year(published: date, month: int, ahead: bool) -> int:
    """The year of the nearest ``month`` on or before ``published`` (on or after if ``ahead``)."""
    if not ahead and month > published.month:
        return published.year - 1
    if ahead and month < published.month:
        return published.year + 1
    return published.year


def _offset(phrase: str) -> int:
    return {"last": -1, "this": 0, "next": 1}[phrase.split()[0].lower()]


def _month_number(word: str) -> int:
    key = word.lower().rstrip(".")
    return _MONTHS.index(key) + 1 if key in _MONTHS else _MONTH_ABBR[key]


def _month_day(published: date, month: int, day: int, ahead: bool) -> str | None:
    for year in (published.year, published.year + (1 if ahead else -1)):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if (candidate >= published) == ahead or candidate == published:
            return candidate.isoformat()
    return None


def _weekday(published: date, name: str, ahead: bool, strict: bool) -> date:
    """The named weekday nearest ``published`` in the given direction (``strict``: not itself)."""
    target = _WEEKDAYS.index(name.lower())
    if ahead:
        days = (target - published.weekday()) % 7
        return published + timedelta(days=days or (7 if strict else 0))
    days = (published.weekday() - target) % 7
    return published - timedelta(days=days or (7 if strict else 0))
