"""Finding the same claim across articles: normalised text, a sharded word index and fuzzy scores.

The index lives under ``match/``, split so that a lookup reads a few small files however many
claims are stored (every file a TinyDB-style JSON object of tables, written by ``storage.py``):

- ``match/claims/<first 3 hex digits of the claim id>.json``: one row per live claim (id,
  article, normalised claim text and clauses, status, speaker, type, when it was first seen);
- ``match/words/<3 hex digits of the word's CRC-32>.json``: for each normalised word, the claims
  (and the clauses of claims, as ``<claim id>/<n>``) using it, each with its number of words;
- ``match/stats.json``: live claims by status and speaker, for the report's disputed speakers.

A lookup reads the word shards of its query's words, keeps the claims sharing enough words with
it, ranks them by how much of the shorter text (whole or clause) they share, and scores the best
ones with rapidfuzz ``token_set_ratio`` (0–100) over normalised text, reading only their rows.
Scores ignore word order, extra words on either side and simple inflections, so a repeated
claim is found in a longer sentence. Nothing here reads the article files.

Memory does not grow with the index. A batch of claims touches a large share of the word shards,
so shards are never held open in the transaction: lookups read them through a cache of the most
recently read ``CACHE_BYTES``, and changes are ``Transaction.edit``s, made to the cached copies
too (so later lookups of the batch see them) and at commit to each shard in turn, read, changed,
written and freed.
"""

from __future__ import annotations

import functools
import heapq
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from claimtrack.storage import Change, Transaction

MATCH_DIR = "match"
ROWS_DIR = f"{MATCH_DIR}/claims"
WORDS_DIR = f"{MATCH_DIR}/words"
STATS_FILE = f"{MATCH_DIR}/stats.json"
#: Hex digits naming a shard: 16³ = 4096 shards of rows and of words.
SHARD_DIGITS = 3
#: Score from which a claim in another article is taken to be the same claim and linked.
LINK_THRESHOLD = 80.0
#: Score from which ``similar`` and ``search`` list a claim.
SEARCH_THRESHOLD = 60.0
#: A match must share at least this many content words (fewer when the query is shorter).
MIN_SHARED = 3
#: Claims scored per lookup: at least ``CANDIDATES``, ``PER_RESULT`` per result asked for when
#: that is more; best word overlap first. A lookup reads the rows of these only.
CANDIDATES = 20
PER_RESULT = 6
#: Bytes (on disk) of the shards read by lookups that a match index keeps parsed, the most
#: recently used: a batch's lookups touch most shards, and keeping them all would hold the whole
#: index in memory.
CACHE_BYTES = 4_000_000

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "without",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "they",
        "them",
        "their",
        "there",
        "here",
        "he",
        "she",
        "his",
        "her",
        "him",
        "we",
        "our",
        "us",
        "you",
        "your",
        "i",
        "me",
        "my",
        "said",
        "says",
        "say",
        "told",
        "tells",
        "also",
        "than",
        "then",
        "so",
        "such",
        "not",
        "no",
        "nor",
        "very",
        "more",
        "most",
        "much",
        "many",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "during",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "each",
        "both",
        "some",
        "just",
        "only",
        "own",
        "same",
        "other",
    }
)
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")
_CLAUSE = re.compile(
    r"[;:()“”\"]|,(?=\s)|\b(?:and|but|while|whereas|as|which|because|although|after|before)\b",
    re.IGNORECASE,
)
_SUFFIXES = ("ations", "ation", "ions", "ion", "ings", "ing", "ances", "ance", "ed", "es", "s")


def normalise(text: str) -> str:
    """Lower-case content words, lightly stemmed, in their original order."""
    text = _THOUSANDS.sub("", text.casefold())
    return " ".join(_stem(w) for w in _WORD.findall(text) if w not in _STOPWORDS)


def keys(text: str) -> list[str]:
    """The normalised forms a claim is matched by: the whole, then each clause long enough.

    A claim repeated inside a longer sentence ("She cited the construction of ... as an
    example of ...") still matches on the clause that carries it.
    """
    whole = normalise(text)
    clauses = [normalise(part) for part in _CLAUSE.split(text)]
    found = [whole] + [c for c in clauses if len(c.split()) >= MIN_SHARED and c != whole]
    return list(dict.fromkeys(found))


def _stem(word: str) -> str:
    if word.isalpha():
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                return word[: -len(suffix)]
    return word


def _share_enough(left: set[str], right: set[str]) -> bool:
    return len(left & right) >= min(MIN_SHARED, len(left), len(right)) > 0


def _score(queries: list[tuple[str, set[str]]], item: dict[str, Any], threshold: float) -> float:
    """The best score of a row's forms against the query's (0 below ``threshold``).

    A form qualifies when its token-set ratio reaches ``threshold`` (one text's words wholly
    inside the other's score 100); its score is the mean of that and the token-sort ratio, so a
    short query inside a long claim scores less than the same claim again, and only identical
    word lists score 100.
    """
    from rapidfuzz import fuzz  # imported here: marking claims must not pay for it

    best = 0.0
    for form in (item["norm"], *item.get("clauses", ())):
        words = set(form.split())
        for query, query_words in queries:
            if not _share_enough(query_words, words):
                continue
            overlap = fuzz.token_set_ratio(query, form, score_cutoff=threshold)
            if overlap:
                best = max(best, (overlap + fuzz.token_sort_ratio(query, form)) / 2)
    return float(best)


