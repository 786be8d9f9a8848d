"""Evaluate speaker attribution directly, without the CLI, and list its errors.

Each article runs through the bundled plugins in process, as ``claimtrack scan --all`` does
(claims are split after attribution, so the split claims count as the CLI's do), and the
attribution plugin's own time is measured apart. Reports, as one JSON object:

- ``--polnear DIR``: claimer P/R/F1 on a PolNeAR split, matched as ``score_attribution.py`` does
  (gold relations with a Content of at least 15 characters; a speaker counts when its mention
  overlaps the Source or its name equals the Source text);
- ``--news DIR``: speaker accuracy on sentence-labelled news, over every sentence both labellers
  call CFS with the same speaker, matched by a check-worthy claim as ``score_news.py`` does
  (``--every``: by any claim).

``--errors N`` prints up to N misses and N false speakers to stderr, to read error classes;
``--seed`` picks which. ``--limit`` takes the first articles only.

usage: python scripts/eval_attribution_direct.py [--polnear DIR] [--news DIR] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

from claimtrack import Article, Claim
from claimtrack.evaluation import norm_name, overlap, parse_ann, read_text, span_match
from claimtrack.pipeline import load_article, scan_article
from claimtrack.plugins import PluginHost, load_plugins
from claimtrack_plugins import attribution


@cache
def _host() -> PluginHost:
    return load_plugins(entry_points=False)


def claims_of(path: Path) -> tuple[Article, list[Claim], float]:
    """The scanned article, its claims (all of them) and the seconds attribution took."""
    article = load_article(_host(), str(path))
    result = scan_article(_host(), article)
    article.doc  # noqa: B018 - parsed again (the scan's parse ended with it), not timed below
    t0 = time.perf_counter()
    attribution.attribute(article)
    return result.article, list(result.claims), time.perf_counter() - t0


def speaker_ok(claim: Claim, source: tuple[int, int], text: str) -> bool:
    """Whether a claim's speaker matches a gold Source span."""
    sp = claim.speaker
    if sp is None:
        return False
    if sp.start is not None and sp.end is not None and overlap((sp.start, sp.end), source) > 0:
        return True
    return bool(sp.name) and norm_name(sp.name) == norm_name(text[source[0] : source[1]])


def _show(text: str, claim: Claim, extra: str) -> str:
    sp = claim.speaker
    got = f"{sp.mention!r}->{sp.name!r}" if sp else "None"
    return f"  claim: {claim.text[:220]!r}\n  got: {got}  {extra}"


def eval_polnear(split: Path, limit: int | None, errors: list[str], wanted: int) -> dict[str, Any]:
    """Claimer P/R/F1 over a PolNeAR split; misses and false speakers appended to ``errors``."""
    n_src = n_ok = n_pred = n_pred_ok = 0
    seconds = 0.0
    misses: list[str] = []
    wrong: list[str] = []
    texts = sorted((split / "text").glob("*.txt"))[:limit]
    for txt in texts:
        anns = sorted((split / "attributions").glob(txt.stem + "*.ann"))
        if not anns:
            continue
        text = read_text(txt)
        _, claims, spent = claims_of(txt)
        seconds += spent
        gold = parse_ann(anns[0])
        for g in gold:
            if not g["source"]:
                continue
            n_src += 1
            matches = [c for c in claims if span_match((c.start, c.end), g["content"])]
            if any(speaker_ok(c, g["source"], text) for c in matches):
                n_ok += 1
            elif matches and wanted:
                s, e = g["source"]
                cue = text[g["cue"][0] : g["cue"][1]] if g["cue"] else None
                misses.append(
                    f"{txt.name}\n{_show(text, matches[0], f'gold: {text[s:e]!r} cue: {cue!r}')}"
                )
        for c in claims:
            if c.speaker is None:
                continue
            n_pred += 1
            good = [g for g in gold if g["source"] and span_match((c.start, c.end), g["content"])]
            if any(speaker_ok(c, g["source"], text) for g in good):
                n_pred_ok += 1
            elif wanted:
                golds = [text[g["source"][0] : g["source"][1]] for g in good]
                wrong.append(f"{txt.name}\n{_show(text, c, f'gold: {golds}')}")
    _sample("PolNeAR miss", misses, wanted, errors)
    _sample("PolNeAR false speaker", wrong, wanted, errors)
    p = n_pred_ok / n_pred if n_pred else 0.0
    r = n_ok / n_src if n_src else 0.0
    return {
        "articles": len(texts),
        "relations_with_source": n_src,
        "claimer_precision": round(p, 4),
        "claimer_recall": round(r, 4),
        "claimer_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "claims_with_speaker": n_pred,
        "ms_per_article": round(1000 * seconds / max(1, len(texts)), 3),
    }


def eval_news(gold: Path, every: bool, errors: list[str], wanted: int) -> dict[str, Any]:
    """Speaker accuracy over sentences both labellers call CFS with the same speaker.

    Counts sentences matched by a check-worthy claim, as ``score_news.py`` does, or with
    ``every`` by any claim (so that the check-worthiness decision does not hide speaker errors).
    """
    folders = sorted(p for p in gold.glob("labels_*") if p.is_dir())
    n = ok = named_n = named_ok = 0
    wrong: list[str] = []
    for sf in sorted((gold / "sentences").glob("*.json")):
        sentences = json.loads(sf.read_text(encoding="utf-8"))["sentences"]
        la, lb = (json.loads((f / sf.name).read_text(encoding="utf-8"))["labels"] for f in folders)
        path = gold / "text" / (sf.stem + ".txt")
        text = read_text(path)
        _, claims, _ = claims_of(path)
        for s, a, b in zip(sentences, la, lb, strict=True):
            if a["label"] != "CFS" or b["label"] != "CFS":
                continue
            want = norm_name(a.get("speaker"))
            if not want or want != norm_name(b.get("speaker")):
                continue
            hits = [
                c
                for c in claims
                if (c.checkworthy or every) and span_match((c.start, c.end), (s["start"], s["end"]))
            ]
            if not hits:
                continue
            got = {norm_name(c.speaker.name if c.speaker else None) or "author" for c in hits}
            n += 1
            ok += want in got
            if want != "author":
                named_n += 1
                named_ok += want in got
            if want not in got:
                wrong.append(f"{sf.stem}\n{_show(text, hits[0], f'gold: {want!r}')}")
    _sample("news speaker", wrong, wanted, errors)
    return {
        "speaker_accuracy": round(ok / n, 4) if n else 0.0,
        "speaker_n": n,
        "named_speaker_accuracy": round(named_ok / named_n, 4) if named_n else 0.0,
        "named_speaker_n": named_n,
    }


def _sample(kind: str, found: list[str], wanted: int, errors: list[str]) -> None:
    picked = random.sample(found, min(wanted, len(found))) if wanted else []
    errors.extend(f"[{kind}] {item}" for item in picked)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--polnear", type=Path)
    ap.add_argument("--news", type=Path)
    ap.add_argument("--every", action="store_true")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    random.seed(a.seed)
    errors: list[str] = []
    report: dict[str, Any] = {}
    if a.polnear:
        report["polnear"] = eval_polnear(a.polnear, a.limit, errors, a.errors)
    if a.news:
        report["news"] = eval_news(a.news, a.every, errors, a.errors)
    for item in errors:
        print(item, file=sys.stderr)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
