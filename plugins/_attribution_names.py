"""Resolving a source mention to a name: pronouns, role nouns, surnames and first names.

The article is read once for full names (runs of capitalised words) and for the roles they are
introduced with ("Foreign Office spokesperson Tasnim Aslam", "Tasnim Aslam, the spokesperson,").
Mentions are then resolved in text order against that and against the speakers already found.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from claimtrack_plugins._attribution_frames import Token
from claimtrack_plugins._attribution_words import (
    DETERMINERS,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    NOT_NAMES,
    ORG_WORDS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    ROLE_NOUNS,
    SELF_PRONOUNS,
    TITLES,
)

_NAME_WORD = r"(?:[A-Z][\w'’-]*[a-z][\w'’-]*|[A-Z]\.|[A-Z]{2,}(?=[\s,]))"
_FULL_NAME = re.compile(rf"\b{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,3}}")
#: How far back (in characters) a relative "who" looks for the person it refers to.
_RELATIVE_REACH = 80
#: Studies, surveys and polls all answer to "the study": the key they are filed under.
RESEARCH = "study"
RESEARCH_NOUNS = frozenset(["study", "survey", "poll", "analysis", "review", "audit"])
_RESEARCH = re.compile(
    r"\b([A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*)*)(?:['’]s)?[ \t]+(?:[a-z-]+[ \t]+)?"
    r"(?:study|survey|poll|analysis|review|audit)\b"
)
_POSSESSIVE = re.compile(r"['’]s$")
_ROLE_BEFORE = re.compile(r"([a-z][\w-]*)[ \t]+(?:[A-Z][a-z]{1,3}\.[ \t]+)?$")
_ROLE_AFTER = re.compile(r"^,[ \t]+(?:the|a|an|its|his|her|their)?[ \t]*([^,.;:“”\"]{1,80})")


@dataclass(frozen=True, slots=True)
class Named:
    """A full name found in the text at ``start``, with whether it looks like a person."""

    start: int
    name: str
    person: bool


@dataclass(slots=True)
class Resolver:
    """Resolves source mentions in text order; remembers the speakers it has named."""

    names: list[Named]
    roles: dict[str, list[tuple[int, str]]]
    speakers: list[tuple[int, str, bool]] = field(default_factory=list)

    def _full(self, parts: list[str], offset: int) -> str | None:
        """The full name that ``parts`` (a surname, a first name, or both) abbreviates."""
        want = [p.lower() for p in parts]
        n = len(want)
        before = after = None
        for named in self.names:
            if not named.person:
                continue
            words = named.name.lower().split()
            if len(words) <= n:
                continue
            if words[-n:] == want or (words[:n] == want and len(words) == n + 1):
                if named.start < offset:
                    before = named.name
                elif after is None:
                    after = named.name
        return before or after

    def _recent(self, offset: int, person: bool | None) -> str | None:
        for start, name, is_person in reversed(self.speakers):
            if start < offset and (person is None or is_person == person):
                return name
        if person:
            for named in reversed(self.names):
                if named.start < offset and named.person:
                    return named.name
        return None

    def _antecedent(self, offset: int) -> str | None:
        """The person a relative "who" refers to: the latest full name just before it."""
        close = [n for n in self.names if n.person and offset - _RELATIVE_REACH < n.start < offset]
        return close[-1].name if close else None

    def _role(self, role: str, offset: int) -> str | None:
        found = self.roles.get(role)
        if not found:
            return None
        starts = [s for s, _ in found]
        index = bisect_left(starts, offset)
        return found[index - 1][1] if index else found[0][1]

    def resolve(self, words: tuple[Token, ...]) -> str | None:
        """The name the mention ``words`` refers to, and record it as the latest speaker."""
        name, person = self._resolve(words)
        if name:
            self.speakers.append((words[0].start, name, person))
        return name

    def _resolve(self, words: tuple[Token, ...]) -> tuple[str | None, bool]:
        offset = words[0].start
        if len(words) == 1:
            low = words[0].low
            if low in PERSON_PRONOUNS:
                return self._recent(offset, True), True
            if low in PLURAL_PRONOUNS:
                return self._recent(offset, None), False
            if low in SELF_PRONOUNS:
                return self._recent(offset, True), True
            if low == "it":
                return self._recent(offset, False), False
            if low == "who":
                return self._antecedent(offset), True
            if low in PERSON_PRONOUNS or low in PLURAL_PRONOUNS or low in SELF_PRONOUNS:
                return None, False
        if len(words) > 1 and words[1].low in DOCUMENT_NOUNS:
            # "Her submission to the court noted": the document speaks for its owner.
            if words[0].low in PERSON_PRONOUNS:
                return self._recent(offset, True), True
            if words[0].low in PLURAL_PRONOUNS:
                return self._recent(offset, None), False
        texts = [w.text for w in words if w.text != "."]
        while texts and texts[0].lower() in DETERMINERS:
            texts = texts[1:]
        if not texts:
            return None, False
        # "Ivana Trump's brief said": the document speaks for its author.
        for k, text in enumerate(texts[:-1]):
            if _POSSESSIVE.search(text) and texts[-1].lower() in DOCUMENT_NOUNS:
                owner = [*texts[:k], _POSSESSIVE.sub("", text)]
                return self._name(owner, offset)
        for k, text in enumerate(texts):
            if text.lower() in ("of", "for") and k:
                texts = texts[:k]
                break
        return self._name(texts, offset)

    def _name(self, texts: list[str], offset: int) -> tuple[str | None, bool]:
        head = texts[-1]
        if not head[0].isupper():
            low = head.lower()
            producer = _producer(texts)
            if producer and low in DOCUMENT_NOUNS | GROUP_NOUNS:
                return producer, False
            if low in RESEARCH_NOUNS:
                return self._role(RESEARCH, offset) or " ".join(texts), False
            if low in ROLE_NOUNS or (low.rstrip("s") in ROLE_NOUNS and low not in GROUP_NOUNS):
                return self._role(low, offset) or " ".join(texts), True
            return " ".join(texts), False
        run: list[str] = []
        for text in reversed(texts):
            if not text[0].isupper():
                break
            run.insert(0, text)
        if any(w.lower() in ORG_WORDS for w in run) or (
            len(texts) > len(run) and (texts[0].lower() in GROUP_NOUNS)
        ):
            return " ".join(run), False  # "Foreign Office" keeps its first word
        while len(run) > 1 and run[0].lower().rstrip(".") in TITLES:
            run = run[1:]
        if len(run) == 1 or run[0].isupper():
            full = self._full(run, offset)
            if full:
                return full, True
            return " ".join(run), len(run) > 1 or not run[0].isupper()
        return " ".join(run), True


def _producer(texts: list[str]) -> str | None:
    """The capitalised words just before a document noun: "a recent Reuters survey" → Reuters."""
    run: list[str] = []
    for text in reversed(texts[:-1]):
        if not text[0].isupper():
            break
        run.insert(0, _POSSESSIVE.sub("", text))
    return " ".join(run) or None


def find_names(text: str) -> list[Named]:
    """Runs of two to four capitalised words, without leading titles, in text order."""
    found = []
    for match in _FULL_NAME.finditer(text):
        words = match.group().split()
        start = match.start()
        while words and (
            words[0].lower().rstrip(".") in TITLES
            or _POSSESSIVE.sub("", words[0]).lower() in NOT_NAMES
        ):
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else start
            words = words[1:]
        if len(words) < 2 or any(w.endswith(".") and len(w) > 2 for w in words):
            continue
        words[-1] = _POSSESSIVE.sub("", words[-1])
        person = not any(w.lower() in ORG_WORDS for w in words) and not (
            any(w.isupper() and len(w) > 1 for w in words)
        )
        found.append(Named(start, " ".join(words), person))
    return found


def find_roles(text: str, names: list[Named]) -> dict[str, list[tuple[int, str]]]:
    """Role nouns each person is introduced with, before or in apposition after the name."""
    roles: dict[str, list[tuple[int, str]]] = {}
    for named in names:
        if not named.person:
            continue
        before = _ROLE_BEFORE.search(text, max(0, named.start - 40), named.start)
        candidates = []
        # The name may start after a stripped title; look just before the title too.
        if before:
            candidates.append(before.group(1).lower())
        end = named.start + len(named.name)
        after = _ROLE_AFTER.match(text[end : end + 100])
        if after:
            candidates.extend(w.lower() for w in after.group(1).split())
        for word in candidates:
            if word in ROLE_NOUNS:
                roles.setdefault(word, []).append((named.start, named.name))
    for match in _RESEARCH.finditer(text):
        producer = _POSSESSIVE.sub("", match.group(1))
        if producer.lower() not in NOT_NAMES:
            roles.setdefault(RESEARCH, []).append((match.start(), producer))
    for found in roles.values():
        found.sort()
    return roles
