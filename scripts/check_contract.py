"""Check ``claimtrack scan --json`` output against the scan contract (docs/contract.md).

Usage: claimtrack scan --json --no-store FILES... | python scripts/check_contract.py
Reads JSON Lines on standard input; re-reads each plain-text source to check every offset.
Prints one line per problem and a summary; exits 1 if any problem was found.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ARTICLE_KEYS = {"id", "source", "sha256", "title", "published", "publisher", "author"}
CLAIM_KEYS = {
    "id",
    "start",
    "end",
    "text",
    "claim",
    "score",
    "checkworthy",
    "type",
    "speaker",
    "extractor",
    "status",
}
CONTRADICTION_KEYS = {"id", "claims", "a", "b", "kind", "explanation", "extractor"}
TYPES = {"quantity", "event", "historical", "prediction", "causal", "rule", "position", "other"}


def problems(record: dict[str, Any]) -> list[str]:
    """Every way one output line departs from the contract."""
    found: list[str] = []
    if record.get("schema") != "claimtrack.scan/1":
        found.append(f"schema is {record.get('schema')!r}")
    article = record.get("article", {})
    if set(article) != ARTICLE_KEYS:
        found.append(f"article keys {sorted(set(article) ^ ARTICLE_KEYS)} differ")
    source = Path(article.get("source", ""))
    text = None
    if source.suffix in {".txt", ".md"} and source.exists():
        with open(source, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    ids = set()
    for claim in record.get("claims", []):
        ids.add(claim.get("id"))
        if set(claim) != CLAIM_KEYS:
            found.append(f"claim keys {sorted(set(claim) ^ CLAIM_KEYS)} differ")
            continue
        if text is not None and text[claim["start"] : claim["end"]] != claim["text"]:
            found.append(f"claim {claim['id']}: text is not the article at its offsets")
        if not 0 <= claim["score"] <= 1 or not isinstance(claim["checkworthy"], bool):
            found.append(f"claim {claim['id']}: bad score or checkworthy")
        if claim["type"] not in TYPES:
            found.append(f"claim {claim['id']}: unknown type {claim['type']!r}")
        speaker = claim["speaker"]
        if speaker is not None and set(speaker) != {"name", "mention", "start", "end"}:
            found.append(f"claim {claim['id']}: speaker keys {sorted(speaker)}")
        elif (
            speaker
            and text is not None
            and speaker["start"] is not None
            and text[speaker["start"] : speaker["end"]] != speaker["mention"]
        ):
            found.append(f"claim {claim['id']}: speaker mention is not the text at its offsets")
    for conflict in record.get("contradictions", []):
        if set(conflict) != CONTRADICTION_KEYS:
            found.append(f"contradiction keys {sorted(set(conflict) ^ CONTRADICTION_KEYS)} differ")
        elif not set(conflict["claims"]) <= ids:
            found.append(f"contradiction {conflict['id']} points at claims not in the output")
    for error in record.get("errors", []):
        if set(error) != {"plugin", "message"}:
            found.append(f"error keys {sorted(error)}")
    return found


def main() -> int:
    """Validate every line on standard input."""
    articles = claims = bad = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        articles += 1
        claims += len(record.get("claims", []))
        for problem in problems(record):
            bad += 1
            print(f"{record.get('article', {}).get('source')}: {problem}")
    print(f"{articles} articles, {claims} claims, {bad} problems")
    return 1 if bad or not articles else 0


if __name__ == "__main__":
    sys.exit(main())
