"""Attribution frames: a cue ("said", "according to", a colon) and the words naming its source.

Works on a word tokenisation of the article with offsets. A frame's ``mention`` is the noun phrase
that names the claimant where the cue is, read backwards from the cue ("Foreign Office spokesperson
Tasnim Aslam said"), forwards after an inverted cue ("…, said the minister") or after
"according to". Nothing here resolves names; see ``_attribution_names``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimtrack_plugins._attribution_words import (
    ACT_CUES,
    ADDRESSEE_CUES,
    ATTITUDE_CUES,
    AUXILIARIES,
    COLON_STOPS,
    DEED_CUES,
    DETERMINERS,
    DOCUMENT_NOUNS,
    EVIDENCE_NOUNS,
    FINDING_CUES,
    GROUP_NOUNS,
    INVERTIBLE,
    NOUN_LIKE_CUES,
    NP_STOPS,
    ORG_WORDS,
    ROLE_NOUNS,
    SOURCE_VENUES,
    SPEECH_CUES,
    TIME_WORDS,
    TITLES,
)

_TOKEN = re.compile(r"[^\W_](?:[\w'’&-]*[^\W_])?|[^\w\s]")
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it"})
_QUOTE_MARKS = frozenset('"“”«»„')
_CLOSING_MARKS = frozenset('"”»')
_MAX_NP = 10
_NOT_NP_START = frozenset(
    ["that", "this", "of", "for", "to", "in", "on", "at", "by", "with", "from", "as", "about"]
)
_CONTENT_OPENERS = frozenset({"that", ":", "“", '"', "‘"})
_PASSIVE = frozenset(["is", "was", "were", "are", "be", "been", "being", "get", "got", "gets"])
_AFTER_NOUN_LIKE = frozenset(
    ["that", ":", ",", ".", "“", '"', "the", "a", "he", "she", "they", "it"]
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word or punctuation mark, with its offsets."""

    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_cap(self) -> bool:
        return self.text[0].isupper()


@dataclass(frozen=True, slots=True)
class Frame:
    """A cue and the tokens of the noun phrase naming its source."""

    cue_start: int
    cue_end: int
    words: tuple[Token, ...]
    speech: bool = True  # a verb of saying, not an act or attitude ("criticized", "pledged")

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """The tokens of ``text[start:end]`` with offsets into ``text``."""
    return [
        Token(m.group(), start + m.start(), start + m.end())
        for m in _TOKEN.finditer(text[start:end])
    ]


def _is_head(token: Token) -> bool:
    """Whether a noun phrase may end in this token (the word nearest the cue)."""
    low = token.low
    if not token.is_word:
        return False
    if low in _SUBJECT_PRONOUNS:
        return True
    if low in TIME_WORDS or low.rstrip("s") in TIME_WORDS or low in NP_STOPS:
        return False
    if token.text.endswith(("’s", "'s")):
        return False  # a possessive qualifies the head that follows it
    if token.is_cap:
        return low not in NP_STOPS and low not in DETERMINERS
    return low in ROLE_NOUNS or low in GROUP_NOUNS or low.rstrip("s") in ROLE_NOUNS


def _is_modifier(token: Token) -> bool:
    """A word that may sit inside a noun phrase before its head ("former", "Foreign", "2014")."""
    low = token.low
    if not token.is_word:
        return token.text in {"-", "’s", "'s"}
    if low in NP_STOPS or low in AUXILIARIES or low in SPEECH_CUES:
        return False
    return not low.endswith("ly")


def _common_noun_phrase(tokens: list[Token], j: int, lo: int) -> bool:
    """Whether ``tokens[j]`` ends a determiner-led phrase of ordinary words ("the probe")."""
    for k in range(j, max(lo, j - 4) - 1, -1):
        tok = tokens[k]
        if tok.low in DETERMINERS:
            return k < j
        if not _is_modifier(tok) or not tok.is_word or tok.low.endswith("ing"):
            return False
    return False