def row_file(claim_id: str) -> str:
    """The index shard holding a claim's row."""
    return f"{ROWS_DIR}/{claim_id[:SHARD_DIGITS]}.json"


def word_file(word: str) -> str:
    """The index shard holding a word's postings."""
    return f"{WORDS_DIR}/{zlib.crc32(word.encode()) & 0xFFF:03x}.json"


def row(doc: dict[str, Any]) -> dict[str, Any]:
    """The compact index row of a stored claim."""
    speaker = doc.get("speaker") or {}
    forms = keys(doc.get("claim") or doc["text"])
    return {
        "id": doc["id"],
        "article": doc["article"],
        "norm": forms[0],
        "clauses": forms[1:],
        "status": doc["status"],
        "speaker": speaker.get("name") or speaker.get("mention"),
        "type": doc["type"],
        "seen": doc.get("first_seen"),
    }


def posting_keys(item: dict[str, Any]) -> list[tuple[str, set[str]]]:
    """The keys a row is posted under, each with its words: the claim id for the whole text,
    ``<claim id>/<n>`` for its n-th clause."""
    claim_id = item["id"]
    keys_ = [(claim_id, set(item["norm"].split()))]
    for number, clause in enumerate(item.get("clauses", ()), start=1):
        keys_.append((f"{claim_id}/{number}", set(clause.split())))
    return keys_


