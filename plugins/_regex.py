"""Regular expressions for the plugins: compiled when first used, case-insensitive ones faster.

Compiling the plugins' patterns costs tens of milliseconds at every start, and a scan of short
texts never uses many of them (the furniture rules need a second paragraph, relative dates a
publication date): :class:`LazyPattern` compiles a pattern the first time it is used.

``re.IGNORECASE`` folds every character it compares, which makes an alternation of many words
about three times slower than the same alternation matched case-sensitively. A pattern written in
lower case finds in ``text.lower()`` exactly what it finds with ``IGNORECASE`` in ``text`` (the
same offsets, the same groups up to case) whenever lowering keeps every character one character
long and the text holds none of the four characters that match an ASCII letter under
``IGNORECASE`` without lowering to it (İ ı ſ K): then a character matches a lowercase letter
exactly when its lowercase is that letter, and lowering changes no character's class (word,
space, digit), so word boundaries stay where they were. :class:`CaselessPattern` matches that way
when :func:`lowered` allows it, and with ``IGNORECASE`` otherwise.

No pattern may take more than linear time in the text it searches (tests/test_regex.py times
each on adversarial runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_ODD = ("\u0130", "\u0131", "\u017f", "\u212a")
# What a caseless pattern may not hold: an uppercase letter outside escapes (\S, \W ...) and group
# names ((?P<name>), a letter outside ASCII that has case, or an inline flag group ((?i:)).
_CASED = re.compile(r"(?<!\\)(?<!\(\?)[A-Z]|[^\x00-\x7f]|\(\?[a-zA-Z-]+:")


def _has_case(pattern: str) -> bool:
    return any(
        m.group().isascii() or m.group().lower() != m.group().upper()
        for m in _CASED.finditer(pattern)
    )


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled the first time one of its attributes is used."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)  # later uses find the compiled pattern's method directly
        return value


def lowered(text: str) -> str | None:
    """``text`` in lower case, if matching it stands for ``IGNORECASE`` matching (module doc)."""
    low = text.lower()
    if text.isascii():
        return low
    if len(low) != len(text) or any(odd in text for odd in _ODD):
        return None
    return low


class CaselessPattern:
    """A case-insensitive pattern, matched in the lowered text when it can be (module doc).

    Each method takes the text and :func:`lowered` of it; match offsets index both. Groups come
    from the lowered text when it was used: slice the text with the offsets for the original case.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        if _has_case(pattern):
            raise ValueError(f"write the pattern in lower case, without inline flags: {pattern}")
        self.lower = LazyPattern(pattern, flags)
        self.exact = LazyPattern(pattern, flags | re.IGNORECASE)

    def search(self, text: str, low: str | None) -> re.Match[str] | None:
        """The first match."""
        return self.exact.search(text) if low is None else self.lower.search(low)

    def finditer(self, text: str, low: str | None) -> Iterator[re.Match[str]]:
        """Every match, as ``re.finditer`` gives them."""
        return self.exact.finditer(text) if low is None else self.lower.finditer(low)
