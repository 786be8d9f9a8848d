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
    EVIDENCE_NOUNS,
    FEMALE_NAMES,
    FEMALE_TITLES,
    GROUP_NOUNS,
    MALE_NAMES,
    MALE_TITLES,
    NOT_NAMES,
    ORG_WORDS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    PROTAGONIST_ROLES,
    QUANTITIES,
    ROLE_NOUNS,
    SELF_PRONOUNS,
    TITLES,
)
from claimtrack_plugins._regex import RunPattern

# A name word ends where its run of word characters, apostrophes and hyphens ends, so the first
# form is atomic: read once, not once per lowercase letter it could end its [a-z] at.
_NAME_WORD = r"(?:(?>[A-Z][\w'’-]*[a-z][\w'’-]*)|[A-Z]\.|[A-Z]{2,}(?=[\s,]))"
# A name can start inside a word after an apostrophe or a hyphen ("al-Assad"). Where an earlier
# start in that word failed, a later one fails too unless no apostrophe or hyphen follows it ("AB-CD
# Smith", "Aa-B. Smith"): each start is tried from the word's first capital and then from its last
# one after an apostrophe or a hyphen, so a long word ("A'A'A'…") is not re-read from each capital.
_FULL_NAME = RunPattern(
    rf"\b{_NAME_WORD}(?:[ \t]++{_NAME_WORD}){{1,3}}", r"\b[A-Z](?:[\w'’-]*['’-](?=[A-Z]))?"
)
#: How far back (in characters) a relative "who" looks for the person it refers to.
_RELATIVE_REACH = 80
#: Studies, surveys and polls all answer to "the study": the key they are filed under.
RESEARCH = "study"
RESEARCH_NOUNS = frozenset(["study", "survey", "poll", "analysis", "review", "audit"])
_RESEARCH = RunPattern(
    r"\b([A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*)*)(?:['’]s)?[ \t]+(?:[a-z-]+[ \t]+)?"
    r"(?:study|survey|poll|analysis|review|audit)\b",
    r"\b[A-Z][\w&-]*+(?:[ \t]++[A-Z][\w&-]*+)*+",  # a run of capitalised words: tried once
)
#: Characters after a mention's start within which its own document noun lies ("Another slide").
_OWN_NOUN = 24
#: Documents are filed under this prefix and their noun ("document:slide").
_DOCUMENT = "document:"
_DOCUMENT_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(DOCUMENT_NOUNS | EVIDENCE_NOUNS, key=len, reverse=True)) + r")\b"
)
#: Tokens dropped from a mention before naming it: abbreviation points and quotation marks.
_NOT_NAME_TOKENS = frozenset('."“”«»„')
_POSSESSIVE = re.compile(r"['’]s$")
_CAPS = r"[A-Z][\w&'’-]*(?:[ \t]+[A-Z][\w&'’-]*)*"
# Spaces are read from the first of a run (a later start would end where it does).
_CONNECTOR = re.compile(r"(?<![ \t])[ \t]++(?:for|of|on)[ \t]++")
_LONG_ORG = RunPattern(
    rf"\b({_CAPS})(?:[ \t]+(?:for|of|on)[ \t]+(?:the[ \t]+)?{_CAPS})+",
    r"\b[A-Z][\w&'’-]*+(?:[ \t]++[A-Z][\w&'’-]*+)*+",  # a run of capitalised words: tried once
)
#: Who a document belongs to, read after it: "a report by the Budget Office", "a slide from a
#: presentation that Mr. Guajardo Villarreal … carry". Matched right after the document's noun;
#: the spaces are read from the first of a run, so searching a text for it is linear too.
_OWNER_AFTER = re.compile(
    rf"(?<![ \t])[ \t]++(?:(?:by|from)[ \t]+(?:the[ \t]+)?(?P<by>{_CAPS})"
    rf"|(?:(?:from|of|in)[ \t]+(?:a|an|the|his|her|their|its)[ \t]+(?P<doc>[a-z-]+)[ \t]+)?"
    rf"(?:that|which)[ \t]+(?:(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep)\.[ \t]+)?(?P<who>{_CAPS}))"
)
# These three end at the end of the text they search, and a search tries every start in it:
# they are searched only in the few characters before a name or a document noun, by design
# (_OWNER_WINDOW, _TITLE_WINDOW, _ROLE_WINDOW), never in a whole text.
_OWNER_BEFORE = re.compile(rf"({_CAPS})['’]s[ \t]+(?:[a-z-]+[ \t]+)?$")
_WORD_BEFORE = re.compile(r"([\w-]+)\.?[ \t]+$")
_ROLE_BEFORE = re.compile(r"([a-z][\w-]*)[ \t]+(?:[A-Z][a-z]{1,3}\.[ \t]+)?$")
_OWNER_WINDOW, _TITLE_WINDOW, _ROLE_WINDOW = 60, 20, 40
_ROLE_AFTER = re.compile(r"^,[ \t]+(?:the|a|an|its|his|her|their)?[ \t]*([^,.;:“”\"]{1,80})")


