"""Evaluate the contradiction plugin directly, without the CLI.

Articles are segmented by the core and every sentence becomes a claim, as a scan's extractor
would make them; no attribution runs, so speakers are unknown unless ``--speaker`` sets the
ProSeCCo speaker on every claim (what a working attribution stage would do). Prints one JSON
object:

- ``--pairs FILE.csv``: ProSeCCo pairs written as little articles exactly as
  ``score_contradiction.py`` writes them; P/R/F1 and balanced accuracy, plus ``--show`` flags;
- ``--articles DIR``: flags per 100 real articles, every flag listed.

usage: python scripts/eval_contradictions_direct.py [--pairs FILE] [--articles DIR] [--speaker]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

from claimtrack import Article, Claim, Speaker
from claimtrack.text import make_article
from claimtrack_plugins.contradictions import find_contradictions

TEMPLATE = (
    "{name} said: \u201c{a}\u201d\n\nLater in the same discussion, {name} said: \u201c{b}\u201d\n"
)
NAME = "Jordan Ellis"


def sentence_claims(article: Article, speaker: Speaker | None) -> list[Claim]:
    """One claim per sentence, trimmed of surrounding space."""
    claims = []
    for s in article.sentences:
        text = article.text[s.start : s.end]
        start = s.start + len(text) - len(text.lstrip())
        end = s.end - (len(text) - len(text.rstrip()))
        if start < end:
            claims.append(Claim.from_span(article, start, end, speaker=speaker))
    return claims


def overlap_half(pred: tuple[int, int], gold: tuple[int, int]) -> bool:
    """The scorers' span match: overlap covers half of either span."""
    o = max(0, min(pred[1], gold[1]) - max(pred[0], gold[0]))
    return o * 2 >= gold[1] - gold[0] or o * 2 >= pred[1] - pred[0]


def eval_pairs(path: Path, with_speaker: bool, show: bool) -> dict[str, Any]:
    """Score the ProSeCCo pairs as ``score_contradiction.py`` does."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    tp = fp = fn = tn = 0
    flags = []
    for r in rows:
        a, b = r["locution_1"].strip(), r["locution_2"].strip()
        text = TEMPLATE.format(name=NAME, a=a, b=b)
        sa = text.index(a)
        sb = text.index(b, sa + len(a))
        article = make_article(text, r["id"])
        speaker = Speaker(name=NAME, mention=NAME) if with_speaker else None
        pred = False
        for c in find_contradictions(article, sentence_claims(article, speaker)):
            pa, pb = (c.a.start, c.a.end), (c.b.start, c.b.end)
            ga, gb = (sa, sa + len(a)), (sb, sb + len(b))
            if (overlap_half(pa, ga) and overlap_half(pb, gb)) or (
                overlap_half(pa, gb) and overlap_half(pb, ga)
            ):
                pred = True
                flags.append({"id": r["id"], "gold": r["label"], "kind": c.kind,
                              "explanation": c.explanation})  # fmt: skip
        gold = r["label"] == "self-contradiction"
        tp += gold and pred
        fp += (not gold) and pred
        fn += gold and not pred
        tn += (not gold) and not pred
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    out: dict[str, Any] = {
        "pairs": len(rows),
        "precision": round(p, 4),
        "recall": round(rec, 4),
        "balanced_accuracy": round((rec + (tn / (tn + fp) if tn + fp else 0.0)) / 2, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }
    if show:
        out["flags"] = flags
    return out


def eval_articles(folder: Path) -> dict[str, Any]:
    """Flags per 100 articles, each listed with both sides."""
    paths = sorted(folder.rglob("*.txt"))
    flags = []
    for p in paths:
        with open(p, encoding="utf-8-sig", newline="") as f:
            article = make_article(f.read(), str(p))
        for c in find_contradictions(article, sentence_claims(article, None)):
            flags.append({"article": p.name, "kind": c.kind, "a": c.a.text[:200],
                          "b": c.b.text[:200], "explanation": c.explanation})  # fmt: skip
    per_100 = round(100 * len(flags) / len(paths), 2) if paths else 0.0
    return {"articles": len(paths), "flagged": len(flags), "per_100_articles": per_100,
            "flags": flags}  # fmt: skip


def main() -> None:
    """Parse arguments and print the figures as JSON."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pairs", type=Path)
    ap.add_argument("--articles", type=Path)
    ap.add_argument("--speaker", action="store_true", help="set the pair speaker on every claim")
    ap.add_argument("--show", action="store_true", help="list every flagged pair")
    args = ap.parse_args()
    out: dict[str, Any] = {}
    if args.pairs:
        out["pairs"] = eval_pairs(args.pairs, args.speaker, args.show)
    if args.articles:
        out["articles"] = eval_articles(args.articles)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
