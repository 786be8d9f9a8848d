"""Who a source mention refers to: a named entity of the article, found through the parse.

A speaker's name is always a person, organisation, government or group the article names (an
entity of spaCy's recogniser), at its full length: "Aslam" is "Tasnim Aslam" when the article
names her so, "Environmental Protection officials" speak for the "Department of Environmental
Protection" the article names. A pronoun takes the latest suitable speaker or entity before it;
a role noun ("the spokesperson", "the agency") the entity the article introduced with that word
(an apposition "Tasnim Aslam, the spokesperson", a title "spokesperson Tasnim Aslam", an owner
"a report by the Tax Policy Center", or an organisation whose name holds the word). What
resolves to no entity keeps its words as the mention and gets no name.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from claimtrack import Span, Speaker
from claimtrack_plugins._frames import SOURCE_ENTITIES

if TYPE_CHECKING:  # spaCy is imported by the scan, not by loading the plugins
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

#: Titles before a name that tell its bearer's gender ("Mr. Trump", "Ms. Aslam").
_TITLES = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}
_PRONOUN_GENDER = {
    "he": "m",
    "him": "m",
    "his": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
}
_PERSONAL = frozenset(_PRONOUN_GENDER)
_GROUP = frozenset({"they", "them"})
_THING = frozenset({"it"})
#: Dependencies joining the words of one name ("West Mercia Police").
_RUN = frozenset({"compound", "flat"})
#: Typographic apostrophes and quotation marks in a name, written plainly.
_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
#: Sentences back that a pronoun may reach for a name mentioned, and for a speaker.
_PRONOUN_REACH = 3
_SPEAKER_REACH = 8
#: Dependencies that open another clause than the one a word's verb heads.
_OWN_CLAUSE_ENDS = frozenset({"ccomp", "parataxis", "advcl", "relcl", "conj", "acl", "csubj"})
#: Prepositions linking a noun to who it belongs to ("a report by X", "the spokesman for X").
_OWNER_PREPOSITIONS = frozenset({"by", "from", "of", "for", "at"})


@dataclass(frozen=True, slots=True)
class Named:
    """One mention of an entity: where, its full name, its kind and its gender if known."""

    start: int
    name: str
    label: str
    sentence: int


class Resolver:
    """Resolves source mentions of one parsed article to the entities it names."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.sentence_of = {s.start: k for k, s in enumerate(doc.sents)}
        self.sentence_starts = sorted(self.sentence_of)
        entities = _joined([e for e in doc.ents if e.label_ in SOURCE_ENTITIES and _clean(e)])
        self.organisations = sorted({_clean(e).text for e in entities if e.label_ == "ORG"})
        self.holding: dict[str, str | None] = {}
        self.entity_at: dict[int, DocSpan] = {}
        for entity in entities:
            for token in _clean(entity):
                self.entity_at[token.i] = entity
        self.gender: dict[str, str] = {}
        self.full = self._full_names(entities)
        self._own_possessives(entities)
        # A name modifying a common noun ("the Obama administration") is not who "he" is.
        self.named = [
            Named(e.start_char, self.full_name(e), e.label_, self.sentence_index(e.start))
            for e in entities
            if not (e.root.dep_ == "compound" and e.root.head.pos_ == "NOUN")
        ]
        self.named_starts = [n.start for n in self.named]
        self.roles = self._roles(entities)
        self.owners = self._owners()
        #: Speakers found so far, in text order: (offset, sentence, speaker, label).
        self.spoken: list[tuple[int, int, Speaker, str]] = []

    # --- names ---------------------------------------------------------------------------

    def _full_names(self, entities: list[DocSpan]) -> dict[str, str]:
        """Each first name and surname of a person named in full → the longest such name."""
        full: dict[str, str] = {}
        for entity in entities:
            words = _clean(entity)
            text = words.text
            if entity.label_ == "PERSON" and 2 <= len(words) <= 4 and _name_like(words):
                for key in (words[-1].text.lower(), words[0].text.lower()):
                    if len(text) > len(full.get(key, "")):
                        full[key] = text
            title = entity.doc[entity.start - 1].lower_ if entity.start else ""
            if title in _TITLES:
                self.gender[words[-1].text.lower()] = _TITLES[title]
        return full

    def _own_possessives(self, entities: list[DocSpan]) -> None:
        """Learn a person's gender from "his" or "her" in the clause the person is the subject
        of, in a sentence that names no one else and after sentences that named no one else
        (within ``_PRONOUN_REACH``): a possessive there is the subject's own ("Anthony Weiner …
        was unable to put down his phone"), where after "Donald Trump spoke …", "Hillary Clinton
        attacked his record" is Trump's. A title ("Mr.", "Ms.") told first."""
        people: dict[int, set[str]] = {}
        subjects: dict[int, DocSpan] = {}
        for entity in entities:
            if entity.label_ == "PERSON":
                sentence = self.sentence_index(entity.start)
                people.setdefault(sentence, set()).add(_clean(entity).text.split()[-1].lower())
                subjects.setdefault(sentence, entity)
        for sentence, person in subjects.items():
            nearby = set().union(
                *(people.get(s, set()) for s in range(sentence - _PRONOUN_REACH, sentence + 1))
            )
            if len(nearby) != 1 or person.root.dep_ not in ("nsubj", "nsubjpass"):
                continue
            verb = person.root.head
            genders = {
                _PRONOUN_GENDER[t.lower_]
                for t in verb.subtree
                if t.tag_ == "PRP$"
                and t.lower_ in _PRONOUN_GENDER
                and t.i >= person.end
                and _in_clause(t, verb)
            }
            if len(genders) == 1:
                self.gender.setdefault(nearby.pop(), genders.pop())

    def full_name(self, entity: DocSpan) -> str:
        """The longest form of an entity's name in the article."""
        words = _clean(entity)
        text = words.text
        if len(words) == 1:  # a surname, whatever label the recogniser gave it ("Aslam said")
            return self.full.get(text.lower(), text)
        longer = self.full.get(words[-1].text.lower(), "")
        if entity.label_ == "PERSON" and longer.endswith(" " + text):
            return longer  # "Guajardo Villarreal" named in full as "Ildefonso Guajardo Villarreal"
        if entity.label_ == "ORG" and entity.root.dep_ == "compound":
            # A name shortened to modify a noun ("Environmental Protection officials") is the
            # organisation the article names in full ("Department of Environmental Protection").
            return self._organisation_holding(text) or text
        return text

    def sentence_index(self, token_index: int) -> int:
        """The index of the sentence holding the token at ``token_index``."""
        return bisect_right(self.sentence_starts, token_index) - 1

    def _roles(self, entities: list[DocSpan]) -> dict[str, list[tuple[int, str, str]]]:
        """Role word → (offset, full name, label) of every entity introduced with that noun:
        "Tasnim Aslam, the spokesperson", "spokesperson Tasnim Aslam", "the Food Standards
        Agency" (its own words are roles of an organisation: "the agency")."""
        roles: dict[str, list[tuple[int, str, str]]] = {}
        for entity in entities:
            name = self.full_name(entity)
            root = entity.root
            nouns = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
            if root.dep_ == "appos" and root.head.pos_ == "NOUN":
                nouns.append(root.head)
            nouns.extend(t for t in root.lefts if t.dep_ == "compound" and t.pos_ == "NOUN")
            if entity.label_ == "ORG" and len(_clean(entity)) > 1:
                # "the agency" is the "Food Standards Agency"; "the state" is not "State"
                nouns.extend(t for t in _clean(entity) if t.pos_ in ("NOUN", "PROPN"))
            for noun in nouns:
                roles.setdefault(noun.lemma_.lower(), []).append(
                    (entity.start_char, name, entity.label_)
                )
        return {role: sorted(found) for role, found in roles.items()}

    # --- resolving -----------------------------------------------------------------------

    def speaker(self, head: Token, content: Span | None = None) -> Speaker:
        """The speaker a source's head token names, with the mention as written. A pronoun
        never refers to a name inside ``content``, what its own frame reports ("“Tariffs will
        hurt Ohio,” she said": she is not Ohio), as a pronoun cannot corefer with a name in
        the clause it governs."""
        if head.is_title and head.lower_ in self.full and head.i not in self.entity_at:
            # A name the recogniser missed ("Pence: …"), named in full elsewhere.
            return self._found(head, _mention(head), self.full[head.lower_], "PERSON")
        entity = self.entity_at.get(head.i)
        if entity is not None:
            words = _clean(entity)
            return self._found(
                head, words, self._with_others(head, self.full_name(entity)), entity.label_
            )
        mention = _mention(head)
        name, label = self._refer(head, mention, content)
        return self._found(head, mention, name, label)

    def names(self, head: Token) -> bool:
        """Whether ``head`` is a word of an entity's name, or a name the article gives in
        full elsewhere ("Pence" for "Mike Pence")."""
        return head.i in self.entity_at or head.lower_ in self.full

    def _with_others(self, head: Token, name: str) -> str:
        """The name, joined by the entities coordinated with it ("Roscosmos and NASA said")."""
        own = self.entity_at.get(head.i)
        others = [
            self.full_name(self.entity_at[c.i])
            for c in head.children
            if c.dep_ == "conj" and c.i in self.entity_at and self.entity_at[c.i] != own
        ]
        return " and ".join([name, *others]) if others else name

    def _found(self, head: Token, mention: DocSpan, name: str | None, label: str) -> Speaker:
        if name:  # one spelling per name: "Parliament’s Joint Committee" as typed elsewhere
            name = name.translate(_TYPOGRAPHIC)
        speaker = Speaker(
            name=name, mention=mention.text, start=mention.start_char, end=mention.end_char
        )
        if name:
            self.spoken.append((head.idx, self.sentence_index(head.i), speaker, label))
            gender = _PRONOUN_GENDER.get(head.lower_)
            if gender and label == "PERSON":
                self.gender.setdefault(name.split()[-1].lower(), gender)
        return speaker

    def _refer(self, head: Token, mention: DocSpan, content: Span | None) -> tuple[str | None, str]:
        low = head.lower_
        if head.pos_ == "PRON" or low in _PERSONAL | _GROUP | _THING:
            return self._pronoun(head, content)
        # A name set beside the noun: "the spokesperson, Tasnim Aslam".
        for token in head.rights:
            if token.dep_ == "appos" and token.i in self.entity_at:
                entity = self.entity_at[token.i]
                return self.full_name(entity), entity.label_
        role = self._role(head)
        if role[1] == "PERSON" and head.tag_ == "NNS":
            # A plural is a group, not the one person introduced with the word: "Minyon Moore,
            # an adviser" … "his advisers said"
            role = (None, "")
        if role[0] and role[1] == "PERSON":  # "the GOP nominee": the person it introduced
            return role
        # A name inside the noun phrase. A possessor speaks for what it owns ("Ivana Trump's
        # brief"), an organisation for its people and papers ("Con Edison officials", "a
        # Reuters survey"), a person for a singular noun ("the Clinton camp").
        # "Environmental Protection officials" speak for the "Department of Environmental
        # Protection" the article names; a place, or a person before a plural ("West Mercia
        # police", "Obama administration officials"), is named as written; a place before a
        # singular noun ("a New York judge") names no one.
        names = [
            t
            for t in head.lefts
            if t.dep_ in ("compound", "poss", "nmod")
            and (t.i in self.entity_at or t.pos_ == "PROPN")
        ]
        if names and head.pos_ == "NOUN":
            first = min(
                self.entity_at[t.i].start if t.i in self.entity_at else _name_start(t)
                for t in names
            )
            modifier = _clean(head.doc[first : names[-1].i + 1])
            named = self.entity_at.get(names[-1].i)
            place = named is not None and named.label_ == "GPE" and names[-1].dep_ == "compound"
            # A place does not own what is named after it: "a New York judge" is a judge in
            # New York (no one the article names), not "The New York Times"; "West Mercia
            # police" are the "West Mercia Police" the article names, if it does.
            held = f"{modifier.text} {head.text}" if place else modifier.text
            longer = self._organisation_holding(held)
            if longer and longer.lower() != modifier.text.lower():
                return longer, "ORG"
            if place and head.tag_ == "NN":
                return role  # "the New York businessman": someone from there, not named
            if named is not None and (
                names[-1].dep_ == "poss"
                or named.label_ == "ORG"
                or (named.label_ == "PERSON" and head.tag_ == "NN")
            ):
                return self.full_name(named), named.label_
            if any(t.ent_type_ and t.ent_type_ not in SOURCE_ENTITIES for t in modifier):
                # "Friday's ruling", "the Minecraft exploit": a date or a product speaks for
                # no one; only a person, organisation, government or group does
                return role
            if named is None and head.tag_ == "NN":
                return modifier.text, "ORG"  # "a USA TODAY analysis": a name the recogniser missed
            return _clean(head.doc[first : head.i + 1]).text, "ORG"
        owner = self._owner(head)
        if owner is not None:
            return owner
        if head.pos_ == "PROPN":  # a name the recogniser missed: its proper nouns as written
            words = _untitled(head.doc[min(t.i for t in mention if t.pos_ == "PROPN") : head.i + 1])
            full = self.full.get(words.text.lower())
            name = self._with_others(head, full or words.text)
            return name, "PERSON" if full or len(words) > 1 else "ORG"
        return role

    def _organisation_holding(self, words: str) -> str | None:
        """The longest organisation the article names whose name holds all of ``words``, in
        any order ("Environmental Protection Department" officials speak for the "Department of
        Environmental Protection")."""
        if words not in self.holding:
            found = [name for name in self.organisations if _holds(name, words)]
            self.holding[words] = max(found, key=len) if found else None
        return self.holding[words]

    def _owners(self) -> dict[str, list[tuple[int, tuple[str, str]]]]:
        """Noun lemma → (token index, owner entity's name and label) at every mention of the
        noun with an owner (:meth:`_owner_of`)."""
        owners: dict[str, list[tuple[int, tuple[str, str]]]] = {}
        for token in self.doc:
            if token.pos_ == "NOUN":
                found = self._owner_of(token, 1)
                if found is not None:
                    owners.setdefault(token.lemma_.lower(), []).append((token.i, found))
        return owners

    def _owner_of(self, noun: Token, reach: int) -> tuple[str, str] | None:
        """The entity owning a noun: a possessive or a name before it, "by"/"from"/… an entity,
        also through a participle ("a report released by X"), the subject of a relative clause
        on it ("a presentation that X carries"), or, ``reach`` steps on, the owner of the noun
        it comes from ("a slide from a presentation that X carries")."""
        for word in _owning(noun):
            entity = self.entity_at.get(word.i)
            if entity is not None and not (entity.label_ == "GPE" and word.dep_ == "compound"):
                # "a Reuters survey" is Reuters'; "a New York judge" is no one's
                return self.full_name(entity), entity.label_
            if reach and word.pos_ == "NOUN" and word.head.lower_ == "from":
                found = self._owner_of(word, reach - 1)
                if found is not None:
                    return found
        return None

    def _owner(self, head: Token) -> tuple[str, str] | None:
        """The entity a noun belongs to here or at its latest earlier mention with an owner: "a
        report by the Tax Policy Center" … "the report said"."""
        mentions = self.owners.get(head.lemma_.lower(), [])
        index = bisect_right(mentions, head.i, key=lambda item: item[0])
        return mentions[index - 1][1] if index else None

    def _role(self, head: Token) -> tuple[str | None, str]:
        """The entity most recently introduced with this role word before the mention, else the
        first introduced after it ("the spokesperson … Tasnim Aslam, the spokesperson")."""
        introduced = self.roles.get(head.lemma_.lower(), [])
        if not introduced:
            return None, ""
        index = bisect_left(introduced, head.idx, key=lambda item: item[0])
        _, name, label = introduced[index - 1] if index else introduced[0]
        return name, label

    def _pronoun(self, head: Token, content: Span | None) -> tuple[str | None, str]:
        low = head.lower_
        gender = _PRONOUN_GENDER.get(low)
        if not (gender or low in _GROUP | _THING):
            return None, ""  # "I", "we", "you" outside a quotation: no one the text names
        wanted = {"PERSON"} if gender else {"ORG", "NORP", "GPE"}
        for name, label in self._antecedents(head, content):
            if not name or not (label in wanted or self._looks_like(name, label, gender)):
                continue
            if gender and " and " in name:
                continue  # "he" or "she" is one person, not "Will Smith and Robert DeNiro"
            known = self.gender.get(name.split()[-1].lower())
            if gender and known and known != gender:
                continue
            return name, label
        return None, ""

    def _antecedents(self, head: Token, content: Span | None) -> list[tuple[str | None, str]]:
        """Who a pronoun may refer to, nearest first: speakers within ``_SPEAKER_REACH``
        sentences, counted one sentence nearer than names mentioned within ``_PRONOUN_REACH``;
        none inside ``content``."""
        here = self.sentence_index(head.i)
        inside = content or Span(0, 0)
        candidates: list[tuple[int, int, str | None, str]] = []
        for offset, sentence, speaker, label in reversed(self.spoken):
            if here - sentence > _SPEAKER_REACH:
                break
            if offset < head.idx and not inside.start <= offset < inside.end:
                candidates.append((here - sentence - 1, -offset, speaker.name, label))
        for n in reversed(self.named[: bisect_left(self.named_starts, head.idx)]):
            if here - n.sentence > _PRONOUN_REACH:
                break
            if not inside.start <= n.start < inside.end:
                candidates.append((here - n.sentence, -n.start, n.name, n.label))
        candidates.sort(key=lambda c: (c[0], c[1]))
        return [(name, label) for _, _, name, label in candidates]

    def _looks_like(self, name: str, label: str, gender: str | None) -> bool:
        """Whether a one-word "person" is as likely an organisation ("Roscosmos said … It
        said"): the recogniser's labels are least sure there, and no full name holds it."""
        if gender or label != "PERSON" or " " in name:
            return False
        return name.lower() not in self.gender


