"""Evaluate the check-worthiness scorer directly, without the CLI.

Each CheckThat! 2024 sentence is scored alone with ``score_text``; the sentences of a transcript or
an article are scored together with ``score_sentences``, so that neighbours weigh in as they do in
the plugin's hook (the CLI scores the segmenter's claims, so its figures can differ slightly).
Reports, as one JSON object:

- ``--tsv FILE``: P/R/F1 of the Yes class of a CheckThat! 2024 file, and sentences per second;
- ``--ranking DIR``: MAP and R-precision over CheckThat! 2019 transcripts (lines ranked by score);
- ``--news DIR``: P/R/F1 of CFS on sentence-labelled news, counting only sentences where both
  labellers agree on CFS versus not (as ``score_news.py`` does).

usage: python scripts/eval_checkworthy_direct.py [--tsv FILE]... [--ranking DIR] [--news DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path
from typing import Any

from claimtrack_plugins.checkworthiness import is_checkworthy, score_sentences, score_text


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Precision, recall and F1 of the positive class."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def decide(scored: list[tuple[float, bool]], seconds: float) -> dict[str, Any]:
    """Compare the decisions on (score, gold) pairs with the gold labels."""
    predicted = [is_checkworthy(score) for score, _ in scored]
    gold = [g for _, g in scored]
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    out = prf(tp, fp, fn)
    out.update({"sentences": len(scored), "sentences_per_s": round(len(scored) / seconds, 1)})
    return out


def eval_tsv(path: Path) -> dict[str, Any]:
    """CheckThat! 2024 task 1 TSV."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    t0 = time.perf_counter()
    scored = [(score_text(r["Text"].strip()), r["class_label"].strip() == "Yes") for r in rows]
    return decide(scored, time.perf_counter() - t0)


def average_precision(ranked: list[int]) -> float:
    """AP of a ranked list of 0/1 labels."""
    hits, total = 0, 0.0
    for i, y in enumerate(ranked, 1):
        if y:
            hits += 1
            total += hits / i
    return total / hits if hits else 0.0


def eval_ranking(folder: Path) -> dict[str, Any]:
    """CheckThat! 2019 transcripts: lines ranked by score within each transcript."""
    aps, rps = [], []
    for path in sorted(folder.glob("*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows = [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) >= 4]
        scores = score_sentences([r[2].strip() for r in rows])
        labels = [int(r[3]) for r in rows]
        scored = sorted(zip((-s for s in scores), range(len(rows)), labels, strict=True))
        ranked = [y for _, _, y in scored]
        aps.append(average_precision(ranked))
        npos = sum(ranked)
        rps.append(sum(ranked[:npos]) / npos if npos else 0.0)
    return {
        "transcripts": len(aps),
        "map": round(sum(aps) / len(aps), 4),
        "r_precision": round(sum(rps) / len(rps), 4),
    }


def eval_news(gold: Path) -> dict[str, Any]:
    """Sentence-labelled news; gold is where both labellers agree on CFS versus not."""
    folders = sorted(p for p in gold.glob("labels_*") if p.is_dir())
    scored, seconds = [], 0.0
    for sf in sorted((gold / "sentences").glob("*.json")):
        sentences = json.loads(sf.read_text(encoding="utf-8"))["sentences"]
        la, lb = (json.loads((f / sf.name).read_text(encoding="utf-8"))["labels"] for f in folders)
        t0 = time.perf_counter()
        scores = score_sentences([s["text"] for s in sentences])
        seconds += time.perf_counter() - t0
        for score, a, b in zip(scores, la, lb, strict=True):
            if (a["label"] == "CFS") == (b["label"] == "CFS"):
                scored.append((score, a["label"] == "CFS"))
    return decide(scored, seconds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tsv", type=Path, action="append", default=[])
    ap.add_argument("--ranking", type=Path)
    ap.add_argument("--news", type=Path)
    a = ap.parse_args()
    report: dict[str, Any] = {p.name: eval_tsv(p) for p in a.tsv}
    if a.ranking:
        report["ranking"] = eval_ranking(a.ranking)
    if a.news:
        report["news"] = eval_news(a.news)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