@dataclass(frozen=True, slots=True)
class Named:
    """A full name found in the text at ``start``: whether it looks like a person, and the
    gender its title, a kinship word or its first name tells ("f", "m" or None)."""

    start: int
    name: str
    person: bool
    gender: str | None = None


def gender_of(name: str, titled: dict[str, str] | None = None) -> str | None:
    """A person's gender from the titles met in the text, else from the first name."""
    if titled and name.lower() in titled:
        return titled[name.lower()]
    first = name.split()[0].lower() if name.strip() else ""
    if first in FEMALE_NAMES:
        return "f"
    if first in MALE_NAMES:
        return "m"
    return None


@dataclass(slots=True)
class Resolver:
    """Resolves source mentions in text order; remembers the speakers it has named."""

    names: list[Named]
    roles: dict[str, list[tuple[int, str]]]
    speakers: list[tuple[int, str, bool]] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list, init=False, repr=False)
    #: Where each person name is mentioned.
    _occurrences: dict[str, list[int]] = field(default_factory=dict, init=False, repr=False)
    #: The mentions of the person names each sequence of words abbreviates (_abbreviations).
    _abbreviated: dict[tuple[str, ...], list[tuple[int, str]]] = field(
        default_factory=dict, init=False, repr=False
    )
    #: After each mention of a person, in text order: who is named most often so far (_leaders).
    _leaders: list[tuple[int, str]] = field(default_factory=list, init=False, repr=False)
    #: The mentions of persons by their gender ("f", "m" or None; "" for all), in text order.
    _people: dict[str | None, list[tuple[int, str]]] = field(
        default_factory=dict, init=False, repr=False
    )
    #: The speakers named so far, in text order, by each (person, gender) that ``_recent`` may
    #: ask for and they answer.
    _spoken: dict[tuple[bool | None, str | None], list[tuple[int, str]]] = field(
        default_factory=dict, init=False, repr=False
    )
    #: Organisations' long names by their short form ("Peterson Institute").
    _long_names: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._starts = [n.start for n in self.names]
        for named in self.names:
            if named.person:
                self._occurrences.setdefault(named.name, []).append(named.start)
            else:
                short = _CONNECTOR.split(named.name)[0]
                if short != named.name:
                    self._long_names.setdefault(short, named.name)
            if named.gender and named.name.lower() not in self.genders:
                self.genders[named.name.lower()] = named.gender
        mentions = sorted(
            (start, name) for name, starts in self._occurrences.items() for start in starts
        )
        self._abbreviated = _abbreviations(mentions)
        self._leaders = _leaders(mentions)
        for named in self.names:
            if named.person:
                for key in ("", gender_of(named.name, self.genders)):
                    self._people.setdefault(key, []).append((named.start, named.name))

    def _full(self, parts: list[str], offset: int) -> str | None:
        """The full name that ``parts`` (a surname, a first name, or both) abbreviates: the
        latest mentioned before ``offset``, else the first after it."""
        found = self._abbreviated.get(tuple(p.lower() for p in parts))
        return (_latest(found, offset) or found[0][1]) if found else None

    def _recent(self, offset: int, person: bool | None, gender: str | None = None) -> str | None:
        """The latest speaker before ``offset`` (a person, or not, if asked), else the latest
        person named; one of the other gender is passed over ("her" is not "Mr. Trump")."""
        found = _latest(self._spoken.get((person, gender or None), []), offset)
        if found or not person:
            return found
        if not gender:
            return _latest(self._people.get("", []), offset)
        # One of that gender, else the latest whose gender is unknown.
        return _latest(self._people.get(gender, []), offset) or _latest(
            self._people.get(None, []), offset
        )

    def _remember(self, start: int, name: str, person: bool) -> None:
        """Record a speaker named at ``start`` (mentions come in text order)."""
        self.speakers.append((start, name, person))
        last = name.split()[-1:]
        named = not (last and last[0][:1].islower())  # "she" is not an unnamed "judge"
        known = gender_of(name, self.genders)
        for gender in (None, "f", "m"):
            if gender is None or (named and known in (gender, None)):
                for kind in (None, person):
                    self._spoken.setdefault((kind, gender), []).append((start, name))

    def _owner(self, noun: str, offset: int) -> tuple[str | None, bool] | None:
        """Who the latest document of this kind belongs to ("another slide" → its presenter)."""
        found = self.roles.get(_DOCUMENT + noun.rstrip("s"))
        if not found:
            return None
        # The mention's own noun may carry its owner ("An email from Neera Tanden reveals").
        index = bisect_left(found, offset + _OWN_NOUN, key=lambda item: item[0])
        owner = found[index - 1][1] if index else None
        return (
            self._name([_POSSESSIVE.sub("", w) for w in owner.split()], offset) if owner else None
        )

    def _organisation(self, short: str) -> str:
        """The long name an organisation was introduced with ("Peterson Institute" →
        "Peterson Institute for International Economics")."""
        return self._long_names.get(short, short)

    def _protagonist(self, offset: int) -> str | None:
        """The person named most often before ``offset``: who "the nominee" is when no one
        was introduced with that role."""
        return _latest(self._leaders, offset)

    def _bound(self, start: int, offset: int, gender: str) -> str | None:
        """The first person named in ``[start, offset)`` of that gender, else the first whose
        gender is unknown."""
        return _first(self._people.get(gender, []), start, offset) or _first(
            self._people.get(None, []), start, offset
        )

    def _antecedent(self, offset: int) -> str | None:
        """The person a relative "who" refers to: the latest full name just before it."""
        index = bisect_left(self._starts, offset)
        for named in reversed(
            self.names[bisect_left(self._starts, offset - _RELATIVE_REACH) : index]
        ):
            if named.person and named.start > offset - _RELATIVE_REACH:
                return named.name
        return None

    def _role(self, role: str, offset: int) -> str | None:
        found = self.roles.get(role)
        if not found:
            return None
        index = bisect_left(found, offset, key=lambda item: item[0])
        return found[index - 1][1] if index else found[0][1]

    def resolve(self, words: tuple[Token, ...], sentence: int | None = None) -> str | None:
        """The name the mention ``words`` refers to, and record it as the latest speaker.

        ``sentence`` is where the mention's sentence starts: "he" and "she" refer first to a
        person named earlier in the same sentence ("Matt Lauer faced criticism after he
        asked …").
        """
        low = words[0].low
        if sentence is not None and len(words) == 1 and low in ("he", "she"):
            bound = self._bound(sentence, words[0].start, _pronoun_gender(low))
            if bound:
                self._remember(words[0].start, bound, True)
                return bound
        name, person = self._resolve(words)
        if name:
            self._remember(words[0].start, name, person)
        return name

    def _resolve(self, words: tuple[Token, ...]) -> tuple[str | None, bool]:
        offset = words[0].start
        if len(words) == 1:
            low = words[0].low
            if low in PERSON_PRONOUNS:
                return self._recent(offset, True, _pronoun_gender(low)), True
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
                return self._recent(offset, True, _pronoun_gender(words[0].low)), True
            if words[0].low in PLURAL_PRONOUNS:
                return self._recent(offset, None), False
        texts = [w.text for w in words if w.text not in _NOT_NAME_TOKENS]
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
            if producer and low in DOCUMENT_NOUNS | GROUP_NOUNS and low not in QUANTITIES:
                return producer, False
            owner = self._owner(low, offset)
            if owner:
                return owner
            if low in RESEARCH_NOUNS:
                return self._role(RESEARCH, offset) or " ".join(texts), False
            if low in ROLE_NOUNS or (low.rstrip("s") in ROLE_NOUNS and low not in GROUP_NOUNS):
                found = self._role(low, offset)
                if not found and low in PROTAGONIST_ROLES:
                    found = self._protagonist(offset)
                return found or " ".join(texts), True
            return " ".join(texts), False
        run: list[str] = []
        for text in reversed(texts):
            if not text[0].isupper():
                break
            run.insert(0, text)
        titled = len(texts) > len(run) and texts[-len(run) - 1].lower() in ROLE_NOUNS
        if any(w.lower() in ORG_WORDS for w in run) or (
            len(texts) > len(run) and texts[0].lower() in GROUP_NOUNS and not titled
        ):
            return self._organisation(" ".join(run)), False  # "Foreign Office" keeps "Foreign"
        while len(run) > 1 and run[0].lower().rstrip(".") in TITLES:
            run = run[1:]
        full = self._full(run, offset)
        if full:
            return full, True
        if len(run) == 1 or run[0].isupper():
            return " ".join(run), len(run) > 1 or not run[0].isupper()
        return " ".join(run), True


