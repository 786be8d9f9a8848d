"""Reading and writing the team desk's rows within one PostgreSQL transaction.

Rows are turned into the documents the embedded desk keeps (the JSON of ``records.py``), so the
logic both backends share (rescans, summaries, scoring matches) reads the same shapes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import astuple, fields
from typing import Any

from claimtrack.errors import StoreError
from claimtrack.store.documents import change_entry, id_prefix, only_article, only_id
from claimtrack.store.matching import (
    BEST_CLAIMS,
    MIN_SHARED,
    Asked,
    Ranked,
    WordMatcher,
    _Lookup,
    indexed_forms,
    row,
)
from claimtrack.store.records import ArticleRecord, Change, Evidence, Note, Rescan, Summary
from claimtrack.store.scan_plan import ARTICLE_FIELDS, stored_source


def insert(table: str, columns: Sequence[str]) -> str:
    """The statement inserting one row of ``columns`` into ``table`` (a placeholder each)."""
    return f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"


#: The claim columns, in the order ``claim_values`` gives them.
CLAIM_COLUMNS = [
    "id", "article", "start_at", "end_at", "text", "claim", "score", "checkworthy", "type",
    "status", "speaker", "speaker_name", "extractor", "details", "removed", "first_seen",
    "updated", "norm", "clauses",
]  # fmt: skip
CLAIM_INSERT = insert("claims", CLAIM_COLUMNS)
#: A claim's columns under the names of its document (``ClaimRecord.to_json``).
_CLAIM_READ = (
    'SELECT c.id, c.article, c.start_at AS start, c.end_at AS "end", c.text, c.claim, c.score,'
    " c.checkworthy, c.type, c.speaker, c.extractor, c.status, c.details, c.removed,"
    " c.first_seen, c.updated FROM claims c"
)
#: Writing an article's row: its record's fields, when it was first scanned, and its text.
ARTICLE_INSERT = insert("articles", [*ARTICLE_FIELDS, "first_scanned", "text"])
#: The columns of a note's and an evidence item's row: its claim, then its record's fields.
NOTE_COLUMNS = ["claim", *(f.name for f in fields(Note))]
EVIDENCE_COLUMNS = ["claim", *(f.name for f in fields(Evidence))]
#: The columns of a history entry's row: its ``Change`` fields, then ``details`` (the rest).
_CHANGE_FIELDS = [f.name for f in fields(Change) if f.name != "details"]
HISTORY_COLUMNS = [*_CHANGE_FIELDS, "details"]


class Tx:
    """One transaction on the server: queries whose rows come back as dicts."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Every row of a query."""
        return self.cursor.execute(sql, args).fetchall()

    def one(self, sql: str, args: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query, or None."""
        return self.cursor.execute(sql, args).fetchone()

    def value(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """The first column of a query's first row, or None when it has no row."""
        found = self.one(sql, args)
        return None if found is None else next(iter(found.values()))

    def run(self, sql: str, args: Sequence[Any] = ()) -> None:
        """Execute one statement."""
        self.cursor.execute(sql, args)

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Execute one statement for each of ``rows``."""
        if rows:
            self.cursor.executemany(sql, rows)


def as_json(value: Any) -> Any:
    """A value to store in a ``JSON`` column (its keys kept as written) or a ``JSONB`` one."""
    from psycopg.types.json import Json

    return Json(value)


# -- claims ------------------------------------------------------------------------------------


def resolve(tx: Tx, prefix: str) -> tuple[str, str]:
    """(claim id, article id) for a unique id prefix; raise ``StoreError`` otherwise."""
    prefix = id_prefix(prefix)
    found = {
        r["id"]: r["article"]
        for r in tx.all(
            "SELECT id, article FROM claims WHERE id >= %s AND id < %s ORDER BY id LIMIT 6",
            (prefix, prefix + "g"),
        )
    }
    claim_id = only_id(prefix, list(found))
    return claim_id, found[claim_id]


def resolve_article(tx: Tx, key: str) -> str:
    """An article id from an id prefix or the source it was scanned from."""
    exact = tx.all(
        "SELECT id FROM articles WHERE id = %s OR source IN (%s, %s)",
        (key, key, stored_source(key)),
    )
    found = exact or tx.all(
        "SELECT id FROM articles WHERE id >= %s AND id < %s", (key.lower(), key.lower() + "g")
    )
    return only_article(key, (r["id"] for r in found))


def claim_docs(
    tx: Tx, where: str = "", args: Sequence[Any] = (), attached: bool = True, lock: bool = False
) -> list[dict[str, Any]]:
    """Claims as documents (``where``: a condition on ``c``, or unless ``lock`` on its article
    ``a``), article by article in text order.

    ``attached`` reads their notes, evidence and links too; ``lock`` locks their rows until the
    transaction ends (in id order, so two writers never wait for each other in a circle).
    """
    clause = f" WHERE {where}" if where else ""
    if lock:
        rows = tx.all(f"{_CLAIM_READ}{clause} ORDER BY c.id FOR NO KEY UPDATE", args)
        rows.sort(key=lambda r: (r["article"], r["start"], r["end"]))
    else:
        rows = tx.all(
            f"{_CLAIM_READ} JOIN articles a ON a.id = c.article{clause}"
            " ORDER BY a.seq, c.start_at, c.end_at",
            args,
        )
    docs = [r | {"notes": [], "evidence": [], "links": []} for r in rows]
    if attached and docs:
        _attach(tx, docs)
    return docs


def claim_doc(tx: Tx, claim_id: str, lock: bool = False) -> dict[str, Any]:
    """One resolved claim as a document, with its notes, evidence and links."""
    found = claim_docs(tx, "c.id = %s", (claim_id,), lock=lock)
    if not found:
        raise StoreError(f"no claim with id {claim_id}")
    return found[0]


def _attach(tx: Tx, docs: list[dict[str, Any]]) -> None:
    """Fill in the notes, evidence and links of claim documents (three reads in all)."""
    by_id = {d["id"]: d for d in docs}
    ids = list(by_id)
    attached = "SELECT {} FROM {} WHERE claim = ANY(%s) ORDER BY seq"
    for r in tx.all(attached.format(", ".join(NOTE_COLUMNS), "notes"), (ids,)):
        by_id[r.pop("claim")]["notes"].append(r)
    for r in tx.all(attached.format(", ".join(EVIDENCE_COLUMNS), "evidence"), (ids,)):
        by_id[r.pop("claim")]["evidence"].append(Evidence(**r).to_json())
    links = "claim, other AS id, other_article AS article, score"
    for r in tx.all(attached.format(links, "claim_links"), (ids,)):
        by_id[r.pop("claim")]["links"].append(r)


def add_evidence_rows(tx: Tx, claim_id: str, items: Iterable[dict[str, Any]]) -> None:
    """Attach evidence items (as ``Evidence.to_json`` gives them, with their ids) to a claim."""
    tx.many(
        insert("evidence", EVIDENCE_COLUMNS),
        [(claim_id, *astuple(Evidence.from_json(item))) for item in items],
    )


def add_note_rows(tx: Tx, notes: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Attach notes (claim id, note as ``verdicts`` makes it, with its id) to their claims."""
    tx.many(
        insert("notes", NOTE_COLUMNS),
        [(claim_id, *(n[k] for k in NOTE_COLUMNS[1:])) for claim_id, n in notes],
    )


def claim_values(doc: dict[str, Any]) -> tuple[Any, ...]:
    """A claim document as the values of ``CLAIM_COLUMNS``."""
    forms = row(doc)
    values = doc | {
        "start_at": doc["start"],
        "end_at": doc["end"],
        "claim": doc.get("claim") or "",
        "checkworthy": bool(doc["checkworthy"]),
        "speaker": as_json(doc.get("speaker")),
        "speaker_name": forms["speaker"],
        "extractor": doc.get("extractor") or "",
        "details": as_json(dict(doc.get("details") or {})),
        "removed": bool(doc.get("removed")),
        "norm": forms["norm"],
        "clauses": as_json(forms["clauses"]),
    }
    return tuple(values.get(column) for column in CLAIM_COLUMNS)


# -- articles ----------------------------------------------------------------------------------


def article_values(record: dict[str, Any], first_scanned: str | None, text: str) -> tuple[Any, ...]:
    """An article's record, when it was first scanned and its text as the values of
    ``ARTICLE_INSERT``."""
    return (*(record.get(k) for k in ARTICLE_FIELDS), first_scanned, text)


def catalog(tx: Tx, ids: Collection[str] | None = None) -> list[dict[str, Any]]:
    """Every article's summary (or those of ``ids``) as the embedded desk's catalog holds it:
    its record with counts of live claims by status and type, in the order first stored."""
    args: tuple[Any, ...] = () if ids is None else (sorted(ids),)
    entries = {
        r["id"]: r
        for r in tx.all(
            f"SELECT {', '.join(ARTICLE_FIELDS)}, first_scanned, (SELECT count(*)"
            " FROM contradictions k WHERE k.article = articles.id) AS contradictions"
            f" FROM articles {'WHERE id = ANY(%s)' if args else ''} ORDER BY seq",
            args,
        )
    }
    counted = "AND article = ANY(%s)" if args else ""
    statuses: dict[str, Counter[str]] = {i: Counter() for i in entries}
    types: dict[str, Counter[str]] = {i: Counter() for i in entries}
    worthy: Counter[str] = Counter()
    for r in tx.all(
        "SELECT article, status, type, count(*) AS n, count(*) FILTER (WHERE checkworthy) AS w"
        f" FROM claims WHERE NOT removed {counted} GROUP BY article, status, type",
        args,
    ):
        statuses[r["article"]][r["status"]] += r["n"]
        types[r["article"]][r["type"]] += r["n"]
        worthy[r["article"]] += r["w"]
    for article_id, entry in entries.items():
        entry |= {
            "claims": sum(statuses[article_id].values()),
            "checkworthy": worthy[article_id],
            "statuses": dict(sorted(statuses[article_id].items())),
            "types": dict(sorted(types[article_id].items())),
        }
    return list(entries.values())


def summary(tx: Tx) -> Summary:
    """Counts of live claims by status and type (most first), and of articles, in two reads
    that never list the claims: the counts are ``claim_tally``'s, which triggers keep in step
    with every change to ``claims``."""
    statuses: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for r in tx.all(
        "SELECT status, type, sum(claims) AS n FROM claim_tally GROUP BY status, type"
        " HAVING sum(claims) > 0"
    ):
        statuses[r["status"]] += int(r["n"])
        types[r["type"]] += int(r["n"])
    return Summary.of(tx.value("SELECT count(*) FROM articles"), statuses, types)


def article_text(tx: Tx, article_id: str) -> str:
    """The stored text of an article."""
    return tx.value("SELECT text FROM articles WHERE id = %s", (article_id,)) or ""


def with_text(tx: Tx, entry: dict[str, Any]) -> ArticleRecord:
    """An article's catalog entry as its record, with its stored text."""
    return ArticleRecord.from_json(entry | {"text": article_text(tx, entry["id"])})


def article_rescans(tx: Tx, article_id: str) -> list[Rescan]:
    """What each rescan of an article changed, oldest first."""
    found = tx.all("SELECT body FROM rescans WHERE article = %s ORDER BY seq", (article_id,))
    return [Rescan.from_json(r["body"]) for r in found]


# -- the history -------------------------------------------------------------------------------


def record_change(
    tx: Tx, claim_id: str, article_id: str, action: str, by: str, **fields: Any
) -> dict[str, Any]:
    """Append a history entry (the history is never rewritten); return it."""
    entry = change_entry(claim_id, article_id, action, by, **fields)
    append_history(tx, [entry])
    return entry


def append_history(tx: Tx, entries: Sequence[dict[str, Any]]) -> None:
    """Append history entries (as ``Change.to_json`` gives them), in the order given."""
    tx.many(
        insert("history", HISTORY_COLUMNS),
        [
            (
                *(entry.get(k) for k in _CHANGE_FIELDS),
                as_json({k: v for k, v in entry.items() if k not in _CHANGE_FIELDS}),
            )
            for entry in entries
        ],
    )


def history(
    tx: Tx,
    where: str = "",
    args: Sequence[Any] = (),
    newest_first: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """History entries (``where``: a condition on the row), in order, the first ``limit`` of
    them (all when None); ``before``, ``after`` and ``note`` only when they hold something."""
    order = "DESC" if newest_first else "ASC"
    clause = f"WHERE {where}" if where else ""
    bound = "" if limit is None else f"LIMIT {max(int(limit), 0)}"
    found = []
    for r in tx.all(
        f"SELECT {', '.join(HISTORY_COLUMNS)} FROM history {clause} ORDER BY seq {order} {bound}",
        args,
    ):
        details = r.pop("details")  # before, after and note are left out when they are None
        found.append({k: v for k, v in r.items() if v is not None or k == "by"} | details)
    return found


# -- matching ----------------------------------------------------------------------------------


#: (``claims_said`` holds what choosing the claims reads: only those chosen are read whole.)
_BEST_CLAIMS = BEST_CLAIMS.format(
    forms="claim_forms f ON f.form_key = md5(a.form)",
    claims="(SELECT id AS claim, article, first_seen AS seen, said FROM claims"
    " WHERE NOT removed) c ON c.claim = r.claim",
    said="c.said",
    c=' COLLATE "C"',
    p="%s",
)
#: Each query form's qualifying distinct forms with their rank (``WordMatcher._rank_forms``),
#: given ``q(query, terms, pairs, need, size)``: the full-text index finds the forms holding two
#: of the words ``pairs`` asks for (``_pairs``), and the words they share with the query form
#: are counted where they are (``ts_delete``), so only those forms are read.
_RANK_FORMS = (
    "WITH q AS (SELECT * FROM unnest(%s::int[], %s::text[], %s::text[], %s::int[], %s::int[])"
    " AS q(query, terms, pairs, need, size)),"
    " shared AS (SELECT q.query, f.form, f.claims, s.n,"
    " s.n::float8 / least(q.size, length(f.words)) AS share FROM q CROSS JOIN LATERAL"
    " (SELECT form, claims, words FROM form_words"
    " WHERE words @@ ANY(string_to_array(q.pairs, ',')::tsquery[])) AS f"
    " CROSS JOIN LATERAL (SELECT length(f.words)"
    " - length(ts_delete(f.words, string_to_array(q.terms, ' '))) AS n) AS s"
    " WHERE s.n >= q.need)"
    ' SELECT DISTINCT ON (query, form COLLATE "C") query, form, claims, n, share FROM shared'
    ' ORDER BY query, form COLLATE "C", share DESC, n DESC'
)


class ServerMatchIndex(WordMatcher):
    """The match index of the team desk: each claim's forms in ``claim_forms``; triggers keep
    the distinct forms (``form_words``, their words under a GIN index, searched with
    PostgreSQL's full-text search) and the desk's vocabulary (``claim_vocab``) in step."""

    def __init__(self, tx: Tx) -> None:
        super().__init__()
        self.tx = tx
        self._counts: dict[str, int] = {}

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        """Index the forms of new (or edited) claims, replacing any they had (one statement
        each way, so the triggers run once)."""
        items = [row(doc) for doc in docs]
        self.drop(item["id"] for item in items)
        forms = indexed_forms(items)
        if forms:
            self.tx.run(
                "INSERT INTO claim_forms(claim, form) SELECT * FROM unnest(%s::text[], %s::text[])",
                ([claim for claim, _ in forms], [form for _, form in forms]),
            )

    def drop(self, claim_ids: Iterable[str]) -> None:
        """Forget the forms of claims no longer in their article."""
        wanted = sorted(set(claim_ids))
        if wanted:
            self.tx.run("DELETE FROM claim_forms WHERE claim = ANY(%s)", (wanted,))

    def speakers(self, statuses: Iterable[str]) -> Counter[str]:
        """Live claims per speaker among claims with one of ``statuses``."""
        found = self.tx.all(
            "SELECT speaker_name, count(*) AS n FROM claims WHERE NOT removed"
            " AND status = ANY(%s) AND speaker_name IS NOT NULL AND speaker_name != ''"
            ' GROUP BY speaker_name ORDER BY speaker_name COLLATE "C"',
            (list(statuses),),
        )
        return Counter({r["speaker_name"]: r["n"] for r in found})

    def _counts_of(self, terms: set[str]) -> dict[str, int]:
        """How many indexed forms hold each of ``terms`` (the desk's vocabulary, ``claim_vocab``),
        read once per matcher (once it is not 0): the counts only choose which of a query's words
        to look up (any choice finds every match), so a count that a batch makes stale costs
        time, never a match."""
        unknown = sorted(terms - self._counts.keys())
        if unknown:
            found = self.tx.all(
                "SELECT term, forms FROM claim_vocab WHERE term = ANY(%s)", (unknown,)
            )
            # A word in no claim yet may be in the next one this session stores.
            self._counts.update((r["term"], int(r["forms"])) for r in found if r["forms"])
        return {term: self._counts.get(term, 0) for term in terms}

    def _rank_forms(self, lookups: list[_Lookup]) -> list[list[Ranked]]:
        """The forms each query would rank (``WordMatcher._rank_forms``), ranked on the server:
        only forms holding two of the query's rarer words are read (``_pairs``)."""
        counts = self._counts_of(set().union(*(q.all_terms for q in lookups)))
        rows = []
        for number, lookup in enumerate(lookups):
            for words in lookup.terms:
                need = min(MIN_SHARED, len(words))
                if pairs := _pairs(words, counts, need):
                    rows.append(
                        (number, " ".join(sorted(words)), ",".join(pairs), need, len(words))
                    )
        ranked: list[list[Ranked]] = [[] for _ in lookups]
        if rows:
            for r in self.tx.all(_RANK_FORMS, [list(c) for c in zip(*rows, strict=True)]):
                ranked[r["query"]].append(((r["share"], r["n"]), r["form"], int(r["claims"])))
        for found in ranked:
            found.sort(key=lambda item: (-item[0][0], -item[0][1]))
        return ranked

    def _best_claims(
        self, asked: list[Asked], wanted: int, limit: int, exclude_article: str | None
    ) -> list[tuple[int, int, dict[str, Any]]]:
        queries, forms, ranks = (list(column) for column in zip(*asked, strict=True))
        found = self.tx.all(
            "WITH asked AS (SELECT * FROM unnest(%s::int[], %s::text[], %s::int[])"
            f" AS a(query, form, rank)), {_BEST_CLAIMS}"
            " SELECT h.query, h.found, c.id, c.article, c.norm, c.clauses, c.status,"
            " c.speaker_name AS speaker, c.type, c.first_seen AS seen FROM chosen h"
            " JOIN claims c ON c.id = h.claim WHERE h.copy <= %s",
            (queries, forms, ranks, exclude_article or "", wanted, limit),
        )
        return [(r.pop("query"), int(r.pop("found")), r) for r in found]


def _pairs(words: set[str], counts: dict[str, int], need: int) -> list[str]:
    """``tsquery``s a form sharing ``need`` of a query's ``words`` matches one of, given how many
    forms hold each word (``counts``): ``w & (x | y …)`` for each word some form holds and the
    commoner ones after it (rarest first), over all but the ``need - 2`` commonest (of ``need``
    shared words, at most ``need - 2`` are among them, so two are among the rest); one word
    alone when ``need`` is 1; none when fewer than ``need`` words are held."""
    held = sorted((w for w in words if counts[w]), key=lambda w: (counts[w], w))
    if len(held) < need:
        return []
    if need == 1:
        return [_lexeme(term) for term in held]
    rarer = [_lexeme(term) for term in held[: len(held) - need + 2]]
    return [f"{word} & ({' | '.join(rarer[at + 1 :])})" for at, word in enumerate(rarer[:-1])]


def _lexeme(term: str) -> str:
    """A word as a quoted ``tsquery`` lexeme, taken as it is."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
