"""Learn which words cue an attribution from PolNeAR's annotated training articles.

For every token of the training texts, parsed with claimtrack's spaCy pipeline, counts how often
its lemma (with its coarse part of speech) heads an annotated Cue span and how often it occurs at
all. Lemmas that cue often enough are written to ``plugins/data/cues.json`` with their rate, and
the attribution plugin reads them: which verbs of saying, thinking and reporting count is learned
from annotated news, not listed by hand.

usage: python scripts/train_attribution_cues.py ../shared/data/polnear/train [--min-count 3]
       [--min-rate 0.05] [--out plugins/data/cues.json]

The file keeps every lemma's counts above those floors; the plugin applies its own, stricter
thresholds (``MIN_CUE_COUNT``, ``MIN_CUE_RATE`` in ``_frames.py``) when it reads them.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from claimtrack.nlp import load_model


def cue_spans(ann: Path) -> list[tuple[int, int]]:
    """The character spans of the Cue annotations of one PolNeAR ``.ann`` file."""
    spans = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2 and parts[1].startswith("Cue "):
            frags = [tuple(map(int, f.split())) for f in parts[1][4:].split(";")]
            spans.extend((int(s), int(e)) for s, e in frags)
    return spans


def count(split: Path, limit: int | None) -> tuple[Counter[str], Counter[str]]:
    """(occurrences, occurrences heading a cue) per ``lemma/POS`` key."""
    nlp = load_model()
    seen: Counter[str] = Counter()
    cued: Counter[str] = Counter()
    texts = sorted((split / "text").glob("*.txt"))[:limit]
    for path in texts:
        anns = sorted((split / "attributions").glob(path.stem + "*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        doc = nlp(text)
        heads = set()
        for start, end in cue_spans(anns[0]):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                heads.add(span.root.i)
                # "according to": the preposition's head is the cue word
                heads.update(t.i for t in span if t.lower_ == "according")
        for token in doc:
            if token.pos_ not in ("VERB", "NOUN", "ADJ", "ADP") and token.lower_ != "according":
                continue
            key = f"{token.lemma_.lower()}/{token.pos_}"
            seen[key] += 1
            if token.i in heads:
                cued[key] += 1
    return seen, cued


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path)
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--min-rate", type=float, default=0.05)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", type=Path, default=Path("plugins/data/cues.json"))
    args = parser.parse_args()
    seen, cued = count(args.split, args.limit)
    cues = {
        key: [cued[key], seen[key]]
        for key in sorted(cued)
        if cued[key] >= args.min_count and cued[key] / seen[key] >= args.min_rate
    }
    args.out.write_text(
        json.dumps(
            {
                "source": "PolNeAR v1.0.0 train (Newell, Margolin and Ruths, 2018)",
                "min_count": args.min_count,
                "min_rate": args.min_rate,
                "counts": "lemma/POS: [times heading a cue, occurrences]",
                "cues": cues,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(cues)} cue lemmas written to {args.out}")


if __name__ == "__main__":
    main()