def _backward_np(tokens: list[Token], j: int, lo: int) -> tuple[Token, ...] | None:
    """The noun phrase ending at token ``j`` (not before ``lo``), read leftwards."""
    if j < lo or not (_is_head(tokens[j]) or _common_noun_phrase(tokens, j, lo)):
        return None
    if tokens[j].low in _SUBJECT_PRONOUNS:
        return (tokens[j],)
    k = j
    while k - 1 >= lo and j - (k - 1) < _MAX_NP:
        prev = tokens[k - 1]
        low = prev.low
        if (
            prev.text == "."
            and k - 2 >= lo
            and (tokens[k - 2].low in TITLES or len(tokens[k - 2].text) == 1)
        ):
            k -= 2  # "Gov." or an initial
            continue
        if low in ("of", "for", "at", "in", "from") and k - 2 >= lo:
            before = tokens[k - 2]
            nominal = before.low in ROLE_NOUNS or before.low in GROUP_NOUNS
            if nominal or (before.is_cap and low in ("of", "for")):
                k -= 1  # "officials at the State Department", "a spokesman for Clinton"
                continue
            break
        if low == "to" and k - 2 >= lo and tokens[k - 2].low in DOCUMENT_NOUNS:
            k -= 1  # "her submission to the court noted": the document is the source
            continue
        if low in DETERMINERS:
            k -= 1
            if k - 2 >= lo and tokens[k - 1].low == "to" and tokens[k - 2].low in DOCUMENT_NOUNS:
                k -= 1
                continue
            break
        if low in NP_STOPS:
            break
        if (prev.is_cap and prev.is_word) or (_is_modifier(prev) and prev.is_word):
            k -= 1
            continue
        break
    while (
        k < j
        and tokens[k].is_word
        and not tokens[k].is_cap
        and tokens[k].low not in (DETERMINERS)
        and tokens[k].low not in ROLE_NOUNS
        and tokens[k].low not in GROUP_NOUNS
        and not (tokens[k].text[0].isdigit())
    ):
        # A leading lower-case word not tied to the phrase is more often a verb's tail.
        k += 1
    if k < j and tokens[k].low in ("of", "for"):
        k += 1
    return tuple(tokens[k : j + 1])


def _forward_np(
    tokens: list[Token], i: int, hi: int, common: bool = False
) -> tuple[Token, ...] | None:
    """The noun phrase starting at token ``i`` (before ``hi``), read rightwards.

    With ``common``, any noun may head it ("according to the results"), not only names and roles.
    """
    if i >= hi or not tokens[i].is_word or tokens[i].low in _NOT_NP_START:
        return None
    if tokens[i].low in _SUBJECT_PRONOUNS:
        return (tokens[i],)
    k = i
    if tokens[k].low in DETERMINERS:
        k += 1
    last = None
    while k < hi and k - i < _MAX_NP:
        tok = tokens[k]
        if (
            tok.text == "."
            and last is not None
            and (tokens[last].low in TITLES or len(tokens[last].text) == 1)
        ):
            k += 1
            continue
        if (
            tok.low in ("of", "for")
            and last is not None
            and k + 1 < hi
            and (tokens[k + 1].is_cap or tokens[k + 1].low in DETERMINERS)
        ):
            k += 1
            if tokens[k].low in DETERMINERS:
                k += 1
            continue
        if (
            tok.is_word
            and (tok.is_cap or _is_modifier(tok))
            and tok.low not in DETERMINERS
            and (tok.low not in NP_STOPS)
        ):
            last = k
            k += 1
            continue
        break
    if last is None:
        return None
    # End on the last plausible head: drop trailing lower-case non-nouns ("said Smith on Friday").
    while last >= i and not (_is_head(tokens[last]) or (common and _plain_head(tokens[last]))):
        last -= 1
    if last < i:
        return None
    return tuple(tokens[i : last + 1])


def _plain_head(token: Token) -> bool:
    """Whether a lower-case word may end a common noun phrase ("the results", "a count")."""
    low = token.low
    return (
        token.is_word
        and not token.text[0].isdigit()
        and low not in TIME_WORDS
        and low not in AUXILIARIES
        and low not in DETERMINERS
        and not low.endswith(("ly", "ing"))
    )


def _skip_auxiliaries(tokens: list[Token], j: int, lo: int) -> int:
    """Step left over auxiliaries, adverbs and time phrases between a subject and its cue."""
    while j >= lo:
        tok = tokens[j]
        if (
            tok.is_word
            and (
                tok.low in AUXILIARIES
                or tok.low in TIME_WORDS
                or (tok.low.endswith("ly") and (not tok.is_cap))
            )
        ) or (
            tok.is_word
            and tok.low in ("on", "last", "this", "earlier", "late")
            and j + 1 < len(tokens)
            and tokens[j + 1].low in TIME_WORDS
        ):
            j -= 1
        elif tok.text == ")":
            opening = next(
                (k for k in range(j - 1, max(lo, j - 8) - 1, -1) if tokens[k].text == "("), None
            )
            if opening is None:
                break
            j = opening - 1
        else:
            break
    return j


