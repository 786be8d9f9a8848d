"""Learn which capitalised words are titles before a person's name from news text.

For every token of the texts, parsed with claimtrack's spaCy pipeline, counts how often a
capitalised word outside any entity stands right before a PERSON entity ("Mayor" in "Mayor Ana
Ruiz", "Sen." in "Sen. Chuck Grassley") and how often it occurs capitalised at all. Words that
do so often enough are written to ``plugins/data/titles.json``; the attribution plugin strips
them from the front of a name the recogniser missed ("Mayor Ana Ruiz" said → "Ana Ruiz"). The
titles are learned from the recogniser's own decisions on news, not listed by hand.

usage: python scripts/train_name_titles.py ../shared/data/polnear/train [--min-count 5]
       [--min-rate 0.3] [--limit N] [--out plugins/data/titles.json]

The shipped file was made with ``--limit 300`` (the first 300 training articles: a title that
matters shows up there many times over, and the parse of all 840 takes long).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from claimtrack.nlp import load_model


def count(texts: list[str]) -> tuple[Counter[str], Counter[str]]:
    """(capitalised occurrences, occurrences right before a PERSON entity) per lower-cased word."""
    nlp = load_model()
    seen: Counter[str] = Counter()
    before: Counter[str] = Counter()
    for doc in nlp.pipe(texts):
        for token in doc:
            if not (token.is_title or token.is_upper):
                continue
            if token.ent_type_ or len(token.text) < 2 or token.pos_ not in ("PROPN", "NOUN"):
                continue
            key = token.lower_
            seen[key] += 1
            after = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if after is not None and after.ent_type_ == "PERSON" and after.ent_iob_ == "B":
                before[key] += 1
    return seen, before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--min-rate", type=float, default=0.3)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", type=Path, default=Path("plugins/data/titles.json"))
    args = parser.parse_args()
    paths = sorted((args.split / "text").glob("*.txt"))[: args.limit]
    seen, before = count([path.read_text(encoding="utf-8") for path in paths])
    titles = {
        word: [before[word], seen[word]]
        for word in sorted(before)
        if before[word] >= args.min_count and before[word] >= args.min_rate * seen[word]
    }
    args.out.write_text(
        json.dumps(
            {
                "source": "PolNeAR v1.0.0 train texts (Newell, Margolin and Ruths, 2018)",
                "articles": len(paths),
                "min_count": args.min_count,
                "min_rate": args.min_rate,
                "counts": "word: [times right before a PERSON entity, capitalised occurrences]",
                "titles": titles,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(titles)} titles written to {args.out}")


if __name__ == "__main__":
    main()
