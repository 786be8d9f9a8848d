"""Copying a whole desk (``claimtrack db copy``): a synthetic desk of N articles, timed.

    python benchmarks/desk_copy.py [--articles 10000] [--target URL] [--work FOLDER]

Builds an embedded desk of ``--articles`` synthetic articles (four claims each, made-up words so
that claims are as varied as news; a claim in ten verified with a note and an evidence link),
then times ``copy_desk`` into a new embedded desk (or ``--target``, any backend, and back into a
new embedded desk) and prints one JSON object: the seconds of each copy, the counts, and whether
the digests of every side agree.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from claimtrack.model import Claim, Metadata
from claimtrack.store import (
    ArticleRecord,
    Change,
    ClaimRecord,
    Evidence,
    Note,
    Store,
    StoredArticle,
    open_store,
)
from claimtrack.store.transfer import copy_desk
from claimtrack.text import make_article

SYLLABLES = ("ka", "lo", "mi", "ran", "tes", "por", "vu", "shen", "da", "gri", "nol", "ep")
CLAIMS = 4
STAMP = "2026-12-01T09:00:00+00:00"


def synthetic_desk(count: int, seed: int = 1) -> tuple[list[StoredArticle], list[Change]]:
    """``count`` articles as a desk would store them, and the history of their verdicts."""
    rng = random.Random(seed)
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(5000)})
    articles, changes = [], []
    for number in range(count):
        sentences = [
            f"The {' '.join(rng.sample(words, 3))} rose by {rng.randint(2, 99_000)} in "
            f"{' '.join(rng.sample(words, 4))}."
            for _ in range(CLAIMS)
        ]
        text = f"Report {number}\n\n" + " ".join(sentences)
        article = make_article(text, f"/bench/report{number}.txt", Metadata(title=f"R{number}"))
        at, claims = text.index("\n\n") + 2, []
        for sentence in sentences:
            claim = Claim.from_span(article, at, at + len(sentence), score=0.9, checkworthy=True)
            at += len(sentence) + 1
            doc = claim.to_json() | {"article": article.id, "first_seen": STAMP, "updated": STAMP}
            if rng.random() < 0.1:
                note = Note(f"n{claim.id}", "checked against the ministry's figures", "ana", STAMP)
                link = Evidence(f"e{claim.id}", "url", "https://example.org/a", stance="supports")
                doc |= {"status": "verified", "notes": [asdict(note)], "evidence": [link.to_json()]}
                changes.append(
                    Change(f"c{claim.id}", STAMP, "ana", claim.id, article.id, "status",
                           before="unverified", after="verified", note=note.text)
                )  # fmt: skip
            claims.append(ClaimRecord.from_json(doc))
        record = ArticleRecord(
            id=article.id, source=article.source, sha256=article.sha256, title=f"R{number}",
            scanned=STAMP, updated=STAMP, first_scanned=STAMP, text=text,
        )  # fmt: skip
        articles.append(StoredArticle(record, tuple(claims)))
    return articles, changes


def timed_copy(source: Store, target: Store) -> dict[str, Any]:
    """Copy ``source`` into ``target``; the seconds, the counts and whether the digests agree."""
    started = time.perf_counter()
    copied, stored = copy_desk(source, target)
    return {
        "from": source.location,
        "to": target.location,
        "seconds": round(time.perf_counter() - started, 2),
        "counts": copied.counts(),
        "digest": copied.digest,
        "identical": copied.digest == stored.digest and copied.counts() == stored.counts(),
    }


def main(argv: list[str] | None = None) -> int:
    """Build the desk, copy it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--target", help="Another backend's desk (an empty one) to copy to.")
    parser.add_argument("--work", help="Folder for the embedded desks (default: temporary).")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="claimtrack-copy-"))
    started = time.perf_counter()
    source = open_store(work / "source")
    source.load(*synthetic_desk(args.articles))
    figures: dict[str, Any] = {"articles": args.articles, "build_s": time.perf_counter() - started}
    if args.target:
        figures["there"] = timed_copy(source, open_store(args.target))
        figures["back"] = timed_copy(open_store(args.target), open_store(work / "back"))
    else:
        figures["copy"] = timed_copy(source, open_store(work / "copy"))
    print(orjson.dumps(figures, option=orjson.OPT_INDENT_2).decode())
    return 0 if all(v["identical"] for v in figures.values() if isinstance(v, dict)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