def _appositive_np(tokens: list[Token], comma: int, lo: int) -> tuple[Token, ...] | None:
    """The subject before an appositive closed at ``comma``: "Aslam, the spokesperson, said"."""
    k = comma - 1
    while k >= lo and comma - k <= 14:
        tok = tokens[k]
        initial = (
            tok.text == "."
            and k > lo
            and (len(tokens[k - 1].text) == 1 or tokens[k - 1].low in TITLES)
        )
        if tok.text in _QUOTE_MARKS or (tok.text in ".;:" and not initial):
            return None
        if tok.text == ",":
            first = tokens[k + 1] if k + 1 < comma else None
            if first is None:
                return None
            opens = (
                first.low in DETERMINERS
                or first.low in ("who", "which")
                or (first.text[0].isdigit())
                or any(t.low in ROLE_NOUNS for t in tokens[k + 1 : comma])
            )
            words = _backward_np(tokens, k - 1, lo) if opens else None
            segment = tokens[k + 1 : comma]
            if words is None and all(t.is_cap or t.text == "." for t in segment):
                words = _backward_np(tokens, comma - 1, k + 1)  # "X's manager, Corey Lewandowski,"
            return words or _fronted_subject(tokens, lo, comma)
        k -= 1
    return _fronted_subject(tokens, lo, comma)


def _skip_parenthesis(tokens: list[Token], words: tuple[Token, ...], p: int, hi: int) -> int:
    """The index of the first token after ``words`` and a parenthesis right after them."""
    after = next((k for k in range(p, hi) if tokens[k].start >= words[-1].end), hi)
    if after < hi and tokens[after].text == "(":
        after = next((k + 1 for k in range(after, hi) if tokens[k].text == ")"), hi)
    return after


def _fronted_subject(tokens: list[Token], lo: int, hi: int) -> tuple[Token, ...] | None:
    """A subject followed by an aside: "Clinton, during a town hall meeting in Ohio, said"."""
    starts = [lo] + [k + 1 for k in range(lo, hi) if tokens[k].text == ","]
    for p in starts:
        words = _forward_np(tokens, p, hi)
        if not words or words[-1].low in TIME_WORDS:
            continue
        after = _skip_parenthesis(tokens, words, p, hi)
        if after < hi and tokens[after].text == ",":
            return words
        if after < hi:
            return None
    return None


def _clause_subject(tokens: list[Token], lo: int, hi: int) -> tuple[Token, ...] | None:
    """The subject of the clause a participle cue hangs on: "Trump spoke, saying …"."""
    starts = [lo] + [k + 1 for k in range(lo, hi) if tokens[k].text == ","]
    for p in starts:
        words = _forward_np(tokens, p, hi)
        if not words:
            continue
        after = _skip_parenthesis(tokens, words, p, hi)
        if after < hi and tokens[after].is_word and not tokens[after].is_cap:
            return words
    return None


def frame_at(tokens: list[Token], i: int, lo: int, hi: int) -> Frame | None:
    """The frame whose cue is ``tokens[i]`` (tokens ``lo``..``hi`` bound the clause), if any."""
    cue = tokens[i]
    low = cue.low
    if low == "according" and i + 1 < hi and tokens[i + 1].low == "to":
        source = _forward_np(tokens, i + 2, hi, common=True)
        return Frame(cue.start, tokens[i + 1].end, source) if source else None
    if low not in SPEECH_CUES or (cue.is_cap and not _title_case(tokens, lo, hi)):
        return None
    evidence = i > lo and tokens[i - 1].low in EVIDENCE_NOUNS
    if (
        low in NOUN_LIKE_CUES
        and not evidence
        and i + 1 < hi
        and tokens[i + 1].low not in _AFTER_NOUN_LIKE
        and not tokens[i + 1].is_cap
        and not (i > lo and tokens[i - 1].low in _SUBJECT_PRONOUNS)
    ):
        return None
    if i == lo and lo > 0 and tokens[lo - 1].text in _CLOSING_MARKS:
        named = _quoted_name(tokens, lo - 1)
        if named:
            return Frame(cue.start, cue.end, named)
    if low in ("points", "pointed", "point") and (
        i + 1 >= hi or tokens[i + 1].low not in ("to", "out")
    ):
        return None
    j = _skip_auxiliaries(tokens, i - 1, lo)
    if low.endswith("ed") or low in ("told", "shown", "written", "said"):
        passive = {t.low for t in tokens[j + 1 : i]} & _PASSIVE
        if passive and not (i + 1 < hi and tokens[i + 1].low == "by"):
            return None
    words: tuple[Token, ...] | None = None
    relative = False
    progressive = i > lo and tokens[i - 1].low in _PASSIVE
    if low.endswith("ing") and not progressive and j >= lo and tokens[j].text != ",":
        # A participle hangs on its clause: "The town released a statement saying …".
        words = _clause_subject(tokens, lo, i)
    elif j >= lo and tokens[j].text == ",":
        words = _appositive_np(tokens, j, lo)
    elif j > lo and tokens[j].low == "who":
        words = (tokens[j],)
        relative = True
    elif j >= lo and tokens[j].is_word:
        words = _backward_np(tokens, j, lo)
    if (
        words is None
        and j >= lo
        and ((low.endswith("ing") and tokens[j].text == ",") or tokens[j].low in ("and", "but"))
    ):
        words = _clause_subject(tokens, lo, j)
    if (
        words is None
        and low in INVERTIBLE
        and low not in ADDRESSEE_CUES
        and (j < lo or not tokens[j].is_word)
    ):
        words = _forward_np(tokens, i + 1, hi)
    if words is None:
        return None
    if (
        low in ACT_CUES | DEED_CUES
        and not _reports_content(tokens, i + 1, hi)
        and (low in DEED_CUES or not (_personal(words) or _holds(low, words[-1])))
    ):
        return None
    return Frame(cue.start, cue.end, words, speech=low not in ACT_CUES and not relative)


