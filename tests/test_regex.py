"""The plugins' regular expressions: compiled lazily, and caseless ones matched in lowered text."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
import time
from types import ModuleType
from typing import Any

import pytest

import claimtrack
import claimtrack_plugins
from claimtrack_plugins import _lexicon, _regex
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


# --- Every pattern in the project runs in linear time on adversarial text (issue 7, item 4) ---

#: Strings repeated to the test's sizes: runs that make a backtracking pattern re-read its input.
UNITS = [
    "a", " ", ".", "'", "A", "9", "\r", "\n", "“", "A. ", "Mr. ", "1,", "1.1.", "$1", "x,", "Aa ",
    "A'", "Aa-", "aB", "a-", "\t ", ", ", "Jan 1 ", "Aa of ", "the ", "said ", "a ", "Aa Bb, ",
    "“Aa ", '"', "”", "‘a’ ",
]  # fmt: skip
#: Texts whose run sits after an opening that some patterns need before it.
LEADS = [
    ("By ", "Aa "), ("Published in ", "x,"), ("A", "a"), ("“", "word "), ("```", " "),
    (", the ", "a"), ("He said", " "), ("report by ", "Aa "), ("$", "1,"),
    ("Officials said ", "Aa "),
]  # fmt: skip
#: Patterns used only on a window of at most this many characters, by design (see their comments).
WINDOWED: dict[str, int] = {}
#: Patterns used only anchored (``match``/``fullmatch`` at one offset), by design: name prefixes.
ANCHORED = ("claimtrack_plugins._numbers._WORD_AFTER", "claimtrack_plugins.furniture._LINE_RULES[")
SIZE = 2_000  # characters; the long text is four times this
GROWTH = 8.0  # linear time grows about 4x on 4x the text, quadratic 16x
FLOOR = 2e-4  # seconds: times below this are too short to tell growth from noise


def _modules() -> list[ModuleType]:
    found = []
    for package in (claimtrack, claimtrack_plugins):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith("__main__"):
                found.append(importlib.import_module(info.name))
    return found


def _compiled(value: object) -> list[tuple[str, object]]:
    """The patterns a module-level value holds, each with a suffix naming it within the value."""
    if isinstance(value, re.Pattern):
        return [("", value)]
    if isinstance(value, LazyPattern):
        return [("", re.compile(*value._source))]
    if isinstance(value, CaselessPattern):
        return [(".lower", re.compile(*value.lower._source)), *_compiled(value.exact)]
    items = value.items() if isinstance(value, dict) else None
    if isinstance(value, list | tuple):
        items = enumerate(value)
    return [(f"[{k}]{sub}", p) for k, item in items or () for sub, p in _compiled(item)]


def all_patterns() -> dict[str, object]:
    """Every compiled pattern held at module level in claimtrack and the bundled plugins, and
    the bundled contradiction lexicon's (its denials filled in with a word)."""
    found: dict[str, object] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, ModuleType) or callable(value):
                continue
            for suffix, pattern in _compiled(value):
                found.setdefault(f"{module.__name__}.{name}{suffix}", pattern)
    for frame in _lexicon.load_lexicon([_lexicon._bundled_path()]).frames:
        for k, claim in enumerate(frame.claim):
            found[f"frames.toml {frame.name}.claim[{k}]"] = claim
        groups = {name: "x" for claim in frame.claim for name in claim.groupindex}
        for k, denial in enumerate(frame.denials(groups)):
            found[f"frames.toml {frame.name}.denial[{k}]"] = denial
    return found


def _samples(size: int) -> list[str]:
    runs = [unit * (size // len(unit)) for unit in UNITS]
    return [
        *runs,
        *(run + "!" for run in runs),
        *(lead + unit * (size // len(unit)) + " x!" for lead, unit in LEADS),
    ]


def _run(name: str, pattern: Any, text: str) -> None:
    if name in WINDOWED:
        width = WINDOWED[name]
        for start in range(0, len(text), width // 2):
            pattern.search(text, start, start + width)
    elif name.startswith(ANCHORED):
        pattern.match(text)
        pattern.fullmatch(text)
    else:
        for _ in pattern.finditer(text):
            pass
        if isinstance(pattern, re.Pattern):
            pattern.match(text)


def _seconds(name: str, pattern: Any, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.process_time()  # CPU time: other processes on the machine do not count
        _run(name, pattern, text)
        best = min(best, time.process_time() - began)
    return best


def _growth(name: str, pattern: Any, short: str, long: str, repeat: int) -> tuple[float, float]:
    return _seconds(name, pattern, short, repeat), _seconds(name, pattern, long, repeat)


PATTERNS = all_patterns()


def test_every_pattern_is_found() -> None:
    assert len(PATTERNS) > 80  # a floor that shows the search works; fewer patterns is better
    for name in (*WINDOWED, "claimtrack.text._BOUNDARY", "claimtrack.store.matching._WORD"):
        assert name in PATTERNS, name
    for prefix in ANCHORED:
        assert any(name.startswith(prefix) for name in PATTERNS), prefix


@pytest.mark.parametrize(
    "name",
    sorted(PATTERNS),
)
def test_pattern_time_is_linear_in_the_text(name: str) -> None:
    """Time on 4x the text grows less than 8x (quadratic: 16x), rechecked before failing."""
    pattern = PATTERNS[name]
    gc.disable()
    try:
        for short, long in zip(_samples(SIZE), _samples(4 * SIZE), strict=True):
            small, large = _growth(name, pattern, short, long, 1)
            if large / max(small, FLOOR) >= GROWTH:  # a noisy measure: take the best of five
                small, large = _growth(name, pattern, short, long, 5)
            assert large / max(small, FLOOR) < GROWTH, (
                f"{name} takes {small * 1e3:.1f} ms on {short[:16]!r}… ({len(short)} chars) and "
                f"{large * 1e3:.1f} ms on {len(long)} chars: super-linear"
            )
    finally:
        gc.enable()