def _latest(found: list[tuple[int, str]], offset: int) -> str | None:
    """The name of the last of ``found`` (start, name), in text order, before ``offset``."""
    index = bisect_left(found, offset, key=lambda item: item[0])
    return found[index - 1][1] if index else None


def _first(found: list[tuple[int, str]], start: int, end: int) -> str | None:
    """The name of the first of ``found`` (start, name), in text order, in ``[start, end)``."""
    index = bisect_left(found, start, key=lambda item: item[0])
    return found[index][1] if index < len(found) and found[index][0] < end else None


def _abbreviations(
    mentions: list[tuple[int, str]],
) -> dict[tuple[str, ...], list[tuple[int, str]]]:
    """The mentions (start, name) of person names, in text order, by each sequence of lowered
    words that abbreviates the name: its last words, or all of it but its last word."""
    found: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for start, name in mentions:
        words = tuple(name.lower().split())
        for key in {*(words[-n:] for n in range(1, len(words))), words[:-1]}:
            found.setdefault(key, []).append((start, name))
    return found


def _leaders(mentions: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """After each of the mentions (start, name) of persons, in text order: its start and the
    person named most often up to it (by surname; of those as often, the first mentioned),
    named as first mentioned."""
    counts: dict[str, int] = {}
    first: dict[str, tuple[int, str]] = {}
    leader = ""
    found = []
    for start, name in mentions:
        surname = name.lower().split()[-1]
        first.setdefault(surname, (start, name))
        counts[surname] = counts.get(surname, 0) + 1
        ahead = (counts[surname], -first[surname][0])
        if not leader or ahead > (counts[leader], -first[leader][0]):
            leader = surname
        found.append((start, first[leader][1]))
    return found


def _pronoun_gender(low: str) -> str:
    return "f" if low in ("she", "her", "hers", "herself") else "m"


def _producer(texts: list[str]) -> str | None:
    """The capitalised words just before a document noun: "a recent Reuters survey" → Reuters."""
    run: list[str] = []
    for text in reversed(texts[:-1]):
        if not text[0].isupper():
            break
        run.insert(0, _POSSESSIVE.sub("", text))
    return " ".join(run) or None


def find_names(text: str) -> list[Named]:
    """Runs of two to four capitalised words, without leading titles, in text order, and the
    long names of organisations ("Peterson Institute for International Economics")."""
    found = [
        Named(m.start(), m.group(), False)
        for m in _LONG_ORG.finditer(text)
        if any(w.lower() in ORG_WORDS for w in m.group(1).split())
    ]
    for match in _FULL_NAME.finditer(text):
        words = match.group().split()
        start = match.start()
        gender = _titled(text, start)
        while words and (
            words[0].lower().rstrip(".") in TITLES
            or _POSSESSIVE.sub("", words[0]).lower() in NOT_NAMES
            or (len(words) > 2 and _POSSESSIVE.search(words[0]))  # "MSNBC’s Chris Matthews"
        ):
            gender = gender or _title_gender(words[0])
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else start
            words = words[1:]
        if len(words) < 2 or any(w.endswith(".") and len(w) > 2 for w in words):
            continue
        words[-1] = _POSSESSIVE.sub("", words[-1])
        person = not any(w.lower() in ORG_WORDS for w in words) and not (
            any(w.isupper() and len(w.rstrip(".")) > 1 for w in words)
        )
        name = " ".join(words)
        found.append(Named(start, name, person, (gender or gender_of(name)) if person else None))
    found.sort(key=lambda n: n.start)
    return found


def _title_gender(word: str) -> str | None:
    low = word.lower().rstrip(".")
    return "f" if low in FEMALE_TITLES else "m" if low in MALE_TITLES else None


def _titled(text: str, start: int) -> str | None:
    """The gender a title or kinship word right before ``start`` tells ("wife Ivana Trump")."""
    before = _WORD_BEFORE.search(text, max(0, start - _TITLE_WINDOW), start)
    return _title_gender(before.group(1)) if before else None


def find_roles(text: str, names: list[Named]) -> dict[str, list[tuple[int, str]]]:
    """Role nouns each person is introduced with, before or in apposition after the name."""
    roles: dict[str, list[tuple[int, str]]] = {}
    for named in names:
        if not named.person:
            continue
        before = _ROLE_BEFORE.search(text, max(0, named.start - _ROLE_WINDOW), named.start)
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
    for noun, start, owner in _document_owners(text):
        roles.setdefault(_DOCUMENT + noun.rstrip("s"), []).append((start, owner))
    for found in roles.values():
        found.sort()
    return roles


def _document_owners(text: str) -> list[tuple[str, int, str]]:
    """(document noun, offset, owner) for documents whose owner the text names.

    "Ivana Trump's brief", "a report by the Congressional Budget Office", "a slide from a
    presentation that Mr. Guajardo Villarreal … carry" (both the slide and the presentation).
    """
    found = []
    for match in _DOCUMENT_WORD.finditer(text):
        noun = match.group().lower()
        before = _OWNER_BEFORE.search(text, max(0, match.start() - _OWNER_WINDOW), match.start())
        after = _OWNER_AFTER.match(text, match.end(), match.end() + 160)
        if before and before.group(1).split()[0].lower() not in NOT_NAMES:
            found.append((noun, match.start(), before.group(1)))
        elif after:
            owner = after.group("by") or after.group("who")
            if owner.split()[0].lower() in NOT_NAMES:
                continue
            found.append((noun, match.start(), owner))
            doc = after.group("doc")
            if doc and doc in DOCUMENT_NOUNS:
                found.append((doc, match.start(), owner))
    return found
