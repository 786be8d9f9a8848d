"""Attribution frames: a cue ("said", "according to", a colon) and the words naming its source.

Works on a word tokenisation of the article with offsets. A frame's ``mention`` is the noun phrase
that names the claimant where the cue is, read backwards from the cue ("Foreign Office spokesperson
Tasnim Aslam said"), forwards after an inverted cue ("…, said the minister") or after
"according to". Nothing here resolves names; see ``_attribution_names``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from claimtrack_plugins._attribution_words import (
    ACT_CUES,
    ADDRESSEE_CUES,
    ASIDE_OPENERS,
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
    LY_WORDS,
    NOT_NAMES,
    NOUN_LIKE_CUES,
    NP_STOPS,
    ORG_WORDS,
    POSTMODIFIERS,
    QUANTITIES,
    RESEARCHERS,
    ROLE_NOUNS,
    SOURCE_VENUES,
    SPEECH_CUES,
    SUBORDINATORS,
    TIME_WORDS,
    TITLES,
)

_CUE_WORDS = SPEECH_CUES | {"according"}
_TOKEN = re.compile(r"[^\W_](?:[\w'’&-]*[^\W_])?|[^\w\s]")
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it"})
_QUOTE_MARKS = frozenset('"“”«»„')
_CLOSING_MARKS = frozenset('"”»')
_OPENING_QUOTES = frozenset('"“«„')
_MAX_NP = 10
_NOT_NP_START = frozenset(
    ["that", "this", "of", "for", "to", "in", "on", "at", "by", "with", "from", "as", "about"]
)
_CONTENT_OPENERS = frozenset({"that", ":", "“", '"', "‘"})
_PASSIVE = frozenset(["is", "was", "were", "are", "be", "been", "being", "get", "got", "gets"])
#: Marks that set off an aside between a subject and its verb.
_ASIDE_MARKS = frozenset(",—–-")
#: Tokens an aside stretch may span ("Cecelia Purner, 67, a retired … Pa., said").
_MAX_ASIDE = 40
#: Quantifiers that float after their subject ("they both said", "Bolton and Gorka both denounced").
_FLOATING = frozenset(["both", "all", "each"])
_AFTER_NOUN_SUPPORT = frozenset(
    ["in", "among", "against", "for", "from", "and", "or", "of", "with", "on", "at", *",.;:"]
)
#: Words after a source that say how it knows ("people familiar with the talks").
_INFORMED = frozenset(["familiar", "close", "knowledgeable", "briefed", "involved"])
#: Words opening what a finding cue reports ("shows that …", "found how …").
_FINDINGS = frozenset(["that", "what", "how", "whether", "why", ":"])
#: Verbs not ending in -ed or -s that an infinitive cue may hang on ("went on to say").
_GOVERNING = frozenset(["went", "began", "want", "wants", "had", "has", "have", "seem", "got"])
_OBJECTS = frozenset(["him", "her", "them", "us", "me", "you", "it", "this", "one"])
_RELATIVES = frozenset(["who", "whom", "which", "that"])
_LEADING_CONJUNCTIONS = frozenset(["and", "but", "so", "yet", "then"])
_AFTER_NOUN_LIKE = frozenset(
    ["that", ":", ",", ".", "“", '"', "the", "a", "he", "she", "they", "it", "what", "how"]
)


class Token(NamedTuple):
    """One word or punctuation mark, with its offsets, lower-case form and shape."""

    text: str
    start: int
    end: int
    low: str
    is_word: bool
    is_cap: bool


@dataclass(frozen=True, slots=True)
class Frame:
    """A cue and the tokens of the noun phrase naming its source."""

    cue_start: int
    cue_end: int
    words: tuple[Token, ...]
    speech: bool = True  # a verb of saying, not an act or attitude ("criticized", "pledged")
    venue: bool = False  # "In a CNN poll, …": the clause's source unless a cue names another

    @property
    def start(self) -> int:
        """Where the source phrase starts."""
        return self.words[0].start

    @property
    def end(self) -> int:
        """Where the source phrase ends."""
        return self.words[-1].end


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """The tokens of ``text[start:end]`` with offsets into ``text``."""
    tokens = []
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        tokens.append(
            Token(word, m.start(), m.end(), word.lower(), word[0].isalnum(), word[0].isupper())
        )
    return tokens


def _is_head(token: Token) -> bool:
    """Whether a noun phrase may end in this token (the word nearest the cue)."""
    low = token.low
    if not token.is_word:
        return token.text == "%"
    if low in _SUBJECT_PRONOUNS or low in QUANTITIES:
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
        return token.text in {"-", "’s", "'s", "%"}
    if low in NP_STOPS or low in AUXILIARIES or low in SPEECH_CUES:
        return False
    return not low.endswith("ly") or low in LY_WORDS


def _common_noun_phrase(tokens: list[Token], j: int, lo: int) -> bool:
    """Whether ``tokens[j]`` ends a phrase of ordinary words led by a determiner or a
    possessive ("the probe", "Ivana Trump's brief")."""
    for k in range(j, max(lo, j - 4) - 1, -1):
        tok = tokens[k]
        if tok.low in DETERMINERS:
            return k < j
        owned = tokens[j].low in DOCUMENT_NOUNS or tokens[j].low in EVIDENCE_NOUNS
        if k < j and tok.text.endswith(("’s", "'s")) and owned:
            return True
        if not _is_modifier(tok) or not tok.is_word or tok.low.endswith("ing"):
            return False
    return False


def _backward_np(tokens: list[Token], j: int, lo: int) -> tuple[Token, ...] | None:
    """The noun phrase ending at token ``j`` (not before ``lo``), read leftwards."""
    if j - 2 >= lo and tokens[j].text.isdigit() and tokens[j - 1].low == "in":
        return tuple(tokens[j - 2 : j + 1])  # "six in 10 said"
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
            holder = tokens[k - 2] if k - 2 >= lo else None
            if (
                holder is not None
                and tokens[k - 1].low in ("of", "for", "at", "from")
                and (holder.low in ROLE_NOUNS or holder.low in GROUP_NOUNS)
            ):
                k -= 1  # "scholars at the Peterson Institute", "officials at the department"
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
        ends = k >= hi or not tokens[k].is_word or tokens[k].low in _NOT_NP_START
        if ends and tokens[i].low in QUANTITIES:
            return (tokens[i],)  # "according to some on Twitter"
    last = None
    while k < hi and k - i < _MAX_NP:
        tok = tokens[k]
        if common and tok.text in _QUOTE_MARKS:
            k += 1  # "according to her “clawback” plan"
            continue
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
            and (tok.is_cap or _is_modifier(tok) or (common and tok.low in NOUN_LIKE_CUES))
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
        and not (low.endswith(("ly", "ing")) and low not in LY_WORDS)
    )


def _bare_subject(tokens: list[Token], j: int, lo: int) -> tuple[Token, ...] | None:
    """A short plain noun phrase opening its clause before a verb of saying ("Multiple
    outlets reported", "Twitter users wrote"): any noun may speak there."""
    head = tokens[j]
    if not _plain_head(head) or head.is_cap or head.low in NP_STOPS or head.low in _OBJECTS:
        return None
    k = j
    while k - 1 >= lo and j - k < 3 and tokens[k - 1].is_word and _is_modifier(tokens[k - 1]):
        k -= 1
    opens = k == lo or tokens[k - 1].text in ",;:" or tokens[k - 1].low in ("and", "but")
    return tuple(tokens[k : j + 1]) if opens and k < j else None


def _skip_infinitive(tokens: list[Token], j: int, lo: int) -> int:
    """Step left over the verb an infinitive cue hangs on: "Bryne went on to say", "the
    campaign declined to say", "she has refused to say"."""
    if j - 1 <= lo or tokens[j].low != "to":
        return j
    k = j - 1
    if tokens[k].low in ("on", "not") and k - 1 > lo:
        k -= 1
    verb = tokens[k]
    if not verb.is_word or verb.is_cap or verb.low in NP_STOPS or verb.low in _SUBJECT_PRONOUNS:
        return j
    if not verb.low.endswith(("ed", "s")) and verb.low not in _GOVERNING:
        return j
    return _skip_auxiliaries(tokens, k - 1, lo)


def _informed_source(tokens: list[Token], j: int, lo: int) -> tuple[Token, ...] | None:
    """The source before "familiar with …", "close to …" ending at ``j``.

    "people familiar with the matter said", "a source close to him said", "officials with
    knowledge of the talks said": the source is the phrase before the qualifier.
    """
    for k in range(j - 1, max(lo, j - 8), -1):
        low = tokens[k].low
        if low in _INFORMED and tokens[k + 1].low in ("with", "to", "about", "on"):
            return _backward_np(tokens, k - 1, lo)
        if low == "knowledge" and tokens[k - 1].low == "with" and tokens[k + 1].low == "of":
            return _backward_np(tokens, k - 2, lo)
        if not tokens[k].is_word:
            return None
    return None


def _skip_auxiliaries(tokens: list[Token], j: int, lo: int) -> int:
    """Step left over auxiliaries, adverbs and time phrases between a subject and its cue."""
    while j >= lo:
        tok = tokens[j]
        before = tokens[j - 1] if j > lo else None
        trailing = (
            before is not None
            and before.low not in DETERMINERS
            and (
                tok.low in POSTMODIFIERS  # "voters polled said", not "those polled said"
                or (tok.low in _FLOATING and before.is_word and before.low not in _NOT_NP_START)
            )
        )
        if (
            tok.is_word
            and (
                tok.low in AUXILIARIES
                or trailing
                or tok.low in TIME_WORDS
                or (tok.low.endswith("ly") and not tok.is_cap and tok.low not in LY_WORDS)
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


def _separator(token: Token) -> bool:
    """A comma or dash that sets off an aside ("Gingrich — mentioned by Newsmax — told")."""
    return token.text in _ASIDE_MARKS


def _chunks(tokens: list[Token], lo: int, sep: int) -> list[tuple[int, int]]:
    """The comma- or dash-separated stretches of ``tokens[lo:sep]``, in text order.

    Stops (leaving the rest out) at a quotation mark or a full stop, colon or semicolon that
    is not an abbreviation's ("Pa.", "Gov."), or after ``_MAX_ASIDE`` tokens.
    """
    bounds: list[tuple[int, int]] = []
    end = sep
    k = sep - 1
    while k >= lo and sep - k <= _MAX_ASIDE:
        tok = tokens[k]
        stop = (
            tok.text in _QUOTE_MARKS
            or tok.text in ";:"
            or (tok.text == "." and not (k > lo and tokens[k - 1].is_cap))
        )
        if stop or _separator(tok):
            if k + 1 < end:
                bounds.append((k + 1, end))
            if stop:
                return bounds[::-1]
            end = k
        k -= 1
    if k < lo < end:
        bounds.append((lo, end))
    return bounds[::-1]


def _aside(tokens: list[Token], lo: int, hi: int) -> bool:
    """Whether ``tokens[lo:hi]`` may sit between a subject and its verb as an aside.

    An age, a role or description ("the spokesperson", "Trump's former manager", "dean of
    the law school"), a relative clause, a place or party ("Allentown", "Pa.", "R-Ky."), a
    name, a prepositional or participial phrase ("during a town hall", "speaking in Ohio")
    or an adverb ("however").
    """
    words = [t for t in tokens[lo:hi] if t.is_word]
    if not words:
        return False
    first = words[0]
    low = first.low
    return (
        low in DETERMINERS
        or low in ASIDE_OPENERS
        or first.text[0].isdigit()
        or first.text.endswith(("’s", "'s"))
        or (low.endswith(("ing", "ed", "ly")) and not first.is_cap)
        or (len(words) > 1 and words[1].low in ("of", "at", "for", "to"))
        or all(t.is_cap or t.text[0].isdigit() for t in words)
        or any(t.low in ROLE_NOUNS for t in words)
    )


def _opener(tokens: list[Token], lo: int, hi: int) -> bool:
    """Whether a stretch opening a sentence is adverbial ("In Iowa,", "Asked about it,")."""
    low = tokens[lo].low
    return (
        low in ASIDE_OPENERS
        or low in SUBORDINATORS
        or low.endswith(("ing", "ed", "ly"))
        or (hi - lo == 1 and low in NOT_NAMES and low not in _SUBJECT_PRONOUNS)
    )


def _pure_np(tokens: list[Token], lo: int, hi: int) -> tuple[Token, ...] | None:
    """The noun phrase that is all of ``tokens[lo:hi]`` (a parenthesis may follow it)."""
    while lo < hi and tokens[lo].low in _LEADING_CONJUNCTIONS:
        lo += 1
    words = _forward_np(tokens, lo, hi)
    if not words or _skip_parenthesis(tokens, words, lo, hi) < hi:
        return None
    return None if _adverbial(words) else words


def _adverbial(words: tuple[Token, ...]) -> bool:
    """Whether a one-word phrase is a sentence adverb ("Moreover", "Still", "Similarly")."""
    low = words[0].low
    if len(words) > 1 or low in _SUBJECT_PRONOUNS:
        return False
    return low in NOT_NAMES or low in ASIDE_OPENERS or low.endswith(("ly", "ing"))


def _subject_before_asides(tokens: list[Token], sep: int, lo: int) -> tuple[Token, ...] | None:
    """The first stretch before ``sep`` that is a noun phrase followed only by asides.

    "Cecelia Purner, 67, a retired teacher in Allentown, Pa., said"; "Vice President Joseph
    R. Biden Jr., who was to travel to Columbus, Ohio, on Wednesday, said". A relative
    clause runs on to the cue, whatever its commas set off.
    """
    chunks = _chunks(tokens, lo, sep)
    for n, (start, end) in enumerate(chunks[:-1]):
        words = _pure_np(tokens, start, end)
        if words is None:
            if _opener(tokens, start, end):
                continue
            return None
        for a, b in chunks[n + 1 :]:
            if not _aside(tokens, a, b):
                break
            if tokens[a].low in ("who", "whose", "which"):
                return _named_aside(tokens, words, chunks[n + 1])
        else:
            return _named_aside(tokens, words, chunks[n + 1])
    return None


def _named_aside(
    tokens: list[Token], words: tuple[Token, ...], aside: tuple[int, int]
) -> tuple[Token, ...]:
    """A full name set off after a role phrase names it: "Her chief aide, Jake Sullivan,"."""
    named = _pure_np(tokens, *aside)
    if named and len(named) > 1 and all(t.is_cap for t in named) and not _personal(words):
        return named
    return words


def _appositive_np(tokens: list[Token], comma: int, lo: int) -> tuple[Token, ...] | None:
    """The subject before an aside closed at ``comma``: "Aslam, the spokesperson, said"."""
    found = _subject_before_asides(tokens, comma, lo)
    if found:
        return found
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
        if _separator(tok):
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


def _skip_asides(tokens: list[Token], k: int, hi: int) -> int:
    """The index after the asides that open at ``k`` (", in an interview on Friday, …")."""
    while k < hi and _separator(tokens[k]):
        close = next((m for m in range(k + 1, hi) if _separator(tokens[m])), None)
        if close is None or not _aside(tokens, k + 1, close):
            return k
        k = close + 1
    return k


def _clause_subject(tokens: list[Token], lo: int, hi: int) -> tuple[Token, ...] | None:
    """The subject of the clause a participle cue hangs on: "Trump spoke, saying …"."""
    starts = [lo] + [k + 1 for k in range(lo, hi) if tokens[k].text == ","]
    for p in starts:
        while p < hi and (tokens[p].low in _LEADING_CONJUNCTIONS or tokens[p].low == "now"):
            p += 1  # "And then Trump went on the attack, saying …"
        words = _forward_np(tokens, p, hi)
        if not words or _adverbial(words):
            continue
        after = _skip_asides(tokens, _skip_parenthesis(tokens, words, p, hi), hi)
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
    if low == "support" and (i + 1 >= hi or tokens[i + 1].low in _AFTER_NOUN_SUPPORT):
        return None  # "45 percent support in Ohio", "Clinton support and …": the noun
    if i > 0 and tokens[i - 1].text in _CLOSING_MARKS:
        named = _quoted_name(tokens, i - 1)
        if named:
            return Frame(cue.start, cue.end, named)
    if low in ("points", "pointed", "point") and (
        i + 1 >= hi or tokens[i + 1].low not in ("to", "out")
    ):
        return None
    j = _skip_auxiliaries(tokens, i - 1, lo)
    j = _skip_infinitive(tokens, j, lo)
    if low.endswith("ed") or low in ("told", "shown", "written", "said"):
        passive = {t.low for t in tokens[j + 1 : i]} & _PASSIVE
        if passive and not (i + 1 < hi and tokens[i + 1].low == "by"):
            return None
    words: tuple[Token, ...] | None = None
    relative = False
    progressive = i > lo and tokens[i - 1].low in _PASSIVE
    if low.endswith("ing") and not progressive and j >= lo:
        # A participle hangs on its clause: "The town released a statement saying …".
        words = _clause_subject(tokens, lo, j if _separator(tokens[j]) else i)
        if words is None and _separator(tokens[j]):
            words = _appositive_np(tokens, j, lo)
    elif j >= lo and _separator(tokens[j]):
        words = _appositive_np(tokens, j, lo)
    elif j > lo and tokens[j].low == "who":
        words = (tokens[j],)  # "Sanders, who cites them as evidence"
        relative = True
    elif j >= lo and (tokens[j].is_word or tokens[j].text == "%"):
        words = _informed_source(tokens, j, lo) or _backward_np(tokens, j, lo)
        if words is None and low not in ACT_CUES:
            words = _bare_subject(tokens, j, lo)
    if words is None and j >= lo and tokens[j].low in ("and", "but"):
        words = _clause_subject(tokens, lo, j)
    if (
        words is None
        and low in INVERTIBLE
        and low not in ADDRESSEE_CUES
        and (j < lo or not tokens[j].is_word)
    ):
        words = _forward_np(tokens, i + 1, hi)
    if low in FINDING_CUES and i + 1 < hi and tokens[i + 1].low in _FINDINGS:
        opening = _evidence_subject(tokens, lo, i)
        if opening and not (words and _phrase_head(words).low in EVIDENCE_NOUNS):
            return Frame(cue.start, cue.end, opening, speech=False)
    if words is not None and _holds_frame(tokens, i, lo, hi, words):
        return Frame(cue.start, cue.end, words, speech=low not in ACT_CUES and not relative)
    return None


def _holds_frame(tokens: list[Token], i: int, lo: int, hi: int, words: tuple[Token, ...]) -> bool:
    """Whether the cue at ``i`` with source ``words`` attributes: an act or attitude needs a
    reported clause after it, or a person, or a group holding an attitude or a finding."""
    low = tokens[i].low
    j = next(k for k in range(lo, hi) if tokens[k].start == words[0].start)
    if (
        len(words) == 1
        and words[0].low in QUANTITIES
        and j > lo
        and tokens[j - 1].low in _RELATIVES
    ):
        return False  # "a man who many believe betrayed …": the cue sits inside a relative clause
    return not (
        low in ACT_CUES | DEED_CUES
        and not _reports_content(tokens, i + 1, hi)
        and (low in DEED_CUES or not (_personal(words) or _holds(low, _phrase_head(words))))
    )


def _evidence_subject(tokens: list[Token], lo: int, i: int) -> tuple[Token, ...] | None:
    """A clause-opening record that a distant finding cue reports: "A slide from a presentation
    that … shows what …" (the words between are the record's own modifiers)."""
    if lo >= i or tokens[lo].low not in DETERMINERS or i - lo > _MAX_ASIDE:
        return None
    for k in range(lo + 1, min(i, lo + 4)):
        if tokens[k].low in EVIDENCE_NOUNS:
            return tuple(tokens[lo : k + 1])
        if not tokens[k].is_word:
            return None
    return None


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
    if len(words) == 1 and (words[0].low in _SUBJECT_PRONOUNS or words[0].low == "who"):
        return words[0].low != "it"  # "who" stands for a person
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


def _phrase_head(words: tuple[Token, ...]) -> Token:
    """The head of a source phrase: "scholars" in "scholars at the Peterson Institute"."""
    for k, word in enumerate(words[1:], start=1):
        if word.low in ("at", "of", "for", "from", "in", "with"):
            return words[k - 1]
    return words[-1]


def _holds(cue: str, head: Token) -> bool:
    """Whether a group or role holds an attitude ("voters want"), a plural group acts
    ("Republican senators have vowed"; a single "judge rejected" is the journalist's report)
    or a record reports a finding ("the poll found")."""
    low = head.low
    if low in EVIDENCE_NOUNS or low in RESEARCHERS:
        return cue in FINDING_CUES or (low in RESEARCHERS and cue in ATTITUDE_CUES)
    people = (
        low in ROLE_NOUNS
        or low.rstrip("s") in ROLE_NOUNS
        or low in GROUP_NOUNS
        or low in QUANTITIES
        or head.text == "%"
    )
    plural = low.endswith("s") and low not in ROLE_NOUNS and low not in EVIDENCE_NOUNS
    return people and low not in ORG_WORDS and (cue in ATTITUDE_CUES or plural)


def _title_case(tokens: list[Token], lo: int, hi: int) -> bool:
    """Whether the clause is a title-case headline ("Flynn Says Trump Absolutely Right")."""
    words = [t for t in tokens[lo:hi] if t.is_word and len(t.text) > 3]
    return len(words) >= 3 and all(t.is_cap for t in words)


def colon_frame(tokens: list[Token], lo: int, hi: int, least: int = 3) -> Frame | None:
    """A clause opening with a short name and a colon: "Pence: …", "PENCE: …", "“PENCE: …";
    at least ``least`` words must follow the colon."""
    while lo < hi and tokens[lo].text in _OPENING_QUOTES:
        lo += 1
    for k in range(lo, min(hi, lo + 5)):
        if tokens[k].text == ":":
            words = tuple(tokens[lo:k])
            rest = sum(1 for t in tokens[k + 1 : hi] if t.is_word and not t.text[0].isdigit())
            if not words or rest < least or not all(t.is_word and t.is_cap for t in words):
                return None
            if any(t.low in COLON_STOPS or t.low in DETERMINERS for t in words):
                return None
            return Frame(tokens[k].start, tokens[k].end, words)
        if not tokens[k].is_word and tokens[k].text != ".":
            return None
    return None


def turn_label(tokens: list[Token]) -> Frame | None:
    """The speaker label opening a sentence, inside quotation marks or not ("PENCE: …"); a
    label in capitals may open a short turn ("VOSS: It did.")."""
    label = colon_frame(tokens, 0, len(tokens), least=1)
    if label is None or all(t.text.isupper() for t in label.words):
        return label
    return colon_frame(tokens, 0, len(tokens))


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
    return Frame(tokens[lo].start, tokens[lo].end, words, speech=False, venue=True)


def find_frames(
    tokens: list[Token], lo: int, hi: int, quoted: frozenset[int] = frozenset()
) -> list[Frame]:
    """Every frame among ``tokens[lo:hi]``, in text order; no cue is read at ``quoted``."""
    frames = []
    opening = colon_frame(tokens, lo, hi) or venue_frame(tokens, lo, hi)
    if opening:
        frames.append(opening)
    for i in range(lo, hi):
        if i in quoted or tokens[i].low not in _CUE_WORDS:
            continue
        frame = frame_at(tokens, i, lo, hi)
        if frame is not None:
            frames.append(frame)
    return frames