def _quoted_name(tokens: list[Token], close: int) -> tuple[Token, ...] | None:
    """A short capitalised name in quotation marks closed at ``close``: "“The Times” wrote"."""
    for k in range(close - 1, max(-1, close - 8), -1):
        if tokens[k].text in _QUOTE_MARKS:
            inner = tokens[k + 1 : close]
            if inner and all(t.is_cap or t.text == "." for t in inner):
                return tuple(inner)
            return None
        if not tokens[k].is_word and tokens[k].text != ".":
            return None
    return None


def _reports_content(tokens: list[Token], i: int, hi: int) -> bool:
    """Whether a reported clause or quotation opens within a few words after a cue."""
    return any(t.low in _CONTENT_OPENERS for t in tokens[i : min(hi, i + 5)]) or (
        i >= hi or tokens[i].text in {",", ".", "!", "?"}
    )


def _personal(words: tuple[Token, ...]) -> bool:
    """Whether a source phrase names a person: a pronoun or a name, not a role or institution."""
    if len(words) == 1 and words[0].low in _SUBJECT_PRONOUNS:
        return words[0].low != "it"
    if words[0].low in DETERMINERS or not words[-1].is_cap:
        return False
    name: list[Token] = []
    for word in reversed(words):
        if not word.is_cap or word.low in TITLES:
            break
        name.append(word)
    return bool(name) and not any(
        w.low in ORG_WORDS or w.low in ROLE_NOUNS or w.low in GROUP_NOUNS for w in name
    )


def _holds(cue: str, head: Token) -> bool:
    """Whether a group or role holds an attitude ("voters want") or a record reports a finding."""
    low = head.low
    if low in EVIDENCE_NOUNS:
        return cue in FINDING_CUES
    people = low in ROLE_NOUNS or low.rstrip("s") in ROLE_NOUNS or low in GROUP_NOUNS
    return people and low not in ORG_WORDS and cue in ATTITUDE_CUES


def _title_case(tokens: list[Token], lo: int, hi: int) -> bool:
    """Whether the clause is a title-case headline ("Flynn Says Trump Absolutely Right")."""
    words = [t for t in tokens[lo:hi] if t.is_word and len(t.text) > 3]
    return len(words) >= 3 and all(t.is_cap for t in words)


def colon_frame(tokens: list[Token], lo: int, hi: int) -> Frame | None:
    """A clause opening with a short name and a colon: "Pence: …", "PENCE: …"."""
    for k in range(lo, min(hi, lo + 5)):
        if tokens[k].text == ":":
            words = tuple(tokens[lo:k])
            rest = sum(1 for t in tokens[k + 1 : hi] if t.is_word and not t.text[0].isdigit())
            if not words or rest < 3 or not all(t.is_word and t.is_cap for t in words):
                return None
            if any(t.low in COLON_STOPS or t.low in DETERMINERS for t in words):
                return None
            return Frame(tokens[k].start, tokens[k].end, words)
        if not tokens[k].is_word and tokens[k].text != ".":
            return None
    return None


def venue_frame(tokens: list[Token], lo: int, hi: int) -> Frame | None:
    """A clause opening with the poll, interview or statement it reports: "In a CNN poll, …"."""
    if lo >= hi or tokens[lo].low != "in":
        return None
    comma = next((k for k in range(lo + 1, min(hi, lo + 14)) if tokens[k].text == ","), None)
    if comma is None or comma == lo + 1:
        return None
    words = tuple(tokens[lo + 1 : comma])
    if not any(t.low in SOURCE_VENUES for t in words) or words[0].low in _NOT_NP_START:
        return None
    return Frame(tokens[lo].start, tokens[lo].end, words, speech=False)


def find_frames(tokens: list[Token], lo: int, hi: int) -> list[Frame]:
    """Every frame among ``tokens[lo:hi]``, in text order."""
    frames = []
    opening = colon_frame(tokens, lo, hi) or venue_frame(tokens, lo, hi)
    if opening:
        frames.append(opening)
    for i in range(lo, hi):
        frame = frame_at(tokens, i, lo, hi)
        if frame is not None:
            frames.append(frame)
    return frames