@dataclass
class MatchIndex:
    """The match index of one transaction: rows, word postings and speaker counts.

    Shards are read as parsed JSON (no TinyDB documents) without being opened in the transaction,
    through a cache of the most recent ``CACHE_BYTES`` that the many lookups of one scan share,
    and changed with ``Transaction.edit`` (see the module's docstring). While the index is
    rebuilt (after ``clear``) every shard is open instead.
    """

    tx: Transaction
    _cache: dict[str, tuple[dict[str, Any], int]] = field(
        default_factory=dict, init=False, repr=False
    )
    _cached: int = field(default=0, init=False, repr=False)
    _rebuilding: bool = field(default=False, init=False, repr=False)

    def _table(self, name: str, table: str) -> dict[str, Any]:
        """A table of a shard, to read only: the open copy, or a cached one."""
        if self.tx.is_open(name):
            return self.tx.tables(name).get(table) or {}
        entry = self._cache.pop(name, None)
        if entry is None:
            path = self.tx.path(name)
            entry = (self.tx.peek(name), path.stat().st_size if path.exists() else 0)
            self._cached += entry[1]
        self._cache[name] = entry
        while self._cached > CACHE_BYTES and len(self._cache) > 1:
            self._cached -= self._cache.pop(next(iter(self._cache)))[1]
        return entry[0].get(table) or {}

    def _edit(self, name: str, change: Change) -> None:
        """Change a shard at commit, and its cached copy now."""
        if self._rebuilding:
            self.tx.tables(name)  # open: a rebuild rewrites every shard
        self.tx.edit(name, change)
        entry = self._cache.get(name)
        if entry is not None and not self.tx.is_open(name):
            change(entry[0])

    def _writable(self, name: str, table: str) -> dict[str, Any]:
        self.tx.changed(name)
        tables = self.tx.tables(name)
        found: dict[str, Any] = tables.setdefault(table, {})
        return found

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        """Index new claims (a claim indexed already is replaced)."""
        for doc in docs:
            self._put(row(doc))

    def update(self, claim_id: str, **changes: Any) -> None:
        """Change the row of one claim (its status, or its text after an edit)."""
        name = row_file(claim_id)
        item = self._table(name, "claims").get(claim_id)
        if item is None:
            return
        if "norm" in changes or "clauses" in changes:
            self._put(item | changes)
            return
        self._count(item, -1)
        self._edit(name, functools.partial(_set_row, claim_id, item | changes))
        self._count(item | changes, +1)

    def drop(self, claim_ids: Iterable[str]) -> None:
        """Remove claims that are no longer in their article."""
        for claim_id in set(claim_ids):
            self._remove(claim_id)

    def clear(self) -> None:
        """Empty the index (before a rebuild); files of older layouts are deleted."""
        self._cache.clear()
        self._cached, self._rebuilding = 0, True
        folder = self.tx.root / MATCH_DIR
        current = {ROWS_DIR, WORDS_DIR}
        for path in sorted(folder.rglob("*.json")) if folder.is_dir() else []:
            relative = path.relative_to(self.tx.root).as_posix()
            if path.name.startswith("."):
                continue
            if relative.rsplit("/", 1)[0] in current or relative == STATS_FILE:
                self.tx.replace(relative, {})
            else:
                self.tx.remove(relative)
        self.tx.replace(STATS_FILE, {})

    def speakers(self, statuses: Iterable[str]) -> Counter[str]:
        """Live claims per speaker among claims with one of ``statuses``."""
        counts: Counter[str] = Counter()
        by_status = self._table(STATS_FILE, "speakers")
        for status in statuses:
            counts.update(by_status.get(status, {}))
        return counts

    def find(
        self,
        text: str,
        threshold: float = SEARCH_THRESHOLD,
        limit: int = 20,
        exclude_article: str | None = None,
        exclude_id: str | None = None,
    ) -> list[tuple[dict[str, Any], float]]:
        """Indexed claims alike to ``text``, best first, as (row, score) pairs."""
        forms = keys(text)
        queries = [(query, set(query.split())) for query in forms]
        found = []
        for claim_id in self._candidates(forms, max(CANDIDATES, PER_RESULT * limit)):
            item = self._table(row_file(claim_id), "claims").get(claim_id)
            if item is None or item["article"] == exclude_article or claim_id == exclude_id:
                continue
            value = _score(queries, item, threshold)
            if value:
                found.append((dict(item), float(value)))
        found.sort(key=lambda pair: (-pair[1], pair[0]["seen"] or "", pair[0]["id"]))
        return found[:limit]

    def _candidates(self, forms: list[str], wanted: int) -> list[str]:
        """The claims sharing enough words with the query: all, or the ``wanted`` sharing most.

        ``forms`` are the query's normalised forms (``keys``). A claim qualifies when it shares
        ``need`` words with one of them; its rank is the largest share of the shorter text that
        one of its forms (whole or clause) has in common with one of the query's, so a form
        wholly inside the other (a score of 100) ranks first. Only the postings of the rarest
        words are walked: a form sharing ``need`` words shares one of the ``len(words) - need
        + 1`` rarest, so the most common words (in nearly every claim, at worst) are only
        looked up for the forms found.
        """
        queries = [words for words in (set(form.split()) for form in forms) if words]
        postings = {
            w: self._table(word_file(w), "words").get(w) or {} for w in set().union(*queries)
        }
        best: dict[str, tuple[float, int]] = {}
        for words in queries:
            need = min(MIN_SHARED, len(words))
            ordered = sorted((postings[w] for w in words), key=len)
            rare = len(ordered) - need + 1
            shared: Counter[str] = Counter()
            sizes: dict[str, int] = {}
            for posting in ordered[:rare]:
                shared.update(posting.keys())
                sizes.update(posting)
            for posting in ordered[rare:]:
                shared.update(shared.keys() & posting.keys())
            for key in [key for key, count in shared.items() if count >= need]:
                count = shared[key]
                rank = (count / min(len(words), sizes[key]), count)
                claim_id = key.partition("/")[0]
                if rank > best.get(claim_id, (0.0, 0)):
                    best[claim_id] = rank
        if len(best) <= wanted:
            return sorted(best)
        ranked = heapq.nsmallest(wanted, ((-r, -n, c) for c, (r, n) in best.items()))
        return [claim_id for _, _, claim_id in ranked]

    def _put(self, item: dict[str, Any]) -> None:
        claim_id = item["id"]
        self._remove(claim_id)
        self._edit(row_file(claim_id), functools.partial(_set_row, claim_id, item))
        for key, words in posting_keys(item):
            for word in words:
                self._edit(word_file(word), functools.partial(_post, word, key, len(words)))
        self._count(item, +1)

    def _remove(self, claim_id: str) -> None:
        rows = self._table(row_file(claim_id), "claims")
        item = rows.get(claim_id)
        if item is None:
            return
        self._edit(row_file(claim_id), functools.partial(_drop_row, claim_id))
        for key, words in posting_keys(item):
            for word in words:
                self._edit(word_file(word), functools.partial(_unpost, word, key))
        self._count(item, -1)

    def _count(self, item: dict[str, Any], delta: int) -> None:
        speaker = item.get("speaker")
        if not speaker:
            return
        by_status = self._writable(STATS_FILE, "speakers")
        counts = by_status.setdefault(item["status"], {})
        counts[speaker] = counts.get(speaker, 0) + delta
        if counts[speaker] <= 0:
            del counts[speaker]
        if not counts:
            del by_status[item["status"]]


# -- changes to shards, made at commit (``Transaction.edit``) -----------------------------------


def _set_row(claim_id: str, item: dict[str, Any], tables: dict[str, dict[str, Any]]) -> None:
    tables.setdefault("claims", {})[claim_id] = item


def _drop_row(claim_id: str, tables: dict[str, dict[str, Any]]) -> None:
    tables.setdefault("claims", {}).pop(claim_id, None)


def _post(word: str, key: str, size: int, tables: dict[str, dict[str, Any]]) -> None:
    tables.setdefault("words", {}).setdefault(word, {})[key] = size


def _unpost(word: str, key: str, tables: dict[str, dict[str, Any]]) -> None:
    postings = tables.setdefault("words", {})
    claims = postings.get(word, {})
    claims.pop(key, None)
    if not claims:
        postings.pop(word, None)