def _joined(entities: list[DocSpan]) -> list[DocSpan]:
    """The entities, with an organisation's name the recogniser cut at "and" made whole again
    ("Center on Poverty" and "Inequality" → "Center on Poverty and Inequality"): the second
    part is coordinated with a word inside the first, not with the first as a whole (as
    "Roscosmos and NASA" are)."""
    out: list[DocSpan] = []
    for entity in entities:
        last = out[-1] if out else None
        head = entity.root.head
        if (
            last is not None
            and last.label_ == entity.label_ == "ORG"
            and entity.start == last.end + 1
            and entity.doc[last.end].lower_ in ("and", "&")
            and entity.root.dep_ == "conj"
            and last.start <= head.i < last.end
            and head.i != last.root.i
        ):
            whole = entity.doc[last.start : entity.end]
            whole.label_ = "ORG"
            out[-1] = whole
        else:
            out.append(entity)
    return out


def _owning(noun: Token) -> list[Token]:
    """The words that may name a noun's owner: a possessive or compound before it, the object of
    "by"/"from"/… after it or after a participle describing it ("a report released on Monday by
    Stanford University's Center …"), the subject of a relative clause on it."""
    found: list[Token] = []
    for child in noun.children:
        if child.dep_ in ("poss", "compound"):
            found.append(child)
        elif child.dep_ in ("prep", "agent") and child.lower_ in _OWNER_PREPOSITIONS:
            found.extend(g for g in child.children if g.dep_ == "pobj")
        elif child.dep_ == "acl" and child.tag_ == "VBN":
            found.extend(
                g
                for c in child.children
                if c.dep_ in ("prep", "agent") and c.lower_ in _OWNER_PREPOSITIONS
                for g in c.children
                if g.dep_ == "pobj"
            )
        elif child.dep_ == "relcl":
            found.extend(
                c for c in child.children if c.dep_ == "nsubj" and c.tag_ not in ("WDT", "WP")
            )
    return found


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Lower-cased words that stand before a person's name as a title ("mayor", "sen."),
    learned from news by ``scripts/train_name_titles.py`` (``data/titles.json``)."""
    data = resources.files("claimtrack_plugins").joinpath("data/titles.json").read_text("utf-8")
    return frozenset(json.loads(data)["titles"])


def _in_clause(token: Token, verb: Token) -> bool:
    """Whether ``token`` belongs to ``verb``'s own clause, not to a clause it reports, describes
    or joins ("said she would", "who said", "and she said")."""
    while token.i != verb.i:
        if token.dep_ in _OWN_CLAUSE_ENDS:
            return False
        token = token.head
    return True


def _untitled(words: DocSpan) -> DocSpan:
    """A name without the titles before it ("Mayor Ana Ruiz" → "Ana Ruiz"); a title alone
    is kept ("Mayor")."""
    start = words.start
    while start < words.end - 1 and words.doc[start].lower_ in titles():
        start += 1
    return words.doc[start : words.end]


def _clean(entity: DocSpan) -> DocSpan:
    """The entity without a leading "the" or a trailing possessive, and a person without the
    titles the recogniser took into the name."""
    start, end = entity.start, entity.end
    doc = entity.doc
    while start < end and (
        doc[start].lower_ == "the"
        or doc[start].is_punct
        or doc[start].is_space
        or not any(c.isalnum() for c in doc[start].text)  # "― Julie A. Diaz Martinez"
    ):
        start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1
    words = doc[start:end]
    return _untitled(words) if entity.label_ == "PERSON" and len(words) else words


def _name_start(word: Token) -> int:
    """Where the run of proper nouns ending at ``word`` starts ("West Mercia Police" before
    "force")."""
    start = word.i
    while start and word.doc[start - 1].pos_ == "PROPN" and word.doc[start - 1].dep_ in _RUN:
        start -= 1
    return start


def _name_like(words: DocSpan) -> bool:
    """Whether an entity's words read as a person's name (capitalised words, no symbols)."""
    return all((t.is_title and t.is_alpha) or t.text.endswith(".") for t in words)


def _mention(head: Token) -> DocSpan:
    """The words naming a source: its noun phrase up to the head, and a name set off after it."""
    start = head.left_edge.i
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in ("compound", "flat"):
            end = max(end, child.i + 1)
    return head.doc[start:end]


def _holds(long: str, short: str) -> bool:
    """Whether every word of ``short`` is a word of ``long``."""
    words = set(long.lower().split())
    return all(word in words for word in short.lower().split())
