"""Whether an edit to a claim's sentence changes what it claims.

A rescan keeps a lightly edited claim's id; its verdict holds only if the edit left what can be
checked alone. A changed number ("47,000" → "90,000"), date ("March" → "April", "2023" →
"2024"), name ("Berg" → "Holm") or negation ("rose" → "did not rise") reopens the verdict; a
fixed typo or a reworded clause around the same facts does not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

#: Words that turn a statement into its denial.
NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nor", "neither", "nobody", "nothing", "nowhere", "without",
     "cannot", "n't"}
)  # fmt: skip
#: Characters stripped from both ends of a word before it is compared.
_PUNCTUATION = "\"'“”‘’«».,;:!?()[]{}…—–-"


def material_change(before: str, after: str) -> str | None:
    """What an edit changed that a verdict depends on ("number 47,000 → 90,000"), or None.

    Words are compared as multisets, so moving a number or a name within the sentence is not a
    change, but adding, removing or replacing one is.
    """
    old, new = _words(before), _words(after)
    for kind, pick in (("number", _numbers), ("name", _names), ("negation", _negations)):
        was, now = Counter(pick(old)), Counter(pick(new))
        if was != now:
            gone = ", ".join(sorted((was - now).elements())) or "—"
            came = ", ".join(sorted((now - was).elements())) or "—"
            return f"{kind} {gone} → {came}"
    return None


def _words(text: str) -> list[str]:
    words = []
    for raw in text.replace("n’t", " n't").replace("n't", " n't").split():
        word = raw.strip(_PUNCTUATION) or raw
        if word:
            words.append(word)
    return words


def _numbers(words: Iterable[str]) -> list[str]:
    """Numbers (and dates' days and years) as written, thousands separators and all."""
    return [w for w in words if any(c.isdigit() for c in w)]


def _names(words: list[str]) -> list[str]:
    """Capitalised words past the first: names of people, places, organisations and months."""
    return [w for w in words[1:] if w[:1].isupper() and w.lower() not in NEGATIONS]


def _negations(words: Iterable[str]) -> list[str]:
    return [w.lower() for w in words if w.lower() in NEGATIONS]
