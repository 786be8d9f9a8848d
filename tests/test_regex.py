"""The plugins' regular expressions: compiled lazily, and caseless ones matched in lowered text."""

from __future__ import annotations

import re

import pytest

from claimtrack_plugins import _regex
from claimtrack_plugins._regex import CaselessPattern, LazyPattern, lowered

SAMPLES = [
    "The Port said 13,000 TONNES were moved last Year, up from twelve thousand.",
    "Über 40 Prozent — “Nine” said the \u0130stanbul office; \u017fix ships, a 5 \u212a hull.",
    "ı think so",
    "",
    "Straße, ÉTÉ and ΣΊΣΥΦΟΣ met on Monday",
]


def test_lowered_refuses_texts_where_case_folding_differs() -> None:
    assert lowered("The PORT") == "the port"
    assert lowered("Über “Nine”") == "über “nine”"
    for odd in ("\u0130stanbul", "\u0131s", "\u017fix", "5 \u212a"):  # İ ı ſ K (Kelvin)
        assert lowered(odd) is None


def test_lowering_keeps_every_character_class() -> None:
    """The assumption behind CaselessPattern, checked over every code point."""
    chars = [chr(c) for c in range(0x110000) if len(chr(c).lower()) == 1]
    chars = [c for c in chars if lowered(c) is not None]
    text = "".join(chars)
    low = "".join(c.lower() for c in chars)
    for cls in (r"\w", r"\s", r"\d"):
        assert [m.start() for m in re.finditer(cls, text)] == [
            m.start() for m in re.finditer(cls, low)
        ]
    caseless = [m.start() for m in re.finditer("[a-z]", text, re.IGNORECASE)]
    assert caseless == [m.start() for m in re.finditer("[a-z]", low)]
    assert all(re.fullmatch(low[i], text[i], re.IGNORECASE) for i in caseless)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b(?:last|this|next) (?P<unit>year|month)\b",
        r"(?P<n>\d+|twelve|nine|six)\s?(?P<unit>tonnes?|per\s?cent|%|k)?",
        r"\b(?:said|says)\b|[:“]",
        r"[a-z]+ed\b",
    ],
)
def test_caseless_pattern_matches_as_ignorecase_does(pattern: str) -> None:
    caseless = CaselessPattern(pattern)
    exact = re.compile(pattern, re.IGNORECASE)
    for text in SAMPLES:
        low = lowered(text)
        found = [(m.span(), m.groups()) for m in caseless.finditer(text, low)]
        expected = [
            (m.span(), tuple(g and g.lower() if low is not None else g for g in m.groups()))
            for m in exact.finditer(text)
        ]
        assert found == expected
        first = caseless.search(text, low)
        assert (first and first.span()) == (expected[0][0] if expected else None)


@pytest.mark.parametrize("pattern", [r"Monday", r"(?i:x)", r"(?-i:[a-z])", "Straße", "Ü"])
def test_caseless_pattern_must_be_written_in_lower_case(pattern: str) -> None:
    with pytest.raises(ValueError, match="lower case"):
        CaselessPattern(pattern)


def test_caseless_pattern_allows_escapes_and_group_names() -> None:
    CaselessPattern(r"(?P<word>\S+)\W\B\D[£€“]")


def test_lazy_pattern_compiles_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(_regex.re, "compile", counting)
    lazy = LazyPattern(r"(\d+) (tonnes)", re.IGNORECASE)
    assert compiled == []
    assert lazy.search("moved 40 TONNES").group(1) == "40"
    assert lazy.sub(r"\2", "40 tonnes") == "tonnes"
    assert [m.span() for m in lazy.finditer("1 tonnes, 2 Tonnes")] == [(0, 8), (10, 18)]
    assert lazy.pattern == r"(\d+) (tonnes)"
    with pytest.raises(AttributeError):
        _ = lazy._private
